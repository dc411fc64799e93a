# expect: F004
def names(event):
    # CPython: SyntaxError: 'yield' inside list comprehension.
    return [(yield n) for n in event.get("names", [])]


def rule(event):
    return "root" in list(names(event))
