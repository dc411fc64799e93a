from sound_refuse import unknowable


def rule(event):
    attempts = 0
    while attempts < 1000:
        attempts += 1
        try:
            return "0x" in unknowable()
        except Exception:
            continue
    return False
