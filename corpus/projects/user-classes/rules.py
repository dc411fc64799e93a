from errors import DetectionInputError, MissingFieldError, require
from pypanther import LogType, Rule, RuleTest, Severity


class CorpOktaActor(Rule):
    id = "Corp.Okta.Actor"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.MEDIUM

    def rule(self, event):
        # The managed Okta data model, not the project's: actor.displayName.
        return event.udm("actor_user") == "Admin"

    def title(self, event):
        return f"{event.udm('actor_user')} from {event.udm('source_ip')}"

    tests = [
        RuleTest(
            name="managed model",
            expected_result=True,
            log={
                "p_log_type": "Okta.SystemLog",
                "eventType": "user.session.start",
                "actor": {"displayName": "Admin", "alternateId": "admin@corp"},
                "client": {"ipAddress": "192.0.2.1"},
                "corp": {"user": "someone-else", "ip": "198.51.100.7"},
            },
        ),
        RuleTest(
            name="project model ignored",
            expected_result=False,
            log={
                "p_log_type": "Okta.SystemLog",
                "eventType": "user.session.start",
                "actor": {"displayName": "Bob"},
                "corp": {"user": "Admin"},
            },
        ),
    ]


class CorpInputChecked(Rule):
    id = "Corp.Input.Checked"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.LOW

    def rule(self, event):
        try:
            user = require(event, "user")
        except MissingFieldError:
            return False
        except ValueError as e:
            return isinstance(e, DetectionInputError) and "string" in str(e)
        return require(event, "action") == "delete" and user != "root"

    def title(self, event):
        return "input " + require(event, "action")

    def alert_context(self, event):
        try:
            require(event, "user")
        except DetectionInputError as e:
            return {"error": type(e).__name__, "message": str(e), "is_value_error": isinstance(e, ValueError)}
        return {"error": None}

    tests = [
        RuleTest(name="delete", expected_result=True, log={"user": "alice", "action": "delete"}),
        RuleTest(name="no user", expected_result=False, log={"action": "delete"}),
        RuleTest(name="user not a string", expected_result=True, log={"user": 7, "action": "x"}),
        RuleTest(name="no action escapes rule", expected_result=True, log={"user": "bob"}),
    ]
