OUT = {}


def search(items, wanted):
    for i, x in enumerate(items):
        if x == wanted:
            found = i
            break
    else:
        found = -1
    k = 0
    while k < len(items):
        if items[k] > 100:
            break
        k += 1
    else:
        k = "no break"
    return found, k


def unpacking(items):
    first, *middle, last = items
    *init, tail = items
    head, *rest = items
    (a, b), *others = [(1, 2), 3, 4]
    try:
        x, y, *z = [1]
    except ValueError as exc:
        err = str(exc)
    return first, middle, last, init, tail, head, rest, a, b, others, err


def slices(items):
    data = list(items)
    data[1:3] = ["a", "b", "c"]
    data[::2] = [0] * len(data[::2])
    del data[-1]
    del data[:1]
    data[len(data):] = (7, 8)
    data[2:4] += ["x"]
    try:
        data[::2] = [1]
    except ValueError as exc:
        extended = str(exc)
    return data, extended


def deletions(items):
    d = {"a": 1, "b": 2, "c": 3}
    del d["b"]
    try:
        del d["zzz"]
    except KeyError as exc:
        missing = repr(exc)
    lst = list(items)
    del lst[0], lst[-1]
    value = 1
    del value
    try:
        value
    except NameError as exc:
        unbound = str(exc)
    return d, missing, lst, unbound


def comprehensions(items):
    pairs = [(x, y) for x in items if x % 2 for y in range(x) if y > 1]
    flat = [c for row in [[1, 2], [3], []] for c in row]
    grid = {(i, j): i * j for i in range(3) for j in range(i)}
    spread = [*items, *"ab", *(1, 2)]
    merged = {**{"a": 1}, "b": 2}
    star_set = sorted({*items, 0})
    tup = (*items[:2],)
    return pairs, flat, grid, spread, merged, star_set, tup


def rule(event):
    items = list(event.get("items"))
    wanted = event.get("wanted")
    OUT["search"] = search(items, wanted)
    if items:
        OUT["unpacking"] = unpacking(items)
        OUT["slices"] = slices(items)
        OUT["deletions"] = deletions(items)
    OUT["comprehensions"] = comprehensions(items)
    try:
        assert wanted in items, f"{wanted} not in the items"
        OUT["assert"] = "passed"
    except AssertionError as exc:
        OUT["assert"] = str(exc)
    try:
        assert wanted > 1000
    except AssertionError as exc:
        OUT["assert_no_message"] = repr(exc)
    assert items, "no items"
    return True


def title(event):
    return str(OUT)[:900]


def alert_context(event):
    return {k: str(v) for k, v in OUT.items()}
