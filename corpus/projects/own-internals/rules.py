from pypanther import LogType, Rule, RuleTest, Severity


class CorpIdTitle(Rule):
    id = "Corp.IdTitle"
    display_name = "Corp id title"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.LOW

    def rule(self, event):
        return event.get("action") in ("fail", "ok", "int")

    def title(self, event):
        if event.get("action") == "int":
            return 7
        return "ok " + event["who"]

    def _get_title(self, event):
        # panther_core titled an alert whose title() failed with the rule id, not the display name.
        title, error = super()._get_title(event)
        return (self.id, error) if error else (title, error)

    tests = [
        RuleTest(name="title works", expected_result=True, log={"action": "ok", "who": "ann"}),
        RuleTest(name="title raises", expected_result=True, log={"action": "fail"}),
        RuleTest(name="title not a str", expected_result=True, log={"action": "int"}),
        RuleTest(name="no alert", expected_result=False, log={"action": "other"}),
        RuleTest(
            name="expected title",
            expected_result=True,
            expected_title="ok bob",
            log={"action": "ok", "who": "bob"},
        ),
    ]


class CorpBase(Rule):
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.MEDIUM

    def rule(self, event):
        return True

    def title(self, event):
        return event["title"]

    def _get_title(self, event):
        title, error = super()._get_title(event)
        if error is not None:
            return "base: " + type(error).__name__, error
        return "base: " + title, None


class CorpMid(CorpBase):
    def _get_title(self, event):
        title, error = super()._get_title(event)
        return title.upper(), error


class CorpLeaf(CorpMid):
    id = "Corp.Leaf"

    def dedup(self, event):
        return event["dedup"]

    tests = [
        RuleTest(name="leaf titled", expected_result=True, log={"title": "x", "dedup": "d"}),
        RuleTest(name="leaf no title", expected_result=True, log={"dedup": "d"}),
        RuleTest(name="leaf dedup from title", expected_result=True, log={"title": "t"}),
    ]


class CorpChained(CorpBase):
    id = "Corp.Chained"
    display_name = "Chained"

    def _get_title(self, event):
        pair = super()._get_title(event)
        return [pair[0] + "!", pair[1]]

    tests = [
        RuleTest(name="chained", expected_result=True, log={"title": "y"}),
        RuleTest(name="chained fails", expected_result=True, log={}),
    ]


class CorpRaises(Rule):
    id = "Corp.Raises"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.LOW

    def rule(self, event):
        return event.get("alert", True)

    def _get_title(self, event):
        return {"a": "one"}[event.get("key", "b")], None

    tests = [
        RuleTest(name="override raises", expected_result=True, log={}),
        RuleTest(name="override works", expected_result=True, log={"key": "a"}),
        RuleTest(name="no alert, no override", expected_result=False, log={"alert": False}),
    ]


class CorpTooMany(Rule):
    id = "Corp.TooMany"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.LOW

    def rule(self, event):
        return True

    def _get_title(self, event):
        return "abc"

    tests = [RuleTest(name="too many values", expected_result=True, log={})]


class CorpNotIterable(Rule):
    id = "Corp.NotIterable"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.LOW

    def rule(self, event):
        return True

    def _get_title(self, event):
        return None

    tests = [RuleTest(name="not iterable", expected_result=True, log={})]
