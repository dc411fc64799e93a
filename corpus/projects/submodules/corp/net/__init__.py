"""A nested package."""

import corp

corp.ORDER.append("net")
