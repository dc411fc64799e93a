"""Who a resource-policy statement lets in, as (kind, value) grants."""
from collections import namedtuple

Grant = namedtuple("Grant", "kind value")
PRINCIPAL_KINDS = ("AWS", "Service", "Federated", "CanonicalUser")


def _values(raw):
    if raw is None:
        return []
    if isinstance(raw, (str, int, float)):
        return [raw]
    return list(raw)


def principal_grants(statement):
    principal = statement.get("Principal")
    if principal is None:
        return set()
    if isinstance(principal, str):
        return {Grant("principal", principal)}
    grants = set()
    for kind in PRINCIPAL_KINDS:
        for value in _values(principal.get(kind)):
            grants.add(Grant(kind=kind.lower(), value=value))
    return grants


def condition_grants(statement):
    grants = set()
    for block in (statement.get("Condition") or {}).values():
        for key, raw in block.items():
            kind = key.split(":")[-1].lower()
            for value in _values(raw):
                grants.add(Grant(value=str(value), kind=kind))
    return grants


def open_grants(statement):
    """The grants of an Allow statement that contain a wildcard, in order."""
    if statement.get("Effect") != "Allow":
        return []
    everything = principal_grants(statement).union(condition_grants(statement))
    return sorted(grant for grant in everything if "*" in grant.value)


def describe(grant):
    kind, value = grant
    if grant == ("principal", "*"):
        return "anyone"
    return f"{kind}={value}"
