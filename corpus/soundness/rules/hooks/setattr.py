from sound_probe import probe


class Validated:
    def __init__(self, n):
        self.log = []
        self.n = n

    def __setattr__(self, name, value):
        if name == "n" and value < 0:
            raise ValueError(f"negative {name}")
        if name != "log":
            self.log.append(name)
        super().__setattr__(name, value)

    def __delattr__(self, name):
        self.log.append("del " + name)
        object.__delattr__(self, name)


class Frozen:
    def __setattr__(self, name, value):
        raise AttributeError(f"cannot set {name}")


def assign(obj, name, value):
    setattr(obj, name, value)
    return obj.log


def remove(obj, name):
    delattr(obj, name)
    return (obj.log, hasattr(obj, name))


def rule(event):
    return True


def alert_context(event):
    v = Validated(1)
    return {
        "assign": probe(assign, v, "n", event.get("n")),
        "assign_other": probe(assign, v, "extra", 2),
        "remove": probe(remove, v, "extra"),
        "remove_missing": probe(remove, v, "extra"),
        "frozen_set": probe(setattr, Frozen(), "x", 1),
    }
