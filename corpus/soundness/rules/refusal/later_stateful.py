from sound_refuse import unknowable

SEEN = []


def rule(event):
    SEEN.append(event.get("n"))
    if event.get("refuse"):
        try:
            SEEN.append(unknowable())
        except Exception:
            pass
    return len(SEEN) > 0
