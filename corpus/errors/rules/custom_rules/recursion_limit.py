from corp_recursion import HELPER_DEPTH, depth_reached

MODULE_DEPTH = depth_reached()
SEEN = {}


def runaway(n):
    return runaway(n + 1)


def rule(event):
    mode = event.get("mode")
    if mode == "runaway":
        return runaway(0)
    if mode == "caught":
        try:
            return runaway(0)
        except RecursionError as err:
            SEEN["caught"] = str(err)
            return True
    if mode == "caught_as_exception":
        try:
            runaway(0)
        except Exception as err:  # noqa: BLE001
            return isinstance(err, RecursionError)
    SEEN["rule"] = depth_reached()
    return True


def title(event):
    if event.get("mode") == "title":
        return runaway(0)
    comp = [depth_reached() for _ in range(1)][0]
    lam = (lambda: depth_reached())()
    return (
        f"module={MODULE_DEPTH} helper={HELPER_DEPTH} rule={SEEN.get('rule')} "
        f"comprehension={comp} lambda={lam}"
    )


def dedup(event):
    return SEEN.get("caught", "nothing caught")


def alert_context(event):
    return {"depth": depth_reached()}
