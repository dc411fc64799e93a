from sound_refuse import unknowable

# An immutable value at import; only `rule` rebinds it, through `:=`.
COUNT = 0


def rule(event):
    global COUNT
    if event.get("refuse"):
        # CPython goes on after the refused call and rebinds the global.
        if PREFIX_OF(unknowable()):
            (COUNT := COUNT + 10)
    (COUNT := COUNT + 1)
    return COUNT == 1


def PREFIX_OF(text):
    return text.startswith("<function")
