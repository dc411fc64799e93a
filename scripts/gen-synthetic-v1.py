#!/usr/bin/env python3
"""Writes a synthetic v1 repository of N rules (default 1,000) for timing
`ferrule build --target pypanther` (BENCHMARKS.md). Each rule has a module constant, a helper
function, rule()/title()/alert_context() and two unit tests; every tenth one uses a mock and
a global helper.

Usage: gen-synthetic-v1.py OUT_DIR [N]
"""

import os
import sys


def main() -> int:
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    os.makedirs(os.path.join(out, "global_helpers"), exist_ok=True)
    with open(os.path.join(out, "global_helpers", "synth_helpers.yml"), "w") as f:
        f.write("AnalysisType: global\nFilename: synth_helpers.py\nGlobalID: synth_helpers\n")
    with open(os.path.join(out, "global_helpers", "synth_helpers.py"), "w") as f:
        f.write('def is_service(user):\n    """Service accounts carry a prefix."""\n'
                '    return str(user).startswith("svc-")\n')
    for i in range(n):
        group = f"group_{i % 20:02d}"
        d = os.path.join(out, "rules", group)
        os.makedirs(d, exist_ok=True)
        stem = f"synthetic_rule_{i:04d}"
        helper = i % 10 == 0
        with open(os.path.join(d, stem + ".py"), "w") as f:
            if helper:
                f.write("from synth_helpers import is_service\n\n")
            f.write(f'# Actions this rule watches.\nWATCHED = {{"action.{i}", "action.{i}.admin"}}\n\n\n')
            f.write('def _actor(event):\n    return event.deep_get("actor", "name", default="<unknown>")\n\n\n')
            cond = 'event.get("action") in WATCHED'
            if helper:
                cond += " and not is_service(_actor(event))"
            f.write(f"def rule(event):\n    # Only watched actions.\n    return {cond}\n\n\n")
            f.write(f'def title(event):\n    return f"{{_actor(event)}} did {{event.get(\'action\')}} ({i})"\n\n\n')
            f.write('def alert_context(event):\n    return {"actor": _actor(event), "ip": event.get("ip")}\n')
        with open(os.path.join(d, stem + ".yml"), "w") as f:
            f.write(f"AnalysisType: rule\nFilename: {stem}.py\nRuleID: Synthetic.Rule.{i:04d}\n"
                    f"DisplayName: Synthetic rule {i}\nEnabled: true\nLogTypes:\n  - Custom.Synthetic\n"
                    f"Severity: {['Info', 'Low', 'Medium', 'High', 'Critical'][i % 5]}\n"
                    "Tags:\n  - Synthetic  # generated\nTests:\n"
                    f"  - Name: Watched action\n    ExpectedResult: true\n"
                    f"    Log: {{action: action.{i}, actor: {{name: alice}}, ip: 192.0.2.{i % 250}, p_log_type: Custom.Synthetic}}\n"
                    f"  - Name: Other action\n    ExpectedResult: false\n")
            if helper:
                f.write("    Mocks:\n      - {objectName: is_service, returnValue: false}\n")
            f.write("    Log: {action: other, p_log_type: Custom.Synthetic}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
