# expect: F007
def normalise(name):
    assert isinstance(name, str)
    return name.lower()
