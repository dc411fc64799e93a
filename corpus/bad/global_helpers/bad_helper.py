# expect: F007
def normalise(name):
    with_newline = open("names.txt").read()
    return name.lower() + with_newline
