def shout(text):
    return str(text).upper() + "!"


def is_admin(name):
    return name in ("root", "admin")
