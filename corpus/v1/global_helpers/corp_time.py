"""Timestamp parsing that never looks at the wall clock."""
from datetime import datetime, timedelta
from typing import Optional

FORMATS = ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M:%S", "%d/%b/%Y:%H:%M:%S")
EPOCH = datetime.utcfromtimestamp(0)


def parse_timestamp(value) -> Optional[datetime]:
    """Naive UTC datetime from epoch seconds or one of FORMATS; None when unparseable."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return datetime.utcfromtimestamp(value)
    text = str(value).strip()
    for fmt in FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        # an aware timestamp() is exact and independent of the local zone
        return datetime.utcfromtimestamp(parsed.timestamp())
    return parsed


def epoch_seconds(naive_utc: datetime) -> int:
    return int((naive_utc - EPOCH).total_seconds())


def hours_between(start: datetime, end: datetime) -> float:
    return abs((end - start).total_seconds()) / 3600


def add_days(moment: datetime, days: int) -> datetime:
    return moment + timedelta(days=days)
