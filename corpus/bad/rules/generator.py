# expect: F007
def names(event):
    for n in event.get("names", []):
        yield n.lower()


def rule(event):
    return "root" in list(names(event))
