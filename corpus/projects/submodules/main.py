"""Detections reaching helpers through `import package.module` (which binds the package),
`import a.b.c as name`, `from package import module` and a module that imports only the
package and reads submodules imported elsewhere.
"""

import json as js

import corp.geo
import corp.net.cidr as cidr
import lookups
from corp.net import cidr as cidr_again
from pypanther import LogType, Rule, RuleTest, Severity, register


class RemoteLogin(Rule):
    id = "Submodules.RemoteLogin"
    log_types = [LogType.OKTA_SYSTEM_LOG]
    default_severity = Severity.MEDIUM

    def rule(self, event):
        if cidr.is_private(event.get("ip", "")):
            return False
        return corp.geo.region(event) != "amer"

    def title(self, event):
        return f"Login from {lookups.region_of(event)} ({corp.__name__}, {corp.geo.__name__})"

    def alert_context(self, event):
        return {
            "order": corp.ORDER,
            "same_module": cidr is cidr_again and cidr is corp.net.cidr,
            "describe": corp.describe(),
            "private": lookups.private(event.get("ip", "")),
            "names": [cidr.__name__, corp.net.__name__],
            "json_same": js is lookups.json and js == lookups.json,
        }

    tests = [
        RuleTest(name="Abroad", expected_result=True, log={"country": "DE", "ip": "203.0.113.9"}),
        RuleTest(name="Home", expected_result=False, log={"country": "US", "ip": "203.0.113.9"}),
        RuleTest(name="Private address", expected_result=False, log={"country": "JP", "ip": "10.1.2.3"}),
        RuleTest(name="Unknown country", expected_result=True, log={"ip": "198.51.100.7"}),
    ]


register([RemoteLogin])
