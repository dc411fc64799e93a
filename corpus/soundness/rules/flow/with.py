import contextlib
from contextlib import suppress

from sound_probe import probe


class Step:
    def __init__(self, name, log, fail_enter=False):
        self.name = name
        self.log = log
        self.fail_enter = fail_enter

    def __enter__(self):
        if self.fail_enter:
            raise RuntimeError("enter " + self.name)
        self.log.append("enter " + self.name)
        return (self.name, len(self.log))

    def __exit__(self, *exc):
        self.log.append(f"exit {self.name} {exc[0] is not None}")


def several(log):
    with Step("a", log) as (name, n), Step("b", log) as second:
        log.append(f"body {name} {n} {second}")
    return log


def failing_second(log):
    try:
        with Step("a", log), Step("b", log, fail_enter=True):
            log.append("body")
    except RuntimeError as e:
        log.append("caught " + str(e))
    return log


def suppressing(exc):
    log = []
    with suppress(KeyError, IndexError):
        log.append("before")
        raise exc
    log.append("after")
    return log


def suppress_subclass():
    with contextlib.suppress(LookupError):
        {}["missing"]
    return "suppressed"


def suppress_nothing():
    with suppress():
        return "no exception"


def target_attr(obj):
    with Step("t", []) as obj.value:
        pass
    return obj.value


class Holder:
    pass


def rule(event):
    return True


def alert_context(event):
    return {
        "several": probe(several, []),
        "failing_second": probe(failing_second, []),
        "suppress_key": probe(suppressing, KeyError("k")),
        "suppress_index": probe(suppressing, IndexError("i")),
        "suppress_other": probe(suppressing, ValueError("v")),
        "suppress_subclass": probe(suppress_subclass),
        "suppress_nothing": probe(suppress_nothing),
        "target_attr": probe(target_attr, Holder()),
        "not_a_manager": probe(lambda: target_attr(3)),
    }
