import json

from corp_investigation import investigation_filters


def rule(event):
    return event.get("failures", 0) > 20 and len(event.get("users", [])) >= 3


def title(event):
    return f"{event.get('failures')} failed logins for {len(event.get('users', []))} users from {event.get('client_ip')}"


def alert_context(event):
    row = event.to_dict()
    users = sorted(row.get("users", []), key=lambda name: name.lower(), reverse=True)
    return {
        "users_desc": users,
        "row_json": json.dumps(row, sort_keys=True),
        "filters": investigation_filters(event),
    }
