from sound_probe import probe


class AppError(Exception):
    pass


def chained(cause_none):
    try:
        try:
            {}["k"]
        except KeyError as e:
            if cause_none:
                raise AppError("wrapped") from None
            raise AppError("wrapped") from e
    except AppError as err:
        return [
            repr(err),
            repr(err.__cause__),
            repr(err.__context__),
            err.__suppress_context__,
        ]


def implicit():
    try:
        try:
            1 / 0
        except ZeroDivisionError:
            int("x")
    except ValueError as e:
        return [repr(e), repr(e.__context__), repr(e.__cause__), e.__suppress_context__]


def cause_class():
    try:
        raise AppError("a") from ValueError
    except AppError as e:
        return [repr(e.__cause__), type(e.__cause__).__name__]


def bad_cause():
    raise AppError("a") from 3


def no_context_outside():
    try:
        raise AppError("plain")
    except AppError as e:
        return [e.__context__, e.__cause__, e.__suppress_context__]


def set_cause():
    e = AppError("x")
    e.__cause__ = KeyError("manual")
    return [repr(e.__cause__), e.__suppress_context__]


def rule(event):
    return True


def alert_context(event):
    return {
        "from_e": probe(chained, False),
        "from_none": probe(chained, True),
        "implicit": probe(implicit),
        "cause_class": probe(cause_class),
        "bad_cause": probe(bad_cause),
        "no_context": probe(no_context_outside),
        "set_cause": probe(set_cause),
    }
