from corp_context import cloudtrail_context
from corp_utils import deep_get

IGNORED_EVENTS = {"ConsoleLogin", "GetAccountSummary", "ListAliases"}


def rule(event):
    if deep_get(event, "userIdentity", "type") != "Root":
        return False
    if event.get("eventName") in IGNORED_EVENTS:
        return False
    return event.get("eventType", "") != "AwsServiceEvent"


def title(event):
    return (
        f"Root user called [{event.get('eventName')}] from [{event.udm('source_ip')}] "
        f"in account [{event.udm('account_id')}]"
    )


def dedup(event):
    return f"root-{event.get('recipientAccountId', 'unknown')}"


def alert_context(event):
    return cloudtrail_context(event)
