import json


def _changes(event):
    try:
        changes = json.loads(event.get("changes_json") or "{}")
    except json.JSONDecodeError:
        return {}
    return changes if isinstance(changes, dict) else {}


def rule(event):
    changes = _changes(event)
    added = changes.get("added", [])
    removed = changes.get("removed", [])
    return len(added) + len(removed) >= 3 or sum(len(v) for v in changes.values() if isinstance(v, list)) >= 4


def title(event):
    return f"Owner churn in {event.get('project_id')}: {json.dumps(_changes(event))}"
