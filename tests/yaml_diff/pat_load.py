#!/usr/bin/env python3
"""Loads YAML documents with panther_analysis_tool's own spec loader and prints each value.

Input (stdin): one base64-encoded document per line. Output (stdout): one line per document,
the value in the canonical form that tests/yaml_differential.rs also renders ferrule's value
in, or `E` when PAT's loader raises (a YAML error, which makes the spec invalid, or any other
exception, which stops PAT itself), followed by the error's type and problem.
"""
import base64
import io
import json
import math
import sys

from panther_analysis_tool.analysis_utils import _PyYAMLFastLoader

sys.setrecursionlimit(10000)


def canon(v, active):
    if v is None:
        return "N"
    if v is True:
        return "T"
    if v is False:
        return "F"
    if isinstance(v, int):
        return "I" + str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "Fnan"
        return "F" + repr(v)
    if isinstance(v, str):
        return "S" + json.dumps(v)
    if isinstance(v, (bytes, set)):
        return "O" + type(v).__name__
    if id(v) in active:
        return "R"
    active.add(id(v))
    try:
        if isinstance(v, list):
            if any(isinstance(i, tuple) for i in v):
                return "Olist"
            return "[" + ",".join(canon(i, active) for i in v) + "]"
        if isinstance(v, dict):
            return "{" + ",".join(canon(k, active) + ":" + canon(x, active) for k, x in v.items()) + "}"
    finally:
        active.discard(id(v))
    return "O" + type(v).__name__


def main():
    loader = _PyYAMLFastLoader()
    out = []
    for line in sys.stdin:
        doc = base64.b64decode(line.strip())
        sys.set_int_max_str_digits(4300)
        try:
            value = loader.load(io.BytesIO(doc))
        except BaseException as e:  # noqa: BLE001  (anything PAT's loader raises)
            problem = getattr(e, "problem", None) or str(e)
            out.append("E " + type(e).__name__ + ": " + " ".join(str(problem).split())[:120])
            continue
        # Printing is not loading: integers of any length are printed.
        sys.set_int_max_str_digits(0)
        out.append(canon(value, set()))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
