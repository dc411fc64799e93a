from sound_refuse import unknowable


def rule(event):
    if event.get("skip"):
        return False
    try:
        return "0x" in unknowable()
    except Exception:
        return False
