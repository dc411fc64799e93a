def rule(event):
    return event.get("action") == "delete"


def title(event):
    return f"deleted by {event.get('user', 'nobody')}"
