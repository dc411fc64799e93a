from corp import accounts
from pypanther import LogType, Rule, RuleTest, Severity


class AdminGroupGrant(Rule):
    id = "Corp.Okta.AdminGroupGrant"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.MEDIUM

    def rule(self, event):
        if event.get("eventType") != "group.user_membership.add":
            return False
        groups = [t.get("displayName") for t in event.get("target", []) if t.get("type") == "UserGroup"]
        return any(g in accounts.ADMIN_GROUPS for g in groups)

    def title(self, event):
        return f"Added to an admin group by {event.deep_get('actor', 'alternateId')}"

    tests = [
        RuleTest(
            name="added to okta-admins",
            expected_result=True,
            log={
                "eventType": "group.user_membership.add",
                "actor": {"alternateId": "dan"},
                "target": [{"type": "User", "displayName": "eve"}, {"type": "UserGroup", "displayName": "okta-admins"}],
            },
        ),
        RuleTest(
            name="added to another group",
            expected_result=False,
            log={
                "eventType": "group.user_membership.add",
                "target": [{"type": "UserGroup", "displayName": "everyone"}],
            },
        ),
    ]


class _Draft(Rule):
    """Not registered: `get_rules` only keeps classes with an `id`; this one has none."""

    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.LOW

    def rule(self, event):
        return False
