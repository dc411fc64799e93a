MAX_GAP_SECONDS = 5


def _gaps(times):
    return [abs(times[index + 1] - times[index]) for index in range(len(times) - 1)]


def _granted_badges(event):
    swipes = list(event.get("swipes", []))
    # a trailing denied swipe is someone still standing at the door
    while swipes and swipes[-1].get("result") != "granted":
        swipes.pop()
    return [swipe.get("badge") for swipe in swipes if swipe.get("result") == "granted"]


def rule(event):
    times = sorted(event.get("door_open_times", []))
    if not times:
        return False
    granted = _granted_badges(event)
    return len(times) > len(set(granted)) and min(_gaps(times) or [MAX_GAP_SECONDS]) < MAX_GAP_SECONDS


def title(event):
    granted = _granted_badges(event)
    owner = event.get("badge_owner")
    position = granted.index(owner) + 1 if owner in granted else 0
    return (
        f"Tailgating at {event.get('door', 'unknown door')}: {len(event.get('door_open_times', []))} openings, "
        f"{len(set(granted))} badge(s); owner swipe #{position}"
    )


def alert_context(event):
    times = sorted(event.get("door_open_times", []))
    return {"gaps": _gaps(times), "badges": sorted(set(_granted_badges(event)))}
