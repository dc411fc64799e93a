from corp_grants import Grant, describe, open_grants

WATCHED = {"PutBucketPolicy", "SetQueueAttributes"}


def _statements(event):
    policy = event.deep_get("requestParameters", "bucketPolicy")
    if policy is None:
        policy = event.deep_get("requestParameters", "attributes", "Policy", default={})
    statements = policy.get("Statement") or []
    if hasattr(statements, "keys"):
        return [statements]
    return list(statements)


def _grants(event):
    found = []
    for statement in _statements(event):
        for grant in open_grants(statement):
            if grant not in found:
                found.append(grant)
    return found


def rule(event):
    if event.get("eventName") not in WATCHED:
        return False
    return len(_grants(event)) > 0


def title(event):
    grants = _grants(event)
    first = grants[0]
    return f"{event.get('eventName')} opens access to {describe(first)} ({first})"


def dedup(event):
    return ",".join(grant.kind for grant in _grants(event))


def alert_context(event):
    grants = _grants(event)
    anyone = Grant("principal", "*")
    return {
        "grants": grants,
        "as_dicts": [grant._asdict() for grant in grants],
        "kinds": sorted({grant.kind for grant in grants}),
        "anyone": anyone in grants,
        "widened": [grant._replace(value=grant.value + "?") for grant in grants[:1]],
        "count": len(grants),
    }
