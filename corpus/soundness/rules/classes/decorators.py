from sound_probe import probe

REGISTRY = []


def register(cls):
    REGISTRY.append(cls.__name__)
    return cls


def tagged(label):
    def apply(cls):
        cls.label = label
        return cls

    return apply


def replace_with_name(cls):
    return cls.__name__.lower()


@register
@tagged("first")
class Alpha:
    pass


@tagged("outer")
@tagged("inner")
class Beta:
    pass


@replace_with_name
class Gamma:
    pass


def rule(event):
    return True


def alert_context(event):
    return {
        "registry": probe(lambda: REGISTRY),
        "labels": probe(lambda: (Alpha.label, Beta.label)),
        "replaced": probe(lambda: Gamma),
    }
