import re

NOTE_NAME = re.compile(r"^(?:how|read|restore)[_-]?(?:to[_-]?)?(?:decrypt|recover|files)", re.IGNORECASE)
NOTE_TEXT = re.compile(r"^.*\b(bitcoin|tor browser|files (?:have been|are) encrypted)\b.*$", re.I | re.MULTILINE)
NOTE_EXTENSIONS = ("txt", "html", "hta")


def _extensions(name):
    extensions = []
    while "." in name and len(extensions) < 3:
        name, extension = name.rsplit(".", 1)
        extensions.append(extension.lower())
    return extensions


def _phrases(event):
    return sorted({phrase.lower() for phrase in NOTE_TEXT.findall(event.get("content_preview") or "")})


def rule(event):
    if event.get("action") != "file_create":
        return False
    name = event.get("file_name", "")
    named_like_note = NOTE_NAME.match(name) is not None and any(ext in NOTE_EXTENSIONS for ext in _extensions(name))
    return named_like_note or len(_phrases(event)) >= 2


def title(event):
    return f"Possible ransom note {event.get('file_name')} on {event.get('hostname')} ({', '.join(_phrases(event)) or 'by name'})"


def alert_context(event):
    return {"extensions": _extensions(event.get("file_name", "")), "phrases": _phrases(event)}
