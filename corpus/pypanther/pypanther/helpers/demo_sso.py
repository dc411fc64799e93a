def first_present(mapping, *keys):
    for key in keys:
        value = mapping.get(key)
        if value:
            return value
    return None
