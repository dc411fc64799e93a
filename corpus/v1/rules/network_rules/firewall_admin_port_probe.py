import ipaddress

CORP_NETWORKS = [ipaddress.ip_network("10.20.0.0/16"), ipaddress.ip_network("192.168.50.0/24")]
ADMIN_PORTS = {22, 3389, 5985, 5986}


def _source(event):
    try:
        return ipaddress.ip_address(event.udm("source_ip") or event.get("src_ip", ""))
    except ValueError:
        return None


def rule(event):
    if event.get("action") != "deny":
        return False
    source = _source(event)
    if source is None or any(source in network for network in CORP_NETWORKS):
        return False
    return source.is_global and event.get("dst_port") in ADMIN_PORTS


def title(event):
    return f"[{event.get('p_source_label', 'unlabelled')}] Internet host {_source(event)} probed admin port {event.get('dst_port')}"


def alert_context(event):
    source = _source(event)
    return {
        "source": str(source),
        "family": "IPv6" if isinstance(source, ipaddress.IPv6Address) else "IPv4",
        "private": source.is_private,
        "port": event.get("dst_port"),
        "all_ips": event.get("p_any_ip_addresses", []),
    }
