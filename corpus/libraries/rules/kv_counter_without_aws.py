from botocore.exceptions import BotoCoreError, ClientError, NoRegionError
from panther_detection_helpers.caching import (
    check_account_age,
    get_string_set,
    increment_counter,
    ttl_expired,
)


def _count(event):
    """Counts logins per user; without AWS configuration the store is unreachable, as under
    panther_analysis_tool."""
    try:
        return increment_counter(f"corp-logins:{event.get('user')}")
    except NoRegionError as err:
        return f"no region: {err}"


def rule(event):
    if event.get("action") != "login":
        return False
    count = _count(event)
    return isinstance(count, str) or count > 5


def title(event):
    return f"{event.get('user')}: {_count(event)}"


def _outcome(fn, *args):
    try:
        return repr(fn(*args))
    except ClientError as err:
        return f"client error {err.operation_name}: {err}"
    except BotoCoreError as err:
        return f"botocore {err!r} kwargs={err.kwargs}"
    except (AttributeError, TypeError, ValueError) as err:
        return f"{err!r}"


def alert_context(event):
    return {
        "get_string_set": _outcome(get_string_set, "corp-users"),
        "new_account_empty_key": _outcome(check_account_age, ""),
        "new_account_no_key": _outcome(check_account_age, None),
        "new_account": _outcome(check_account_age, event.get("user")),
        "not_iterable": _outcome(increment_counter, "k", 1, []),
        "expired_past": _outcome(ttl_expired, {"Item": {"expiresAt": 1}}),
        "expired_missing": _outcome(ttl_expired, {}),
        "expired_str": _outcome(ttl_expired, {"Item": {"expiresAt": "99999999999"}}),
        "no_get": _outcome(ttl_expired, ["Item"]),
    }
