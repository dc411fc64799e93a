from sound_probe import probe


class Sized:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n


class Weird:
    def __init__(self, value):
        self.value = value

    def __len__(self):
        return self.value


def rule(event):
    return len(Sized(max(event.get("n"), 0))) >= 0


def alert_context(event):
    n = event.get("n")
    return {
        "len": probe(lambda: len(Sized(abs(n)))),
        "truthiness": probe(lambda: (bool(Sized(0)), bool(Sized(2)), not Sized(0))),
        "if": probe(lambda: "yes" if Sized(abs(n)) else "no"),
        "negative": probe(lambda: len(Sized(n))),
        "negative_truth": probe(lambda: bool(Sized(n))),
        "str_len": probe(lambda: len(Weird("x"))),
        "bool_len": probe(lambda: len(Weird(True))),
        "float_len": probe(lambda: len(Weird(1.5))),
        "no_len": probe(lambda: len(object())),
    }
