from sound_probe import probe


class Grid:
    def __init__(self):
        self.cells = {}
        self.calls = []

    def __getitem__(self, key):
        self.calls.append(("get", key))
        if isinstance(key, tuple):
            return self.cells.get(key, 0)
        if isinstance(key, int):
            if key >= 3:
                raise IndexError("grid index out of range")
            return key * 10
        raise TypeError(f"bad key {key!r}")

    def __setitem__(self, key, value):
        self.calls.append(("set", key))
        self.cells[key] = value


def fill(g):
    g[0, 1] = "a"
    g[2, 2] = "b"
    g[0, 1] += "c"
    return g[0, 1], g[2, 2], g[5, 5]


def rule(event):
    return True


def alert_context(event):
    g = Grid()
    return {
        "fill": probe(fill, g),
        "index": probe(lambda: (g[1], g[-1])),
        "bad_key": probe(lambda: g["x"]),
        "iterate": probe(lambda: list(g)),
        "in": probe(lambda: (20 in g, 25 in g)),
        "unpack": probe(lambda: [a + b + c for a, b, c in [g]]),
        "calls": probe(lambda: len(g.calls)),
        "not_subscriptable": probe(lambda: object()[0]),
    }
