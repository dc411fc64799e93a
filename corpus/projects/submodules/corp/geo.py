"""Regions by country code; records that it ran after its package."""

import corp

corp.ORDER.append("geo")

REGIONS = {"US": "amer", "CA": "amer", "DE": "emea", "JP": "apac"}


def region(event):
    return REGIONS.get(event.get("country", ""), "unknown")
