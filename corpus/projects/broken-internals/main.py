"""Broken for ferrule on purpose: a rule replacing `_get_severity`, one of the methods
pypanther's `Rule.run` calls internally. ferrule runs pypanther's own behaviour natively
and calls a replacement only of `_get_title`, `_get_dedup` and `run`, so it refuses that
rule (naming its class and the method) and compiles the rest. It also refuses a rule
replacing `run` that has `include_filters`, since it does not model the filter results
pypanther's `Rule.run` leaves in its result. The refused rules have no tests, so the
oracle has none of them either.
"""

from pypanther import register
from rules import CorpFilteredRun, CorpFine, CorpOwnTitle

register([CorpFine, CorpOwnTitle, CorpFilteredRun])
