BULK_THRESHOLD = 25


def rule(event):
    return event.get("action") == "permissions.bulk_update" and len(event.get("affected_users", [])) >= BULK_THRESHOLD


def title(event):
    return f"{event.get('actor')} changed permissions of {len(event.get('affected_users', []))} users"


def description(event):
    users = event.get("affected_users", [])
    return f"Role {event.get('role')} applied to: " + ", ".join(str(user) for user in users)


def destinations(event):
    if event.get("dry_run"):
        return []
    if len(event.get("affected_users", [])) > 100:
        return ["pagerduty-secops", "slack-secops", "pagerduty-secops"]
    return ["slack-secops"]


def unique(event):
    return event.get("change_id", "")


def severity(event):
    return "critical" if event.get("role") == "owner" else "DEFAULT"
