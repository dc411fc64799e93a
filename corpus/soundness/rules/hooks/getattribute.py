from sound_probe import probe


class Audited:
    def __init__(self):
        object.__setattr__(self, "reads", [])
        self.value = 5

    def __getattribute__(self, name):
        reads = object.__getattribute__(self, "reads")
        reads.append(name)
        if name == "secret":
            raise AttributeError("hidden")
        return object.__getattribute__(self, name)

    def __getattr__(self, name):
        return "fallback:" + name

    def method(self):
        return self.value * 2


def rule(event):
    return True


def alert_context(event):
    a = Audited()
    return {
        "value": probe(lambda: a.value),
        "method": probe(lambda: a.method()),
        "secret": probe(lambda: a.secret),
        "missing": probe(lambda: a.nothing),
        "reads": probe(lambda: list(a.reads)),
    }
