"""Rule classes replacing `run` and `_get_dedup`, which pypanther's `Rule.run` and
`run_test` call internally (as `ferrule build --target pypanther` writes them, and as users
write them).

Covers: `_get_dedup` in the migrator's shape (`self._require_str`, `truncate`, an empty or
failing `dedup()` giving `defaultDedupString:<id>`) and one chaining `super()._get_dedup`;
`run` overrides over pypanther's result: returning `super().run(…)` unchanged, replacing a
non-bool `rule()` result's `FunctionReturnTypeError` with one of its own words, running
auxiliary methods of events that do not alert outside batch mode (a counter they change is
seen by later tests), clearing `detection_exception`, forcing `trigger_alert`, and reading
the result's attributes (outputs with and without their methods failing, exceptions, the
`*_defined` flags pypanther never sets, an exception read twice being one object).
"""

from pypanther import register
from rules import (
    CorpAuxOnQuiet,
    CorpChainedDedup,
    CorpDedupFallback,
    CorpForced,
    CorpPassThrough,
    CorpReadsResult,
    CorpReworded,
)

register(
    [
        CorpDedupFallback,
        CorpChainedDedup,
        CorpPassThrough,
        CorpReworded,
        CorpAuxOnQuiet,
        CorpForced,
        CorpReadsResult,
    ]
)
