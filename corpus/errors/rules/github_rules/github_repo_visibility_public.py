def rule(event):
    return event.get("action") == "repo.access" and event.get("visibility") == "public"


def title(event):
    # older audit entries only carry the numeric repository id
    return event.get("repo") or event.get("repo_id")


def dedup(event):
    return f"repo-public-{event.get('repo_id', 0)}"
