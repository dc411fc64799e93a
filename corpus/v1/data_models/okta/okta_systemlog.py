def get_user_agent(event):
    client = event.get("client") or {}
    user_agent = client.get("userAgent") or {}
    return user_agent.get("rawUserAgent")


def get_actor_display(event):
    actor = event.get("actor", {})
    name = actor.get("displayName") or actor.get("alternateId", "")
    return name.strip() or "unknown actor"
