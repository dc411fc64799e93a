from collections.abc import Mapping, Sequence
from functools import reduce

from corp_utils import deep_get

HOST_FLAGS = ("hostPID", "hostNetwork", "hostIPC")
DANGEROUS_CAPABILITIES = {"SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE"}


def _containers(event):
    spec = event.deep_get("requestObject", "spec", default={})
    containers = []
    for key in ("initContainers", "containers", "ephemeralContainers"):
        value = spec.get(key, []) if isinstance(spec, Mapping) else []
        if isinstance(value, Sequence) and not isinstance(value, str):
            containers.extend(value)
    return containers


def _capabilities(event):
    return reduce(
        lambda found, container: found | set(deep_get(container, "securityContext", "capabilities", "add", default=[])),
        _containers(event),
        set(),
    )


def rule(event):
    if event.get("verb") != "create" or event.deep_get("objectRef", "resource") != "pods":
        return False
    privileged = [deep_get(c, "securityContext", "privileged", default=False) for c in _containers(event)]
    host_flags = [event.deep_get("requestObject", "spec", flag, default=False) for flag in HOST_FLAGS]
    return any(privileged) or any(host_flags) or bool(_capabilities(event) & DANGEROUS_CAPABILITIES)


def title(event):
    namespace = event.deep_get("objectRef", "namespace", default="default")
    name = event.deep_get("objectRef", "name") or event.deep_get("requestObject", "metadata", "generateName", default="?")
    return f"Privileged pod {namespace}/{name} created by {event.deep_get('user', 'username')}"


def alert_context(event):
    return {
        "capabilities": sorted(_capabilities(event)),
        "images": [c.get("image") for c in _containers(event)],
        "privileged_walk": event.deep_walk("requestObject", "spec", "containers", "securityContext", "privileged"),
    }
