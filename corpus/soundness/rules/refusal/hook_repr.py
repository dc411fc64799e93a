from sound_refuse import unknowable


class Shown:
    def __repr__(self):
        return unknowable()


def rule(event):
    try:
        return "0x" in f"{[Shown()]}"
    except Exception:
        return False
