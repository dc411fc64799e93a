import ipaddress
from urllib.parse import parse_qs, unquote, urlparse

RISKY_TLDS = (".zip", ".mov", ".top", ".xyz")
RISKY_EXTENSIONS = (".exe", ".scr", ".js", ".iso", ".hta")


def _url_parts(event):
    parsed = urlparse(event.get("url", ""))
    return parsed.hostname or "", unquote(parsed.path), parse_qs(parsed.query)


def _is_ipv4_literal(host):
    try:
        ipaddress.IPv4Address(host)
    except ipaddress.AddressValueError:
        return False
    return True


def _file_name(event):
    _, path, query = _url_parts(event)
    return query.get("file", [path])[0].rsplit("/", 1)[-1]


def rule(event):
    host, _, _ = _url_parts(event)
    if not host.endswith(RISKY_TLDS) and not _is_ipv4_literal(host):
        return False
    return _file_name(event).lower().endswith(RISKY_EXTENSIONS)


def title(event):
    host, _, _ = _url_parts(event)
    return f"{event.get('user', 'unknown user')} downloaded {_file_name(event)!r} from {host}"


def alert_context(event):
    _, path, query = _url_parts(event)
    return {"path": path, "query": query, "category": event.get("category", "uncategorized")}
