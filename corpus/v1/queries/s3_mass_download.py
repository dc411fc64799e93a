MIN_OBJECTS = 1000
MIN_BYTES = 5 * 1024 ** 3


def rule(event):
    return event.get("objects", 0) >= MIN_OBJECTS or float(event.get("bytes", 0)) >= MIN_BYTES


def title(event):
    gib = round(float(event.get("bytes", 0)) / 1024 ** 3, 1)
    return f"{event.get('actor')} downloaded {event.get('objects', 0):,} objects ({gib} GiB) from {event.get('bucket')}"


def severity(event):
    biggest = max(event.get("objects", 0) / MIN_OBJECTS, float(event.get("bytes", 0)) / MIN_BYTES)
    return "Critical" if biggest >= 10 else "High"
