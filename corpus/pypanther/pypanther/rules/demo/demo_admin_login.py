from pypanther import LogType, Rule, RuleMock, RuleTest, Severity, panther_managed
from pypanther.helpers.demo_util import is_admin, shout

WATCHED = {"console", "api"}


def lookup_team(user):
    return "unknown"


@panther_managed
class DemoAdminLogin(Rule):
    id = "Demo.Admin.Login"
    display_name = "Demo admin login"
    log_types = [LogType.PANTHER_AUDIT]
    default_severity = Severity.HIGH
    default_runbook = "Ask the admin."
    prefix = "admin login"

    def rule(self, event):
        return is_admin(event.get("user")) and self.channel(event) in WATCHED

    def channel(self, event):
        return event.deep_get("meta", "channel", default="")

    def title(self, event):
        return f"{shout(self.prefix)} {event.get('user')} from {lookup_team(event.get('user'))}"

    def dedup(self, event):
        return event.get("session", "")

    tests = [
        RuleTest(
            name="admin on console",
            expected_result=True,
            log={"user": "root", "meta": {"channel": "console"}, "session": "s-1"},
            mocks=[RuleMock(object_name="lookup_team", return_value="ops")],
        ),
        RuleTest(
            name="admin without session",
            expected_result=True,
            log={"user": "admin", "meta": {"channel": "api"}},
        ),
        RuleTest(
            name="plain user",
            expected_result=False,
            log={"user": "bob", "meta": {"channel": "console"}},
        ),
    ]
