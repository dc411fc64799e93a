def rule(event):
    if event.get("event_type", "") != "SHARE":
        return False
    details = event.get("additional_details", {})
    access = details.get("shared_link_access", None)
    collaborators = event.get("collaborators", [])
    downloads = event.get("download_count", 0)
    protected = event.get("password_protected", False)
    labels = event.get("labels", ["unlabelled"])
    return access == "open" and not protected and (downloads > 0 or len(collaborators) == 0 or "confidential" in labels)


def title(event):
    shared_by = event.get("shared_by", None)
    who = shared_by if shared_by is not None else "unknown user"
    return (
        f"{who}: open Box link on {event.deep_get('source', 'item_name', default='<unnamed>')} "
        f"(labels={event.get('labels')}, downloads={event.get('download_count')}, "
        f"expires={event.deep_get('additional_details', 'expires_at')}, "
        f"source={event.get('source')})"
    )


def alert_context(event):
    return {
        "owner": event.deep_get("created_by", "login"),
        "collaborators": event.get("collaborators", []),
        "details": event.get("additional_details", {}),
    }
