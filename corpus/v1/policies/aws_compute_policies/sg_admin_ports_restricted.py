import ipaddress

from corp_utils import deep_walk

ADMIN_PORTS = (22, 3389)
INTERNET_PROBES = [ipaddress.ip_address("8.8.8.8"), ipaddress.ip_address("2001:4860:4860::8888")]


def _open_ranges(permission):
    ranges = [r.get("CidrIp") for r in permission.get("IpRanges", [])]
    ranges += [r.get("CidrIpv6") for r in permission.get("Ipv6Ranges", [])]
    found = []
    for cidr in ranges:
        try:
            network = ipaddress.ip_network(cidr)
        except (ValueError, TypeError):
            continue
        if network.is_global or any(probe in network for probe in INTERNET_PROBES):
            found.append(str(network))
    return found


def policy(resource):
    for permission in resource.get("IpPermissions", []):
        if permission.get("IpProtocol") == "-1":
            if _open_ranges(permission):
                return False
            continue
        low, high = permission.get("FromPort", 0), permission.get("ToPort", 65535)
        if any(low <= port <= high for port in ADMIN_PORTS) and _open_ranges(permission):
            return False
    return True


def title(resource):
    return f"Security group {resource.get('GroupId')} ({resource.get('GroupName')}) exposes admin ports"


def alert_context(resource):
    exposed = []
    for permission in resource.get("IpPermissions", []):
        exposed.extend(_open_ranges(permission))
    ipv6 = [cidr for cidr in exposed if isinstance(ipaddress.ip_network(cidr), ipaddress.IPv6Network)]
    return {
        "exposed_ranges": exposed,
        "ipv6_ranges": ipv6,
        "all_cidrs": deep_walk(resource, "IpPermissions", "IpRanges", "CidrIp", default=[]),
        "vpc": resource.get("VpcId"),
    }
