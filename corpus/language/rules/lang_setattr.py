import datetime
import re
import uuid

# Objects whose types take no new attribute: CPython's AttributeError (or UUID's TypeError)
# is part of the answer a handler sees.
PATTERN = re.compile(r"^admin")


def attempt(obj, name):
    try:
        setattr(obj, name, 1)
    except (AttributeError, TypeError) as err:
        return f"{type(err).__name__}: {err}"
    return "set"


def removal(obj, name):
    try:
        delattr(obj, name)
    except AttributeError as err:
        return str(err)
    return "deleted"


def numbers():
    yield 1


def outcomes(event):
    name = event.get("attr", "marker")
    return [
        attempt(event.get("user", ""), name),
        attempt(event.get("count", 0), name),
        attempt(PATTERN, name),
        attempt(PATTERN.match("admin-1"), name),
        attempt(datetime.datetime(2024, 1, 2), name),
        attempt(datetime.date(2024, 1, 2), name),
        attempt(datetime.timedelta(seconds=3), name),
        attempt(range(3), name),
        attempt(len, name),
        attempt({"a": 1}.keys(), name),
        attempt(numbers(), name),
        attempt(uuid.UUID("12345678123456781234567812345678"), name),
        attempt(object(), name),
        removal(event.get("user", ""), name),
        removal([], name),
    ]


def rule(event):
    return len(set(outcomes(event))) > 3


def alert_context(event):
    return {"outcomes": outcomes(event)}


def title(event):
    return f"{attempt('text', event.get('attr', 'marker'))} / {removal(3.5, 'zz')}"
