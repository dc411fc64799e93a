DANGEROUS_SCOPES = {"admin", "channels:history", "files:read", "users:read.email", "chat:write.customize"}
SCOPE_ACTIONS = ("app_installed", "app_scopes_expanded")


def _scope_sets(event):
    granted = set(event.deep_get("entity", "app", "scopes", default=[]))
    previous = set(event.deep_get("details", "previous_scopes", default=[]))
    return granted, previous


def _new_scopes(event):
    granted, previous = _scope_sets(event)
    return {scope for scope in granted if scope not in previous}


def rule(event):
    if event.get("action") not in SCOPE_ACTIONS:
        return False
    granted, previous = _scope_sets(event)
    new = _new_scopes(event)
    return bool(new.intersection(DANGEROUS_SCOPES)) and not granted.issubset(previous)


def title(event):
    risky = sorted(_new_scopes(event) & DANGEROUS_SCOPES)
    return f"Slack app {event.deep_get('entity', 'app', 'name')} gained {len(risky)} risky scope(s): {', '.join(risky)}"


def alert_context(event):
    granted, previous = _scope_sets(event)
    return {
        "new_scopes": sorted(_new_scopes(event)),
        "all_scopes": sorted(granted.union(previous)),
        "installer": event.deep_get("actor", "user", "email"),
    }
