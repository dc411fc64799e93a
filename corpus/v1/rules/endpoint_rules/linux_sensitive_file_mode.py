SENSITIVE_PREFIXES = ("/etc/shadow", "/etc/sudoers", "/root/.ssh/", "/etc/ssh/sshd_config")
WORLD_WRITABLE_DIGITS = "2367"


def _mode_text(event):
    mode = event.get("mode")
    if isinstance(mode, bool) or mode is None:
        return ""
    if isinstance(mode, int):
        return str(mode)
    return str(mode).strip()


def rule(event):
    if event.get("syscall") not in ("chmod", "fchmodat"):
        return False
    if not event.get("path", "").startswith(SENSITIVE_PREFIXES):
        return False
    mode = _mode_text(event)
    return len(mode) >= 3 and mode[-1] in WORLD_WRITABLE_DIGITS


def title(event):
    return f"{event.get('path')} set to mode {event.get('mode')} (inode {event.get('inode')}) by {event.get('user', 'root')}"


def alert_context(event):
    return {"mode": event.get("mode"), "mode_text": _mode_text(event), "inode": event.get("inode")}
