from pypanther import LogType, Rule, RuleTest, Severity


class Alpha(Rule):
    id = "Corp.Alpha"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.LOW

    def rule(self, event):
        return event.get("eventType") == "alpha"

    tests = [RuleTest(name="alpha", expected_result=True, log={"eventType": "alpha"})]


class Beta(Rule):
    id = "Corp.Beta"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.LOW

    def rule(self, event):
        return event.get("eventType") == "beta"

    tests = [RuleTest(name="beta", expected_result=True, log={"eventType": "beta"})]


class AlphaCopy(Alpha):
    """A subclass without its own `id` shares its parent's."""

    def rule(self, event):
        return event.get("eventType") in ("alpha", "alpha2")
