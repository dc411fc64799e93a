import json

from policyuniverse.policy import Policy
from policyuniverse.statement import Statement

SENSITIVE_SERVICES = ("iam", "sts", "kms")


def _document(event):
    doc = event.deep_get("requestParameters", "policyDocument")
    if isinstance(doc, str):
        return json.loads(doc)
    return None


def rule(event):
    doc = _document(event)
    if doc is None:
        return False
    policy = Policy(doc)
    if policy.is_internet_accessible():
        return True
    # Any allowed action on a sensitive service, after wildcards are expanded.
    for statement in policy.statements:
        if statement.effect != "Allow":
            continue
        for action in statement.actions_expanded:
            if action.split(":")[0] in SENSITIVE_SERVICES:
                return True
    return False


def title(event):
    policy = Policy(_document(event))
    public = sorted(policy.internet_accessible_actions())
    if public:
        return f"Public access to {', '.join(public)} on {event.get('eventSource')}"
    return f"Sensitive actions granted by {event.deep_get('userIdentity', 'arn')}"


def alert_context(event):
    doc = _document(event)
    policy = Policy(doc)
    first = Statement(doc["Statement"][0] if isinstance(doc["Statement"], list) else doc["Statement"])
    summary = policy.action_summary()
    return {
        "principals": sorted(policy.principals),
        "whos_allowed": sorted(str(who) for who in policy.whos_allowed()),
        "expanded_count": len(first.actions_expanded),
        "expanded_sample": sorted(first.actions_expanded)[:3],
        "summary": {service: sorted(summary[service]) for service in sorted(summary)},
        "conditions": sorted(str(c) for c in policy.condition_entries),
    }
