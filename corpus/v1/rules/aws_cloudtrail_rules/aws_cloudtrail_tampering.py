import corp_context

TAMPER_EVENTS = {
    "StopLogging": "Critical",
    "DeleteTrail": "Critical",
    "UpdateTrail": "Medium",
    "PutEventSelectors": "Medium",
}


def rule(event):
    return (
        event.get("eventSource") == "cloudtrail.amazonaws.com"
        and event.get("eventName") in TAMPER_EVENTS
        and event.get("errorCode") is None
    )


def title(event):
    match event.get("eventName"):
        case "StopLogging":
            verb = "stopped logging on"
        case "DeleteTrail":
            verb = "deleted"
        case "UpdateTrail" | "PutEventSelectors":
            verb = "reconfigured"
        case _:
            verb = "touched"
    trail = event.deep_get("requestParameters", "name", default="?")
    return f"{event.udm('actor_user')} {verb} trail {trail}"


def severity(event):
    return TAMPER_EVENTS.get(event.get("eventName"), "DEFAULT")


def alert_context(event):
    context = corp_context.cloudtrail_context(event)
    context["trail"] = event.deep_get("requestParameters", "name")
    return context
