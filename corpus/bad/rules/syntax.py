# expect: F004
def rule(event)
    return True
