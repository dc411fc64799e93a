from difflib import SequenceMatcher

MIN_SIMILARITY = 0.5


def _similarity(event):
    previous = event.deep_get("debugContext", "debugData", "previousUserAgent", default="")
    current = event.udm("user_agent") or ""
    return SequenceMatcher(None, previous, current).ratio()


def rule(event):
    global LAST_SIMILARITY  # pylint: disable=global-variable-undefined
    LAST_SIMILARITY = None
    if event.udm("event_type") != "policy.evaluate_sign_on":
        return False
    if not event.deep_get("debugContext", "debugData", "previousUserAgent"):
        return False
    LAST_SIMILARITY = round(_similarity(event), 3)
    return LAST_SIMILARITY < MIN_SIMILARITY


def title(event):
    return f"Session of {event.udm('actor_user')} switched browsers mid-session (similarity {LAST_SIMILARITY})"


def dedup(event):
    return event.deep_get("authenticationContext", "externalSessionId", default=event.udm("actor_user"))
