from sound_refuse import unknowable

# An immutable value at import; only `rule` rebinds it, through a `case` capture.
LAST = "none"


def rule(event):
    global LAST
    if event.get("refuse"):
        # CPython goes on after the refused call and rebinds the global.
        match unknowable()[:9]:
            case "<function" as LAST:
                pass
    return LAST == "none"
