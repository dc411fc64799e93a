import json

from pypanther import LogType, Rule, RuleMock, RuleTest, Severity
from pypanther.helpers.demo_util import shout

SCANNER_RANGES = ["10.9.", "192.168.77."]


def owner_of(address):
    return "nobody"


class NetPortScan(Rule):
    id = "Net.Port.Scan"
    display_name = "Port scan from an unexpected host"
    log_types = [LogType.AWS_VPC_FLOW]
    default_severity = Severity.MEDIUM
    tags = ["Network", "Discovery"]
    reports = {"MITRE ATT&CK": ["TA0007:T1046"]}
    dedup_period_minutes = 30
    threshold = 3
    default_reference = "https://example.invalid/runbooks/port-scan"
    WIDE_PORTS = 100
    QUIET_PORTS = {22, 443}

    def rule(self, event):
        ports = event.get("ports") or []
        if any(event.get("src", "").startswith(r) for r in SCANNER_RANGES):
            return False
        distinct = {p for p in ports if p not in self.QUIET_PORTS}
        return len(distinct) >= self.wide_limit(event)

    def wide_limit(self, event):
        return self.WIDE_PORTS // 10 if event.get("internal") else self.WIDE_PORTS

    def title(self, event):
        return f"{shout(event.get('src'))} touched {len(event.get('ports', []))} ports"

    def severity(self, event):
        if len(event.get("ports", [])) > 50:
            return "HIGH"
        return "DEFAULT"

    def alert_context(self, event):
        details = json.loads(owner_of(event.get("src")))
        return {"owner": details.get("team"), "first": sorted(event.get("ports", []))[:3]}

    def destinations(self, event):
        if event.deep_get("tags", "env") == "prod":
            return ["pager"]
        return None

    tests = [
        RuleTest(
            name="wide scan internal",
            expected_result=True,
            log={"src": "172.16.0.4", "internal": True, "ports": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], "tags": {"env": "prod"}},
            mocks=[RuleMock(object_name="owner_of", return_value='{"team": "netops"}')],
            expected_title="172.16.0.4! touched 12 ports",
            expected_severity=Severity.MEDIUM,
            expected_alert_context={"owner": "netops", "first": [1, 2, 3]},
        ),
        RuleTest(
            name="wide scan, wrong expected dedup",
            expected_result=True,
            log={"src": "172.16.0.5", "internal": True, "ports": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]},
            mocks=[RuleMock(object_name="owner_of", return_value='{"team": "netops"}')],
            expected_dedup="something else",
            expected_runbook="",
        ),
        RuleTest(
            name="known scanner",
            expected_result=False,
            log={"src": "10.9.1.1", "ports": [1, 2, 3, 4, 5]},
        ),
        RuleTest(
            name="quiet ports only",
            expected_result=False,
            log={"src": "172.16.0.9", "internal": True, "ports": [22, 443, 22]},
        ),
        RuleTest(
            name="huge external scan, owner lookup not mocked",
            expected_result=True,
            log={"src": "203.0.113.7", "ports": [1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015, 1016, 1017, 1018, 1019, 1020, 1021, 1022, 1023, 1024, 1025, 1026, 1027, 1028, 1029, 1030, 1031, 1032, 1033, 1034, 1035, 1036, 1037, 1038, 1039, 1040, 1041, 1042, 1043, 1044, 1045, 1046, 1047, 1048, 1049, 1050, 1051, 1052, 1053, 1054, 1055, 1056, 1057, 1058, 1059]},
        ),
        RuleTest(
            name="ports missing",
            expected_result=False,
            log='{"src": "203.0.113.8"}',
        ),
    ]
