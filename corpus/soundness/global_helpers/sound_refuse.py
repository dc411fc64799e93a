"""An operation whose CPython result ferrule can never reproduce: the repr of a function
shows its address. The detections of rules/refusal reach it inside code that would catch an
ordinary exception, and ferrule must report a refusal rather than what the handler gives."""


def unknowable():
    return repr(unknowable)


def guarded():
    """Catches everything around the refused operation."""
    try:
        return unknowable()
    except BaseException:
        return "fallback"
