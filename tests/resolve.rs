//! The PyPanther resolve stage on small projects over a made-up `pypanther` package (no
//! installed pypanther needed): the semantics of pypanther 0.1.1a62's configuration API
//! that the corpus projects do not pin one by one, and the refusals.

use std::path::{Path, PathBuf};

use ferrule::diag::Diagnostic;
use ferrule::ir::Program;
use ferrule::resolve::project::report::Report;

/// A made-up package: `base.py`, a `LogType` with two members, one managed rule.
const PACKAGE: &[(&str, &str)] = &[
    ("base.py", ""),
    (
        "log_types.py",
        "from enum import Enum\n\n\nclass LogType(str, Enum):\n    DEMO_AUDIT = \"Demo.Audit\"\n    DEMO_FLOW = \"Demo.Flow\"\n",
    ),
    ("rules/__init__.py", ""),
    ("rules/demo/__init__.py", ""),
    (
        "rules/demo/demo_login.py",
        "from pypanther import LogType, Rule, RuleTest, Severity, panther_managed\n\n\n\
@panther_managed\nclass DemoLogin(Rule):\n    id = \"Demo.Login\"\n    log_types = [LogType.DEMO_AUDIT]\n    \
default_severity = Severity.HIGH\n    tags = [\"Demo\"]\n\n    def rule(self, event):\n        \
return event.get(\"action\") == \"login\"\n\n    tests = [RuleTest(name=\"login\", expected_result=True, log={\"action\": \"login\"})]\n",
    ),
    (
        "rules/demo/demo_flow.py",
        "from pypanther import LogType, Rule, Severity, panther_managed\n\n\n\
@panther_managed\nclass DemoFlow(Rule):\n    id = \"Demo.Flow\"\n    log_types = [LogType.DEMO_FLOW]\n    \
default_severity = Severity.LOW\n\n    def rule(self, event):\n        return True\n",
    ),
];

struct Fixture {
    root: PathBuf,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// Lowers and resolves a project (files relative to it) over the made-up package.
fn resolve(name: &str, project: &[(&str, &str)]) -> (Program, Vec<String>, Report) {
    let root = std::env::temp_dir().join(format!("ferrule-resolve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let fixture = Fixture { root: root.clone() };
    let pkg = root.join("site/pypanther");
    write(&pkg, PACKAGE);
    let dir = root.join("project");
    write(&dir, project);
    let (input, base, mut diags) = ferrule::lower::pypanther_project::lower_project(&dir, &pkg);
    let (program, d, report) = ferrule::resolve::project::resolve(input, base);
    diags.extend(d);
    let rendered = diags
        .iter()
        .map(|d: &Diagnostic| {
            format!(
                "{} {}:{} {}",
                d.code.as_str(),
                d.span.file,
                d.span.line,
                d.message
            )
        })
        .collect();
    drop(fixture);
    (program, rendered, report)
}

fn attr(report: &Report, id: &str, name: &str) -> serde_json::Value {
    let rule = report
        .rules
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("{id} registered"));
    rule.attributes
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.value.clone())
        .unwrap_or(serde_json::Value::Null)
}

const RULE_HEADER: &str =
    "from pypanther import LogType, Rule, RuleTest, Severity, get_panther_rules, register\n";

#[test]
fn a_subclass_copies_its_parents_attributes_when_it_is_created() {
    let main = format!(
        "{RULE_HEADER}\n\nclass Parent(Rule):\n    log_types = [LogType.DEMO_AUDIT]\n    default_severity = Severity.LOW\n    \
tags = [\"a\"]\n\n    def rule(self, event):\n        return True\n\n\nclass Early(Parent):\n    id = \"Early\"\n\n\n\
Parent.override(tags=[\"b\"], default_severity=Severity.HIGH)\nParent.tags.append(\"c\")\n\n\nclass Late(Parent):\n    id = \"Late\"\n\n\n\
Early.extend(tags=[\"a2\"])\nregister([Early, Late])\n"
    );
    let (program, diags, report) = resolve("copies", &[("main.py", &main)]);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        attr(&report, "Early", "tags"),
        serde_json::json!(["a", "a2"])
    );
    assert_eq!(attr(&report, "Early", "default_severity"), "LOW");
    assert_eq!(attr(&report, "Late", "tags"), serde_json::json!(["b", "c"]));
    assert_eq!(attr(&report, "Late", "default_severity"), "HIGH");
    assert_eq!(program.detections.len(), 2);
}

