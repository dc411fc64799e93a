from sound_refuse import unknowable


def rule(event):
    return True


def title(event):
    try:
        return unknowable()[:12]
    except Exception:
        return "no title"
