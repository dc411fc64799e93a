import re

URL_HOST = re.compile(r"https?://([^/\s\"'>]+)", re.I)
PROTECTED_DOMAINS = {"corp.example.com", "examplebank.com", "example.com"}
HOMOGLYPHS = {"0": "o", "1": "l", "3": "e", "5": "s", "rn": "m"}


def _normalise(host):
    host = host.lower()
    for fake, real in HOMOGLYPHS.items():
        host = host.replace(fake, real)
    return re.sub(r"[^a-z.]", "", host)


def _lookalikes(event):
    hosts = {host.lower().rstrip(".") for host in URL_HOST.findall(event.get("body", ""))}
    return sorted(host for host in hosts if host not in PROTECTED_DOMAINS and _normalise(host) in PROTECTED_DOMAINS)


def rule(event):
    if event.get("direction") != "inbound" or "@" not in event.get("sender", ""):
        return False
    sender_domain = event.get("sender", "").rsplit("@", 1)[-1].lower()
    spoofed_sender = sender_domain not in PROTECTED_DOMAINS and _normalise(sender_domain) in PROTECTED_DOMAINS
    return len(_lookalikes(event)) > 0 or spoofed_sender


def title(event):
    return f"Lookalike domain(s) in mail from {event.get('sender')}: {_lookalikes(event) or event.get('sender')}"


def alert_context(event):
    return {"subject": event.get("subject"), "lookalikes": _lookalikes(event), "recipients": event.get("to", [])}
