import json
from unittest.mock import MagicMock

from panther_core import PantherEvent
from pypanther import LogType, Rule, RuleMock, RuleTest, Severity


class DemoQuotaWatch(Rule):
    id = "Demo.Quota.Watch"
    # Words that name pypanther classes in strings and comments are not uses of them.
    display_name = "Quota Rule with High Severity words"
    log_types = [LogType.PANTHER_AUDIT]
    default_severity = Severity.MEDIUM
    default_description = "A Rule about quotas; Severity is in the text only."
    EXEMPT = []

    def rule(self, event: PantherEvent) -> bool:
        # Unit tests replace EXEMPT with a MagicMock whose return value is JSON.
        if isinstance(self.EXEMPT, MagicMock):
            self.EXEMPT = json.loads(self.EXEMPT())
        self.LAST_USER = event.get("user", "nobody")
        if self.LAST_USER in self.EXEMPT:
            return False
        return event.get("used", 0) > self.limit_for(event.get("plan"))

    def limit_for(self, plan: str) -> int:
        return {"free": 10, "team": 100}.get(plan, 1000)

    def title(self, event: PantherEvent) -> str:
        return f"Quota Rule hit by {self.LAST_USER} (limit {self.limit_for(event.get('plan'))})"

    tests = [
        RuleTest(
            name="over the free limit",
            expected_result=True,
            log={"user": "ana", "plan": "free", "used": 11},
        ),
        RuleTest(
            name="exempt user",
            expected_result=False,
            log={"user": "ana", "plan": "free", "used": 11},
            mocks=[RuleMock(object_name="EXEMPT", return_value='["ana", "bo"]')],
        ),
        RuleTest(
            name="exemption is undone after the test",
            expected_result=True,
            log={"user": "bo", "plan": "free", "used": 50},
        ),
        RuleTest(
            name="mocked limit",
            expected_result=True,
            log={"user": "cy", "plan": "team", "used": 6},
            mocks=[RuleMock(object_name="limit_for", return_value=5)],
        ),
        RuleTest(
            name="limit restored",
            expected_result=False,
            log={"user": "cy", "plan": "team", "used": 6},
        ),
    ]
