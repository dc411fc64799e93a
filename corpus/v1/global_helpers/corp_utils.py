"""General-purpose helpers shared by the corp detections."""
from collections.abc import Mapping, Sequence
from functools import reduce
from typing import Any, List


def deep_get(obj: Any, *keys: str, default: Any = None) -> Any:
    """Walk nested mappings; return `default` when a key is missing or the value is None."""
    value = reduce(
        lambda node, key: node.get(key, default) if isinstance(node, Mapping) else default,
        keys,
        obj,
    )
    return default if value is None else value


def first_present(*values, fallback=""):
    """The first value that is neither None nor empty."""
    for value in values:
        if value not in (None, "", [], {}):
            return value
    return fallback


def as_list(value: Any) -> List[Any]:
    """Normalise a scalar, a list, or an event list (an immutable sequence) to a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return value
    if isinstance(value, Sequence):
        return list(value)
    return [value]


def safe_int(value: Any, *, fallback: int = 0, base: int = 10) -> int:
    """int() that never raises on malformed text."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    try:
        return int(str(value).strip(), base)
    except ValueError:
        return fallback


def leaf_paths(obj: Any, prefix: str = "") -> List[str]:
    """Dotted paths of every leaf below `obj` (mappings only)."""
    paths: List[str] = []

    def walk(node, path):
        if isinstance(node, Mapping) and len(node) > 0:
            for key in node:
                walk(node[key], f"{path}.{key}" if path else key)
        else:
            paths.append(path)

    walk(obj, prefix)
    return paths
