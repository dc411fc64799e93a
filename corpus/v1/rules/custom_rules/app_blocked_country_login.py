import json
from unittest.mock import MagicMock

BLOCKED_COUNTRIES = '["KP", "IR", "SY"]'


def employee_status(user):
    """Replaced by an HR lookup in production; unit tests mock it."""
    return "active" if user else "unknown"


def _blocked():
    value = BLOCKED_COUNTRIES
    if isinstance(value, MagicMock):
        value = value()  # tests replace the constant with a mock returning JSON text
    return set(json.loads(value))


def rule(event):
    if event.get("event") != "login":
        return False
    country = event.deep_get("geo", "country", default="").upper()
    return country in _blocked() or employee_status(event.get("user")) == "terminated"


def title(event):
    return f"Login by {event.get('user')} ({employee_status(event.get('user'))}) from {event.deep_get('geo', 'country')}"


def alert_context(event):
    return {"blocked": sorted(_blocked()), "status": employee_status(event.get("user"))}
