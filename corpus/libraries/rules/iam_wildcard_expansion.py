import json

from policyuniverse import all_permissions
from policyuniverse.expander_minimizer import expand_policy, get_actions_from_statement

HIGH_RISK = {"iam:passrole", "iam:createaccesskey", "sts:assumerole", "kms:decrypt"}


def _expanded(event):
    document = event.get("policy")
    if isinstance(document, str):
        document = json.loads(document)
    return expand_policy(document)


def _allowed(expanded):
    allowed = set()
    for statement in expanded["Statement"]:
        if statement["Effect"] == "Allow":
            allowed.update(statement["Action"])
    return allowed


def rule(event):
    try:
        expanded = _expanded(event)
    except (KeyError, TypeError):
        # A policy that cannot be expanded is reported; title() says why.
        return True
    return bool(_allowed(expanded) & HIGH_RISK)


def title(event):
    try:
        allowed = _allowed(_expanded(event))
    except (KeyError, TypeError) as err:
        return f"Policy {event.get('policyName')} cannot be expanded: {err!r}"
    risky = sorted(allowed & HIGH_RISK)
    return f"Policy {event.get('policyName')} allows {len(allowed)} actions, including {risky}"


def alert_context(event):
    try:
        expanded = _expanded(event)
    except (KeyError, TypeError) as err:
        return {"error": repr(err)}
    statement = expanded["Statement"][0]
    raw = json.loads(event.get("policy")) if isinstance(event.get("policy"), str) else {}
    first_raw = raw.get("Statement", [{}])
    first_raw = first_raw[0] if isinstance(first_raw, list) else first_raw
    return {
        "first_effect": statement["Effect"],
        "first_actions": statement.get("Action", [])[:4],
        "not_action_kept": "NotAction" in statement,
        "direct": sorted(get_actions_from_statement(first_raw))[:4],
        "known": ["s3:getobject" in all_permissions, "s3:nosuchaction" in all_permissions],
        "total_known": len(all_permissions) > 10000,
    }
