#!/usr/bin/env python3
"""Fails unless compare.py found 0 missing tests and every differing test is listed in the
known-differences file (one `ID | test name` per line, `#` comments). A listed difference
that no longer occurs is reported too, so the list only shrinks."""
import json
import sys

summary_path, text_path, known_path = sys.argv[1:4]
summary = json.load(open(summary_path))
diffs = set()
for line in open(text_path):
    line = line.strip()
    if line.startswith("DIFF "):
        diffs.add(line[5:].strip())
    if line.startswith("MISSING "):
        print(f"missing: {line[8:]}")
known = set()
try:
    for line in open(known_path):
        line = line.split("#", 1)[0].strip()
        if line:
            known.add(line)
except FileNotFoundError:
    pass
print(json.dumps(summary))
ok = True
if summary.get("missing_in_actual"):
    print(f"FAIL: {summary['missing_in_actual']} tests missing from ferrule's output")
    ok = False
unexpected = sorted(diffs - known)
if unexpected or summary.get("differing", 0) > len(diffs):
    print(f"FAIL: {len(unexpected)} unexpected differences from CPython:")
    for d in unexpected:
        print("   ", d)
    ok = False
fixed = sorted(known - diffs)
if fixed:
    print(f"FAIL: {len(fixed)} known differences no longer occur; remove them from {known_path}:")
    for d in fixed:
        print("   ", d)
    ok = False
print(f"{summary['identical']} passed, {summary['differing'] + summary['missing_in_actual']} failed")
sys.exit(0 if ok else 1)
