from sound_refuse import unknowable

PREFIX = "0x"


def rule(event):
    if event.get("refuse"):
        try:
            return PREFIX in unknowable()
        except Exception:
            return False
    return event.get("n") == 2


def title(event):
    return f"n={event.get('n')}"
