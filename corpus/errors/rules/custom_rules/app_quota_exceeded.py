DEFAULT_LIMIT = 100


def rule(event):
    if event.get("event") != "quota.check":
        return False
    used = event.get("used")
    limit = event.get("limit", DEFAULT_LIMIT)
    if event.get("unit").lower() == "percent":
        return used >= 90
    if used > limit:
        return True
    # falls through: under the limit returns None (a latent bug in this rule)


def title(event):
    return f"Quota exceeded for {event.get('tenant')}: {event.get('used')}/{event.get('limit', DEFAULT_LIMIT)} {event.get('unit')}"
