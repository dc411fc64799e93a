import json


def mark(obj):
    """CPython sets the attribute on a module, an event or a function; ferrule must not
    answer as if it had raised."""
    try:
        obj.checked = True
    except AttributeError:
        return "rejected"
    return "accepted"


def helper():
    return 1


def rule(event):
    target = event.get("target")
    if target == "module":
        return mark(json) == "accepted"
    if target == "function":
        return mark(helper) == "accepted"
    return mark(event) == "accepted"