#[test]
fn extend_sets_none_attributes_and_keeps_duplicates() {
    let main = format!(
        "{RULE_HEADER}from pypanther.rules.demo.demo_login import DemoLogin\n\n\
DemoLogin.extend(default_destinations=[\"slack\"], reports={{\"X\": [\"1\"]}})\n\
DemoLogin.extend(tags=[\"Demo\"])\nregister(DemoLogin)\n"
    );
    let (program, diags, report) = resolve("extend", &[("main.py", &main)]);
    // The duplicate tag makes pydantic's UniqueList reject the rule, as CPython does.
    assert!(
        diags
            .iter()
            .any(|d| d.starts_with("F016") && d.contains("List must be unique")),
        "{diags:?}"
    );
    assert!(program.detections.is_empty());
    assert!(report.rules.is_empty());
}

#[test]
fn a_managed_rule_keeps_no_tests_unless_given_some() {
    let main = format!(
        "{RULE_HEADER}from pypanther.rules.demo.demo_login import DemoLogin\n\
from pypanther.rules.demo.demo_flow import DemoFlow\n\n\
DemoFlow.tests.append(RuleTest(name=\"mine\", expected_result=True, log={{}}))\n\
register([DemoLogin, DemoFlow])\n"
    );
    let (program, diags, report) = resolve("managed", &[("main.py", &main)]);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(attr(&report, "Demo.Login", "tests"), serde_json::json!([]));
    let flow = program
        .detections
        .iter()
        .find(|d| d.id == "Demo.Flow")
        .unwrap();
    assert_eq!(flow.tests.len(), 1);
    assert_eq!(flow.file, "pypanther/rules/demo/demo_flow.py");
}

#[test]
fn filters_are_case_insensitive_and_lists_match_any() {
    let main = format!(
        "{RULE_HEADER}\nregister(get_panther_rules(log_types=[\"demo.audit\", \"Other\"], default_severity=\"high\"))\n"
    );
    let (program, diags, _) = resolve("filters", &[("main.py", &main)]);
    assert!(diags.is_empty(), "{diags:?}");
    let ids: Vec<&str> = program.detections.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["Demo.Login"]);
}

#[test]
fn the_order_of_a_rule_set_is_never_observed() {
    let main = format!("{RULE_HEADER}\nfirst = get_panther_rules()[0]\nregister(first)\n");
    let (program, diags, _) = resolve("order", &[("main.py", &main)]);
    assert!(
        diags
            .iter()
            .any(|d| d.starts_with("F015 main.py:3") && d.contains("order")),
        "{diags:?}"
    );
    assert!(program.detections.is_empty());
}

#[test]
fn an_inconsistent_method_resolution_order_raises() {
    let main = format!(
        "{RULE_HEADER}\n\nclass A:\n    pass\n\n\nclass B(A):\n    pass\n\n\nclass C(A, B, Rule):\n    id = \"C\"\n"
    );
    let (_, diags, _) = resolve("mro", &[("main.py", &main)]);
    assert!(
        diags.iter().any(|d| d.starts_with("F016 main.py:12")
            && d.contains("consistent method resolution order")),
        "{diags:?}"
    );
}

#[test]
fn an_abstract_rule_cannot_be_registered() {
    let main = format!(
        "{RULE_HEADER}\n\nclass NoMatcher(Rule):\n    id = \"NoMatcher\"\n    log_types = [\"X\"]\n    default_severity = Severity.LOW\n\n\n\
def rule(self, event):\n    return True\n\n\n\
NoMatcher.rule = rule\nregister(NoMatcher)\n"
    );
    let (program, diags, _) = resolve("abstract", &[("main.py", &main)]);
    // ABCMeta computed the abstract methods when the class was created.
    assert!(
        diags
            .iter()
            .any(|d| d.starts_with("F016")
                && d.contains("Can't instantiate abstract class NoMatcher")),
        "{diags:?}"
    );
    assert!(program.detections.is_empty());
}

