"""Address checks (a module two packages deep)."""

import corp

corp.ORDER.append("cidr")

PRIVATE_PREFIXES = ("10.", "192.168.", "172.16.")


def is_private(address):
    return str(address).startswith(PRIVATE_PREFIXES)
