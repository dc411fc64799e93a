//! What the YAML differential and its pinned regressions share: ferrule's answer and PAT's
//! (one batched run of `pat_load.py`) for documents, in one canonical form.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use ferrule::source::yaml::{self, YNode, YValue};

/// The value in the canonical form `pat_load.py` prints (a collection met again inside
/// itself prints as `R`, as the Python side tracks object ids on its path).
fn canon(n: &YNode, out: &mut String) {
    canon_in(n, out, &mut Vec::new())
}

fn canon_in(n: &YNode, out: &mut String, active: &mut Vec<usize>) {
    let id = match &n.value {
        YValue::Seq(v) => Some(std::sync::Arc::as_ptr(v) as usize),
        YValue::Map(v) => Some(std::sync::Arc::as_ptr(v) as usize),
        _ => None,
    };
    if let Some(id) = id {
        if active.contains(&id) {
            out.push('R');
            return;
        }
        active.push(id);
    }
    canon_node(n, out, active);
    if id.is_some() {
        active.pop();
    }
}

fn canon_node(n: &YNode, out: &mut String, active: &mut Vec<usize>) {
    match &n.value {
        YValue::Null => out.push('N'),
        YValue::Bool(true) => out.push('T'),
        YValue::Bool(false) => out.push('F'),
        YValue::Int(i) => out.push_str(&format!("I{i}")),
        YValue::BigInt(s) => out.push_str(&format!("I{s}")),
        YValue::Float(f) if f.is_nan() => out.push_str("Fnan"),
        YValue::Float(f) => {
            out.push('F');
            out.push_str(&ferrule_runtime::fmt::float_repr(*f));
        }
        YValue::Str(s) => {
            out.push('S');
            out.push_str(&py_json_dumps(s));
        }
        YValue::Other(t) => {
            out.push('O');
            out.push_str(t);
        }
        YValue::Recursive(cell) => match cell.0.get() {
            Some(target) => canon_in(target, out, active),
            None => out.push('?'),
        },
        YValue::Invalid(_) => out.push('?'),
        YValue::Seq(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canon_in(x, out, active);
            }
            out.push(']');
        }
        YValue::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canon_in(k, out, active);
                out.push(':');
                canon_in(v, out, active);
            }
            out.push('}');
        }
    }
}

/// Python's `json.dumps` of a string (ASCII only, `\uXXXX` escapes).
fn py_json_dumps(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{:04x}", u));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// ferrule's answer for one document, in `pat_load.py`'s form.
pub fn ferrule_canon(doc: &[u8]) -> String {
    match yaml::parse_bytes(doc) {
        Ok(None) => "N".into(),
        Ok(Some(n)) => {
            let mut s = String::new();
            canon(&n, &mut s);
            s
        }
        Err(e) => format!("E {}", e.message),
    }
}

pub fn pat_python() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("FERRULE_PAT_PY") {
        return Some(PathBuf::from(p));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        ".venv-pat/bin/python",
        "../.venv-pat/bin/python",
        "../../.venv-pat/bin/python",
    ]
    .iter()
    .map(|p| root.join(p))
    .find(|p| p.exists())
}

/// PAT's answers for many documents, from one `python3` run.
pub fn pat_canon(py: &Path, docs: &[Vec<u8>]) -> Vec<String> {
    use base64_lite::encode;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/yaml_diff/pat_load.py");
    let mut child = Command::new(py)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run PAT's loader");
    let input: String = docs.iter().map(|d| encode(d) + "\n").collect();
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("PAT's loader output");
    writer.join().expect("writer").expect("write documents");
    assert!(out.status.success(), "pat_load.py failed");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(str::to_string)
        .collect()
}

mod base64_lite {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(data: &[u8]) -> String {
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}
