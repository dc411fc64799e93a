PERMISSION_RANK = {"read": 0, "triage": 1, "write": 2, "maintain": 3, "admin": 4}

CHECKS = {
    "team.update_repository_permission": lambda e: PERMISSION_RANK.get(e.get("permission"), 0)
    > PERMISSION_RANK.get(e.get("old_permission"), 0),
    "team.add_repository": lambda e: e.get("permission") in ("maintain", "admin"),
    "repo.add_member": lambda e: e.get("permission") == "admin",
}


def rule(event):
    check = CHECKS.get(event.get("action"))
    return check is not None and check(event)


def title(event):
    who = event.get("team") or event.get("user") or "someone"
    return f"{who} now has {event.get('permission')} on {event.udm('repository')}"


def severity(event):
    return "HIGH" if event.get("permission") == "admin" else "MEDIUM"
