# expect: F007
from typing import Dict


def rule(event) -> Dict[str]:
    return event.get("x") == 1
