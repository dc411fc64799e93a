"""Renders an event as a list of `field == value` filters for a follow-up search."""
from collections.abc import Mapping

SKIP_PREFIX = "p_"
MAX_VALUE_CHARS = 80


def _flatten(data, prefix=""):
    items = []
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping) and value:
            items.extend(_flatten(value, path))
        else:
            items.append((path, value))
    return items


def investigation_filters(event, limit=10):
    """Every non-p_ field of the event with its Python repr, sorted by path."""
    data = event.to_dict() if hasattr(event, "to_dict") else dict(event)
    filters = []
    for path, value in sorted(_flatten(data), key=lambda item: item[0]):
        if path.startswith(SKIP_PREFIX):
            continue
        rendered = repr(value)
        if len(rendered) > MAX_VALUE_CHARS:
            rendered = rendered[: MAX_VALUE_CHARS - 3] + "..."
        filters.append(f"{path} == {rendered}")
        if len(filters) >= limit:
            break
    return filters


def investigation_query(event, table):
    return f"{table} | where " + " and ".join(investigation_filters(event, limit=4))
