import base64

SUSPICIOUS_SNIPPETS = ("curl ", "wget ", "| sh", "| bash", "nc -e")


def _decoded_userdata(event):
    blob = event.deep_get("requestParameters", "userData", "value", default="")
    try:
        return base64.b64decode(blob).decode("utf-8")
    except ValueError:
        return ""


def rule(event):
    if event.get("eventName") != "ModifyInstanceAttribute":
        return False
    script = _decoded_userdata(event)
    return any(snippet in script for snippet in SUSPICIOUS_SNIPPETS)


def title(event):
    instance = event.deep_get("requestParameters", "instanceId", default="?")
    first_line = _decoded_userdata(event).split("\n")[0]
    return f"User data of {instance} now starts with {first_line!r}"
