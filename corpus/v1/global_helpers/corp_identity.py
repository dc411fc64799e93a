"""Principal parsing, with an exception type of our own."""
import logging

LOGGER = logging.getLogger(__name__)
SERVICE_PREFIXES = ("svc-", "svc_", "bot-", "ci-")


class DetectionInputError(ValueError):
    """An event field a detection relies on is missing or malformed."""

    def __init__(self, field, detail=""):
        message = f"bad field {field!r}"
        if detail:
            message = f"{message}: {detail}"
        super().__init__(message)
        self.field = field


class Principal:
    """A user principal such as `svc-backup@corp.example.com`."""

    def __init__(self, raw):
        self.raw = raw
        self._name, self._domain = raw.lower().split("@", 1)

    @property
    def username(self):
        return self._name

    @property
    def domain(self):
        return self._domain

    @property
    def is_service(self):
        return self._name.startswith(SERVICE_PREFIXES)


def parse_principal(value):
    if not isinstance(value, str):
        raise DetectionInputError("principal", f"expected a string, got {value!r}")
    LOGGER.debug("parsing principal %s", value)
    if value.count("@") != 1:
        raise DetectionInputError("principal", f"{value!r} is not user@domain")
    return Principal(value.strip())
