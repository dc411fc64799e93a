"""The team's base class for its own rules: no `id`, so `get_rules` skips it."""

from pypanther import LogType, Rule, Severity

PRIVILEGED = ["admin", "owner"]


class CorpRule(Rule):
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.MEDIUM
    tags = ["Corp"]
    default_runbook = "Page the identity team."
    # Actions every subclass watches; subclasses add their own.
    ACTIONS = ["user.session.start"]

    def actor(self, event):
        return event.get("actor", {}).get("alternateId", "<unknown>")

    def is_privileged(self, event):
        return event.get("role") in PRIVILEGED

    def rule(self, event):
        return event.get("eventType") in self.ACTIONS

    def alert_context(self, event):
        return {"rule_class": "CorpRule"}


class Quiet:
    """A mixin that is not a rule: lowers what the next class in line says."""

    def severity(self, event):
        base = super().severity(event)
        return "LOW" if event.get("quiet") else base
