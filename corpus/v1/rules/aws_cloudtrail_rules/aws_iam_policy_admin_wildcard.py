import json

POLICY_EVENTS = ("CreatePolicy", "CreatePolicyVersion", "PutUserPolicy", "PutRolePolicy", "PutGroupPolicy")


def _statements(document):
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        return [statements]
    return statements if isinstance(statements, list) else []


def _admin_statements(event):
    raw = event.deep_get("requestParameters", "policyDocument", default="{}")
    try:
        document = json.loads(raw)
    except json.JSONDecodeError:
        return []
    found = []
    for statement in _statements(document):
        if statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action", [])
        if isinstance(actions, str):
            actions = [actions]
        if (resource := statement.get("Resource")) in ("*", ["*"]) and "*" in actions:
            found.append({"sid": statement.get("Sid", ""), "resource": resource})
    return found


def rule(event):
    if event.get("eventName") not in POLICY_EVENTS:
        return False
    return len(_admin_statements(event)) > 0


def title(event):
    name = event.deep_get("requestParameters", "policyName") or event.deep_get(
        "requestParameters", "roleName", default="<unknown>"
    )
    return f"IAM policy [{name}] grants *:* via {event.get('eventName')}"


def alert_context(event):
    return {"statements": _admin_statements(event), "actor": event.udm("actor_user")}
