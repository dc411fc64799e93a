FAILURE_REASONS = ["INVALID_CREDENTIALS", "LOCKED_OUT", "VERIFICATION_ERROR"]


def rule(event):
    return (
        event.udm("event_type") == "user.session.start"
        and event.deep_get("outcome", "result") == "FAILURE"
        and event.deep_get("outcome", "reason", default="").upper() in FAILURE_REASONS
    )


def title(event):
    return f"Failed Okta login for {event.udm('actor_user')} ({event.deep_get('outcome', 'reason')})"


def alert_context(event):
    return {"ip": event.udm("source_ip"), "reason": event.deep_get("outcome", "reason")}
