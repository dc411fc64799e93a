import base64
import shlex

POWERSHELL_IMAGES = ("\\powershell.exe", "\\pwsh.exe")
ENCODED_FLAGS = {"-enc", "-encodedcommand", "-e", "-ec"}
SUSPICIOUS_WORDS = ("downloadstring", "invoke-expression", "iex ", "frombase64string")


def _decoded_command(event):
    try:
        argv = shlex.split(event.get("command_line", ""))
    except ValueError:  # unbalanced quotes
        return None
    for flag, value in zip(argv, argv[1:]):
        if flag.lower() in ENCODED_FLAGS:
            try:
                return base64.b64decode(value).decode("utf-16-le")
            except ValueError:  # binascii.Error and UnicodeDecodeError are both ValueErrors
                return None
    return None


def rule(event):
    image = event.get("image_path", "").lower().replace("/", "\\")
    if not image.endswith(POWERSHELL_IMAGES):
        return False
    decoded = _decoded_command(event)
    return decoded is not None and any(word in decoded.lower() for word in SUSPICIOUS_WORDS)


def title(event):
    return f"Encoded PowerShell downloader on {event.get('hostname', 'unknown host')}"


def alert_context(event):
    decoded = _decoded_command(event) or ""
    return {"decoded": decoded[:200], "user": event.get("user"), "pid": event.get("pid")}
