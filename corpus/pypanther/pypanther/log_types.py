# A few log types, as the package's `LogType` enum names them; data models name theirs by
# member, and ferrule reads the values from here.
from enum import Enum


class LogType(str, Enum):
    AWS_CLOUDTRAIL = "AWS.CloudTrail"
    AWS_VPC_DNS = "AWS.VPCDns"
    AWS_VPC_FLOW = "AWS.VPCFlow"
    DUO_AUTHENTICATION = "Duo.Authentication"
    OKTA_SYSTEM_LOG = "Okta.SystemLog"
    PANTHER_AUDIT = "Panther.Audit"
