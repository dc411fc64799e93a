import json


def _statements(resource):
    document = resource.get("AssumeRolePolicyDocument") or "{}"
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError:
            return []
    statements = document.get("Statement", [])
    return [statements] if isinstance(statements, dict) else statements


def _principals(statement):
    principal = statement.get("Principal", {})
    if isinstance(principal, str):
        return [principal]
    values = []
    for value in principal.values():
        values.extend(value if isinstance(value, list) else [value])
    return values


def policy(resource):
    for statement in _statements(resource):
        if statement.get("Effect") != "Allow":
            continue
        if "*" in _principals(statement) and not statement.get("Condition"):
            return False
    return True


def title(resource):
    return f"Role {resource.get('RoleName')} can be assumed by anyone"
