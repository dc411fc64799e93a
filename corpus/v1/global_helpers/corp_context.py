"""Alert-context builders for the log sources used by the corp detections."""
from collections import OrderedDict

from corp_utils import deep_get

PRINCIPAL_TEMPLATE = "{kind}:{name}@{account}"


def cloudtrail_context(event):
    return {
        "eventName": event.get("eventName", "<UNKNOWN>"),
        "eventSource": event.get("eventSource"),
        "account": deep_get(event, "userIdentity", "accountId", default=event.get("recipientAccountId")),
        "actor": {
            "arn": deep_get(event, "userIdentity", "arn"),
            "type": deep_get(event, "userIdentity", "type"),
        },
        "sourceIPAddress": event.get("sourceIPAddress", ""),
        "region": event.get("awsRegion"),
        "errorCode": event.get("errorCode"),
    }


def okta_context(event):
    context = OrderedDict()
    context["actor"] = deep_get(event, "actor", "alternateId", default="unknown")
    context["client"] = {
        "ip": deep_get(event, "client", "ipAddress"),
        "zone": deep_get(event, "client", "zone", default="null"),
        "geo": [
            deep_get(event, "client", "geographicalContext", "city"),
            deep_get(event, "client", "geographicalContext", "country"),
        ],
    }
    context["outcome"] = deep_get(event, "outcome", "result")
    context["targets"] = [t.get("alternateId") for t in event.get("target") or [] if t.get("alternateId")]
    return dict(context)


def principal_label(**fields):
    """Render PRINCIPAL_TEMPLATE from keyword fields, filling blanks with '?'."""
    values = {"kind": "?", "name": "?", "account": "?"}
    values.update({key: value for key, value in fields.items() if value})
    return PRINCIPAL_TEMPLATE.format(**values)


def merge_context(base, *extras, **overrides):
    merged = dict(base)
    for extra in extras:
        merged.update(extra)
    return merged | overrides
