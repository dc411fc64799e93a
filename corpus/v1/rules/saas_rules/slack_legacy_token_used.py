LEGACY_PREFIXES = ("xoxp-", "xoxs-")


def rule(event):
    token_type = event.deep_get("context", "token_type", default="")
    return token_type.lower().startswith(LEGACY_PREFIXES)


def title(event):
    return f"Legacy Slack token used by {event.deep_get('actor', 'user', 'name', default='unknown')}"
