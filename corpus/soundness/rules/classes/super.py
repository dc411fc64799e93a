from sound_probe import probe


class Base:
    def __init__(self, name):
        self.name = name

    def greet(self, punct="!"):
        return f"hello {self.name}{punct}"

    @classmethod
    def create(cls, name):
        return cls(name)

    @property
    def tag(self):
        return "base-tag"


class Mid(Base):
    def __init__(self, name, level):
        super().__init__(name)
        self.level = level

    def greet(self, punct="?"):
        return "mid/" + super().greet(punct)

    @classmethod
    def create(cls, name):
        obj = super().create(name + "!")
        return obj

    @property
    def tag(self):
        return "mid+" + super().tag


class Leaf(Mid):
    def __init__(self, name):
        super(Mid, self).__init__(name)
        self.level = -1

    def greet(self, punct="."):
        return "leaf/" + super().greet(punct) + "|" + super(Mid, self).greet(punct)

    def __init_subclass__(cls):
        super().__init_subclass__()


def no_args_method():
    class Z:
        def f():
            return 1

    return Z


def rule(event):
    return True


def alert_context(event):
    name = event.get("name")
    return {
        "mid": probe(lambda: Mid(name, 2).greet()),
        "leaf": probe(lambda: Leaf(name).greet()),
        "leaf_level": probe(lambda: (Leaf(name).level, Leaf(name).name)),
        "create": probe(lambda: Mid.create(name)),
        "create_base": probe(lambda: Base.create(name).greet()),
        "tag": probe(lambda: Leaf(name).tag),
        "two_arg_bad": probe(lambda: super(Leaf, Base(name))),
        "two_arg_type": probe(lambda: super(3, Base(name))),
        "object_init_args": probe(lambda: Bad(1)),
        "super_attr_missing": probe(lambda: Mid(name, 1).missing_via_super()),
    }


class Bad:
    def __init__(self, x):
        super().__init__(x)


def _missing(self):
    return super(Mid, self).nothing


Mid.missing_via_super = _missing
