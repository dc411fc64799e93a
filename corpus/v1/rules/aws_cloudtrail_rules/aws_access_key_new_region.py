import json

from panther_detection_helpers.caching import get_string_set, put_string_set

CACHE_TTL_SECONDS = 90 * 24 * 3600


def _cache_key(event):
    return f"Corp.AWS.AccessKeyNewRegion:{event.deep_get('userIdentity', 'accessKeyId')}"


def _known_regions(event):
    stored = get_string_set(_cache_key(event))
    if isinstance(stored, str):  # unit-test mocks return JSON text
        stored = json.loads(stored) if stored else []
    return set(stored)


def rule(event):
    if event.deep_get("userIdentity", "type") != "IAMUser":
        return False
    if not event.deep_get("userIdentity", "accessKeyId") or not event.get("awsRegion"):
        return False
    regions = _known_regions(event)
    if event.get("awsRegion") in regions:
        return False
    first_sighting = len(regions) == 0
    regions.add(event.get("awsRegion"))
    put_string_set(_cache_key(event), regions, CACHE_TTL_SECONDS)
    return not first_sighting


def title(event):
    return (
        f"Access key {event.deep_get('userIdentity', 'accessKeyId')} of {event.udm('actor_user')} "
        f"used in new region {event.get('awsRegion')}"
    )


def alert_context(event):
    return {"known_regions": sorted(_known_regions(event)), "new_region": event.get("awsRegion")}
