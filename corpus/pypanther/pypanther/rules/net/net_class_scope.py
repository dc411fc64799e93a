import re

from pypanther import LogType, Rule, RuleTest, Severity

LIMIT = 1
PREFIX = "global"


class NetClassScope(Rule):
    # Class-body statements read the class's own earlier names before the module's; a
    # comprehension's first iterable is evaluated in the class body, the rest of it (and
    # every method) skips the class namespace.
    id = "Net.Class.Scope"
    log_types = [LogType.AWS_VPC_FLOW]
    default_severity = Severity.LOW
    LIMIT = 5
    PREFIX = "class"
    PORTS = [22, 3389, 5900]
    PATTERNS = [r"^ssh", r"^rdp", r"^vnc"]
    COMPILED = [re.compile(p, re.IGNORECASE) for p in PATTERNS]
    ABOVE = [p for p in range(LIMIT + 1) if p > LIMIT]
    LABELS = {port: f"{PREFIX}-{port}" for port in PORTS}
    SUMMARY = PREFIX + ":" + str(len(PORTS))

    def rule(self, event, limit=5):
        name = event.get("service", "")
        return any(c.match(name) for c in self.COMPILED) and event.get("port") in self.PORTS and limit == 5

    def title(self, event):
        return f"{self.LABELS.get(event.get('port'))} {self.ABOVE} {self.SUMMARY} {LIMIT} {PREFIX}"

    tests = [
        RuleTest(name="ssh", expected_result=True, log={"service": "SSH-2.0", "port": 22}),
        RuleTest(name="rdp wrong port", expected_result=False, log={"service": "rdp", "port": 80}),
        RuleTest(name="unknown", expected_result=False, log={"service": "http", "port": 22}),
    ]
