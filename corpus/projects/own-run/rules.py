from pypanther import LogType, Rule, RuleTest, Severity
from pypanther.base import FunctionReturnTypeError
from pypanther.utils import truncate

SEEN = []


class CorpDedupFallback(Rule):
    id = "Corp.DedupFallback"
    display_name = "Dedup fallback"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.LOW

    def rule(self, event):
        return event.get("kind") != "quiet"

    def title(self, event):
        return "title of " + event.get("kind", "?")

    def dedup(self, event):
        kind = event.get("kind")
        if kind == "empty":
            return ""
        if kind == "int":
            return 12
        if kind == "long":
            return "d" * 1200
        return "dedup " + event["who"]

    def _get_dedup(self, event):
        # The rule id, not the title, when dedup() fails or is empty.
        try:
            dedup = self.dedup(event)
            self._require_str("dedup", dedup)
        except Exception as error:
            return f"defaultDedupString:{self.id}", error
        return truncate(dedup or f"defaultDedupString:{self.id}", 1000), None

    tests = [
        RuleTest(name="dedup works", expected_result=True, log={"kind": "ok", "who": "ann"}),
        RuleTest(name="dedup empty", expected_result=True, log={"kind": "empty"}),
        RuleTest(name="dedup raises", expected_result=True, log={"kind": "ok"}),
        RuleTest(name="dedup not a str", expected_result=True, log={"kind": "int"}),
        RuleTest(name="dedup long", expected_result=True, log={"kind": "long"}),
        RuleTest(name="quiet", expected_result=False, log={"kind": "quiet"}),
        RuleTest(
            name="expected dedup",
            expected_result=True,
            expected_dedup="defaultDedupString:Corp.DedupFallback",
            log={"kind": "empty"},
        ),
    ]


class CorpChainedDedup(Rule):
    id = "Corp.ChainedDedup"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.MEDIUM

    def rule(self, event):
        return True

    def title(self, event):
        return event.get("title", "")

    def dedup(self, event):
        return event["dedup"]

    def _get_dedup(self, event):
        dedup, error = super()._get_dedup(event)
        if error is not None:
            return "chained: " + type(error).__name__ + ": " + dedup, error
        return "chained: " + dedup, None

    tests = [
        RuleTest(name="chained dedup", expected_result=True, log={"dedup": "d1"}),
        RuleTest(name="chained from title", expected_result=True, log={"title": "t1"}),
        RuleTest(name="chained default", expected_result=True, log={}),
    ]


class CorpPassThrough(Rule):
    id = "Corp.PassThrough"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.LOW

    def rule(self, event):
        return event.get("alert") is True

    def title(self, event):
        return "pass " + event.get("who", "nobody")

    def run(self, event, outputs, outputs_names, batch_mode=True):
        return super().run(event, outputs, outputs_names, batch_mode)

    tests = [
        RuleTest(name="passes alert", expected_result=True, log={"alert": True, "who": "bo"}),
        RuleTest(name="passes quiet", expected_result=False, log={"alert": False}),
    ]


class CorpReworded(Rule):
    id = "Corp.Reworded"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.HIGH

    def rule(self, event):
        value = event.get("value")
        if value == "raise":
            raise ValueError("no value")
        return value

    def run(self, event, outputs, outputs_names, batch_mode=True):
        result = super().run(event, outputs, outputs_names, batch_mode)
        if not isinstance(result.detection_output, bool) and isinstance(
            result.detection_exception, FunctionReturnTypeError
        ):
            kind = type(result.detection_output).__name__
            result.detection_exception = FunctionReturnTypeError(
                f"detection [{self.id}] function [rule] returned [{kind}], expected [bool]"
            )
            result.detection_output = None
        return result

    tests = [
        RuleTest(name="bool true", expected_result=True, log={"value": True}),
        RuleTest(name="bool false", expected_result=False, log={"value": False}),
        RuleTest(name="a string", expected_result=True, log={"value": "yes"}),
        RuleTest(name="nothing", expected_result=False, log={}),
        RuleTest(name="raises", expected_result=False, log={"value": "raise"}),
    ]


