from pypanther import LogType, Rule, RuleMock, RuleTest, Severity

BLOCKED = "KP"
WATCHED = ["alice"]


def status(user):
    return "active"


class CorpMockNew(Rule):
    id = "Corp.MockNew"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.LOW

    def rule(self, event):
        if event.get("country") == BLOCKED:
            return True
        return event.get("user") in WATCHED and status(event.get("user")) == "terminated"

    tests = [
        RuleTest(
            name="a mocked status alerts",
            expected_result=True,
            mocks=[RuleMock(object_name="status", return_value="terminated")],
            log={"p_log_type": "Okta.SystemLog", "user": "alice", "country": "FR"},
        ),
        RuleTest(
            name="the status put back does not alert",
            expected_result=False,
            mocks=[
                RuleMock(object_name="status", new=status),
                RuleMock(object_name="WATCHED", new=WATCHED),
            ],
            log={"p_log_type": "Okta.SystemLog", "user": "alice", "country": "FR"},
        ),
        RuleTest(
            name="a mocked country list",
            expected_result=False,
            mocks=[RuleMock(object_name="BLOCKED", return_value="IR")],
            log={"p_log_type": "Okta.SystemLog", "user": "bob", "country": "KP"},
        ),
        RuleTest(
            name="the country put back alerts",
            expected_result=True,
            mocks=[RuleMock(object_name="BLOCKED", new=BLOCKED)],
            log={"p_log_type": "Okta.SystemLog", "user": "bob", "country": "KP"},
        ),
    ]
