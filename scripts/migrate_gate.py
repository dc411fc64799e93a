#!/usr/bin/env python3
"""Gate for `ferrule build --target pypanther`: every detection of a v1 corpus is either
migrated (its tests then appear in the migrated project's oracle output) or named by a
diagnostic of `ferrule --format json`; writes EXPECTED's records of the migrated ids to OUT so
that compare.py can then require 0 differing and 0 missing, and ACTUAL's records to
OUT_ACTUAL.

A detection named by --harness-dependent is migrated but left out of both files, and listed:
its answers depend on the Python stack depth at which the harness calls it (it measures or
reaches the recursion limit), and panther_core and pypanther call rule() at different depths,
which no source transformation can change.

Usage: migrate_gate.py EXPECTED.jsonl ACTUAL.jsonl DIAGNOSTICS.jsonl OUT.jsonl OUT_ACTUAL.jsonl
       [--harness-dependent ID]...
"""

import json
import sys


def records(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main() -> int:
    expected, actual, diags, out, out_actual = sys.argv[1:6]
    rest = sys.argv[6:]
    harness = {rest[i + 1] for i in range(0, len(rest), 2) if rest[i] == "--harness-dependent"}
    exp = records(expected)
    migrated = {r["id"] for r in records(actual)}
    named = {}
    for d in records(diags):
        if d.get("detection"):
            named.setdefault(d["detection"], []).append(f'{d["code"]} {d["message"]}')
    ids = sorted({r["id"] for r in exp if r.get("id")})
    unexplained = [i for i in ids if i not in migrated and i not in named]
    for i in ids:
        if i not in migrated:
            print(f"  not migrated: {i}: {named.get(i, ['NO DIAGNOSTIC'])[0][:160]}")
    print(json.dumps({"detections": len(ids), "migrated": len(set(ids) & migrated),
                      "with_diagnostic": len([i for i in ids if i not in migrated and i in named]),
                      "unexplained": len(unexplained)}))
    for i in sorted(harness):
        print(f"  not compared (harness-dependent stack depth): {i}")
    with open(out, "w", encoding="utf-8") as f:
        for r in exp:
            if r.get("id") in migrated and r.get("id") not in harness:
                f.write(json.dumps(r) + "\n")
    with open(out_actual, "w", encoding="utf-8") as f:
        for r in records(actual):
            if r.get("id") not in harness:
                f.write(json.dumps(r) + "\n")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