#[test]
fn control_flow_on_the_environment_refuses_the_project() {
    let main = format!(
        "import os\n{RULE_HEADER}from pypanther.rules.demo.demo_login import DemoLogin\n\n\
if os.environ.get(\"STRICT\"):\n    DemoLogin.override(enabled=False)\nregister(DemoLogin)\n"
    );
    let (program, diags, _) = resolve("environ", &[("main.py", &main)]);
    assert!(
        diags.iter().any(|d| d.starts_with("F015 main.py:5")),
        "{diags:?}"
    );
    assert!(diags.iter().any(|d| d.starts_with("F011")), "{diags:?}");
    assert!(program.detections.is_empty());
}

#[test]
fn apply_overrides_runs_modules_in_walk_packages_order() {
    let files = [
        (
            "main.py",
            "import tuning\nfrom pypanther import apply_overrides, get_panther_rules, register\n\n\
rules = get_panther_rules(id=\"Demo.Flow\")\napply_overrides(tuning, rules)\nregister(rules)\n",
        ),
        ("tuning/__init__.py", ""),
        (
            "tuning/b_second.py",
            "def apply_overrides(rules):\n    for r in rules:\n        r.override(default_runbook=\"second\")\n",
        ),
        (
            "tuning/a_first.py",
            "def apply_overrides(rules):\n    for r in rules:\n        r.override(default_runbook=\"first\", threshold=3)\n",
        ),
    ];
    let (_, diags, report) = resolve("walk", &files);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(attr(&report, "Demo.Flow", "default_runbook"), "second");
    assert_eq!(attr(&report, "Demo.Flow", "threshold"), 3);
}

#[test]
fn an_unknown_override_argument_raises_and_the_rest_compiles() {
    let main = format!(
        "{RULE_HEADER}from pypanther.rules.demo.demo_login import DemoLogin\n\
from pypanther.rules.demo.demo_flow import DemoFlow\n\n\
DemoLogin.override(\"Demo.Other\", enabled=False)\nDemoFlow.override(runbook=\"x\")\nregister([DemoLogin, DemoFlow])\n"
    );
    let (program, diags, _) = resolve("override", &[("main.py", &main)]);
    assert!(
        diags.iter().any(|d| d.starts_with("F016 main.py:6")
            && d.contains("unexpected keyword argument 'runbook'")),
        "{diags:?}"
    );
    // A positional argument is `log_types`: a str there fails pydantic's validation.
    assert!(
        diags
            .iter()
            .any(|d| d.starts_with("F016") && d.contains("log_types") && d.contains("valid list")),
        "{diags:?}"
    );
    let ids: Vec<&str> = program.detections.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["Demo.Flow"]);
}

#[test]
fn a_projects_data_model_is_configuration_checked_when_instantiated() {
    let dm = "from pypanther import DataModel, DataModelMapping, LogType\n\n\n\
def actor(event):\n    return event.get(\"who\")\n\n\n\
class Good(DataModel):\n    id = \"Good\"\n    log_types = [LogType.DEMO_AUDIT]\n    \
mappings = [DataModelMapping(name=\"actor\", method=actor), DataModelMapping(\"ip\", \"$.src.ip\")]\n\n\n\
class NoPath(DataModel):\n    id = \"NoPath\"\n    log_types = [\"Demo.Flow\"]\n    mappings = [DataModelMapping(name=\"x\")]\n\n\n\
GOOD = Good()\n";
    let main = format!(
        "{RULE_HEADER}from models import Good, NoPath\n\nassert Good.mappings[1].path == \"$.src.ip\"\n\n\
NoPath()\n"
    );
    let (_, diags, _) = resolve("datamodel", &[("main.py", &main), ("models.py", dm)]);
    assert_eq!(
        diags,
        vec!["F016 main.py:6 raises AssertionError: DataModel [NoPath] must define one of: [Path, Method] when `main` is imported: CPython stops here".to_string()],
        "{diags:?}"
    );
    // `register` accepts only `pypanther.data_models_v2`'s data models.
    let main = format!("{RULE_HEADER}from models import Good\n\nregister([Good])\n");
    let (_, diags, _) = resolve(
        "datamodel-register",
        &[("main.py", &main), ("models.py", dm)],
    );
    assert!(
        diags
            .iter()
            .any(|d| d.starts_with("F016 main.py:4") && d.contains("ValueError")),
        "{diags:?}"
    );
}

