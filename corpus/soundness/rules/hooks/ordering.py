from sound_probe import probe


class Version:
    def __init__(self, major, minor=0):
        self.major = major
        self.minor = minor

    def _key(self):
        return (self.major, self.minor)

    def __lt__(self, other):
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other):
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() <= other._key()

    def __eq__(self, other):
        return isinstance(other, Version) and self._key() == other._key()

    __hash__ = None

    def __repr__(self):
        return f"v{self.major}.{self.minor}"


class OnlyLt:
    def __init__(self, n):
        self.n = n

    def __lt__(self, other):
        return self.n < other.n

    def __repr__(self):
        return f"L{self.n}"


class Num:
    def __init__(self, n):
        self.n = n

    def __gt__(self, other):
        return ("gt", self.n, other)

    def __lt__(self, other):
        return ("lt", self.n, other)


class SubNum(Num):
    def __gt__(self, other):
        return ("sub-gt", self.n, other.n)


def rule(event):
    return True


def alert_context(event):
    n = event.get("n")
    a, b = Version(1, n), Version(2)
    return {
        "lt": probe(lambda: (a < b, b < a, a <= a, a > b, b >= a)),
        "sorted": probe(lambda: sorted([Version(3), a, b, Version(1, 1)])),
        "min_max": probe(lambda: (min(a, b), max([a, b]))),
        "other_type": probe(lambda: a < 3),
        "other_type_ge": probe(lambda: 3 >= a),
        "chained": probe(lambda: Version(0) < a < b),
        "only_lt": probe(lambda: (OnlyLt(1) < OnlyLt(2), OnlyLt(3) > OnlyLt(2))),
        "only_lt_le": probe(lambda: OnlyLt(1) <= OnlyLt(2)),
        "sorted_only_lt": probe(lambda: sorted([OnlyLt(3), OnlyLt(1), OnlyLt(2)])),
        "reflected": probe(lambda: (3 < Num(n), Num(n) < 3, 3 > Num(n))),
        "subclass_first": probe(lambda: Num(1) < SubNum(2)),
        "no_order": probe(lambda: object() < object()),
    }
