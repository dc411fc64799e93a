from sound_refuse import unknowable


def rule(event):
    count = 0
    for i in range(3):
        try:
            count += len(unknowable())
        finally:
            continue
    return count > 0
