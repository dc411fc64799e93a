from panther_detection_helpers.caching import check_account_age

from corp_context import merge_context, okta_context, principal_label

ADMIN_EVENT_PREFIXES = ("user.account.privilege", "application.policy", "policy.lifecycle")


def rule(event):
    event_type = event.udm("event_type") or ""
    if not event_type.startswith(ADMIN_EVENT_PREFIXES):
        return False
    return check_account_age(f"okta:{event.udm('actor_user')}") is True


def title(event):
    label = principal_label(kind=event.deep_get("actor", "type"), name=event.udm("actor_user"), account=event.get("orgId"))
    return f"Recently created account {label} performed {event.udm('event_type')}"


def alert_context(event):
    try:
        first_target = event.get("target")[0].get("alternateId")
    except (TypeError, IndexError):
        first_target = None
    return merge_context(okta_context(event), {"first_target": first_target}, rule="new-account-admin")
