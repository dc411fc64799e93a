from datetime import datetime, timedelta
from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Dict, List, Optional, Tuple

from pypanther import LogType, Rule, RuleTest, Severity


class NetAnnotatedCache(Rule):
    id = "Net.Annotated.Cache"
    # The word super in a string is not a call of super().
    display_name = "Flows to super networks, remembered in a class-level cache"
    log_types = [LogType.AWS_VPC_FLOW]
    default_severity = Severity.LOW
    # A class attribute with an evaluated typing annotation; the dict is shared by every
    # instance and survives between events, as in CPython.
    SEEN: Dict[str, List[Tuple[timedelta, Optional[datetime]]]] = {}
    WATCHED: "List[str]" = ["10.0.0.0/8", "2001:db8::/32"]

    def networks(self) -> list or tuple:
        return [ip_network(n) for n in self.WATCHED]

    def inside(self, net: IPv4Network | IPv6Network, addr: str | None) -> bool:
        if addr is None:
            return False
        return ip_network(addr).subnet_of(net) if ip_network(addr).version == net.version else False

    def rule(self, event) -> bool:
        addr = event.get("dst")
        hits = [str(n) for n in self.networks() if self.inside(n, addr)]
        self.SEEN.setdefault(addr or "-", []).append((timedelta(seconds=len(hits)), None))
        return bool(hits)

    def title(self, event) -> Optional[str]:
        return f"flow to {event.get('dst')} ({self.SEEN.get(event.get('dst'))[-1][0]})"

    tests = [
        RuleTest(name="inside v4", expected_result=True, log={"dst": "10.1.2.3"}),
        RuleTest(name="inside v6", expected_result=True, log={"dst": "2001:db8::1"}),
        RuleTest(name="outside", expected_result=False, log={"dst": "192.0.2.1"}),
        RuleTest(name="no address", expected_result=False, log={}),
        RuleTest(name="bad address", expected_result=False, log={"dst": "not-an-ip"}),
    ]
