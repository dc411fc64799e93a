"""Broken for ferrule on purpose: a rule replacing `_get_severity`, one of the methods
pypanther's `Rule.run` calls internally. ferrule runs pypanther's own behaviour natively
and calls a replacement only of `_get_title`, `_get_dedup` and `run`, so it refuses that
rule (naming its class and the method) and compiles the rest. The refused rule has no
tests, so the oracle has none of it either.
"""

from pypanther import register
from rules import CorpFine, CorpOwnTitle

register([CorpFine, CorpOwnTitle])
