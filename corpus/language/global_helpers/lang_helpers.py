"""Helpers exercising closures, nonlocal, decorators and parameter defaults."""

CALLS = []


def make_counter(start=0):
    count = start

    def bump(step=1):
        nonlocal count
        count += step
        return count

    def peek():
        return count

    return bump, peek


def late_binding(n):
    # Every lambda sees the loop variable's final value (one cell for the function).
    fns = [lambda: i for i in range(n)]
    loop_fns = []
    for j in range(n):
        loop_fns.append(lambda: j)
    bound = [lambda k=k: k for k in range(n)]
    return [f() for f in fns], [f() for f in loop_fns], [f() for f in bound]


def rebinding():
    value = "first"

    def read():
        return value

    before = read()
    value = "second"
    return before, read()


def three_levels(x):
    def middle(y):
        def inner(z):
            return x + y + z

        return inner

    return middle(10)(100)


def recursive(n):
    def fact(k):
        return 1 if k <= 1 else k * fact(k - 1)

    return fact(n)


def unbound_free():
    def read():
        return later

    try:
        read()
    except NameError as exc:
        first = str(exc)
    later = 5
    return first, read()


def shared_default(item, bucket=[]):
    bucket.append(item)
    return len(bucket)


DEFAULT_PREFIX = "p"


def computed_default(x, prefix=DEFAULT_PREFIX + "-", *, upper=len(CALLS) == 0):
    text = prefix + str(x)
    return text.upper() if upper else text


def only_positional(a, b, /, c=3):
    return a * 100 + b * 10 + c


def trace(fn):
    def wrapper(*args, **kwargs):
        CALLS.append(fn.__name__)
        return fn(*args, **kwargs)

    return wrapper


def tag(label):
    def deco(fn):
        def wrapper(*args):
            return label + ":" + str(fn(*args))

        return wrapper

    return deco


@tag("outer")
@tag("inner")
@trace
def decorated(x):
    return x * 2


def call_count():
    return len(CALLS)
