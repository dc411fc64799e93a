# A few log types, as the package's `LogType` enum names them; data models name theirs by
# member, and ferrule reads the values from here.
from enum import Enum


class LogType(str, Enum):
    DUO_AUTHENTICATION = "Duo.Authentication"
    PANTHER_AUDIT = "Panther.Audit"
