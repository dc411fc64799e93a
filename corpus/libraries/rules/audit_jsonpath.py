FIELDS = [
    "actor_user",
    "admin_actor",
    "first_ip",
    "last_tag",
    "second_tag",
    "any_email",
    "busy_item",
    "region",
    "actor_with_mfa",
    "contact",
    "quoted_field",
    "nested_wild",
]


def _udm(event, name):
    try:
        return [event.udm(name), event.udm_path(name)]
    except (KeyError, TypeError, IndexError, AttributeError) as err:
        return ["error", repr(err)]
    except Exception as err:  # noqa: BLE001 - panther_core raises a bare Exception
        return ["exception", str(err)]


def rule(event):
    return event.get("kind") == "audit"


def title(event):
    return f"Audit by {_udm(event, 'actor_user')[0]}"


def alert_context(event):
    return {name: _udm(event, name) for name in FIELDS}
