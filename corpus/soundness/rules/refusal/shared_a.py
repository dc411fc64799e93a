from sound_counter import record
from sound_refuse import unknowable


def rule(event):
    record("a")
    try:
        return "0x" in unknowable()
    except Exception:
        return False
