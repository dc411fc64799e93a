# expect: F006
from not_a_helper_anywhere import lookup


def rule(event):
    return lookup(event.get("ip")) is not None
