from sound_probe import probe


class Money:
    def __init__(self, cents):
        self.cents = cents

    def __add__(self, other):
        if isinstance(other, Money):
            return Money(self.cents + other.cents)
        if isinstance(other, int):
            return Money(self.cents + other)
        return NotImplemented

    def __radd__(self, other):
        if other == 0:
            return self
        return self.__add__(other)

    def __sub__(self, other):
        return Money(self.cents - other.cents)

    def __mul__(self, k):
        if not isinstance(k, int):
            return NotImplemented
        return Money(self.cents * k)

    __rmul__ = __mul__

    def __truediv__(self, k):
        return self.cents / k

    def __floordiv__(self, k):
        return Money(self.cents // k)

    def __mod__(self, k):
        return self.cents % k

    def __neg__(self):
        return Money(-self.cents)

    def __pos__(self):
        return self

    def __abs__(self):
        return Money(abs(self.cents))

    def __invert__(self):
        return "inverted"

    def __repr__(self):
        return f"Money({self.cents})"


class Acc:
    def __init__(self):
        self.items = []

    def __iadd__(self, other):
        self.items.append(other)
        return self

    def __or__(self, other):
        return "or"

    def __ror__(self, other):
        return "ror"

    def __and__(self, other):
        return "and"

    def __xor__(self, other):
        return "xor"

    def __lshift__(self, other):
        return "lshift"

    def __rshift__(self, other):
        return "rshift"

    def __pow__(self, other):
        return "pow"

    def __rpow__(self, other):
        return "rpow"

    def __matmul__(self, other):
        return "matmul"


def inplace(n):
    m = Money(n)
    m += 5
    m -= Money(1)
    m *= 2
    a = Acc()
    b = a
    a += "x"
    a += "y"
    return m, b.items, a is b


def rule(event):
    return True


def alert_context(event):
    n = event.get("n")
    m = Money(n)
    return {
        "add": probe(lambda: (m + Money(3), m + 2, 2 + m, sum([Money(1), Money(2)]))),
        "sub_mul": probe(lambda: (m - Money(1), m * 3, 3 * m)),
        "div": probe(lambda: (m / 2, m // 2, m % 3)),
        "unary": probe(lambda: (-m, +m, abs(Money(-n)), ~m)),
        "inplace": probe(inplace, n),
        "unsupported": probe(lambda: m + "x"),
        "unsupported_r": probe(lambda: "x" + m),
        "unsupported_mul": probe(lambda: m * 1.5),
        "no_sub_rsub": probe(lambda: 1 - m),
        "bitwise": probe(lambda: (Acc() | 1, 1 | Acc(), Acc() & 1, Acc() ^ 1, Acc() << 1, Acc() >> 1)),
        "pow": probe(lambda: (Acc() ** 2, 2 ** Acc(), Acc() @ 1)),
        "no_op": probe(lambda: Acc() - 1),
        "no_inplace": probe(lambda: Acc().__isub__),
    }
