"""Calls the builtins of CPython 3.11 and reads the module docstring."""
SEEN = []
MISSING = object()


class Box:
    def __init__(self, value):
        self.value = value


class Callme:
    def __call__(self):
        return 1


def record(x):
    SEEN.append(x)
    return x * 2


def builtins_of(n, words):
    out = {}
    out["abs"] = abs(n)
    out["all_any"] = [all(words), any(w == "fig" for w in words)]
    out["ascii"] = ascii("caf\u00e9")
    out["bin_oct_hex"] = [bin(n), oct(n), hex(n), bin(0), oct(-8)]
    out["bool"] = [bool(n), bool(""), bool(words)]
    out["bytes"] = bytes("hi", "utf-8")
    out["callable"] = [callable(len), callable(n), callable(Box), callable(Callme()), callable(Box(1))]
    out["chr_ord"] = [chr(97), ord("z")]
    out["dict"] = dict(a=1, b=n)
    out["divmod"] = divmod(n, 5)
    out["enumerate"] = list(enumerate(words, 1))
    out["filter"] = list(filter(None, [0, 1, "", "x"]))
    out["float"] = float("1.5")
    out["format"] = [format(n, "d"), format(n, "08b"), format(3.14159, ".2f"), format("x", ">3")]
    out["frozenset"] = sorted(frozenset(words))
    out["getattr"] = [getattr(Box(n), "value"), getattr(Box(n), "nope", "default"), hasattr(Box(n), "value")]
    out["hash"] = [hash(n), hash("abc"), hash((1, "a")), hash(1.5)]
    out["int"] = [int("ff", 16), int(3.9)]
    out["isinstance"] = [isinstance(n, int), isinstance(words, (list, tuple)), issubclass(bool, int), issubclass(int, str)]
    it = iter(words)
    out["iter_next"] = [next(it), next(it), list(it), next(it, "done")]
    out["len"] = len(words)
    out["list_tuple_set"] = [list("ab"), tuple([1, 2]), sorted(set([3, 1, 3]))]
    SEEN.clear()
    lazy = map(record, [1, 2, 3])
    before = list(SEEN)
    first = next(lazy)
    out["map_lazy"] = [before, first, list(SEEN), list(lazy), list(SEEN)]
    out["max_min"] = [max(words), min(words, key=len), max([], default=None)]
    out["pow"] = [pow(2, 10), pow(2, 10, 1000)]
    out["print"] = print("hello", n, sep="-", end="!\n")
    out["range"] = list(range(2, 10, 3))
    out["repr"] = repr(words)
    out["reversed"] = list(reversed(words))
    out["round"] = [round(2.675, 2), round(n / 3)]
    b = Box(1)
    setattr(b, "value", n)
    setattr(b, "extra", "e")
    delattr(b, "extra")
    out["setattr"] = [b.value, hasattr(b, "extra")]
    s = slice(1, None, 2)
    out["slice"] = [words[s], s.start, s.stop, s.step, repr(s)]
    out["sorted"] = sorted(words, key=lambda w: w[-1], reverse=True)
    out["str"] = str(n)
    out["sum"] = sum([1, 2, 3], 10)
    out["type"] = [type(n).__name__, type(words) is list, type(None).__name__, type(Box(1)) is Box, type(type(n)).__name__]
    out["object"] = [MISSING is MISSING, MISSING == object(), type(MISSING).__name__]
    out["zip"] = list(zip(words, range(10), "xyz"))
    calls = iter([1, 2, 3, 0, 5])
    out["iter_sentinel"] = list(iter(lambda: next(calls), 0))
    out["debug"] = __debug__
    out["doc"] = __doc__
    return out


def rule(event):
    global RESULT
    RESULT = builtins_of(event.get("n"), list(event.get("words")))
    return True


def title(event):
    return str(RESULT)[:990]


def alert_context(event):
    return {k: repr(v) for k, v in RESULT.items()}
