"""The team's own rules: a base class without an id, subclasses created before and after
an override of it, mixins chaining `super()`, functions assigned as methods (on the base
class and on pypanther's `Rule` itself), and registration with `get_rules`.
"""

import rules
import rules.early
from pypanther import Rule, Severity, get_rules, register
from rules.base import CorpRule

# An override of the base class: the subclass created before it keeps its copies, the ones
# created after (rules.late, imported below) copy the new values.
CorpRule.override(default_severity=Severity.HIGH, tags=["Corp", "Identity"])
CorpRule.extend(summary_attributes=["actor"])


def corp_title(self, event):
    return f"[{self.id}] {event.get('eventType')} by {self.actor(event)}"


def corp_dedup(self, event):
    return f"{self.id}:{self.actor(event)}"


# Methods are not copied at class creation: assigning them reaches every subclass, whenever
# it was created, unless it defines its own.
CorpRule.title = corp_title
Rule.dedup = corp_dedup

import rules.late  # noqa: E402

rules.late.LateLockout.override(display_name="Account locked out")

register(get_rules(rules))
