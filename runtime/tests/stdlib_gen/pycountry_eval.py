"""Cases for ferrule's `pycountry` module and CPython's outcome of each, for one database.

Usage: python pycountry_eval.py ISO3166-1.JSON > OUT.json  (a python with pycountry 24.6.1)

The database is loaded the way `pycountry.countries` loads its own
(`pycountry.ExistingCountries(path)`), so with pycountry's `databases/iso3166-1.json` the
answers are those of `pycountry.countries`. Output: a JSON list of `[case, expected]`, where a
case is `{"call": "get"|"lookup", "args": [...], "kwargs": [[k, v], ...], "post": ...}` or
`{"op": ...}` (see `run` below and `runtime/tests/pycountry_common/mod.rs`, which interprets
the same cases), and `expected` is `repr(result)`, `"!Type: message"`, or `"!refused"` for a
name CPython has that ferrule deliberately does not provide.
"""
import json
import sys

import pycountry

path = sys.argv[1]
db = pycountry.ExistingCountries(path)
with open(path, encoding="utf-8") as f:
    entries = json.load(f)["3166-1"]


def outcome(f):
    try:
        return repr(f())
    except Exception as e:  # noqa: BLE001 - every exception is an outcome to compare
        return f"!{type(e).__name__}: {e}"


def call(case):
    fn = getattr(db, case["call"])
    return fn(*case.get("args", []), **dict(case.get("kwargs", [])))


def post(r, p):
    if p is None:
        return r
    if p == "str":
        return str(r)
    if p == "dict":
        return dict(r)
    if p == "list":
        return list(r)
    if p == "bool":
        return bool(r)
    if p == "len":
        return len(r)
    if p == "is_none":
        return r is None
    if p == "in_countries":
        return r in db
    if p == "index0":
        return r[0]
    kind, arg = p
    if kind == "attr":
        return getattr(r, arg)
    if kind == "hasattr":
        return hasattr(r, arg)
    if kind == "getattr_default":
        return getattr(r, arg, "DEFAULT")
    if kind == "contains":
        return tuple(arg) in r
    raise ValueError(p)


def run(case):
    op = case.get("op")
    if op is None:
        return post(call(case), case.get("post"))
    if op == "same":
        a, b = call(case["a"]), call(case["b"])
        return (a is b, a == b, a != b)
    if op == "len":
        return len(db)
    if op == "bool":
        return bool(db)
    if op == "iter_alpha_2":
        return [c.alpha_2 for c in db]
    if op == "all_in":
        return all(c in db for c in db)
    if op == "value_in":
        return case["value"] in db
    if op == "countries_attr":
        return getattr(db, case["name"])
    raise ValueError(op)


cases = []


def add(case, refused=False):
    cases.append([case, "!refused" if refused else outcome(lambda: run(case))])


def get(field, value, **extra):
    add({"call": "get", "kwargs": [[field, value]], **extra})


def variants(v):
    out = [v, v.upper(), v.lower(), v.swapcase(), v.title(), v.casefold()]
    return list(dict.fromkeys(out))


# Every field value of every record, in several casings, through get and lookup.
for e in entries:
    for field, value in e.items():
        for v in variants(value):
            get(field, v)
            add({"call": "lookup", "args": [v]})

# Per record: repr, str, dict, list, attribute reads (present, absent, class names).
attrs = sorted({k for e in entries for k in e}) + [
    "official_name", "common_name", "comment", "foo", "Name", "ALPHA_2", "alpha2", "",
    "country_code", "subdivisions",
]
for e in entries:
    a2 = e.get("alpha_2")
    if a2 is None:
        continue
    for p in ["str", "dict", "list", "bool", "len", "index0", "is_none", "in_countries"]:
        get("alpha_2", a2, post=p)
    for name in attrs:
        get("alpha_2", a2, post=["attr", name])
        get("alpha_2", a2, post=["hasattr", name])
        get("alpha_2", a2, post=["getattr_default", name])
    for field, value in list(e.items())[:2]:
        get("alpha_2", a2, post=["contains", [field, value]])
    get("alpha_2", a2, post=["contains", ["alpha_2", a2 + "x"]])
    if "alpha_3" in e:
        add({"op": "same",
             "a": {"call": "get", "kwargs": [["alpha_2", a2]]},
             "b": {"call": "get", "kwargs": [["alpha_3", e["alpha_3"].lower()]]}})
    if "numeric" in e:
        add({"op": "same",
             "a": {"call": "lookup", "args": [e["numeric"]]},
             "b": {"call": "get", "kwargs": [["alpha_2", a2.lower()]]}})

