SUSPICIOUS_CHILDREN = {
    "winword.exe": {"cmd.exe", "powershell.exe", "wscript.exe", "mshta.exe"},
    "excel.exe": {"cmd.exe", "powershell.exe", "regsvr32.exe"},
    "outlook.exe": {"powershell.exe", "mshta.exe"},
}


def _basename(path):
    return (path or "").replace("/", "\\").rsplit("\\", 1)[-1].casefold()


def rule(event):
    parent = _basename(event.get("parent_image"))
    child = _basename(event.get("image_path"))
    return parent in SUSPICIOUS_CHILDREN and child in SUSPICIOUS_CHILDREN[parent]


def title(event):
    parent = _basename(event.get("parent_image"))
    return f"{parent.title()} spawned {_basename(event.get('image_path'))} on {event.get('hostname', 'unknown host')}"


def alert_context(event):
    parent = _basename(event.get("parent_image"))
    return {
        "parent": parent,
        "watched_children": sorted(SUSPICIOUS_CHILDREN.get(parent, set())),
        "command_line": event.get("command_line"),
    }
