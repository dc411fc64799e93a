from fnmatch import fnmatch

TOOL_PATTERNS = ["*mimikatz*", "*procdump*-ma*lsass*", "*\\nanodump*", "*comsvcs.dll*minidump*", "*lsass*.dmp"]


def _matched_patterns(event):
    target = " ".join([event.get("image_path", ""), event.get("command_line", "")]).lower()
    return [pattern for pattern in TOOL_PATTERNS if fnmatch(target, pattern)]


def rule(event):
    return event.get("event_type") == "process_start" and len(_matched_patterns(event)) > 0


def title(event):
    return f"Credential dumping tool on {event.get('hostname')}: {_matched_patterns(event)}"


def severity(event):
    return "Critical" if len(_matched_patterns(event)) > 1 else "High"
