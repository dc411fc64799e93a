"""Structural pattern matching: literal, capture, wildcard, sequence, mapping, class, `as`,
guards and or-patterns, with CPython 3.11's binding rules."""
from collections import namedtuple

OUT = {}
Point = namedtuple("Point", ["x", "y"])


class Shape:
    __match_args__ = ("kind", "size")

    def __init__(self, kind, size):
        self.kind = kind
        self.size = size


class Plain:
    def __init__(self, value):
        self.value = value


class BadArgs:
    __match_args__ = ["value"]

    def __init__(self):
        self.value = 1


class Colour:
    RED = "red"
    GREEN = "green"


def describe(subject):
    match subject:
        case None:
            return "none"
        case True | False as flag:
            return f"bool {flag}"
        case 0 | 0.0:
            return "zero"
        case int(n) if n < 0:
            return f"negative int {n}"
        case int() | float() as number:
            return f"number {number!r}"
        case "" | b"":
            return "empty text"
        case str(text) if text.startswith("x"):
            return f"x-text {text}"
        case Colour.RED:
            return "the colour red"
        case str() as text:
            return f"text {text}"
        case []:
            return "empty sequence"
        case [x]:
            return f"one item {x!r}"
        case [first, *_, last] if first == last:
            return f"same ends {first!r}"
        case [Point(x=0, y=y), *rest]:
            return f"starts on the y axis at {y} then {rest!r}"
        case (1, 2, *middle, 9):
            return f"one two ... nine with {middle!r}"
        case {"type": "user", "name": str(name), **extra}:
            return f"user {name} {sorted(extra.items())!r}"
        case {"type": "group", "members": [_, _, *_] as members}:
            return f"group of {len(members)}"
        case {"type": _}:
            return "some other type"
        case {}:
            return f"another mapping of {len(subject)}"
        case Point(0, 0):
            return "origin"
        case Point(x, y) if x == y:
            return f"diagonal {x}"
        case Shape("circle", size=radius):
            return f"circle {radius}"
        case Shape(kind, size) if size > 10:
            return f"big {kind}"
        case Shape():
            return "small shape"
        case Plain(value=v):
            return f"plain {v!r}"
        case [*items]:
            return f"sequence {items!r}"
        case _:
            return f"something else: {type(subject).__name__}"


def bindings(items):
    out = {}
    x = "unbound"
    match items:
        case [x, 99]:
            out["failed_pattern"] = "matched"
        case _:
            pass
    out["failed_pattern_binds_nothing"] = x
    y = "unbound"
    match items:
        case [y, *_] if False:
            pass
        case _:
            pass
    out["guard_fails_binding_stays"] = y
    match items:
        case [a, b, *_] | [a, b] if a < b:
            out["or_with_guard"] = [a, b]
        case other:
            out["or_with_guard"] = ["other", other]
    return out


def errors():
    out = {}
    try:
        match Plain(1):
            case Plain(1):
                pass
    except TypeError as exc:
        out["no_match_args"] = str(exc)
    try:
        match BadArgs():
            case BadArgs(1):
                pass
    except TypeError as exc:
        out["match_args_list"] = str(exc)
    try:
        match 5:
            case int(1, 2):
                pass
    except TypeError as exc:
        out["self_match_two"] = str(exc)
    try:
        match 5:
            case len():
                pass
    except TypeError as exc:
        out["not_a_type"] = str(exc)
    try:
        match Shape("a", 1):
            case Shape("a", kind="b"):
                pass
    except TypeError as exc:
        out["repeated_attribute"] = str(exc)
    return out


def rule(event):
    OUT.clear()
    subjects = [
        None, True, 0, -3, 2.5, "", "xylophone", "red", "plain text",
        [], [7], [1, 5, 1], [Point(0, 4), 5, 6], (1, 2, 3, 4, 9), (1, 2, 9),
        {"type": "user", "name": "ana", "role": "admin", "team": "x"},
        {"type": "group", "members": ["a", "b", "c"]}, {"type": "group", "members": ["a"]},
        {"a": 1}, Point(0, 0), Point(3, 3), Point(1, 2), Shape("circle", 4),
        Shape("square", 20), Shape("dot", 1), Plain([1]), range(3), b"bytes", 4.0,
    ]
    OUT["describe"] = [describe(s) for s in subjects]
    OUT["event"] = [describe(event.get("items")), describe(event.get("record"))]
    match event:
        case {"items": [*_, last], "record": {"kind": kind}}:
            OUT["event_mapping"] = [last, kind]
        case {"items": items}:
            OUT["event_mapping"] = ["only items", items]
    OUT["bindings"] = bindings(list(event.get("items")))
    OUT["errors"] = errors()
    return True


def title(event):
    return str(OUT)[:900]


def alert_context(event):
    return {k: str(v) for k, v in OUT.items()}
