from sound_refuse import unknowable


def rule(event):
    try:
        return "0x" in unknowable()
    except (TypeError, NotImplementedError, RuntimeError):
        return False
