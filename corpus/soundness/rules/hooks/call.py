from sound_probe import probe


class Multiplier:
    def __init__(self, k):
        self.k = k
        self.calls = 0

    def __call__(self, x, *, plus=0):
        self.calls += 1
        return x * self.k + plus


def rule(event):
    return Multiplier(2)(event.get("n")) != 0 or True


def alert_context(event):
    m = Multiplier(event.get("n"))
    return {
        "call": probe(lambda: (m(2), m(3, plus=1), m.calls)),
        "as_key": probe(lambda: sorted([3, -1, 2], key=Multiplier(-1))),
        "map": probe(lambda: list(map(m, [1, 2]))),
        "bad_args": probe(lambda: m()),
        "not_callable": probe(lambda: probe(3)),
        "callable_attr": probe(lambda: Multiplier(1).__call__(5)),
    }
