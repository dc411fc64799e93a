def f(n):
    return f(n + 1)


def rule(event):
    return f(0)
