from sound_probe import probe


def normal(log):
    try:
        log.append("body")
    finally:
        log.append("finally")
    log.append("after")
    return log


def raising(log):
    try:
        log.append("body")
        raise ValueError("boom")
    finally:
        log.append("finally")


def returning(log):
    try:
        log.append("body")
        return log.append("return value") or "returned"
    finally:
        log.append("finally")


def looping(log):
    for i in range(4):
        try:
            if i == 1:
                continue
            if i == 3:
                break
            log.append(i)
        finally:
            log.append(f"finally {i}")
    return log


def override_return():
    try:
        return "try"
    finally:
        return "finally"


def override_exception():
    try:
        raise KeyError("lost")
    finally:
        return "finally wins"


def finally_raises():
    try:
        raise KeyError("first")
    finally:
        raise ValueError("second")


def context_of_finally():
    try:
        finally_raises()
    except ValueError as e:
        return [repr(e), repr(e.__context__)]


def nested(log):
    try:
        try:
            raise IndexError("inner")
        except IndexError:
            log.append("handled")
            raise
        finally:
            log.append("inner finally")
    except IndexError as e:
        log.append("outer " + str(e))
    finally:
        log.append("outer finally")
    return log


def else_and_finally(fail):
    log = []
    try:
        if fail:
            raise TypeError("t")
    except TypeError:
        log.append("except")
    else:
        log.append("else")
    finally:
        log.append("finally")
    return log


def rule(event):
    return True


def alert_context(event):
    return {
        "normal": probe(normal, []),
        "raising": probe(raising, []),
        "returning": probe(returning, []),
        "looping": probe(looping, []),
        "override_return": probe(override_return),
        "override_exception": probe(override_exception),
        "finally_raises": probe(finally_raises),
        "context": probe(context_of_finally),
        "nested": probe(nested, []),
        "else": probe(else_and_finally, False),
        "except": probe(else_and_finally, True),
    }
