# expect: F004
def rule(event):
    # CPython: SyntaxError: name capture 'other' makes remaining patterns unreachable.
    match event.get("kind"):
        case other:
            return False
        case "admin":
            return True
