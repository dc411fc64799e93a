from sound_refuse import unknowable


class Swallow:
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        return True


def rule(event):
    result = False
    with Swallow():
        result = "0x" in unknowable()
    return result
