"""User exception classes."""


class RefusalLike(NotImplementedError):
    """A user exception class deriving from NotImplementedError."""


class DetectionError(Exception):
    def __init__(self, field, reason="bad"):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class MissingField(DetectionError, KeyError):
    pass
