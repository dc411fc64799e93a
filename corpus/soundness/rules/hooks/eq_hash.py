from sound_probe import probe


class Key:
    def __init__(self, name):
        self.name = name

    def __eq__(self, other):
        if isinstance(other, Key):
            return self.name.lower() == other.name.lower()
        if isinstance(other, str):
            return self.name.lower() == other.lower()
        return NotImplemented

    def __hash__(self):
        return hash(self.name.lower())

    def __repr__(self):
        return f"Key({self.name!r})"


class NoHash:
    def __eq__(self, other):
        return True


class Loud:
    def __eq__(self, other):
        return "loud"


class Ne:
    def __ne__(self, other):
        return "ne"


def rule(event):
    return True


def alert_context(event):
    name = event.get("name")
    k = Key(name)
    return {
        "eq": probe(lambda: (k == Key(name.upper()), k == name.upper(), name == k, k == 3)),
        "ne": probe(lambda: (k != Key("zzz"), k != name)),
        "dict_key": probe(lambda: {k: 1}[Key(name.swapcase())]),
        "dict_str_key": probe(lambda: ({k: 1}.get(name.lower()), name.lower() in {k: 1})),
        "set": probe(lambda: len({k, Key(name.upper()), Key("other")})),
        "list_in": probe(lambda: (name.upper() in [k], Key(name) in [1, "a", k])),
        "list_index": probe(lambda: [1, k].index(name)),
        "count": probe(lambda: [k, Key(name), "x"].count(k)),
        "hash": probe(lambda: hash(k) == hash(name.lower())),
        "no_hash": probe(lambda: hash(NoHash())),
        "no_hash_set": probe(lambda: {NoHash()}),
        "no_hash_attr": probe(lambda: NoHash.__hash__ is None),
        "loud": probe(lambda: (Loud() == 1, Loud() != 1, 1 == Loud())),
        "ne_only": probe(lambda: (Ne() != 1, Ne() == Ne())),
        "identity": probe(lambda: (k == k, [k] == [k])),
    }
