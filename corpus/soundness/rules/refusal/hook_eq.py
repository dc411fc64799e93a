from sound_refuse import unknowable


class Odd:
    def __eq__(self, other):
        return "0x" in unknowable()


def rule(event):
    try:
        return Odd() in [1, 2]
    except Exception:
        return False
