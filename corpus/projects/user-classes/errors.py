class DetectionInputError(ValueError):
    """An event the detection cannot judge."""


class MissingFieldError(DetectionInputError):
    pass


def require(event, key):
    value = event.get(key)
    if value is None:
        raise MissingFieldError(f"missing field {key!r}")
    if not isinstance(value, str):
        raise DetectionInputError(f"field {key!r} is not a string")
    return value
