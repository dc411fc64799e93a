from sound_probe import probe


class Counter:
    """Counts."""

    start = 10
    label = "counter"

    def __init__(self, name, step=1):
        self.name = name
        self.step = step
        self.value = self.start

    def bump(self):
        self.value += self.step
        return self.value


def rule(event):
    return True


def alert_context(event):
    c = Counter(event.get("name"), event.get("n"))
    d = Counter("other")
    d.label = "shadowed"
    Counter.start = 20
    e = Counter("late")
    return {
        "bump": probe(c.bump),
        "bump_again": probe(c.bump),
        "class_attr": probe(lambda: (c.label, d.label, Counter.label)),
        "class_changed": probe(lambda: (c.start, e.value, Counter.start)),
        "names": probe(lambda: (Counter.__name__, Counter.__qualname__, Counter.__doc__)),
        "module": probe(lambda: Counter.__module__),
        "type": probe(lambda: (type(c) is Counter, type(c).__name__, c.__class__ is Counter)),
        "isinstance": probe(lambda: (isinstance(c, Counter), isinstance(3, Counter))),
        "missing": probe(lambda: c.nothing),
        "class_missing": probe(lambda: Counter.nothing),
        "too_many": probe(lambda: Counter("a", 1, 2)),
        "missing_arg": probe(lambda: Counter()),
        "bad_keyword": probe(lambda: Counter("a", size=3)),
        "no_init": probe(lambda: type(Plain())),
        "no_init_args": probe(lambda: Plain(1)),
    }


class Plain:
    pass
