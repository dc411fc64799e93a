def rule(event):
    if event.get("operation") != "Update":
        return False
    setting = event.deep_get("operation_detail", "meeting_passcode")
    if setting is None:
        return False
    return setting.get("new") is False and setting.get("old") is True


def title(event):
    scope = event.get("scope")
    owner = f"user {event.get('target_user')}" if scope == "user" else "the whole account"
    return f"{event.get('operator', 'Someone')} disabled meeting passcodes for {owner}"


def alert_context(event):
    return {
        "scope": event.get("scope"),
        "waiting_room": event.deep_get("operation_detail", "waiting_room", "new"),
        "settings": event.get("operation_detail"),
    }
