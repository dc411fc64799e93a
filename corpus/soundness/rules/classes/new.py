from sound_probe import probe


class Interned:
    _cache = {}

    def __new__(cls, key):
        if key in cls._cache:
            return cls._cache[key]
        obj = super().__new__(cls)
        cls._cache[key] = obj
        obj.inits = 0
        return obj

    def __init__(self, key):
        self.key = key
        self.inits += 1


class NotMine:
    def __new__(cls, value):
        return value * 2

    def __init__(self, value):
        raise AssertionError("not called")


class ArgsToObjectNew:
    def __new__(cls, x):
        return super().__new__(cls, x)


class Counted:
    made = 0

    def __new__(cls, *args):
        cls.made += 1
        return object.__new__(cls)

    def __init__(self, a, b=2):
        self.total = a + b


def rule(event):
    return True


def alert_context(event):
    name = event.get("name")
    a = Interned(name)
    b = Interned(name)
    return {
        "interned": probe(lambda: (a is b, a.inits, a.key)),
        "not_mine": probe(lambda: NotMine(21)),
        "object_new_args": probe(lambda: ArgsToObjectNew(1)),
        "counted": probe(lambda: (Counted(1).total, Counted(1, 5).total, Counted.made)),
        "counted_bad": probe(lambda: Counted()),
    }
