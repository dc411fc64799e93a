CORP_DOMAINS = ("corp.example.com", "example.com")


def _domain(address):
    try:
        return address[address.index("@") + 1 :].strip().lower()
    except ValueError:
        return ""


def _forward_to(event):
    for parameter in event.get("parameters", []):
        if parameter.get("name") == "EMAIL_FORWARDING_DESTINATION_ADDRESS":
            return parameter.get("value", "")
    return ""


def rule(event):
    if event.get("name") not in ("email_forwarding_change", "CREATE_EMAIL_MONITOR"):
        return False
    domain = _domain(_forward_to(event))
    if not domain:
        return False
    return not domain.endswith(CORP_DOMAINS)


def title(event):
    return f"{event.deep_get('actor', 'email')} forwards mail to {_forward_to(event)}"


def runbook(event):
    lines = [
        "Owner".ljust(12) + str(event.deep_get("actor", "email")),
        "Destination".ljust(12) + _forward_to(event),
        "Action".ljust(12) + "Remove the forwarding rule and reset the password.",
    ]
    return "\n".join(lines)
