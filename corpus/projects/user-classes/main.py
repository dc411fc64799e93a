"""A project with its own classes that are not rules: a `DataModel` subclass and exception
classes deriving from Python's built-in ones.

Covers: a `DataModel` with path and method mappings, instantiated when its module is
imported (pypanther's `DataModel.__init__` checks the mappings then), which pypanther
0.1.1a62 does not apply to rule events (only its managed data models: `udm()` on an Okta
event still reads `StandardOktaSystemLog`); an exception class with a built-in base, and a
subclass of it, raised by a helper and caught by `except` and `isinstance` in a rule, or
escaping from `rule()` and `title()`.
"""

from corp_models import CorpOktaSystemLog
from pypanther import register
from rules import CorpInputChecked, CorpOktaActor

# The data model class is configuration, read here like any class.
assert CorpOktaSystemLog.id == "Corp.Okta.SystemLog"

register([CorpOktaActor, CorpInputChecked])
