from sound_refuse import unknowable


def rule(event):
    f = lambda: unknowable()  # noqa: E731
    try:
        return "0x" in f()
    except Exception:
        return False
