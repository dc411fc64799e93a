import json

from corp_utils import as_list, first_present, leaf_paths, safe_int

SHARE_EVENTS = {"ModifySnapshotAttribute", "ModifyDBSnapshotAttribute"}


def _added_accounts(event):
    items = event.deep_get("requestParameters", "createVolumePermission", "add", "items", default=[])
    accounts = []
    for item in as_list(items):
        try:
            accounts.append(str(item["userId"]))
        except KeyError:
            if item.get("group") == "all":
                accounts.append("all")
        except TypeError:
            accounts.append(str(item))  # a bare account id
    return accounts


def _tags(event):
    try:
        return dict(json.loads(event.get("tagSpecification")))
    except Exception:  # missing, not JSON, or not a mapping
        return {}


def rule(event):
    if event.get("eventName") not in SHARE_EVENTS:
        return False
    try:
        if event.udm("user_agent").lower().startswith("corp-backup/"):
            return False  # internal backup tooling
    except AttributeError:
        pass  # no user agent at all
    return any(account != event.deep_get("recipientAccountId", default="") for account in _added_accounts(event))


def title(event):
    snapshot = first_present(event.deep_get("requestParameters", "snapshotId"), event.get("snapshotId"), fallback="?")
    size = safe_int(event.deep_get("responseElements", "volumeSize"), fallback=-1)
    return f"Snapshot {snapshot} ({size} GiB) shared with {', '.join(_added_accounts(event))}"


def severity(event):
    accounts = _added_accounts(event)
    if "all" in accounts:
        return "Critical"
    elif len(accounts) > 1:
        return "High"
    else:
        return "Medium"


def alert_context(event):
    return {
        "ip_field": event.udm_path("source_ip"),
        "actor_field": event.udm_path("actor_user"),
        "request_fields": leaf_paths(event.deep_get("requestParameters", default={})),
        "tags": _tags(event),
    }
