from sound_refuse import unknowable


def rule(event):
    seen = []
    for i in range(3):
        try:
            seen.append(unknowable())
        finally:
            break
    return len(seen) == 0
