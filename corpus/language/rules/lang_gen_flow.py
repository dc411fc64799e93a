"""Generators combined with try/except/else/finally, with, raise ... from and classes."""
OUT = {}
LOG = []


class Managed:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress

    def __enter__(self):
        LOG.append(("enter", self.name))
        return self.name.upper()

    def __exit__(self, typ, exc, tb):
        LOG.append(("exit", self.name, typ.__name__ if typ else None))
        return self.suppress


def guarded(items):
    for x in items:
        try:
            LOG.append(("try", x))
            y = yield 10 // x
            LOG.append(("sent", y))
        except ZeroDivisionError as exc:
            LOG.append(("except", str(exc)))
            yield "recovered"
        else:
            LOG.append(("else", x))
        finally:
            LOG.append(("finally", x))


def in_with(n):
    with Managed("outer") as name, Managed("inner", suppress=True):
        for i in range(n):
            yield (name, i)
        raise KeyError("swallowed")
    yield "after"


def finally_on_close():
    try:
        yield 1
        yield 2
    finally:
        LOG.append("cleanup")


def yield_in_handler():
    try:
        raise ValueError("inner")
    except ValueError:
        yield "handling"
        yield "still"


def chained():
    try:
        yield 1
        raise KeyError("k")
    except KeyError as exc:
        raise RuntimeError("wrapped") from exc


def return_in_finally():
    try:
        yield 1
        return "body"
    finally:
        LOG.append("fin")


class Bag:
    def __init__(self, items):
        self.items = items

    def __iter__(self):
        for x in self.items:
            yield x * 2

    def pairs(self):
        for i, x in enumerate(self.items):
            yield i, x

    @classmethod
    def make(cls, n):
        yield cls(list(range(n)))

    @staticmethod
    def evens(n):
        return (x for x in range(n) if x % 2 == 0)


class SubBag(Bag):
    def pairs(self):
        yield "sub"
        yield from super().pairs()


def flow(items):
    out = {}
    LOG.clear()
    g = guarded(items)
    got = [next(g)]
    got.append(g.send("a"))
    got.append(next(g))
    got.append(next(g))
    got += list(g)
    out["guarded"] = [got, list(LOG)]
    LOG.clear()
    out["with"] = [list(in_with(2)), list(LOG)]
    LOG.clear()
    c = finally_on_close()
    next(c)
    c.close()
    out["close_finally"] = list(LOG)
    LOG.clear()
    c = finally_on_close()
    next(c)
    del c
    out["drop_finally"] = list(LOG)
    h = yield_in_handler()
    first = next(h)
    try:
        raise KeyError("consumer")
    except KeyError as exc:
        out["context_outside"] = [first, repr(exc.__context__)]
    try:
        raise
    except RuntimeError as exc:
        out["bare_raise_outside"] = str(exc)
    out["handler_rest"] = list(h)
    ch = chained()
    next(ch)
    try:
        next(ch)
    except RuntimeError as exc:
        out["raise_from"] = [str(exc), repr(exc.__cause__), exc.__suppress_context__]
    LOG.clear()
    r = return_in_finally()
    next(r)
    try:
        next(r)
    except StopIteration as exc:
        out["return_finally"] = [exc.value, list(LOG)]
    b = Bag(items)
    out["class_iter"] = [list(b), list(b.pairs()), [list(x.items) for x in Bag.make(3)], list(Bag.evens(5))]
    out["super_gen"] = list(SubBag([7, 8]).pairs())
    out["names"] = [b.pairs().__qualname__, Bag.make(1).__name__]
    return out


def rule(event):
    OUT.clear()
    OUT["flow"] = flow(list(event.get("items")))
    return True


def title(event):
    return str(OUT)[:900]


def alert_context(event):
    return {k: str(v) for k, v in OUT.items()}
