from datetime import datetime, timedelta

WORK_START, WORK_END = 7, 20
UTC_OFFSETS = {"PST": -8, "EST": -5, "UTC": 0, "CET": 1, "JST": 9}


def _local_time(event):
    try:
        utc = datetime.strptime(event.get("login_time", ""), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return utc + timedelta(hours=UTC_OFFSETS.get(event.get("user_tz", "UTC"), 0))


def rule(event):
    if event.get("result") != "success":
        return False
    local = _local_time(event)
    if local is None:
        return False
    weekend = local.strftime("%a") in ("Sat", "Sun")
    return weekend or not WORK_START <= local.hour < WORK_END


def title(event):
    local = _local_time(event)
    return (
        f"VPN login by {event.get('user')} at {local.strftime('%Y-%m-%d %H:%M')} local time "
        f"({local.strftime('%A')})"
    )


def severity(event):
    return "Low" if event.get("user_tz") in UTC_OFFSETS else "Medium"
