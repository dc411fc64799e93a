from sound_probe import probe

FACTOR = 2


class Config:
    """Configuration."""

    base = 10
    doubled = base * FACTOR
    names = ["a", "b"]
    upper = [n.upper() for n in names]
    pairs = {n: FACTOR for n in names}

    def compute(self):
        return self.doubled + 1

    alias = compute
    compute_twice = staticmethod(lambda x: x * FACTOR)
    FACTOR = 3
    tripled = base * FACTOR

    def _get(self):
        return "via property()"

    prop = property(_get)
    if base > 5:
        big = True
    else:
        big = False
    for i in range(2):
        last = i


def rule(event):
    return True


def alert_context(event):
    c = Config()
    return {
        "values": probe(lambda: (Config.doubled, Config.tripled, Config.upper, Config.pairs)),
        "alias": probe(lambda: (c.alias(), c.compute())),
        "static_lambda": probe(Config.compute_twice, 5),
        "prop": probe(lambda: c.prop),
        "flow": probe(lambda: (Config.big, Config.last, Config.i)),
        "factor": probe(lambda: (Config.FACTOR, FACTOR)),
        "doc": probe(lambda: Config.__doc__),
    }
