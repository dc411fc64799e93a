from difflib import SequenceMatcher

MIN_SIMILARITY = 0.5


def _similarity(event):
    previous = event.deep_get("debugContext", "debugData", "previousUserAgent", default="")
    current = event.udm("user_agent") or ""
    return SequenceMatcher(None, previous, current).ratio()


def rule(event):
    if event.udm("event_type") != "policy.evaluate_sign_on":
        return False
    if not event.deep_get("debugContext", "debugData", "previousUserAgent"):
        return False
    return _similarity(event) < MIN_SIMILARITY


def title(event):
    return (
        f"Session of {event.udm('actor_user')} switched browsers mid-session "
        f"(similarity {round(_similarity(event), 3)})"
    )


def dedup(event):
    return event.deep_get("authenticationContext", "externalSessionId", default=event.udm("actor_user"))