# Names CPython's records have before `Data.__getattr__` runs: refused.
if entries and "alpha_2" in entries[0]:
    first = entries[0]["alpha_2"]
    for name in ["_fields", "__dict__", "__class__", "__iter__", "__repr__", "__module__"]:
        add({"call": "get", "kwargs": [["alpha_2", first]], "post": ["attr", name]}, refused=True)
        add({"call": "get", "kwargs": [["alpha_2", first]], "post": ["hasattr", name]})

# Misses, odd strings, Unicode case mapping.
misses = ["", "XX", "zz", "C", "CHNA", " CN", "CN ", "C N", "1", "00", "999", "İ", "ı", "ß", "SS",
          "ﬀ", "ΟΔΟΣ", "οδος", "\x00", "cn\n", "Ａ", "🇨🇳", "CHINA", "china "]
for field in ["alpha_2", "alpha_3", "numeric", "name", "official_name", "flag", "common_name"]:
    for v in misses:
        get(field, v)
        get(field, v, post="is_none")
for v in misses:
    add({"call": "lookup", "args": [v]})
    add({"call": "lookup", "kwargs": [["value", v]]})

# Non-str values, unknown fields, argument errors, default=.
for v in [1, 0, None, True, False, 1.5, [], ["CN"], {"a": 1}]:
    get("alpha_2", v)
    get("foo", v)
    add({"call": "lookup", "args": [v]})
for field in ["foo", "Alpha_2", "ALPHA_2", "alpha 2", "", "alpha_4", "country_code", "official_name",
              "common_name", "comment"]:
    get(field, "CN")
    get(field, "China")
for kw in [
    [],
    [["default", 1]],
    [["default", None]],
    [["alpha_2", "CN"], ["alpha_3", "CHN"]],
    [["alpha_2", "XX"], ["alpha_3", "CHN"]],
    [["alpha_2", "CN"], ["default", "D"]],
    [["default", "D"], ["alpha_2", "XX"]],
    [["alpha_2", "XX"], ["default", "D"]],
    [["alpha_2", "XX"], ["default", 0]],
    [["alpha_2", "XX"], ["default", ["L"]]],
    [["foo", "XX"], ["default", "D"]],
    [["alpha_2", 5], ["default", "D"]],
    [["default", "D"], ["foo", "x"], ["bar", "y"]],
    [["self", "x"]],
    [["alpha_2", "CN"], ["self", "x"]],
]:
    add({"call": "get", "kwargs": kw})
for args, kw in [
    (["CN"], []),
    (["CN", "x"], []),
    (["CN"], [["alpha_2", "CN"]]),
    ([None], [["default", 1]]),
]:
    add({"call": "get", "args": args, "kwargs": kw})
for args, kw in [
    ([], []),
    (["a", "b"], []),
    (["a", "b", "c"], []),
    (["a", "b"], [["x", 1]]),
    (["a", "b"], [["value", 1]]),
    (["a"], [["value", 1]]),
    ([], [["x", 1]]),
    ([], [["value", 1], ["x", 1]]),
    (["a"], [["x", 1], ["value", 2]]),
    ([], [["value", "cn"]]),
    ([], [["self", 1]]),
    (["cn"], [["self", 1]]),
]:
    add({"call": "lookup", "args": args, "kwargs": kw})

# The database object itself.
add({"op": "len"})
add({"op": "bool"})
add({"op": "iter_alpha_2"})
add({"op": "all_in"})
for v in ["CN", "cn", None, 1, ("alpha_2", "CN")]:
    add({"op": "value_in", "value": v})
for name in ["foo", "Get", "countries", "subdivisions", "alpha_2", "__foo__"]:
    add({"op": "countries_attr", "name": name})
for name in ["filename", "objects", "indices", "search_fuzzy", "add_entry", "remove_entry",
             "data_class", "factory", "__dict__", "__len__", "_load"]:
    add({"op": "countries_attr", "name": name}, refused=True)

json.dump(cases, sys.stdout, ensure_ascii=False)
sys.stdout.write("\n")
