"""A team tuning Panther's managed GitHub audit rules.

Covers: a filtered `get_panther_rules`, `extend` in a loop over its result, `override` of
attributes and filters, tests attached to managed rules (which have none of their own once
`@panther_managed` moved them aside), `override(enabled=False)`, plain assignments and an
in-place `append`, a subclass of a managed rule (with `super()` into it and a lambda
filter), registration through a comprehension, and mocks of names in other modules (a mock written in main.py patches main.py's name, not the one the rule's filter
reads).
"""

from filters import is_bot_actor, is_corp_org, org_of
from pypanther import LogType, RuleMock, RuleTest, Severity, get_panther_rules, register
from pypanther.rules.github.github_org_moderators_add import GitHubOrgModeratorsAdd
from pypanther.rules.github.github_repo_created import GithubRepoCreated
from pypanther.rules.github.github_repo_visibility_change import GithubRepoVisibilityChange
from pypanther.rules.github.github_user_role_updated import GitHubUserRoleUpdated

# The enabled managed GitHub audit rules at HIGH (filter values are case-insensitive).
high = get_panther_rules(log_types=[LogType.GITHUB_AUDIT], default_severity="high", enabled=True)

# Every one we keep gets the team's tag and ignores bots.
for rule in high:
    rule.extend(tags=["Corp:GitHub"], exclude_filters=[is_bot_actor])


def audit_log(action, **fields):
    log = {
        "actor": "cat",
        "action": action,
        "created_at": 1621305118553,
        "org": "acme-corp",
        "p_log_type": "GitHub.Audit",
        "repo": "acme-corp/widgets",
    }
    log.update(fields)
    return log


# Only our organisation's visibility changes matter, and they are critical.
GithubRepoVisibilityChange.override(
    default_severity=Severity.CRITICAL,
    default_runbook="Ask the repository owner why the visibility changed.",
    include_filters=[is_corp_org],
)
GithubRepoVisibilityChange.extend(
    tests=[
        RuleTest(
            name="corp repo visibility changed",
            expected_result=True,
            log=audit_log("repo.access"),
            expected_severity=Severity.CRITICAL,
        ),
        RuleTest(
            name="another org is filtered out",
            expected_result=False,
            log=audit_log("repo.access", org="elsewhere", repo="elsewhere/x"),
        ),
        RuleTest(
            name="bots are excluded",
            expected_result=False,
            log=audit_log("repo.access", actor="dependabot[bot]"),
        ),
        RuleTest(
            name="a mock in main.py does not reach the filter's module",
            expected_result=True,
            log=audit_log("repo.access"),
            mocks=[RuleMock(object_name="org_of", return_value="elsewhere")],
        ),
    ]
)


# Role changes only for watched roles; the watched roles come from a function of main.py,
# which a test mocks (the filter reads it from main.py at run time).
def watched_roles():
    return ["admin"]


def role_is_watched(event):
    return event.get("new_role", "admin") in watched_roles()


GitHubUserRoleUpdated.extend(
    include_filters=[role_is_watched],
    tests=[
        RuleTest(
            name="promotion to admin",
            expected_result=True,
            log=audit_log("org.update_member", user="bob", new_role="admin"),
        ),
        RuleTest(
            name="member roles are not watched",
            expected_result=False,
            log=audit_log("org.update_member", user="bob", new_role="member"),
        ),
        RuleTest(
            name="watched roles mocked",
            expected_result=True,
            log=audit_log("org.update_member", user="bob", new_role="member"),
            mocks=[RuleMock(object_name="watched_roles", return_value=["member"])],
        ),
    ],
)

# Repository creation is noise here: registered but disabled, with a test of our own.
GithubRepoCreated.override(enabled=False)
GithubRepoCreated.tests = [
    RuleTest(
        name="disabled rules still run their tests",
        expected_result=True,
        log=audit_log("repo.create"),
        expected_title="Repository [acme-corp/widgets] created.",
    ),
]

# Plain assignments and in-place changes are configuration too.
GitHubOrgModeratorsAdd.display_name = "Org moderator added"
GitHubOrgModeratorsAdd.tags.append("Corp:Watch")
GitHubOrgModeratorsAdd.extend(
    tests=[
        RuleTest(
            name="moderator added",
            expected_result=True,
            log=audit_log("organization_moderators.add_user", user="eve"),
        ),
    ]
)



# A subclass of a managed rule, created after the changes above: it copies them (`enabled`,
# the test), and its title goes through the managed rule's with `super()`.
class CorpRepoCreated(GithubRepoCreated):
    id = "Corp.Repo.Created"

    def title(self, event):
        return "corp: " + super().title(event)


CorpRepoCreated.override(enabled=True, include_filters=[lambda event: event.get("org") == "acme-corp"])

register([r for r in high if r.id != "GitHub.Branch.PolicyOverride-prototype"])
register([GithubRepoCreated, GitHubOrgModeratorsAdd, CorpRepoCreated])
