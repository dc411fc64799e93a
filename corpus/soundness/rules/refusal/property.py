from sound_refuse import unknowable


class Holder:
    @property
    def text(self):
        return unknowable()


def rule(event):
    try:
        return "0x" in Holder().text
    except Exception:
        return False
