import contextlib

from sound_refuse import unknowable


def rule(event):
    found = False
    with contextlib.suppress(Exception, NotImplementedError):
        found = "0x" in unknowable()
    return found
