"""Account facts the team's detections share (a plain helper module)."""

BREAK_GLASS = ["arn:aws:iam::111122223333:user/break-glass"]
ADMIN_GROUPS = {"okta-admins", "security"}


def is_break_glass(arn):
    return arn in BREAK_GLASS


def owner_of(account_id):
    return {"111122223333": "platform", "444455556666": "data"}.get(account_id, "unknown")
