from pypanther import Rule, RuleTest, Severity


class NetFlowUdm(Rule):
    id = "Net.Flow.Udm"
    display_name = "Inbound flow to a service port"
    log_types = ["Demo.NetFlow"]
    default_severity = Severity.LOW

    def rule(self, event):
        return event.udm("direction") == "inbound-service" and event.udm("source_ip") is not None

    def title(self, event):
        return (
            f"{event.udm('loud_actor')} {event.udm('actor_user')} reached port "
            f"{event.udm('destination_port')} from {event.udm('source_ip')}"
        )

    def alert_context(self, event):
        return {
            "path": event.udm_path("actor_user"),
            "missing": event.udm("not_mapped"),
            "direction": event.udm("direction"),
        }

    tests = [
        RuleTest(
            name="ssh from outside",
            expected_result=True,
            log={
                "p_log_type": "Demo.NetFlow",
                "src": "198.51.100.7",
                "dst_port": 22,
                "identity": {"user": {"name": "ops"}},
                "actor": "ops",
            },
        ),
        RuleTest(
            name="high port egress",
            expected_result=False,
            log={"p_log_type": "Demo.NetFlow", "src": "10.0.0.2", "dst_port": 50000, "meta": {"egress": True}},
        ),
        RuleTest(
            name="no source",
            expected_result=False,
            log={"p_log_type": "Demo.NetFlow", "dst_port": 443},
        ),
        RuleTest(
            name="another log type has no data model",
            expected_result=False,
            log={"p_log_type": "Other.Type", "src": "10.0.0.2", "dst_port": 22},
        ),
    ]
