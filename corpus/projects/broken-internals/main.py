"""Broken for ferrule on purpose: a rule replacing `_get_title`, one of the methods
pypanther's `Rule.run` calls internally. ferrule runs pypanther's own behaviour natively,
so it refuses that rule (naming its class) and compiles the rest. The refused rule has no
tests, so the oracle has none of it either.
"""

from pypanther import register
from rules import CorpFine, CorpOwnTitle

register([CorpFine, CorpOwnTitle])
