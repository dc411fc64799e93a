# expect: F007
def rule(event):
    with open("/etc/hosts") as fobj:
        return "localhost" in fobj.read()
