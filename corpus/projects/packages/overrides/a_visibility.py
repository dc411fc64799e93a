"""Runs first (walk_packages order): every AWS rule gets the team tag and runbook."""


def apply_overrides(rules):
    for rule in rules:
        if "AWS" in rule.tags:
            rule.extend(tags=["Corp:Cloud"])
            rule.override(default_runbook="See the cloud runbook.")
