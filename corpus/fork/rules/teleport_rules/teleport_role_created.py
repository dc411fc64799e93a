def rule(event):
    return event.get("event") == "role.created"


def title(event):
    return f"User [{event.get('user', '<UNKNOWN_USER>')}] created Role [{event.get('name', '<UNKNOWN_NAME>')}] on [{event.get('cluster_name', '<UNKNOWN_CLUSTER>')}]"
