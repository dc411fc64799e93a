from corp_context import okta_context


def _roles(event):
    granted = event.deep_get("debugContext", "debugData", "privilegeGranted", default="")
    return [role.strip() for role in granted.split(",") if role.strip()]


def rule(event):
    if event.udm("event_type") != "user.account.privilege.grant":
        return False
    return event.deep_get("outcome", "result") == "SUCCESS"


def title(event):
    target = event.deep_walk("target", "alternateId", return_val="first", default="<unknown>")
    return f"{event.udm('actor_user')} granted [{', '.join(_roles(event))}] to {target}"


def severity(event):
    return "Critical" if any("Super" in role for role in _roles(event)) else "High"


def alert_context(event):
    context = okta_context(event)
    context["roles"] = _roles(event)
    return context
