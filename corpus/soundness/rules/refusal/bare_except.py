from sound_refuse import unknowable


def rule(event):
    try:
        return "0x" in unknowable()
    except:  # noqa: E722
        return False
