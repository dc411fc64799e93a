from sound_probe import probe


def reraise_helper():
    raise


def nested_handlers():
    try:
        try:
            raise KeyError("outer")
        except KeyError:
            try:
                raise ValueError("inner")
            except ValueError:
                pass
            raise
    except KeyError as e:
        return "re-raised " + repr(e)


def inner_reraise():
    try:
        try:
            raise KeyError("outer")
        except KeyError:
            try:
                raise ValueError("inner")
            except ValueError:
                raise
    except ValueError as e:
        return ["inner " + repr(e), repr(e.__context__)]


def from_helper():
    try:
        try:
            raise IndexError("via helper")
        except IndexError:
            reraise_helper()
    except IndexError as e:
        return "helper re-raised " + repr(e)


def same_object():
    try:
        try:
            raise KeyError("same")
        except KeyError as first:
            saved = first
            raise
    except KeyError as second:
        return second is saved


def rule(event):
    return True


def alert_context(event):
    return {
        "nested": probe(nested_handlers),
        "inner": probe(inner_reraise),
        "helper": probe(from_helper),
        "no_active": probe(reraise_helper),
        "same_object": probe(same_object),
    }
