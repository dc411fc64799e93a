def rule(event):
    if event.get("eventName") != "ConsoleLogin":
        return False
    if event.deep_get("responseElements", "ConsoleLogin") != "Success":
        return False
    # federated sessions carry no MFA information here
    if event.deep_get("userIdentity", "type") in ("AssumedRole", "FederatedUser"):
        return False
    mfa_used = event.deep_get("additionalEventData", "MFAUsed", default="No")
    return mfa_used != "Yes"


def title(event):
    return f"Console login without MFA by {event.udm('actor_user')!r} from {event.udm('source_ip')}"


def severity(event):
    return "High" if event.deep_get("userIdentity", "type") == "Root" else "DEFAULT"


def alert_context(event):
    return {
        "mfa": event.deep_get("additionalEventData", "MFAUsed"),
        "login_to": event.deep_get("additionalEventData", "LoginTo", default=""),
        "user_agent": event.udm("user_agent"),
    }
