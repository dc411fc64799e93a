#!/usr/bin/env python3
"""The pass/fail rule of the pypanther tier, on top of the oracle's compare.py.

Usage:  tier-gate.py ORACLE_DIR EXPECTED.jsonl ALT.jsonl ACTUAL.jsonl FLOOR_FILE

compare.py counts every test whose fields differ as "differing". ferrule may refuse at run
time (`NotImplementedError: ferrule runtime: ...`) where CPython's answer cannot be reproduced
exactly: that is a refusal, not a wrong answer, and is reported but allowed. Any other
difference is a silently different answer and fails the tier. A test missing from ACTUAL
belongs to a rule that was not converted (each carries a diagnostic) — unless ferrule reports a
load error for that detection, which CPython loaded: that is a wrong answer too (or a refusal,
if the load error is one). Missing tests are reported, and the number of identical tests must not fall below the checked-in floor, so
that a loss of coverage fails too. Field comparison and seed tolerance are compare.py's own;
beyond its fields, pypanther's verdict (`passed`) and `aux_errors` must be equal as well.
"""

from __future__ import annotations

import sys

REFUSAL = "NotImplementedError: ferrule runtime:"


def refused(rec: dict) -> bool:
    """Whether ferrule's record is a run-time refusal in any function of the detection."""
    if str(rec.get("error") or "").startswith(REFUSAL):
        return True
    aux = rec.get("aux_errors") or {}
    return any(str(v).startswith(REFUSAL) for v in aux.values())


def main() -> int:
    oracle_dir, expected_path, alt_path, actual_path, floor_path = sys.argv[1:6]
    sys.path.insert(0, oracle_dir)
    import compare  # the oracle's own comparison, so both agree on what "identical" means

    exp, alt, act = compare.load(expected_path), compare.load(alt_path), compare.load(actual_path)
    with open(floor_path, encoding="utf-8") as fobj:
        floor = int(fobj.read().split()[0])
    # Detections that ferrule converted but could not load (module-level errors).
    load_errors = {
        a.get("id"): a for a in act.values() if a.get("record") == "load_error"
    }
    identical = refusals = missing = 0
    wrong = []
    for k, e in exp.items():
        if e.get("record") != "test":
            continue
        a = act.get(k)
        if a is None:
            failed_load = load_errors.get(e.get("id"))
            if failed_load is None:
                missing += 1
            elif refused(failed_load):
                refusals += 1
            else:
                wrong.append(k)
            continue
        same = True
        for f in compare.FIELDS:
            ev, av = e.get(f), a.get(f)
            if ev == av:
                continue
            variant = alt[k].get(f) if k in alt else ev
            if variant != ev and (av == variant or compare.loose(av) == compare.loose(ev)):
                continue
            same = False
        # pypanther's own verdict and the auxiliary errors must agree too.
        same = same and all(e.get(f) == a.get(f) for f in ("passed", "aux_errors"))
        if same:
            identical += 1
        elif refused(a):
            refusals += 1
        else:
            wrong.append(k)
    print(
        f"tier gate: {identical} identical (floor {floor}), {refusals} refused at run time, "
        f"{len(wrong)} silently different, {missing} missing (rules not converted)"
    )
    for k in wrong[:20]:
        print(f"  WRONG {exp[k].get('id')} | {exp[k].get('test')}", file=sys.stderr)
    ok = True
    if wrong:
        print("tier gate: FAIL: ferrule answers differently from CPython", file=sys.stderr)
        ok = False
    if identical < floor:
        print(f"tier gate: FAIL: identical tests fell below the floor {floor}", file=sys.stderr)
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
