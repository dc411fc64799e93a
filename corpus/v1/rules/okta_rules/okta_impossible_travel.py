from corp_geo import haversine_km
from corp_time import hours_between, parse_timestamp

MAX_SPEED_KMH = 900.0


def _travel(event):
    previous = event.deep_get("p_enrichment", "corp_geo.v2", "client", "previous", default={})
    current = event.deep_get("client", "geographicalContext", "geolocation", default={})
    if not previous or not current:
        return None
    km = haversine_km(previous.get("lat", 0.0), previous.get("lon", 0.0), current.get("lat", 0.0), current.get("lon", 0.0))
    start = parse_timestamp(previous.get("seen"))
    end = parse_timestamp(event.get("published"))
    if start is None or end is None:
        return None
    return round(km, 1), round(hours_between(start, end), 2)


def rule(event):
    if event.udm("event_type") != "user.session.start":
        return False
    travel = _travel(event)
    if travel is None:
        return False
    km, hours = travel
    if hours == 0:
        return km > 100
    return km / hours > MAX_SPEED_KMH


def title(event):
    km, hours = _travel(event)
    return f"{event.udm('actor_user')} travelled {km:,} km in {hours} h"


def alert_context(event):
    return {
        "previous_city": event.deep_get("p_enrichment", "corp_geo.v2", "client", "previous", "city", default="?"),
        "current_city": event.deep_get("client", "geographicalContext", "city"),
        "travel": list(_travel(event)),
        "event_epoch": event.event_time_epoch(),
    }
