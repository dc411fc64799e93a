from sound_errors import DetectionError, MissingField
from sound_probe import probe


class WithStr(Exception):
    def __str__(self):
        return "custom str"


class Plain(ValueError):
    pass


class Rich(Exception):
    def __init__(self, code, detail="none"):
        self.code = code
        self.detail = detail


def raise_and_catch(exc):
    try:
        raise exc
    except LookupError as e:
        return ["lookup", type(e).__name__, str(e), repr(e), e.args]
    except ValueError as e:
        return ["value", type(e).__name__, str(e), repr(e), e.args]
    except Exception as e:
        return ["exception", type(e).__name__, str(e), e.args]


def rule(event):
    return True


def title(event):
    raise WithStr("ignored")


def alert_context(event):
    name = event.get("name")
    return {
        "detection_error": probe(raise_and_catch, DetectionError(name)),
        "missing_field": probe(raise_and_catch, MissingField(name, "absent")),
        "fields": probe(lambda: (MissingField(name).field, MissingField(name).reason)),
        "plain_class": probe(raise_and_catch, Plain),
        "plain_args": probe(raise_and_catch, Plain(name, 2)),
        "rich": probe(raise_and_catch, Rich(7)),
        "rich_attrs": probe(lambda: (Rich(7).code, Rich(7, "x").detail, str(Rich(7)))),
        "with_str": probe(raise_and_catch, WithStr("a", "b")),
        "issubclass": probe(lambda: (issubclass(MissingField, KeyError), issubclass(Plain, LookupError))),
        "mro": probe(lambda: [k.__name__ for k in MissingField.__mro__]),
        "raise_non_exception": probe(raise_and_catch, 42),
        "attribute": probe(lambda: setattr(Plain("x"), "extra", 1)),
    }
