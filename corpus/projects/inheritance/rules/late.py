"""Created after main.py overrides `CorpRule`: it copies the overridden values."""

from pypanther import RuleTest

from rules.base import CorpRule, Quiet
from rules.mixins import WithActor, WithOutcome


class LateRoleChange(Quiet, WithOutcome, WithActor, CorpRule):
    id = "Corp.Late.RoleChange"
    ACTIONS = ["user.account.privilege.grant"]

    def rule(self, event):
        return super().rule(event) and self.is_privileged(event)

    tests = [
        RuleTest(
            name="admin granted",
            expected_result=True,
            log={
                "eventType": "user.account.privilege.grant",
                "role": "admin",
                "actor": {"alternateId": "bob"},
                "outcome": {"result": "SUCCESS"},
            },
        ),
        RuleTest(
            name="quiet grant",
            expected_result=True,
            log={
                "eventType": "user.account.privilege.grant",
                "role": "owner",
                "quiet": True,
                "actor": {"alternateId": "bob"},
            },
        ),
        RuleTest(
            name="viewer granted",
            expected_result=False,
            log={"eventType": "user.account.privilege.grant", "role": "viewer"},
        ),
    ]


class LateLockout(CorpRule):
    id = "Corp.Late.Lockout"
    ACTIONS = ["user.account.lock"]
    threshold = 5

    tests = [
        RuleTest(
            name="account locked",
            expected_result=True,
            log={"eventType": "user.account.lock", "actor": {"alternateId": "cy"}},
        ),
    ]
