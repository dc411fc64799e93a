from sound_probe import probe


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __repr__(self):
        return f"Point({self.x!r}, {self.y!r})"

    def __str__(self):
        return f"({self.x}, {self.y})"

    def __format__(self, spec):
        if spec == "":
            return str(self)
        if spec == "polar":
            return "polar!"
        return f"<{format(self.x, spec)}|{format(self.y, spec)}>"


class OnlyRepr:
    def __repr__(self):
        return "only-repr"


class OnlyStr:
    def __str__(self):
        return "only-str"


class BadStr:
    def __str__(self):
        return 42


class BadFormat:
    def __format__(self, spec):
        return None


def rule(event):
    return True


def title(event):
    return f"point {Point(event.get('n'), 2)} and {OnlyRepr()!s}"


def alert_context(event):
    n = event.get("n")
    p = Point(n, 2.5)
    return {
        "str_repr": probe(lambda: (str(p), repr(p))),
        "containers": probe(lambda: (str([p]), str({"k": p}), str((p,)))),
        "fstring": probe(lambda: f"{p} {p!r} {p!s} {p:polar} {p:>6}"),
        "format": probe(lambda: (format(p), format(p, ".1f"), "{:polar} {!r}".format(p, p))),
        "only_repr": probe(lambda: (str(OnlyRepr()), f"{OnlyRepr()}", [OnlyRepr()])),
        "only_str": probe(lambda: (str(OnlyStr()), f"{OnlyStr()}")),
        "bad_str": probe(lambda: str(BadStr())),
        "bad_format": probe(lambda: format(BadFormat(), "x")),
        "default_format_spec": probe(lambda: format(OnlyRepr(), "x")),
    }
