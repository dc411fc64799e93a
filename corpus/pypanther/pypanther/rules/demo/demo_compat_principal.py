from pypanther import LogType, Rule, RuleTest, Severity
from pypanther.helpers.demo_compat import Principal


class DemoCompatPrincipal(Rule):
    id = "Demo.Compat.Principal"
    log_types = [LogType.AWS_CLOUDTRAIL]
    default_severity = Severity.INFO

    def rule(self, event):
        return Principal(event.get("principal")).kind in ("mapping", "sequence")

    def title(self, event):
        return Principal(event.get("principal")).describe()

    tests = [
        RuleTest(name="mapping", expected_result=True, log={"principal": {"AWS": "x"}}),
        RuleTest(name="list", expected_result=True, log={"principal": ["a", "b"]}),
        RuleTest(name="text", expected_result=False, log={"principal": "*"}),
        RuleTest(name="number refused by the input() message", expected_result=False, log={"principal": 5}),
    ]
