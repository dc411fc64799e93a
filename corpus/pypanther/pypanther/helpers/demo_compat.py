# Library-style code written for Python 2 and 3 at once: import fallbacks, `class C(object)`,
# names that only exist in Python 2, and a log message that formats the `input` builtin.
import logging

try:
    from collections.abc import Mapping, Sequence
except ImportError:
    from collections import Mapping, Sequence

try:
    TEXT_TYPES = (bytes, str, unicode)  # noqa: F821
except NameError:
    TEXT_TYPES = (bytes, str)

log = logging.getLogger(__name__)


class Principal(object):
    kind = None
    error = False

    def __init__(self, raw):
        if isinstance(raw, Mapping):
            self.kind = "mapping"
        elif isinstance(raw, TEXT_TYPES):
            self.kind = "text"
        elif isinstance(raw, Sequence):
            self.kind = "sequence"
        else:
            self.error = True
            log.debug("cannot classify [{}]".format(input))

    def describe(self):
        return f"{self.kind} error={self.error}"
