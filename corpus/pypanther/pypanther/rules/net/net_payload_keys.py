import json

from pypanther import LogType, Rule, RuleTest, Severity


class NetPayloadKeys(Rule):
    id = "Net.Payload.Keys"
    display_name = "Payload with a Rule-like key"
    log_types = [LogType.AWS_VPC_DNS]
    default_severity = Severity.INFO

    def rule(self, event):
        try:
            payload = json.loads(event.get("payload", ""))
        except json.decoder.JSONDecodeError:
            return False
        return isinstance(payload, dict) and "Rule" in payload

    def title(self, event):
        return f"Rule key seen, cache key {self.cache_key(event)}"

    def cache_key(self, event):
        return __name__ + ":" + str(event.get("host"))

    tests = [
        RuleTest(name="rule key", expected_result=True, log={"payload": '{"Rule": 1}', "host": "h1"}),
        RuleTest(name="not json", expected_result=False, log={"payload": "{oops"}),
        RuleTest(name="empty", expected_result=False, log={}),
    ]
