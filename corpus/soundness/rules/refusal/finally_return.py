from sound_refuse import unknowable


def rule(event):
    try:
        unknowable()
    finally:
        return True
