from sound_refuse import unknowable


class Sized:
    def __len__(self):
        return len(unknowable())


def rule(event):
    try:
        return bool(Sized())
    except Exception:
        return False
