import pycountry

ALLOWED_ALPHA_3 = {"USA", "CAN", "GBR", "DEU"}


def _country(event):
    code = event.deep_get("client", "geo", "country")
    if not isinstance(code, str):
        return None
    return pycountry.countries.get(alpha_2=code)


def rule(event):
    country = _country(event)
    if country is None:
        return False
    return country.alpha_3 not in ALLOWED_ALPHA_3


def title(event):
    country = _country(event)
    return f"Login by {event.get('user')} from {country.name} ({country.numeric})"


def alert_context(event):
    name = event.deep_get("client", "geo", "country_name", default="")
    try:
        looked_up = pycountry.countries.lookup(name).alpha_2
    except LookupError as err:
        looked_up = f"LookupError: {err}"
    return {
        "alpha_2": _country(event).alpha_2,
        "by_name": looked_up,
        "official": getattr(_country(event), "official_name", None),
        "count_known": len(pycountry.countries) > 200,
    }
