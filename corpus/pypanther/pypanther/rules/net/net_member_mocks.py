import json
import logging

from pypanther import LogType, Rule, RuleMock, RuleTest, Severity


class NetMemberMocks(Rule):
    id = "Net.Member.Mocks"
    display_name = "Traffic to a domain outside the allowlist"
    log_types = [LogType.AWS_VPC_DNS]
    default_severity = Severity.LOW
    ALLOWED = '["example.com"]'
    LAST_OWNER = OTHER = ""

    def allowed(self):
        return json.loads(self.ALLOWED)

    def owner_of(self, domain):
        return "nobody"

    def rule(self, event):
        logging.debug("checking %s", event.get("query"))
        domain = event.get("query", "").rsplit(".", 2)[-2:]
        self.LAST_OWNER = self.owner_of(event.get("query"))
        return ".".join(domain) not in self.allowed()

    def title(self, event):
        return f"{event.get('query')} queried (owner {self.LAST_OWNER})"

    tests = [
        RuleTest(name="allowed", expected_result=False, log={"query": "www.example.com"}),
        RuleTest(
            name="allowlist mocked",
            expected_result=False,
            log={"query": "api.corp.test"},
            mocks=[RuleMock(object_name="ALLOWED", return_value='["corp.test"]')],
        ),
        RuleTest(
            name="method mocked",
            expected_result=True,
            log={"query": "evil.test"},
            mocks=[RuleMock(object_name="owner_of", return_value="mallory")],
        ),
        RuleTest(name="mocks undone", expected_result=True, log={"query": "other.test"}),
    ]
