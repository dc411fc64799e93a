from corp_investigation import investigation_query


def rule(event):
    match event.udm("event_type"):
        case "user.mfa.factor.reset_all":
            return True
        case "user.mfa.factor.deactivate" | "user.mfa.factor.suspend":
            return event.deep_get("outcome", "result") == "SUCCESS"
        case _:
            return False


def title(event):
    target = event.deep_walk("target", "alternateId", return_val="first")
    factor = event.deep_get("debugContext", "debugData", "factor", default="all factors")
    return f"{event.udm('actor_display')} reset {factor} for {target}"


def alert_context(event):
    return {"search": investigation_query(event, "panther_logs.public.okta_systemlog")}


def severity(event):
    if event.udm("actor_user") == event.deep_walk("target", "alternateId", return_val="first"):
        return "Low"
    return "Default"
