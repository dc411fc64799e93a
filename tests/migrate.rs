//! `ferrule build --target pypanther`: every migrated module of corpus/v1 and corpus/errors
//! is an insta snapshot (`migrate@<corpus>__<path>`), the output is deterministic, and every
//! detection left out has its diagnostic. The end-to-end checks (`pypanther test`, the
//! oracle, ruff) are `scripts/migrate-check.sh`, run by `.ci/run`.

use std::collections::BTreeMap;
use std::path::Path;

use ferrule::driver;

/// pypanther 0.1.1a62's `LogType` member names for the log types the corpora use, so that
/// the snapshots do not depend on an installed pypanther.
fn log_types() -> BTreeMap<String, String> {
    [
        ("AWS.CloudTrail", "AWS_CLOUDTRAIL"),
        ("Amazon.EKS.Audit", "AMAZON_EKS_AUDIT"),
        ("Asana.Audit", "ASANA_AUDIT"),
        ("Box.Event", "BOX_EVENT"),
        ("GCP.AuditLog", "GCP_AUDIT_LOG"),
        ("GitHub.Audit", "GITHUB_AUDIT"),
        (
            "Gravitational.TeleportAudit",
            "GRAVITATIONAL_TELEPORT_AUDIT",
        ),
        ("Okta.SystemLog", "OKTA_SYSTEM_LOG"),
        ("Slack.AuditLogs", "SLACK_AUDIT_LOGS"),
        ("Zoom.Operation", "ZOOM_OPERATION"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect()
}

fn migrated(
    corpus: &str,
) -> (
    ferrule::emit::pypanther::Output,
    Vec<ferrule::diag::Diagnostic>,
) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(corpus);
    driver::migrate_repo(&root, &log_types(), None)
}

fn snapshot(corpus: &str) {
    let (out, diags) = migrated(corpus);
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        for (path, text) in &out.files {
            if path.ends_with("__init__.py") {
                assert!(text.is_empty(), "{path}");
                continue;
            }
            let name = path.trim_end_matches(".py").replace('/', "__");
            insta::assert_snapshot!(format!("migrate@{corpus}__{name}"), text);
        }
        let rendered: String = diags
            .iter()
            .filter(|d| d.code.as_str() == "F013")
            .map(|d| format!("{}:{}: {} {} [{}]\n", d.span.file, d.span.line, d.code.as_str(), d.message, d.detection.as_deref().unwrap_or("")))
            .collect();
        insta::assert_snapshot!(format!("migrate@{corpus}__diagnostics"), rendered);
    });
}

#[test]
fn corpus_v1_migrated_modules() {
    snapshot("v1");
}

/// corpus/fork migrated as a plain repository (its `--against-managed` migration needs an
/// installed pypanther and is checked by `scripts/migrate-check.sh`): YAML comments.
#[test]
fn corpus_fork_migrated_modules() {
    snapshot("fork");
}

#[test]
fn corpus_errors_migrated_modules() {
    snapshot("errors");
}

#[test]
fn migration_is_deterministic_and_explains_every_left_out_detection() {
    let (a, diags) = migrated("v1");
    let (b, _) = migrated("v1");
    assert_eq!(a.files, b.files, "byte-identical output");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/v1");
    let (program, _) = driver::load(&root, None).expect("corpus/v1 loads");
    let migrated: Vec<&str> = a.rules.iter().map(|(id, _, _)| id.as_str()).collect();
    for det in &program.detections {
        if migrated.contains(&det.id.as_str()) {
            continue;
        }
        assert!(
            diags
                .iter()
                .any(|d| d.detection.as_deref() == Some(det.id.as_str())),
            "{} was neither migrated nor explained",
            det.id
        );
    }
    // Every rule that pypanther can express is migrated: the left-out ones are policies,
    // scheduled rules, or named by an F013.
    assert!(
        migrated.len() >= 55,
        "only {} rules migrated",
        migrated.len()
    );
    assert!(a.files.contains_key("main.py") && a.files.contains_key("pyproject.toml"));
}
