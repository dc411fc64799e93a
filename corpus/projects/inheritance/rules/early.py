"""Created before main.py overrides `CorpRule`: it keeps what it copied then."""

from pypanther import RuleMock, RuleTest

from rules.base import CorpRule
from rules.mixins import WithActor


def location(event):
    return event.get("client", {}).get("geo", "unknown")


class EarlySessions(WithActor, CorpRule):
    id = "Corp.Early.Sessions"
    display_name = "Session from an unusual place"
    ACTIONS = CorpRule.ACTIONS + ["user.session.impersonation.grant"]

    def rule(self, event):
        return super().rule(event) and location(event) not in self.HOME

    HOME = ["NL", "BE"]

    def title(self, event):
        return f"{self.actor(event)} signed in from {location(event)}"

    tests = [
        RuleTest(
            name="session abroad",
            expected_result=True,
            log={"eventType": "user.session.start", "actor": {"alternateId": "ann"}, "client": {"geo": "BR"}},
        ),
        RuleTest(
            name="session at home",
            expected_result=False,
            log={"eventType": "user.session.start", "actor": {"alternateId": "ann"}, "client": {"geo": "NL"}},
        ),
        RuleTest(
            name="location mocked in this module",
            expected_result=False,
            log={"eventType": "user.session.start", "actor": {"alternateId": "ann"}, "client": {"geo": "BR"}},
            mocks=[RuleMock(object_name="location", return_value="NL")],
        ),
        RuleTest(
            name="a method mocked on the rule object",
            expected_result=True,
            log={"eventType": "user.session.start", "actor": {"alternateId": "ann"}, "client": {"geo": "BR"}},
            mocks=[RuleMock(object_name="actor", return_value="mallory")],
            expected_title="mallory signed in from BR",
        ),
    ]
