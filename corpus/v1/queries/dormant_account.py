from datetime import datetime, timedelta

DORMANT_AFTER = timedelta(days=90)


def _gap(event):
    try:
        last_seen = datetime.fromisoformat(event.get("last_seen", ""))
        today = datetime.fromisoformat(event.get("first_seen_today", ""))
    except ValueError:
        return None
    return today - last_seen


def rule(event):
    gap = _gap(event)
    return gap is not None and gap >= DORMANT_AFTER


def title(event):
    gap = _gap(event)
    return f"{event.get('user_name')} active again after {gap.days} days ({round(gap.total_seconds() / 3600)} hours)"


def alert_context(event):
    last_seen = datetime.fromisoformat(event.get("last_seen"))
    return {
        "last_seen_epoch": last_seen.timestamp(),
        "gap_seconds": _gap(event).total_seconds(),
        "last_seen_iso": last_seen.isoformat(),
        "last_seen_yday": last_seen.timetuple().tm_yday,
    }
