import binascii
import re

HEX_BLOB = re.compile(r"(?:0x)?[0-9a-fA-F]{16,}")
MARKERS = ("http://", "https://", "/bin/", "|sh", "| sh")


def _decode(blob):
    try:
        return binascii.unhexlify(blob.lower().lstrip("0x")).decode("utf-8")
    except ValueError:
        return None


def _payloads(event):
    found = []
    for token in event.get("command_line", "").split():
        if not HEX_BLOB.fullmatch(token):
            continue
        if (text := _decode(token)) and text.isprintable() and any(marker in text for marker in MARKERS):
            found.append(text)
    return found


def rule(event):
    return event.get("platform") in ("linux", "macos") and len(_payloads(event)) > 0


def title(event):
    return f"Hex-encoded command on {event.get('hostname')}: {_payloads(event)[0]!r}"


def alert_context(event):
    return {"payloads": _payloads(event), "agent_version": event.get("agent_version")}
