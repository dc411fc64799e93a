#!/usr/bin/env python3
"""Throughput baseline for pypanther's shipped rules evaluated by pypanther in CPython.

Usage:  python bench_pypanther.py [--min-seconds 10] [--min-reps 5] [--only IDS.json] [--json OUT]

The counterpart of ../shared/oracle/bench_v1.py for PyPanther rules, and of the
`ferrule-tests --bench` measurement on the same package:

1. Rules: pypanther.get_panther_rules(), sorted by id; the tests of a @panther_managed rule
   are put back on `tests` (as oracle_v2.py does); each class is validated and instantiated
   once (Rule.run_tests does both).  With --only, just the ids listed in a JSON file (the
   `detections` list of ferrule's bench output), so both sides measure the same rules.
2. Pairs: one (rule, event) pair per RuleTest without mocks (live Panther has none); the
   event is built once as Rule.run_test builds it: PantherEvent(log, data model of the
   log type).
3. Full evaluation: rule.run(event, {}, {}, batch_mode=True) for every pair.
4. rule() only: rule.rule(event) on the same events (exceptions caught and ignored).
Each measurement is a full pass over all pairs, repeated until at least --min-seconds were
timed and --min-reps passes were made, after a warm-up pass; the median pass is reported.
Outcomes (pairs, alerting, rule raised) are counted as ferrule's bench counts them, and
listed per pair so that the two sides can be compared pair by pair.
"""

from __future__ import annotations

import sys

sys.dont_write_bytecode = True

import argparse  # noqa: E402
import contextlib  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402

from pypanther import get_panther_rules  # noqa: E402
from pypanther.cache import data_model_cache  # noqa: E402
from pypanther.base import PantherEvent  # noqa: E402

perf = time.perf_counter


def build_pairs(only):
    rules = sorted(get_panther_rules(), key=lambda r: (r.id, r.__module__, r.__qualname__))
    if only is not None:
        rules = [r for r in rules if r.id in only]
    get_dm = data_model_cache().data_model_of_logtype
    pairs, skipped, loaded = [], Counter(), []
    for cls in rules:
        if hasattr(cls, "_tests"):
            cls.tests = cls._tests
        try:
            cls.validate()
            obj = cls()
        except Exception:  # noqa: BLE001
            skipped["rule with load error"] += 1
            continue
        loaded.append(cls.id)
        for test in cls.tests or []:
            if test.mocks:
                skipped["test events needing Mocks"] += 1
                continue
            try:
                log = test.log_data()
                event = PantherEvent(log, get_dm(log.get("p_log_type", "default")))
            except Exception:  # noqa: BLE001
                skipped["test events that cannot be built"] += 1
                continue
            pairs.append((obj, event, test.name))
    return pairs, skipped, loaded


def run_full(pairs) -> None:
    for obj, event, _ in pairs:
        obj.run(event, {}, {}, True)


def run_rule_only(pairs) -> None:
    for obj, event, _ in pairs:
        try:
            obj.rule(event)
        except Exception:  # noqa: BLE001,S110
            pass


def measure(fn, pairs, min_seconds: float, min_reps: int):
    times = []
    spent = 0.0
    with open(os.devnull, "w", encoding="utf-8") as sink:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            fn(pairs)  # warm-up pass (not counted)
            while spent < min_seconds or len(times) < min_reps:
                start = perf()
                fn(pairs)
                elapsed = perf() - start
                times.append(elapsed)
                spent += elapsed
    med = statistics.median(times)
    n = max(1, len(pairs))
    return {
        "reps": len(times),
        "total_timed_s": round(spent, 3),
        "median_pass_s": round(med, 6),
        "evals_per_s": round(n / med, 1),
        "us_per_eval_median": round(med / n * 1e6, 3),
        "us_per_eval_min": round(min(times) / n * 1e6, 3),
        "us_per_eval_max": round(max(times) / n * 1e6, 3),
    }


def outcomes(pairs):
    counts, per_pair = Counter(), []
    with open(os.devnull, "w", encoding="utf-8") as sink:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            for obj, event, name in pairs:
                res = obj.run(event, {}, {}, True)
                counts["pairs_RULE"] += 1
                raised = res.detection_exception is not None
                counts["rule_raised"] += raised
                counts["alerting"] += bool(res.trigger_alert)
                per_pair.append([obj.id, name, bool(res.trigger_alert), raised])
    return {k: v for k, v in counts.items() if v}, per_pair


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-seconds", type=float, default=10.0)
    parser.add_argument("--min-reps", type=int, default=5)
    parser.add_argument("--only", help="JSON file with a `detections` list of rule ids to measure")
    parser.add_argument("--json", help="write the results to this JSON file")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    only = None
    if args.only:
        with open(args.only, encoding="utf-8") as fobj:
            only = set(json.load(fobj)["detections"])
    t0 = perf()
    pairs, skipped, loaded = build_pairs(only)
    load_s = perf() - t0
    counts, per_pair = outcomes(pairs)
    gc.collect()
    full = measure(run_full, pairs, args.min_seconds, args.min_reps)
    gc.collect()
    rule_only = measure(run_rule_only, pairs, args.min_seconds, args.min_reps)
    result = {
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {os.cpu_count()} CPUs",
        "load_and_pairs_s": round(load_s, 3),
        "detections_loaded": len(loaded),
        "pairs": len(pairs),
        "skipped": dict(skipped),
        "outcomes": counts,
        "full_detection_run": full,
        "rule_only": rule_only,
        "per_pair": per_pair,
    }
    text = json.dumps(result, indent=2)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fobj:
            fobj.write(text)
    print(json.dumps({k: v for k, v in result.items() if k != "per_pair"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
