from lang_helpers import (
    call_count,
    computed_default,
    decorated,
    late_binding,
    make_counter,
    only_positional,
    rebinding,
    recursive,
    shared_default,
    three_levels,
    unbound_free,
)

RESULTS = {}


def rule(event):
    n = event.get("n")
    if n is None:
        return False
    bump, peek = make_counter(n)
    bump()
    bump(10)
    RESULTS["counter"] = [peek(), bump(-1)]
    RESULTS["late"] = late_binding(n)
    RESULTS["rebinding"] = rebinding()
    RESULTS["levels"] = three_levels(n)
    RESULTS["fact"] = recursive(n)
    RESULTS["unbound"] = unbound_free()
    RESULTS["shared"] = [shared_default(n), shared_default(n), shared_default(n, [])]
    RESULTS["defaults"] = [computed_default(n), computed_default(n, "q"), computed_default(n, upper=False)]
    RESULTS["posonly"] = only_positional(1, 2)
    try:
        only_positional(a=1, b=2)
    except TypeError as exc:
        RESULTS["posonly_error"] = str(exc)
    RESULTS["decorated"] = [decorated(n), call_count()]
    total = 0

    def add(v):
        nonlocal total
        total += v

    for v in range(n):
        add(v)
    RESULTS["nonlocal_total"] = total
    return True


def title(event):
    return f"{event.get('name')}: {RESULTS}"


def alert_context(event):
    return {"results": str(RESULTS)}
