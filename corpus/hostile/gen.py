#!/usr/bin/env python3
"""Writes corpus/hostile: one v1 detection per hostile input of issue 12, beside a good one.

Run from anywhere: `python3 corpus/hostile/gen.py`. Every spec's first line says what
`ferrule build` must report for it (`# expect: CODE`, or `# expect: ok` when the detection
must be emitted); tests/hostile.rs checks that and snapshots the diagnostics. The files are
generated so that their size and shape are exact; the output is deterministic, and CI
checks that the committed files are current.
"""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
RULES = os.path.join(HERE, "rules")


def spec(name, expect, rule_id=None, filename=None, extra="", tests=None, head=""):
    rule_id = rule_id or "Hostile." + "".join(p.capitalize() for p in name.split("_"))
    filename = filename or name + ".py"
    tests = tests if tests is not None else (
        "Tests:\n"
        "  - Name: runs\n"
        "    ExpectedResult: true\n"
        "    Log: {action: go}\n"
    )
    return (
        f"{head}# expect: {expect}\n"
        "AnalysisType: rule\n"
        f"Filename: {filename}\n"
        f"RuleID: {rule_id}\n"
        "Enabled: true\n"
        "LogTypes: [Custom.Hostile]\n"
        "Severity: Low\n"
        f"{extra}{tests}"
    )


def rule(expr, pre=""):
    return f"{pre}def rule(event):\n    return bool({expr})\n"


FILES = {}


def add(name, expect, py=None, **kw):
    FILES[f"rules/{name}.yml"] = spec(name, expect, **kw)
    if py is not None:
        FILES[f"rules/{name}.py"] = py


# The detection that must survive every other case.
add("good", "ok", rule("event.get('action') == 'go'"))

# Deep expressions CPython compiles (its limit is about 2,990 levels during compilation).
add("sum_700", "ok", rule("+".join(["1"] * 700) + " > 0"))
add("not_chain_2000", "F007", rule("not " * 2000 + "False"))
add("unary_chain_2000", "F007", rule("-" * 2000 + "1"))
add("attr_chain_2000", "F007", rule("event" + ".get" * 2000))
add("lambdas_2000", "F007", "f = " + "lambda: " * 2000 + "1\n" + rule("f"))
add("sum_900", "ok", rule("+".join(["1"] * 900) + " > 0"))
# Just under ferrule's depth limit (1,000): emitted, and rustc compiles them.
add("not_chain_990", "ok", rule("not " * 990 + "False"))
add("unary_chain_990", "ok", rule("-" * 990 + "1"))
add("attr_chain_990", "ok", "def rule(event):\n    return bool(event" + ".upper" * 985 + ")\n", tests="")
# Beyond CPython's compile-time recursion limit: its RecursionError, as F004.
add("sum_5000", "F004", rule("+".join(["1"] * 5000) + " > 0"))
add("unary_chain_100000", "F004", rule("-" * 100000 + "1"))
# CPython's tokenizer limits.
add("list_3000", "F004", rule("[" * 3000 + "]" * 3000))
add("parens_201", "F004", "def rule(event):\n    return " + "(" * 201 + "True" + ")" * 201 + "\n")
add("parens_200", "ok", "def rule(event):\n    return " + "(" * 200 + "True" + ")" * 200 + "\n")
add(
    "indent_100",
    "F004",
    "def rule(event):\n"
    + "".join("    " * (i + 1) + "if True:\n" for i in range(99))
    + "    " * 100
    + "return True\n",
)
add("nul_byte", "F004", "def rule(event):\n    return True\x00\n")
add("not_utf8", "F004", b"def rule(event):\n    return '\xff' == 1\n")

# Names and files.
long_id = "Hostile.LongId." + "X" * 300
add("long_rule_id", "ok", rule("True"), rule_id=long_id)
add("collide_a", "ok", rule("True"), rule_id="Hostile.Collide-A")
add("collide_b", "ok", rule("True"), rule_id="Hostile.Collide_A")
add("collide_c", "ok", rule("True"), rule_id="Hostile.Collide.A")

