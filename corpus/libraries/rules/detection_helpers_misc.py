from panther_detection_helpers import monitoring
from panther_detection_helpers.caching import get_string_set
from panther_detection_helpers.mocking import is_mock


def _severity_for(event):
    return "HIGH" if event.get("admin") else "LOW"


# `monitoring.wrap` without Datadog: the wrapper only calls the function.
severity_for = monitoring.wrap(name="corp.severity_for")(_severity_for)


def rule(event):
    return event.get("kind") == "privileged"


def title(event):
    return f"{event.get('user')} ran a privileged action (store mocked: {is_mock(get_string_set)})"


def severity(event):
    return severity_for(event)


def alert_context(event):
    return {
        "wrapped_name": severity_for.__name__,
        "mocked": is_mock(get_string_set),
        "plain_function": is_mock(_severity_for),
        "constant": is_mock("text"),
        "monitoring": [monitoring.USE_MONITORING, monitoring.DD_ENV],
    }
