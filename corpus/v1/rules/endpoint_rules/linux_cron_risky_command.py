import shlex
from fnmatch import fnmatch

# Name-like strings in a set display of constants: CPython may rebuild this constant when it
# interns the names, so its iteration order depends on what the process ran before. Tests
# over it that have no side effects give the same answer in any order.
RISKY_ARGS = {"curl", "wget", "nc", "dig", "/tmp/*", "http?://*"}
SHELL_PIPES = {"*|*sh", "*sh -c *"}
# None hashes by address: the order of this set is never reproducible.
IGNORED = {None, "", "run-parts /etc/cron.daily"}


def risky_arg(arg):
    return any(fnmatch(arg, pattern) for pattern in RISKY_ARGS)


def rule(event):
    command = event.get("command")
    if not isinstance(command, str) or command in IGNORED:
        return False
    if any(fnmatch(command, p) for p in SHELL_PIPES):
        return True
    return any(any(fnmatch(a, p) for p in RISKY_ARGS) for a in shlex.split(command))


def title(event):
    command = event.get("command", "")
    clean = all(p not in command for p in RISKY_ARGS if not p.startswith("/"))
    kind = "pipe to a shell" if clean else "network tool"
    return f"Risky cron entry ({kind}) on {event.get('host', '<unknown>')}"


def alert_context(event):
    words = shlex.split(event.get("command", ""))
    return {
        "risky_words": [w for w in words if risky_arg(w)],
        "all_short": all(len(p) < 12 for p in RISKY_ARGS),
        "any_ignored_none": any(x is None for x in IGNORED),
    }
