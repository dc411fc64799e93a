import re

KEY_PATTERN = re.compile(r"\b(?:sk|pk)_(?:live|test)_[0-9a-zA-Z]{12,}\b")


def _keys(event):
    return KEY_PATTERN.findall(event.get("snippet") or "")


def rule(event):
    return event.get("source") in ("pastebin", "public_repo", "chat") and len(_keys(event)) > 0


def title(event):
    # the first matched key only (the scanner guarantees one key per finding... usually)
    first_key = event.get("matched_keys", [])[0]
    return f"API key {first_key[:12]}… exposed on {event.get('source')}"


def alert_context(event):
    return {
        "location": event["location"],
        "keys": [key[:8] + "****" for key in _keys(event)],
        "live": any("_live_" in key for key in _keys(event)),
    }
