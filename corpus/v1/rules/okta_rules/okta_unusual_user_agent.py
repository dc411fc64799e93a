def _user_agent(event):
    return event.udm("user_agent")


def rule(event):
    user_agent = _user_agent(event)
    if user_agent is None:
        return False
    if not user_agent or user_agent.isspace():
        return True
    return not user_agent.isprintable() or not user_agent.isascii()


def title(event):
    user_agent = _user_agent(event) or ""
    return f"Unusual user agent ({len(user_agent.encode('utf-8'))} bytes) used by {event.udm('actor_user')}"


def alert_context(event):
    user_agent = _user_agent(event) or ""
    return {
        "user_agent": user_agent,
        "ascii": user_agent.isascii(),
        "printable": user_agent.isprintable(),
        "blank": user_agent.strip() == "",
    }
