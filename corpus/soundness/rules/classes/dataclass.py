import dataclasses
from dataclasses import dataclass, field

from sound_probe import probe


@dataclass
class Event:
    name: str
    count: int = 0
    tags: list = field(default_factory=list)
    seen: int = field(default=0, repr=False, compare=False)

    def bump(self):
        self.count += 1
        return self


@dataclass(order=True, frozen=True)
class Version:
    major: int
    minor: int = 0


@dataclass
class Derived(Event):
    level: int = 1


@dataclass
class WithPost:
    a: int
    scale: dataclasses.InitVar[int] = 2
    total: int = field(init=False, default=0)

    def __post_init__(self, scale):
        self.total = self.a * scale


@dataclass(eq=False)
class NoEq:
    x: int


@dataclass(unsafe_hash=True)
class Hashed:
    x: int
    y: str = "y"


def non_default_after_default():
    @dataclass
    class Bad:
        x: int = 1
        y: int

    return Bad


def mutable_default():
    @dataclass
    class Bad:
        x: list = []

    return Bad


def frozen_assign(v):
    v.major = 9


def both_defaults():
    return field(default=1, default_factory=list)


def rule(event):
    return True


def alert_context(event):
    name = event.get("name")
    e = Event(name)
    return {
        "repr": probe(lambda: (e, Event(name, 2, ["t"], 5))),
        "eq": probe(lambda: (Event(name) == Event(name, seen=3), Event(name) == Event("x"), Event(name) != e)),
        "factory": probe(lambda: Event("a").tags is Event("b").tags),
        "bump": probe(lambda: e.bump().bump().count),
        "order": probe(lambda: sorted([Version(2), Version(1, 5), Version(1, 2)])),
        "lt": probe(lambda: (Version(1) < Version(1, 1), Version(2) >= Version(2))),
        "lt_other": probe(lambda: Version(1) < 3),
        "frozen": probe(frozen_assign, Version(1)),
        "frozen_hash": probe(lambda: hash(Version(1, 2)) == hash((1, 2))),
        "unhashable": probe(lambda: {Event(name)}),
        "derived": probe(lambda: Derived(name, 1, [], 0, 4)),
        "derived_missing": probe(lambda: Derived()),
        "post_init": probe(lambda: (WithPost(3).total, WithPost(3, 5).total, WithPost(1))),
        "no_eq": probe(lambda: NoEq(1) == NoEq(1)),
        "hashed": probe(lambda: (hash(Hashed(1)) == hash((1, "y")), len({Hashed(1), Hashed(1)}))),
        "non_default": probe(non_default_after_default),
        "mutable": probe(mutable_default),
        "both": probe(both_defaults),
        "asdict": probe(lambda: dataclasses.asdict(Event(name, 1, [1, {"k": (2, 3)}]))),
        "astuple": probe(lambda: dataclasses.astuple(Version(3, 4))),
        "replace": probe(lambda: dataclasses.replace(e, name="new")),
        "replace_bad": probe(lambda: dataclasses.replace(e, nope=1)),
        "fields": probe(lambda: [f.name for f in dataclasses.fields(Derived)]),
        "is_dataclass": probe(lambda: (dataclasses.is_dataclass(e), dataclasses.is_dataclass(3))),
        "too_many": probe(lambda: Event(name, 1, [], 0, 9)),
        "bad_kw": probe(lambda: Event(name, cnt=1)),
        "class_default": probe(lambda: (Event.count, Event.seen)),
    }
