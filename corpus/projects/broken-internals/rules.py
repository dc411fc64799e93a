from pypanther import LogType, Rule, RuleTest, Severity


class CorpFine(Rule):
    id = "Corp.Fine"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.LOW

    def rule(self, event):
        return event.get("action") == "fine"

    def title(self, event):
        return 1 / 0

    tests = [RuleTest(name="fine", expected_result=True, log={"action": "fine"})]


class CorpOwnTitle(CorpFine):
    id = "Corp.OwnTitle"

    def _get_severity(self, event):
        severity, error = super()._get_severity(event)
        return ("HIGH", error) if error else (severity, error)

    tests = []
