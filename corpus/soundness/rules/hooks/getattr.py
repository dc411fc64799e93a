from sound_probe import probe


class Lenient:
    known = "class attribute"

    def __init__(self):
        self.own = "instance attribute"

    def __getattr__(self, name):
        if name.startswith("bad"):
            raise KeyError(name)
        if name.startswith("_"):
            raise AttributeError(f"no {name}")
        return f"dynamic {name}"


def rule(event):
    return True


def alert_context(event):
    x = Lenient()
    name = event.get("name")
    return {
        "dynamic": probe(lambda: getattr(x, name)),
        "known": probe(lambda: (x.known, x.own)),
        "hasattr": probe(lambda: (hasattr(x, "anything"), hasattr(x, "_private"))),
        "hasattr_raises": probe(lambda: hasattr(x, "bad_one")),
        "getattr_default": probe(lambda: getattr(x, "_hidden", "default")),
        "missing": probe(lambda: x._missing),
        "method_call": probe(lambda: x.upper),
    }
