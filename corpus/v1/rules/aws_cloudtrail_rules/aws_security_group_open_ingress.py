import ipaddress

from corp_utils import deep_get

SENSITIVE_PORTS = [22, 3389, 5432, 6379]
WORLD_V4 = ipaddress.ip_network("0.0.0.0/0")


def _is_world(cidr):
    try:
        return WORLD_V4.subnet_of(ipaddress.ip_network(cidr, strict=False))
    except ValueError:
        return False  # not a network at all
    except TypeError:
        return False  # an IPv6 network cannot contain the IPv4 world


def rule(event):
    if event.get("eventName") != "AuthorizeSecurityGroupIngress":
        return False
    permissions = event.deep_get("requestParameters", "ipPermissions", "items", default=[])
    for permission in permissions:
        from_port = permission.get("fromPort", 0)
        to_port = permission.get("toPort", 65535)
        cidrs = [item.get("cidrIp") for item in deep_get(permission, "ipRanges", "items", default=[])]
        if not any(_is_world(cidr) for cidr in cidrs):
            continue
        if any(from_port <= port <= to_port for port in SENSITIVE_PORTS):
            return True
    return False


def title(event):
    cidrs = event.deep_walk(
        "requestParameters", "ipPermissions", "items", "ipRanges", "items", "cidrIp", return_val="all"
    )
    return f"Security group {event.deep_get('requestParameters', 'groupId')} opened to {cidrs}"


def dedup(event):
    return event.deep_get("requestParameters", "groupId", default="<no group>")