# YAML.
bomb_levels = "".join(
    f"  - &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)
FILES["rules/alias_bomb.yml"] = spec(
    "alias_bomb",
    "F010",
    tests=(
        "Tests:\n"
        "  - Name: bomb\n"
        "    ExpectedResult: true\n"
        "    Log:\n"
        "      data:\n"
        "        - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + bomb_levels.replace("  - ", "        - ")
    ),
)
FILES["rules/alias_bomb.py"] = rule("True")
add("bom_spec", "ok", rule("True"), head="\ufeff")
add("bom_python", "ok", "\ufeff" + rule("True"))
add(
    "big_int",
    "F010",
    rule("True"),
    tests=(
        "Tests:\n"
        "  - Name: big\n"
        "    ExpectedResult: true\n"
        "    Log: {n: 123456789012345678901234567890123456789012345678901234567890}\n"
    ),
)
add(
    "huge_int",
    "F001",
    rule("True"),
    tests=(
        "Tests:\n"
        "  - Name: huge\n"
        "    ExpectedResult: true\n"
        "    Log: {n: " + "9" * 5000 + "}\n"
    ),
)
add("yaml_control_char", "F001", rule("True"), extra="Description: \"bell\x07\"\n")
add("two_documents", "F001", rule("True"), tests="Tests: []\n---\nk: v\n")
add(
    "flow_brace_at_parent_indent",
    "ok",
    rule("True"),
    tests=(
        "Tests:\n"
        "  - Name: flow\n"
        "    ExpectedResult: true\n"
        "    Log: {action: go,\n"
        "  user: x\n"
        "}\n"
    ),
)
add(
    "deep_yaml",
    "F001",
    rule("True"),
    tests=(
        "Tests:\n"
        "  - Name: deep\n"
        "    ExpectedResult: true\n"
        "    Log: {a: " + "[" * 1200 + "]" * 1200 + "}\n"
    ),
)
add(
    "deep_test_data",
    "F010",
    rule("True"),
    tests=(
        "Tests:\n"
        "  - Name: deep\n"
        "    ExpectedResult: true\n"
        "    Log: {a: " + "[" * 950 + "]" * 950 + "}\n"
    ),
)
add("analysis_type_capital", "F002", rule("True"), head="")
FILES["rules/analysis_type_capital.yml"] = FILES["rules/analysis_type_capital.yml"].replace(
    "AnalysisType: rule", "AnalysisType: Rule"
)

# Files outside the repository.
add("filename_outside", "F003", None, filename="../../../../../../../../etc/passwd")
add("filename_absolute", "F003", None, filename="/etc/passwd")
add("filename_link_outside", "F003", None, filename="link_outside.py")
LINKS = {"rules/link_outside.py": "/etc/passwd"}
# A spec reached through a link, as PAT reads it (its Filename is relative to the link).
FILES["shared/linked_spec.yml"] = spec("linked_spec", "ok", rule_id="Hostile.LinkedSpec")
FILES["rules/linked_spec.py"] = rule("True")
LINKS["rules/linked_spec.yml"] = "../shared/linked_spec.yml"
LINKS["rules/spec_link_outside.yml"] = "/etc/passwd"

# A global helper named like a standard-library module: under PAT the standard module wins.
FILES["global_helpers/json.yml"] = (
    "# expect: F014\n"
    "AnalysisType: global\n"
    "Filename: json.py\n"
    "GlobalID: json\n"
)
FILES["global_helpers/json.py"] = "def dumps(x):\n    return 'helper'\n"
add("uses_stdlib_json", "ok", "import json\n\n" + rule("json.dumps([1]) == '[1]'"))

# A detection that recurses without end (its RecursionError is the runtime's business).
add("recursion", "ok", "def f(n):\n    return f(n + 1)\n\n\ndef rule(event):\n    return f(0)\n",
    tests="")

# A folder PAT does not read specs from.
FILES["notes/ignored.yml"] = spec("ignored", "F012", rule_id="Hostile.NotLoaded")
FILES["notes/ignored.py"] = rule("True")


def main():
    for d in ("rules", "global_helpers", "shared", "notes"):
        shutil.rmtree(os.path.join(HERE, d), ignore_errors=True)
    for rel, text in sorted(FILES.items()):
        path = os.path.join(HERE, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        with open(path, "wb") as f:
            f.write(data)
    for rel, target in sorted(LINKS.items()):
        path = os.path.join(HERE, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.symlink(target, path)


if __name__ == "__main__":
    main()
