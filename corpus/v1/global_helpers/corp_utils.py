"""General-purpose helpers shared by the corp detections."""
import base64
import binascii
from collections.abc import Mapping, Sequence
from functools import reduce
from typing import Any, List, Optional

from panther_core.immutable import ImmutableList


def deep_get(obj: Any, *keys: str, default: Any = None) -> Any:
    """Walk nested mappings; return `default` when a key is missing or the value is None."""
    value = reduce(
        lambda node, key: node.get(key, default) if isinstance(node, Mapping) else default,
        keys,
        obj,
    )
    return default if value is None else value


def deep_walk(obj: Any, *keys: str, default: Any = None) -> Any:
    """Like deep_get, but fans out over lists; returns a flat list (or default when empty)."""
    nodes = [obj]
    for key in keys:
        next_nodes = []
        for node in nodes:
            if isinstance(node, Mapping):
                value = node.get(key)
                if isinstance(value, (list, ImmutableList)):
                    next_nodes.extend(value)
                elif value is not None:
                    next_nodes.append(value)
        nodes = next_nodes
    return nodes if nodes else default


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
    if isinstance(value, ImmutableList):
        return list(value)
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


def decode_token(text: str, *, encoding: str = "base64") -> Optional[str]:
    """Decode base64 / base32 / hex text to UTF-8; None when it is not valid."""
    try:
        if encoding == "base32":
            raw = base64.b32decode(text.upper())
        elif encoding == "hex":
            raw = binascii.unhexlify(text)
        else:
            raw = base64.b64decode(text)
        return raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
    except ValueError:
        return None


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
