"""CPython side of runtime/tests/differential.rs.

Reads one Python expression per line on stdin, evaluates it, and writes one JSON line per
expression: ["ok", ENC] or ["exc", type name, str(exc), repr(exc)], where ENC is a
type-tagged encoding the Rust side reproduces from the runtime's values. The first output line
says whether panther_core could be imported.
"""

import base64
import collections
import datetime
import decimal
import fnmatch
import ipaddress
import json
import math
import re
import shlex
import sys
import urllib.parse
import warnings

# Literal subscripts such as `None[0]` draw SyntaxWarnings at compile time.
warnings.simplefilter("ignore")

G = {
    "base64": base64,
    "collections": collections,
    "datetime": datetime,
    "decimal": decimal,
    "fnmatch": fnmatch,
    "ipaddress": ipaddress,
    "json": json,
    "math": math,
    "re": re,
    "shlex": shlex,
    "urllib": urllib,
}

try:
    from panther_core.enriched_event import PantherEvent

    G["PantherEvent"] = PantherEvent
    HAVE_PAT = True
except ImportError:
    HAVE_PAT = False



class K:
    """The user class of the `user_class` family (runtime/tests/differential/classes.rs)."""

    def __init__(self, v):
        self.v = v

    def __eq__(self, o):
        return self.v == (o.v if isinstance(o, K) else o)

    def __hash__(self):
        return hash(self.v)

    def __lt__(self, o):
        return self.v < (o.v if isinstance(o, K) else o)

    def __le__(self, o):
        return self.v <= (o.v if isinstance(o, K) else o)

    def __repr__(self):
        return "K(" + repr(self.v) + ")"

    def __add__(self, o):
        return K(self.v + (o.v if isinstance(o, K) else o))

    def __radd__(self, o):
        return K(o + self.v)

    def __len__(self):
        return len(self.v)

    def __contains__(self, x):
        return x in self.v

    def __getitem__(self, i):
        return self.v[i]

    def __iter__(self):
        return iter(self.v)

    def __format__(self, spec):
        return format(self.v, spec)


G["K"] = K

I64 = range(-(2**63), 2**63)


def enc(x):
    t = type(x)
    if x is None:
        return ["None"]
    if t is bool:
        return ["bool", x]
    if t is int:
        # Ints beyond i64 are the one place where the runtime may refuse instead of answering.
        return ["int", str(x)] if x in I64 else ["bigint", str(x)]
    if t is float:
        return ["float", repr(x)]
    if t is str:
        try:
            x.encode("utf-8")
        except UnicodeEncodeError:
            # Lone surrogates cannot exist in a Rust string.
            return ["surrogates", repr(x)]
        return ["str", x]
    if t is bytes:
        return ["bytes", x.hex()]
    if t is list or t is tuple:
        return [t.__name__, [enc(i) for i in x]]
    if t is dict:
        return ["dict", [[enc(k), enc(v)] for k, v in x.items()]]
    if t is set or t is frozenset:
        return [t.__name__, [enc(i) for i in x]]
    return ["obj", t.__name__, repr(x)]


def main():
    try:
        import resource

        # A runaway case must fail with MemoryError, not take the machine down.
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    except (ImportError, ValueError, OSError):
        pass
    out = sys.stdout
    out.write(json.dumps({"pat": HAVE_PAT, "version": list(sys.version_info[:2])}) + "\n")
    for line in sys.stdin:
        src = line.rstrip("\n")
        try:
            r = ["ok", enc(eval(src, G))]
        except Exception as e:  # noqa: BLE001 - every exception is a result to compare.
            r = ["exc", type(e).__name__, str(e), repr(e)]
        try:
            s = json.dumps(r, ensure_ascii=False)
            s.encode("utf-8")
        except (UnicodeEncodeError, ValueError):
            s = json.dumps(["surrogates", repr(r)])
        out.write(s + "\n")
    out.flush()


if __name__ == "__main__":
    main()
