TOKEN_NAME = "unnamed"


def rule(event):
    global TOKEN_NAME  # pylint: disable=global-statement
    if event.udm("event_type") != "system.api_token.create":
        return False
    TOKEN_NAME = event.deep_walk("target", "displayName", return_val="last", default="unnamed")
    return True


def title(event):
    return f"API token '{TOKEN_NAME}' created by {event.udm('actor_user')}"


def alert_context(event):
    return {"token": TOKEN_NAME, "targets": event.deep_walk("target", "type", default=[])}
