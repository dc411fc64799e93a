# expect: F011
from bad_helper import normalise


def rule(event):
    return normalise(event.get("user")) == "admin"
