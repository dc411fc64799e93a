from sound_probe import probe


class Countdown:
    def __init__(self, start, log):
        self.current = start
        self.log = log

    def __iter__(self):
        self.log.append("iter")
        return self

    def __next__(self):
        if self.current <= 0:
            self.log.append("stop")
            raise StopIteration
        self.log.append(f"next {self.current}")
        self.current -= 1
        return self.current + 1


class Pairs:
    def __init__(self, items):
        self.items = items

    def __iter__(self):
        return iter(self.items)


class Broken:
    def __iter__(self):
        return [1, 2]


class Failing:
    def __iter__(self):
        return self

    def __next__(self):
        raise ValueError("iterator failed")


def interleaved(n):
    log = []
    for x in Countdown(n, log):
        log.append(f"body {x}")
        if x == 2:
            break
    return log


def consumers(n):
    return [
        list(Countdown(n, [])),
        sum(Countdown(n, [])),
        sorted(Countdown(n, [])),
        [x * 2 for x in Countdown(n, [])],
        max(Countdown(n, []), default=None),
        dict(Pairs([("a", 1), ("b", 2)])),
        tuple(Pairs("xy")),
    ]


def contains(n):
    log = []
    found = 2 in Countdown(n, log)
    return found, log


def next_calls(n):
    it = iter(Countdown(n, []))
    first = next(it)
    rest = [next(it, "done") for _ in range(n + 1)]
    return first, rest


def unpack(n):
    a, b = Countdown(2, [])
    return a, b


def rule(event):
    return True


def alert_context(event):
    n = event.get("n")
    return {
        "interleaved": probe(interleaved, n),
        "consumers": probe(consumers, n),
        "contains": probe(contains, n),
        "next": probe(next_calls, n),
        "unpack": probe(unpack, n),
        "broken": probe(lambda: list(Broken())),
        "broken_for": probe(lambda: [x for x in Broken()]),
        "failing": probe(lambda: list(Failing())),
        "next_stop": probe(lambda: next(iter([]))),
        "not_iterator": probe(lambda: next([1])),
    }
