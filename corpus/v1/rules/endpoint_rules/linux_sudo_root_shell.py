import re

SUDO_LINE = re.compile(
    r"^\s*(?P<user>[\w.-]+)\s*:\s*TTY=(?P<tty>\S+)\s*;\s*PWD=(?P<pwd>\S+)\s*;"
    r"\s*USER=(?P<target>\w+)\s*;\s*COMMAND=(?P<command>.+)$"
)
SHELLS = {"sh", "bash", "zsh", "dash", "su"}


def _parse(event):
    return SUDO_LINE.match(event.get("message", ""))


def _command(match):
    return re.sub(r"\s+", " ", match.group("command")).strip()


def rule(event):
    if event.get("program") != "sudo":
        return False
    match = _parse(event)
    if match is None:
        return False
    program = _command(match).split(" ")[0].rsplit("/", 1)[-1]
    return match.group("target") == "root" and program in SHELLS


def title(event):
    match = _parse(event)
    return f"{match.group('user')} opened a root shell on {event.get('host')}: {_command(match)}"


def alert_context(event):
    match = _parse(event)
    return {"line": match.group(), "tty": match.group("tty"), "pwd": match.group("pwd")}
