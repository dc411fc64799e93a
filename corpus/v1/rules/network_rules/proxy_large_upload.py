GIB = 1024 * 1024 * 1024
THRESHOLD_BYTES = 2 * GIB


def _bytes_out(event):
    raw = event.get("bytes_out", 0)
    if isinstance(raw, str):
        digits = raw.replace(",", "").strip()
        return int(digits) if digits.isdigit() else 0
    if isinstance(raw, float):
        return int(round(raw))
    return raw if isinstance(raw, int) else 0


def rule(event):
    return event.get("method", "").upper() in ("POST", "PUT") and _bytes_out(event) >= THRESHOLD_BYTES


def title(event):
    sent = _bytes_out(event)
    return f"{event.get('user')} uploaded {sent:,} bytes ({round(sent / GIB, 2)} GiB) to {event.get('host')}"


def severity(event):
    return "Critical" if _bytes_out(event) > 10 * GIB else "Default"


def alert_context(event):
    return {"bytes_out": _bytes_out(event), "raw": event.get("bytes_out"), "ratio": abs(_bytes_out(event) / THRESHOLD_BYTES)}
