from sound_errors import RefusalLike
from sound_refuse import unknowable


def rule(event):
    try:
        return "0x" in unknowable()
    except RefusalLike:
        return False
    except Exception:
        return False
