import time
from datetime import datetime

STALE_SECONDS = 180 * 24 * 3600


def _epoch(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    return None


def rule(event):
    last_used = _epoch(event.get("last_used_epoch"))
    created = _epoch(event.get("created_epoch"))
    if created is None:
        return False
    reference_point = last_used if last_used is not None else created
    return event.get("report_epoch", 0) - reference_point > STALE_SECONDS


def title(event):
    last_used = _epoch(event.get("last_used_epoch"))
    when = time.strftime("%Y-%m-%d", time.gmtime(last_used)) if last_used is not None else "never"
    return f"API key {event.get('key_id')} of {event.get('owner')} last used {when}"


def description(event):
    created = datetime.utcfromtimestamp(_epoch(event.get("created_epoch")))
    return f"Created {created.strftime('%d %b %Y %H:%M UTC')}; rotate or delete it."


def reference(event):
    return "https://wiki.corp.example/security/api-key-hygiene"
