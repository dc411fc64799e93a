from urllib.parse import urlparse

DOWNLOAD_FLAGS = {"certutil.exe": "-urlcache", "bitsadmin.exe": "/transfer", "curl.exe": "-o"}
ALLOWED_HOSTS = ("download.microsoft.com", "corp.example.com")


def _argv(event):
    return [arg.strip('"') for arg in event.get("command_line", "").split()]


def _download_url(event):
    argv = _argv(event)
    if not argv:
        return None
    program = argv[0].rsplit("\\", 1)[-1].lower()
    flag = DOWNLOAD_FLAGS.get(program)
    if flag is None:
        return None
    lowered = [arg.lower() for arg in argv]
    try:
        position = lowered.index(flag)
    except ValueError:
        return None
    urls = [arg for arg in argv[position:] if arg.lower().startswith(("http://", "https://"))]
    return urls.pop() if urls else None


def rule(event):
    url = _download_url(event)
    if url is None:
        return False
    host = urlparse(url).hostname or ""
    return not (host in ALLOWED_HOSTS or host.endswith("." + ALLOWED_HOSTS[-1]))


def title(event):
    return f"LOLBin download of {_download_url(event)} on {event.get('hostname')}"
