SECRET_SCANNING_ACTIONS = ("secret_scanning.disable", "repository_secret_scanning.disable")


def rule(event):
    # `public_repo` is a bool in current exports; the `and` hands back the raw value otherwise
    return event.get("action") in SECRET_SCANNING_ACTIONS and event.get("public_repo", False)


def title(event):
    return f"Secret scanning disabled on public repository {event.get('repo', '<org-wide>')}"
