#!/usr/bin/env python3
"""The pass/fail rule of corpus/soundness, on top of the oracle's compare.py.

Usage:  soundness-gate.py ORACLE_DIR EXPECTED.jsonl ACTUAL.jsonl

corpus/soundness holds, besides detections that must behave exactly as CPython, the cases of
issue 8 point 1: an operation ferrule refuses by construction, reached where Python code would
catch an ordinary exception (`except`, `finally: return`, `with` whose `__exit__` returns
True, ...). There CPython gives an answer and ferrule must report a refusal, never another
answer. A test whose name starts with "refused:" must therefore be a refusal in ACTUAL
(`error` = "NotImplementedError: ferrule runtime: ..."); every other test must be identical to
EXPECTED on compare.py's fields. A missing test fails too.
"""

from __future__ import annotations

import json
import sys

REFUSAL = "NotImplementedError: ferrule runtime:"


def main() -> int:
    oracle_dir, expected_path, actual_path = sys.argv[1:4]
    sys.path.insert(0, oracle_dir)
    import compare  # the oracle's own comparison fields

    exp, act = compare.load(expected_path), compare.load(actual_path)
    identical = refused = 0
    bad = []
    for k, e in exp.items():
        if e.get("record") != "test":
            continue
        a = act.get(k)
        name = e.get("test") or ""
        if a is None:
            bad.append((k, "missing"))
            continue
        if name.startswith("refused:"):
            if str(a.get("error") or "").startswith(REFUSAL):
                refused += 1
            else:
                bad.append((k, f"not refused: error={a.get('error')!r} result={a.get('result')!r}"))
            continue
        fields = [f for f in compare.FIELDS if e.get(f) != a.get(f)]
        if fields:
            detail = "; ".join(
                f"{f}: expected {json.dumps(e.get(f))[:200]}, actual {json.dumps(a.get(f))[:200]}"
                for f in fields
            )
            bad.append((k, detail))
        else:
            identical += 1
    print(
        f"soundness gate: {identical} identical, {refused} refused as required, "
        f"{len(bad)} wrong"
    )
    for k, why in bad:
        print(f"  WRONG {k[1]} | {k[3]}: {why}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
