import uuid

# Sessions already alerted on by this process (one Lambda invocation handles one batch).
SEEN_SESSIONS = []


def rule(event):
    return event.get("event") == "admin.impersonate" and event.get("outcome") == "success"


def title(event):
    return f"{event.get('admin')} impersonated {event.get('target')}"


def _is_uuid(text):
    try:
        uuid.UUID(str(text))
    except ValueError:
        return False
    return True


def alert_context(event):
    # NB: PAT runs auxiliary functions for every unit test, alerting or not, so the
    # list below also grows on non-alerting tests when run under `panther_analysis_tool test`.
    session = event.get("session_id", "?")
    repeat = session in SEEN_SESSIONS
    SEEN_SESSIONS.append(session)
    return {
        "session": session,
        "session_is_uuid": _is_uuid(session),
        "repeat_in_batch": repeat,
        "seen_count": len(SEEN_SESSIONS),
    }
