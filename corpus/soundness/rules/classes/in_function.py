from sound_probe import probe


def make_class(prefix, base):
    class Local(base):
        tag = prefix

        def show(self):
            return prefix + ":" + self.tag + ":" + str(self.value)

        def __repr__(self):
            return f"Local({self.value!r})"

    return Local


class Valued:
    def __init__(self, value):
        self.value = value


def compare_classes(prefix):
    a = make_class(prefix, Valued)
    b = make_class(prefix, Valued)
    x = a(1)
    return [a is b, isinstance(x, a), isinstance(x, b), isinstance(x, Valued), a.__qualname__]


def rule(event):
    return True


def alert_context(event):
    name = event.get("name")
    k = make_class(name, Valued)
    return {
        "show": probe(lambda: k(event.get("n")).show()),
        "repr": probe(lambda: [k(1), k("s")]),
        "classes": probe(compare_classes, name),
        "name": probe(lambda: (k.__name__, k.__qualname__)),
    }
