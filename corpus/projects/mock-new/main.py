"""A rule whose tests put a mocked name back with `RuleMock(new=...)`.

Covers: `RuleMock(object_name=X, new=X)` where `X` is the module's own object (a function, a
string, a list), as `ferrule build --target pypanther` writes it to undo a mock of an earlier
test (pypanther 0.1.1a62 never stops a test's patches).
"""

from pypanther import register
from rules.mocked import CorpMockNew

register([CorpMockNew])
