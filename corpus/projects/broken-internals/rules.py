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


def _from_okta(event):
    return event.get("source") == "okta"


class CorpFilteredRun(CorpFine):
    id = "Corp.FilteredRun"
    include_filters = [_from_okta]

    def run(self, event, outputs, outputs_names, batch_mode=True):
        result = super().run(event, outputs, outputs_names, batch_mode)
        if result.filter_exception is not None:
            result.trigger_alert = False
        return result

    tests = []
