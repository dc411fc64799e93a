from sound_probe import probe


class Tracker:
    def __init__(self, name, log, swallow=False):
        self.name = name
        self.log = log
        self.swallow = swallow

    def __enter__(self):
        self.log.append("enter " + self.name)
        return self.name.upper()

    def __exit__(self, exc_type, exc, tb):
        kind = exc_type.__name__ if exc_type is not None else None
        self.log.append(f"exit {self.name} {kind} {exc!r} {tb is None}")
        return self.swallow


def normal():
    log = []
    with Tracker("a", log) as value:
        log.append("body " + value)
    return log


def raising(swallow):
    log = []
    try:
        with Tracker("a", log, swallow):
            log.append("body")
            raise KeyError("k")
        log.append("after")
    except KeyError as e:
        log.append("caught " + repr(e))
    return log


def returning():
    log = []

    def inner():
        with Tracker("r", log):
            return "returned"

    log.append(inner())
    return log


def looping():
    log = []
    for i in range(3):
        with Tracker(str(i), log):
            if i == 0:
                continue
            if i == 1:
                break
    return log


def rule(event):
    return True


def alert_context(event):
    return {
        "normal": probe(normal),
        "raising": probe(raising, False),
        "swallowed": probe(raising, True),
        "returning": probe(returning),
        "looping": probe(looping),
    }
