def rule(event):
    if event.get("action") != "repository_vulnerability_alert.dismiss":
        return False
    # newer exports carry `is_critical`; older ones only the severity string
    return event.get("is_critical") or event.get("severity", "").lower() == "critical"


def title(event):
    return f"Critical Dependabot alert dismissed in {event.udm('repository')} by {event.udm('actor_user')}"


def alert_context(event):
    return {
        "reason": event.get("dismiss_reason"),
        "package": event.deep_get("alert", "package", "name"),
        "ghsa": event.deep_get("alert", "ghsa_id"),
    }
