WATCHED_SETTINGS = {"sso.enforced", "session.timeout", "audit.sinks", "ip.allowlist", "retention"}


def rule(event):
    return event.get("action") == "config.update" and event.get("setting") in WATCHED_SETTINGS


def title(event):
    return (
        f"{event.get('actor')} changed {event.get('setting')} "
        f"from {event.get('old_value')} to {event.get('new_value')}"
    )


def dedup(event):
    return f"{event.get('tenant')}:{event.get('setting')}"


def alert_context(event):
    return {
        "old": event.get("old_value"),
        "new": event.get("new_value"),
        "as_text": str(event.get("new_value")),
        "changed": event.get("old_value") != event.get("new_value"),
    }
