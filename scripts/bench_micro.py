"""CPython + panther_core timings of the operations in runtime/benches/hot.rs, for comparison.

Usage: PAT_PY scripts/bench_micro.py   (median of 7 timeit repeats, ns per operation)
"""
import json, os, re, timeit
from panther_core.enriched_event import PantherEvent
from panther_core.data_model import DataModel
# The same event as the criterion bench, read from its source.
_SRC = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime", "benches", "hot.rs")).read()
_START = _SRC.index('const EVENT: &str = r#"') + len('const EVENT: &str = r#"')
RAW = _SRC[_START:_SRC.index('"#;', _START)]
EVENT = json.loads(RAW)
dm = DataModel({"id": "Bench.CloudTrail", "versionId": "1", "mappings": [
    {"name": "source_ip", "path": "$.sourceIPAddress"},
    {"name": "actor_user", "path": "$.userIdentity.arn"}]})
ev = PantherEvent(EVENT, dm)
agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"
doc = '{"user": "alice", "groups": ["admin", "dev"], "mfa": true, "age": 31}'
ip, n = "198.51.100.7", 42
arn = "arn:aws:iam::123456789012:root"
pat = r"arn:aws:iam::\d{12}:(root|user/\w+)"
cases = {
 "event/get_exact": lambda: ev.get("eventName"),
 "event/getitem_exact": lambda: ev["eventName"],
 "event/get_case_insensitive": lambda: ev.get("EVENTNAME"),
 "event/get_missing": lambda: ev.get("errorCode"),
 "event/in_exact": lambda: "eventName" in ev,
 "event/get_nested_dict": lambda: ev["userIdentity"],
 "event/deep_get_4_exact": lambda: ev.deep_get("userIdentity", "sessionContext", "attributes", "mfaAuthenticated"),
 "event/deep_get_4_case_insensitive": lambda: ev.deep_get("useridentity", "SessionContext", "attributes", "MFAAuthenticated"),
 "event/deep_walk_list": lambda: ev.deep_walk("resources", "ARN"),
 "event/udm_path_mapping": lambda: ev.udm("source_ip"),
 "event/udm_nested_path_mapping": lambda: ev.udm("actor_user"),
 "str/lower": lambda: agent.lower(),
 "str/startswith": lambda: agent.startswith("Mozilla/"),
 "str/in": lambda: "Linux" in agent,
 "str/fstring": lambda: f"Login from {ip} ({n} attempts)",
 "stdlib/json_loads_small": lambda: json.loads(doc),
 "stdlib/re_search": lambda: re.search(pat, arn),
 "detection/build_event": lambda: PantherEvent(json.loads(RAW), dm),
}
for name, f in cases.items():
    t = timeit.Timer(f)
    n_, _ = t.autorange()
    best = sorted(t.repeat(7, n_))
    print(f"{name} {best[3] / n_ * 1e9:.0f}")
