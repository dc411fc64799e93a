from sound_probe import probe


class Flag:
    def __init__(self, on):
        self.on = on

    def __bool__(self):
        return self.on

    def __len__(self):
        return 0


class Sloppy:
    def __bool__(self):
        return 1


def rule(event):
    return bool(Flag(event.get("n") > 0)) or True


def alert_context(event):
    on = Flag(True)
    off = Flag(False)
    return {
        "bool": probe(lambda: (bool(on), bool(off), not on)),
        "and_or": probe(lambda: ((on and "x"), (off or "y"), (off and "z") is off)),
        "if": probe(lambda: ["on" if on else "off", "on" if off else "off"]),
        "filter": probe(lambda: len([f for f in [on, off, on] if f])),
        "any_all": probe(lambda: (any([off, off]), all([on, on]), any([off, on]))),
        "sloppy": probe(lambda: bool(Sloppy())),
        "sloppy_if": probe(lambda: 1 if Sloppy() else 0),
    }
