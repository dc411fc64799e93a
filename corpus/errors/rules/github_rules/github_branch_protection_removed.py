PROTECTED_BRANCHES = ["main", "master", "production"]


def rule(event):
    # every GitHub audit entry carries an action; a missing one is a parsing bug upstream
    if event["action"] != "protected_branch.destroy":
        return False
    if "branch" not in event:
        return True  # org-wide rule removed
    branch = event.get("branch", "")
    return branch in PROTECTED_BRANCHES or branch.startswith("release/")


def title(event):
    return (
        f"{event.udm('actor_user')} removed branch protection from "
        f"{event.udm('repository')}:{event.get('branch', '<all branches>')}"
    )


def alert_context(event):
    return {"country": event.udm("country", default="??"), "ip": event.udm("source_ip")}
