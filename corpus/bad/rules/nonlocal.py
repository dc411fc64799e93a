# expect: F007
def rule(event):
    def bump():
        # No enclosing function binds `count`: CPython's compiler rejects this.
        nonlocal count
        count = 1

    bump()
    return True
