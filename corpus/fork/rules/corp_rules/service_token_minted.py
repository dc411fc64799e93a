MAX_TTL_DAYS = 30


def rule(event):
    return event.get("action") == "token.mint" and event.get("ttl_days", 0) > MAX_TTL_DAYS


def title(event):
    return f"{event.get('service')} minted a token valid for {event.get('ttl_days')} days"
