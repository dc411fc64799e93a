from sound_probe import probe


class Evens:
    def __contains__(self, item):
        if not isinstance(item, int):
            raise TypeError("ints only")
        return item % 2 == 0


class Truthy:
    def __contains__(self, item):
        return item


def rule(event):
    return True


def alert_context(event):
    n = event.get("n")
    return {
        "in": probe(lambda: (n in Evens(), n + 1 in Evens(), n not in Evens())),
        "bad": probe(lambda: "x" in Evens()),
        "truthy_result": probe(lambda: ("" in Truthy(), "a" in Truthy(), [] in Truthy())),
    }
