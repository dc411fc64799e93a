from corp_identity import DetectionInputError, parse_principal

INTERACTIVE_METHODS = {"password", "webauthn", "totp"}


def _principal(event):
    try:
        return parse_principal(event.get("principal"))
    except DetectionInputError:
        return None


def rule(event):
    principal = _principal(event)
    if principal is None:
        return False
    return principal.is_service and event.get("auth_method") in INTERACTIVE_METHODS


def title(event):
    principal = _principal(event)
    domain = getattr(principal, "domain", "unknown")
    name = principal.username if hasattr(principal, "username") else "unknown"
    return f"Service account {name} ({domain}) signed in interactively with {event.get('auth_method')}"


def alert_context(event):
    try:
        parse_principal(event.get("delegated_by"))
        delegated = True
        problem = ""
    except DetectionInputError as err:
        delegated = False
        problem = f"{err.field}: {err}"
    return {"delegated": delegated, "problem": problem, "raw": event.get("principal")}
