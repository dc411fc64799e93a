# expect: F007
def rule(event):
    count = 0

    def bump():
        nonlocal count
        count += 1

    bump()
    return count > 0
