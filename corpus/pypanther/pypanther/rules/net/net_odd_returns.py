from pypanther import LogType, Rule, RuleTest, Severity


class NetOddReturns(Rule):
    id = "Net.Odd.Returns"
    display_name = ""
    log_types = [LogType.AWS_VPC_FLOW]
    default_severity = Severity.LOW

    def rule(self, event):
        if event.get("mode") == "text":
            return "yes"
        if event.get("mode") == "none":
            return None
        return event.get("bytes", 0) > 10

    def title(self, event):
        if event.get("bytes", 0) > 1000:
            return event.get("bytes")
        return "odd flow"

    def alert_context(self, event):
        if event.get("ctx") == "list":
            return ["not", "a", "mapping"]
        return {"bytes": event.get("bytes")}

    def destinations(self, event):
        kind = event.get("dest")
        if kind == "empty":
            return []
        if kind == "text":
            return "pager"
        if kind == "several":
            return ["pager", "mail", "pager"]
        return None

    def severity(self, event):
        if event.get("sev") == "lower":
            return "high"
        if event.get("sev") == "number":
            return 3
        return "DEFAULT"

    tests = [
        RuleTest(name="text result", expected_result=True, log={"mode": "text"}),
        RuleTest(name="none result", expected_result=False, log={"mode": "none"}),
        RuleTest(name="int title falls back to the id", expected_result=True, log={"bytes": 5000}),
        RuleTest(name="list context", expected_result=True, log={"bytes": 20, "ctx": "list"}),
        RuleTest(name="empty destinations", expected_result=True, log={"bytes": 20, "dest": "empty"}),
        RuleTest(name="text destinations", expected_result=True, log={"bytes": 20, "dest": "text"}),
        RuleTest(name="several destinations", expected_result=True, log={"bytes": 20, "dest": "several"}),
        RuleTest(name="lower-case severity", expected_result=True, log={"bytes": 20, "sev": "lower"}),
        RuleTest(name="numeric severity", expected_result=True, log={"bytes": 20, "sev": "number"}),
    ]
