"""Rule classes replacing `_get_title`, one of the methods pypanther's `Rule.run` calls
internally (as `ferrule build --target pypanther` writes them where panther_core titled a
failed alert with the rule id).

Covers: the migrator's override (a `title()` that raises falls back to the id instead of
the display name; one that works keeps its title), `super()._get_title` reaching
pypanther's own (its `(title, error)` tuple, the error being the exception), an override
reached through an intermediate subclass and another chaining `super()` through two
overrides, `_get_dedup` calling the override when `dedup()` fails, an override that
raises and overrides returning what does not unpack into two values (the exception leaves
`Rule.run`, so `run_test` raises), and a non-str title from `title()` (pypanther's
`FunctionReturnTypeError`).
"""

from pypanther import register
from rules import (
    CorpChained,
    CorpIdTitle,
    CorpLeaf,
    CorpNotIterable,
    CorpRaises,
    CorpTooMany,
)

register([CorpIdTitle, CorpLeaf, CorpChained, CorpRaises, CorpTooMany, CorpNotIterable])