class CorpAuxOnQuiet(Rule):
    id = "Corp.AuxOnQuiet"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.LOW

    def rule(self, event):
        return event.get("alert", False)

    def title(self, event):
        return f"seen {len(SEEN)}"

    def alert_context(self, event):
        SEEN.append(event.get("who"))
        if event.get("who") == "bad":
            raise KeyError("who")
        return {"seen": list(SEEN)}

    def run(self, event, outputs, outputs_names, batch_mode=True):
        result = super().run(event, outputs, outputs_names, batch_mode)
        if not batch_mode and not result.trigger_alert:
            for aux in (self.title, self.alert_context):
                try:
                    aux(event)
                except Exception:
                    pass
        return result

    tests = [
        RuleTest(name="quiet one", expected_result=False, log={"who": "a"}),
        RuleTest(name="quiet bad", expected_result=False, log={"who": "bad"}),
        RuleTest(name="alerting", expected_result=True, log={"alert": True, "who": "b"}),
        RuleTest(name="quiet two", expected_result=False, log={"who": "c"}),
        RuleTest(name="alerting again", expected_result=True, log={"alert": True, "who": "d"}),
    ]


class CorpForced(Rule):
    id = "Corp.Forced"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.LOW

    def rule(self, event):
        if event.get("fail"):
            return event["missing"]
        return event.get("alert", False)

    def run(self, event, outputs, outputs_names, batch_mode=True):
        result = super().run(event, outputs, outputs_names, batch_mode)
        if result.detection_exception is not None and event.get("forgive"):
            result.detection_exception = None
            result.detection_output = False
        if event.get("force"):
            result.trigger_alert = True
        return result

    tests = [
        RuleTest(name="alerts", expected_result=True, log={"alert": True}),
        RuleTest(name="fails", expected_result=False, log={"fail": True}),
        RuleTest(name="forgiven", expected_result=False, log={"fail": True, "forgive": True}),
        RuleTest(name="forced", expected_result=False, log={"force": True}),
    ]


class CorpReadsResult(Rule):
    id = "Corp.ReadsResult"
    display_name = "Reads result"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.LOW

    def rule(self, event):
        if event.get("explode"):
            raise RuntimeError("exploded")
        return event.get("alert", False)

    def title(self, event):
        return event["title"]

    def description(self, event):
        return event["description"]

    def runbook(self, event):
        return "runbook for " + event.get("title", "?")

    def run(self, event, outputs, outputs_names, batch_mode=True):
        result = super().run(event, outputs, outputs_names, batch_mode)
        seen = [
            result.trigger_alert,
            result.detection_output,
            result.title_output,
            result.dedup_output,
            result.description_output,
            result.reference_output,
            result.runbook_output,
            type(result.title_exception).__name__,
            type(result.description_exception).__name__,
            type(result.detection_exception).__name__,
            result.dedup_exception is result.dedup_exception,
            result.title_defined,
            result.filter_output,
        ]
        if event.get("report"):
            result.detection_exception = ValueError(repr(seen))
        return result

    tests = [
        RuleTest(
            name="alert without description",
            expected_result=True,
            log={"alert": True, "title": "t", "report": True},
        ),
        RuleTest(
            name="alert with everything",
            expected_result=True,
            log={"alert": True, "title": "t", "description": "d", "report": True},
        ),
        RuleTest(name="alert untitled", expected_result=True, log={"alert": True, "report": True}),
        RuleTest(name="quiet", expected_result=False, log={"report": True}),
        RuleTest(name="exploded", expected_result=False, log={"explode": True, "report": True}),
        RuleTest(name="not reported", expected_result=True, log={"alert": True, "title": "t"}),
    ]
