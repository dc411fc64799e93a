# Teams the provisioning bot opens up are public by design.
ALLOWED_ACTORS = {"provisioning-bot@corp.example.com"}


def rule(event):
    if event.get("event_type") != "team_privacy_settings_changed":
        return False
    if event.deep_get("actor", "email") in ALLOWED_ACTORS:
        return False
    return event.deep_get("details", "new_value") == "public"


def title(event):
    team = event.deep_get("resource", "name", default="<TEAM_NOT_FOUND>")
    actor = event.deep_get("actor", "email", default="<ACTOR_NOT_FOUND>")
    return f"Asana team [{team}] has been made public to the org by [{actor}]."
