from collections import OrderedDict

MIN_PUSHES = 10


def rule(event):
    return event.get("pushes", 0) >= MIN_PUSHES and event.get("accepted") is True


def title(event):
    # scheduled rules get no data model: udm() falls back to p_udm, then to the row itself
    return f"{event.udm('actor')} accepted a push after {event.get('pushes')} prompts"


def alert_context(event):
    per_ip = OrderedDict()
    for ip in event.get("ips", []):
        per_ip[ip] = per_ip.get(ip, 0) + 1
    return {"per_ip": dict(per_ip), "distinct_ips": len(per_ip), "device": event.udm("device", default="unknown")}
