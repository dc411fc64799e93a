from sound_refuse import unknowable


def rule(event):
    prefix = "0x"

    def inner():
        return prefix in unknowable()

    try:
        return inner()
    except Exception:
        return False
