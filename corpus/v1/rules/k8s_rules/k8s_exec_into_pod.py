from urllib.parse import parse_qs, urlparse

SYSTEM_NAMESPACES = ["kube-system", "kube-public", "monitoring"]
MAX_COMMAND_PARTS = 3


def _command(event):
    query = urlparse(event.get("requestURI", "")).query
    return parse_qs(query).get("command", [])


def rule(event):
    return (
        event.get("verb") == "create"
        and event.deep_get("objectRef", "subresource") == "exec"
        and event.deep_get("objectRef", "namespace") not in SYSTEM_NAMESPACES
    )


def title(event):
    command = _command(event)
    shown = " ".join(command[:MAX_COMMAND_PARTS]) + (" ..." if len(command) > MAX_COMMAND_PARTS else "")
    return (
        f"{event.deep_get('user', 'username')} exec'd into "
        f"{event.deep_get('objectRef', 'namespace')}/{event.deep_get('objectRef', 'name')}: {shown}"
    )


def alert_context(event):
    groups = event.deep_get("user", "groups", default=[])
    return {
        "last_groups": groups[-2:],
        "first_group": groups[0] if groups else None,
        "argv_tail": _command(event)[1:],
        "source_ips": event.get("sourceIPs"),
    }
