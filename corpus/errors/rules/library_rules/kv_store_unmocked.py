from panther_detection_helpers.caching import add_to_string_set, get_counter, put_dictionary


def rule(event):
    # Not mocked: under PAT with no AWS configuration the store is unreachable.
    if event.get("kind") == "dictionary":
        put_dictionary(event.get("key"), event.get("value"))
        return True
    if event.get("kind") == "set":
        return bool(add_to_string_set(event.get("key"), event.get("value")))
    return get_counter(event.get("key")) > 3


def title(event):
    return f"Counter for {event.get('key')}: {get_counter(event.get('key'))}"
