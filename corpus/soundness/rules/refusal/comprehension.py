from sound_refuse import unknowable


def rule(event):
    try:
        parts = [unknowable() for _ in range(2)]
    except Exception:
        parts = []
    return len(parts) == 2
