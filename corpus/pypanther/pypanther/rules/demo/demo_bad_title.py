from pypanther import LogType, Rule, RuleTest, Severity


class DemoBadTitle(Rule):
    id = "Demo.Bad.Title"
    display_name = "Fallback name"
    log_types = [LogType.PANTHER_AUDIT]
    default_severity = Severity.LOW
    default_description = "The title raises, so pypanther uses the display name."

    def rule(self, event):
        return event.get("n", 0) > 2

    def title(self, event):
        return "count " + event.get("n")

    tests = [
        RuleTest(name="big", expected_result=True, log='{"n": 5}'),
        RuleTest(name="small", expected_result=False, log={"n": 1}),
    ]
