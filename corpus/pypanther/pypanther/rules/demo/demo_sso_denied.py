from pypanther import LogType, Rule, RuleTest, Severity


class DemoSsoDenied(Rule):
    id = "Demo.Sso.Denied"
    display_name = "Demo sign-in denied"
    log_types = [LogType.DUO_AUTHENTICATION]
    default_severity = Severity.MEDIUM

    def rule(self, event):
        return event.udm("result") == "failure" or event.udm("risk", "level") == "high"

    def title(self, event):
        where = event.udm("source_ip", default="somewhere")
        return f"denied from {where} via {event.udm_path('source_ip')} on {event.udm('device')}"

    def alert_context(self, event):
        return {"factor": event.udm("factor"), "who": event.udm("who", default="nobody")}

    tests = [
        RuleTest(
            name="denied with a factor",
            expected_result=True,
            log={
                "p_log_type": "Duo.Authentication",
                "verdict": "refused",
                "client": {"addr": "198.51.100.7"},
                "device_name": "laptop-3",
                "steps": [
                    {"checks": [{"kind": "factor", "detail": ["push", "sms"]}, {"kind": "geo"}]},
                    {"checks": {"x": {"kind": "other", "detail": "-"}}},
                ],
            },
        ),
        RuleTest(
            name="granted",
            expected_result=False,
            log={"p_log_type": "Duo.Authentication", "verdict": "granted", "client": {"addr": None}},
        ),
        RuleTest(
            name="two factors raise in the alert context",
            expected_result=True,
            log={
                "p_log_type": "Duo.Authentication",
                "verdict": "locked",
                "steps": [
                    {"checks": [{"kind": "factor", "detail": "push"}]},
                    {"checks": {"a": {"kind": "factor", "detail": "sms"}}},
                ],
            },
        ),
        RuleTest(
            name="no data model: p_udm fallback",
            expected_result=True,
            log={"p_log_type": "Other.Log", "p_udm": {"risk": {"level": "high"}}, "result": "failure"},
        ),
        RuleTest(
            name="no log type: nested key fallback",
            expected_result=True,
            log={"risk": {"level": "high"}},
        ),
    ]
