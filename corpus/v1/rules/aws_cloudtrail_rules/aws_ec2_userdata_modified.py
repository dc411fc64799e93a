from corp_utils import decode_token

SUSPICIOUS_SNIPPETS = ("curl ", "wget ", "| sh", "| bash", "nc -e")


def _decoded_userdata(event):
    blob = event.deep_get("requestParameters", "userData", "value", default="")
    return decode_token(blob) or ""


def rule(event):
    if event.get("eventName") != "ModifyInstanceAttribute":
        return False
    script = _decoded_userdata(event)
    return any(snippet in script for snippet in SUSPICIOUS_SNIPPETS)


def title(event):
    instance = event.deep_get("requestParameters", "instanceId", default="?")
    first_line = _decoded_userdata(event).split("\n")[0]
    return f"User data of {instance} now starts with {first_line!r}"
