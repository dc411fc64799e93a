from pypanther import LogType, Rule, RuleTest, Severity


class Heartbeat(Rule):
    id = "Corp.Heartbeat"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.INFO

    def rule(self, event):
        return event.get("eventType") == "system.heartbeat.missed"

    def title(self, event):
        return f"Heartbeat missed on {event.get('host', 'an unknown host')}"

    tests = [
        RuleTest(name="missed", expected_result=True, log={"eventType": "system.heartbeat.missed", "host": "h1"}),
        RuleTest(name="ok", expected_result=False, log={"eventType": "system.heartbeat"}),
    ]
