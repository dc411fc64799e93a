PRIVILEGED_ROLES = ("roles/owner", "roles/editor", "roles/iam.securityAdmin")


def _grants(event):
    deltas = event.deep_get("protoPayload", "serviceData", "policyDelta", "bindingDeltas", default=[])
    grants = []
    for index, delta in enumerate(deltas):
        if delta.get("action") != "ADD":
            continue
        if delta.get("role") in PRIVILEGED_ROLES:
            grants.append((index, delta.get("role"), delta.get("member")))
    return grants


def rule(event):
    method = event.udm("event_type") or ""
    return method.endswith("SetIamPolicy") and len(_grants(event)) > 0


def title(event):
    index, role, member = _grants(event)[0]
    return f"{member} granted {role} on project {event.udm('project')} (delta #{index})"


def alert_context(event):
    return {
        "grants": [{"role": role, "member": member} for _, role, member in _grants(event)],
        "actor": event.udm("actor_user"),
        "caller_ip": event.udm("source_ip"),
    }
