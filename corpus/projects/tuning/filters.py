"""Event predicates the tuning project uses as rule filters."""

CORP_ORG = "acme-corp"
BOTS = ("dependabot[bot]", "renovate[bot]")


def org_of(event):
    return event.get("org", "")


def is_corp_org(event):
    return org_of(event) == CORP_ORG


def is_bot_actor(event):
    return event.get("actor", "") in BOTS
