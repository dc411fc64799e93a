from sound_probe import probe


class A:
    def who(self):
        return "A"

    def chain(self):
        return ["A"]


class B(A):
    def who(self):
        return "B"

    def chain(self):
        return ["B"] + super().chain()


class C(A):
    def who(self):
        return "C"

    def chain(self):
        return ["C"] + super().chain()


class D(B, C):
    def chain(self):
        return ["D"] + super().chain()


class E(C, B):
    pass


def bad_mro():
    class X(A, B):
        pass

    return X


def duplicate():
    class Y(A, A):
        pass

    return Y


def rule(event):
    return True


def alert_context(event):
    return {
        "who": probe(lambda: (D().who(), E().who())),
        "chain": probe(lambda: D().chain()),
        "chain_e": probe(lambda: E().chain()),
        "mro": probe(lambda: [k.__name__ for k in D.__mro__]),
        "bases": probe(lambda: [k.__name__ for k in D.__bases__]),
        "bad_mro": probe(bad_mro),
        "duplicate": probe(duplicate),
        "subclass": probe(lambda: (issubclass(D, A), issubclass(A, D), issubclass(E, (B, int)))),
        "isinstance": probe(lambda: (isinstance(D(), C), isinstance(B(), C))),
    }
