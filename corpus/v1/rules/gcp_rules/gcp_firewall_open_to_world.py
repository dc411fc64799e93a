import ipaddress

ADMIN_PORTS = {22, 3389}


def _port_range(text):
    parts = str(text).split("-", 1)
    try:
        return int(parts[0]), int(parts[-1])
    except ValueError:
        return None


def _world_open(ranges):
    for cidr in ranges:
        try:
            if ipaddress.ip_network(cidr, strict=False).prefixlen == 0:
                return True
        except ValueError:
            continue
    return False


def rule(event):
    if not event.deep_get("protoPayload", "methodName", default="").endswith("firewalls.insert"):
        return False
    request = event.deep_get("protoPayload", "request", default={})
    if request.get("direction", "INGRESS") != "INGRESS" or not _world_open(request.get("sourceRanges", [])):
        return False
    allowed = request.get("alloweds", [])
    protocols = [rule_.get("IPProtocol", "all") for rule_ in allowed]
    port_lists = [rule_.get("ports", []) for rule_ in allowed]
    for protocol, ports in zip(protocols, port_lists):
        if protocol == "all" or (protocol == "tcp" and not ports):
            return True
        for text in ports:
            bounds = _port_range(text)
            if bounds is None:
                continue
            if any(bounds[0] <= port <= bounds[1] for port in ADMIN_PORTS):
                return True
    return False


def title(event):
    return f"Firewall rule {event.deep_get('protoPayload', 'request', 'name')} opens admin ports to the internet"
