"""`is` and `==` on objects CPython holds once: a module however often it is imported, the
functions of the builtins module and of library modules, exception classes (`type(e) is
ValueError`, a common way to tell errors apart), and the methods of built-in types."""

import json
import json as json_again
import re
from json import dumps

SERVICES = {"443": "https"}


class PortError(LookupError):
    pass


def classify(event):
    try:
        port = int(event.get("port"))
        return SERVICES[str(port)] if port != 443 else SERVICES["80"]
    except Exception as err:
        if type(err) is ValueError:
            return "value"
        if err.__class__ is KeyError and type(err) == KeyError:
            return "key"
        return type(err).__name__


def rule(event):
    return classify(event) == "value"


def title(event):
    return f"port {event.get('port')} failed as {classify(event)}"


def alert_context(event):
    error_kinds = []
    for exc in (ValueError("v"), KeyError("k"), PortError("p")):
        error_kinds.append(
            [type(exc) is ValueError, type(exc) is KeyError, type(exc) is PortError, isinstance(exc, LookupError)]
        )
    return {
        "modules": [json is json_again, json == json_again, json is not re],
        "library_functions": [json.loads is json_again.loads, json.dumps is dumps, re.compile is re.compile],
        "builtins": [len is len, zip is zip, sorted == sorted, len is not sorted, str is str],
        "exception_classes": [ValueError is ValueError, KeyError in (ValueError, KeyError), PortError is PortError],
        "error_kinds": error_kinds,
        "descriptors": [str.lower is str.lower, dict.get is dict.get, str.lower is not str.upper],
    }
