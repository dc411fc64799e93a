def _pending_days(event):
    raw = event.deep_get("requestParameters", "pendingWindowInDays", default="30")
    try:
        return int(raw)
    except ValueError:
        return 30


def rule(event):
    return (
        event.get("eventSource") == "kms.amazonaws.com"
        and event.get("eventName") == "ScheduleKeyDeletion"
        and not event.get("errorCode")
    )


def title(event):
    return f"KMS key scheduled for deletion in {_pending_days(event)} days"


def severity(event):
    return "High" if _pending_days(event) <= 7 else "low"


def description(event):
    key_id = event.deep_get("requestParameters", "keyId", default="<unknown key>")
    return f"KMS key {key_id} will be deleted after a {_pending_days(event)}-day waiting period."


def reference(event):
    return "https://wiki.corp.example/runbooks/kms#scheduled-deletion"


def runbook(event):
    key_id = event.deep_get("requestParameters", "keyId", default="KEY_ID")
    return f"If unexpected, run: aws kms cancel-key-deletion --key-id {key_id}"