#[test]
fn a_class_may_derive_from_a_builtin_exception() {
    let errors = "class InputError(ValueError):\n    pass\n\n\nclass Missing(InputError):\n    hint = \"h\"\n";
    let main = format!(
        "{RULE_HEADER}from errors import InputError, Missing\n\n\n\
class R(Rule):\n    id = \"R\"\n    log_types = [LogType.DEMO_AUDIT]\n    default_severity = Severity.LOW\n\n    \
def rule(self, event):\n        try:\n            raise Missing(\"x\")\n        except InputError:\n            return True\n\n\n\
assert Missing.hint == \"h\"\nassert issubclass(Missing, InputError)\nregister(R)\n"
    );
    let (program, diags, _) = resolve("exc-base", &[("main.py", &main), ("errors.py", errors)]);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(program.detections.len(), 1);
    // What the built-in base provides is not modelled.
    for read in [
        "Missing.args",
        "issubclass(Missing, ValueError)",
        "Missing.mro()",
    ] {
        let main =
            format!("{RULE_HEADER}from errors import Missing\n\nif {read}:\n    register([])\n");
        let (_, diags, _) = resolve(
            "exc-base-read",
            &[("main.py", &main), ("errors.py", errors)],
        );
        assert!(
            diags.iter().any(|d| d.starts_with("F015 main.py:4")),
            "{read}: {diags:?}"
        );
    }
}

/// `RuleMock(object_name=X, new=X)` with the module's own object changes nothing (the
/// migration writes it to undo an earlier test's mock): the test keeps no mock. Any other
/// `new`, or one whose module may rebind its globals after import, is refused.
#[test]
fn a_mock_may_put_back_only_the_modules_own_object() {
    let rule = |name: &str, mocks: &str| {
        format!(
            "\n\nclass {name}(Rule):\n    id = \"Corp.{name}\"\n    log_types = [LogType.DEMO_AUDIT]\n    \
default_severity = Severity.LOW\n\n    def rule(self, event):\n        return status() == 1 and LIMIT == \"a\"\n\n    \
tests = [RuleTest(name=\"t\", expected_result=True, log={{}}, mocks=[{mocks}])]\n"
        )
    };
    let header = "from pypanther import LogType, Rule, RuleMock, RuleTest, Severity\n\n\
LIMIT = \"a\"\n\n\ndef status():\n    return 1\n";
    let kept = format!(
        "{header}{}{}",
        rule(
            "Back",
            "RuleMock(object_name=\"status\", new=status), RuleMock(object_name=\"LIMIT\", new=LIMIT)"
        ),
        rule("Other", "RuleMock(object_name=\"LIMIT\", new=\"b\")")
    );
    let rebinds = format!(
        "{header}\n\ndef reset():\n    global LIMIT\n    LIMIT = \"c\"\n{}",
        rule("Rebound", "RuleMock(object_name=\"LIMIT\", new=LIMIT)")
    );
    let main = "from pypanther import register\nfrom kept import Back, Other\nfrom rebinds import Rebound\n\n\
register([Back, Other, Rebound])\n";
    let (program, diags, _) = resolve(
        "mock-new",
        &[
            ("main.py", main),
            ("kept.py", &kept),
            ("rebinds.py", &rebinds),
        ],
    );
    let back = program
        .detections
        .iter()
        .find(|d| d.id == "Corp.Back")
        .expect("Corp.Back compiles");
    assert!(back.tests[0].mocks.is_empty(), "{:?}", back.tests[0].mocks);
    assert!(
        !program.detections.iter().any(|d| d.id != "Corp.Back"),
        "only Corp.Back compiles"
    );
    assert!(
        diags.iter().any(|d| d.starts_with("F010")
            && d.contains("RuleMock `new` for `LIMIT`: only the object `kept` binds")),
        "{diags:?}"
    );
    assert!(
        diags.iter().any(|d| d.starts_with("F010")
            && d.contains("RuleMock `new` for `LIMIT`: code of `rebinds` run after import")),
        "{diags:?}"
    );
}
