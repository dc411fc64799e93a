"""Outcomes of calls as text: the repr of the value, or `Type: message` of the exception."""


def probe(f, *args):
    try:
        return repr(f(*args))
    except Exception as e:  # noqa: BLE001 - the point is to record any exception
        return f"{type(e).__name__}: {e}"
