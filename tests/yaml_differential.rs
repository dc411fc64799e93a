//! ferrule's YAML loader against panther_analysis_tool's own (`_PyYAMLFastLoader`, one
//! batched `python3` run of `tests/yaml_diff/pat_load.py`): random spec-like documents with
//! scalars of every style, anchors and aliases, flow and block collections, comments, odd
//! indentation, tags, multi-line strings, numbers of every spelling, timestamps, booleans of
//! YAML 1.1 and 1.2, merge keys, byte-order marks, and random damage to all of it. Each
//! document must load to the same value in both, or fail in both.
//!
//! `FERRULE_YAML_DIFF_CASES` (default 1,500) and `FERRULE_YAML_DIFF_SEED` (default 1) choose
//! the run; `FERRULE_PAT_PY` names a Python with panther_analysis_tool (default `.venv-pat`
//! or `../.venv-pat`). Every difference found is pinned in `tests/yaml_regressions.rs`.

// `*self.rng.pick(…)` picks the `&str` type for the candidates.
#![allow(clippy::explicit_auto_deref)]

#[path = "yaml_diff/common.rs"]
mod common;

use common::{ferrule_canon, pat_canon, pat_python};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const PLAIN: &[&str] = &[
    "0644",
    "01234567",
    "089",
    "0",
    "-0",
    "+12",
    "1_000",
    "0x1F",
    "0X1f",
    "0b101",
    "0o17",
    "-0x_1",
    "1:30",
    "1:30:00",
    "190:20:30",
    "3.10",
    "1e5",
    "1.0e+5",
    "1.0E-3",
    "1.",
    ".5",
    "-.inf",
    ".Inf",
    ".NaN",
    "+.inf",
    "1_000.5",
    "1:30.5",
    "6.8523015e+5",
    "12e03",
    "123456789012345678901234567890",
    "-99999999999999999999999999999999999999999",
    "0x123456789abcdef0123456789abcdef0123",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Yes",
    "NO",
    "true",
    "True",
    "TRUE",
    "false",
    "False",
    "FALSE",
    "tRue",
    "~",
    "null",
    "Null",
    "NULL",
    "nUll",
    "2024-01-02",
    "2024-01-02T03:04:05Z",
    "2001-12-14 21:59:43.10 -5",
    "2001-12-14t21:59:43.10-05:00",
    "12:30",
    "hello",
    "hello world",
    "a:b",
    "a#b",
    "x- y",
    "café",
    "😀",
    "'",
    "\"",
    "a'b",
    "-",
    "-1-",
    "0.0.0.0",
    "10.0.0.1/8",
    "1_",
    "_1",
    "0x",
    "0b",
    "0b2",
    "08",
    "0_8",
    "+",
    "1__0",
    "1e",
    "1.0e5",
    "1.e+5",
    ".e5",
    "..5",
    "1.5.5",
    "-.5",
    "+.5e+3",
    "0:0",
    "60:60",
    "1:60",
    "1:5:9",
    "0x1:2",
];

const KEYS: &[&str] = &[
    "AnalysisType",
    "RuleID",
    "Filename",
    "Severity",
    "Tests",
    "Log",
    "Name",
    "k",
    "a",
    "b",
    "1",
    "true",
    "null",
    "~",
    "0644",
    "3.0",
    "key with space",
    "\"quoted\"",
    "'single'",
    "?",
    "- x",
    "a: b",
];

/// Whether `text` reads back as the same plain scalar (mostly: the generator sometimes
/// writes unsafe ones on purpose, so that errors are compared too).
fn plain_safe(text: &str, flow: bool) -> bool {
    let first = text.chars().next();
    !text.is_empty()
        && !text.starts_with([
            '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%',
            '@', '`', ' ', '\t',
        ])
        && !text.ends_with([' ', '\t', ':'])
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.contains(":\t")
        && !(flow && text.contains([',', '[', ']', '{', '}', ':']))
        && first.is_some()
}

struct Gen {
    rng: Rng,
    anchors: Vec<String>,
}

impl Gen {
    fn scalar_text(&mut self) -> String {
        if self.rng.chance(1) {
            return self.rng.pick(&["=", "<<"]).to_string();
        }
        match self.rng.below(10) {
            0..=5 => self.rng.pick(PLAIN).to_string(),
            6 => format!("{}", self.rng.next() as i64 >> self.rng.below(64)),
            7 => format!("{:.3}", (self.rng.next() % 100000) as f64 / 7.0),
            8 => {
                let n = self.rng.below(5);
                "0".repeat(n) + &self.rng.below(1000).to_string()
            }
            _ => {
                let chars = [
                    "a", "b", " ", "-", ":", "#", ",", "[", "]", "{", "}", "'", "\"", "\\", "é",
                    "\t", "!", "&", "*", "%", "@", "`", "|", ">", "?", "0", "1", ".", "_",
                ];
                (0..self.rng.below(8))
                    .map(|_| *self.rng.pick(&chars))
                    .collect()
            }
        }
    }

    fn tag(&mut self) -> &'static str {
        *self.rng.pick(&[
            "!!str ",
            "!!int ",
            "!!float ",
            "!!bool ",
            "!!null ",
            "!!timestamp ",
            "!!binary ",
            "! ",
            "!custom ",
            "!!map ",
            "!!seq ",
            "!!set ",
            "!!omap ",
            "!!merge ",
            "!!value ",
            "!<tag:yaml.org,2002:str> ",
            "!!python/name:os.system ",
        ])
    }

    fn props(&mut self) -> String {
        let mut p = String::new();
        if self.rng.chance(8) {
            let name = if self.rng.chance(10) {
                format!("a{}", self.rng.below(3))
            } else {
                format!("n{}", self.anchors.len() + 10 * self.rng.below(1000))
            };
            p.push_str(&format!("&{name} "));
            self.anchors.push(name);
        }
        if self.rng.chance(3) {
            p.push_str(self.tag());
        }
        p
    }

    /// A scalar in some style, for a flow context (`flow`) or a block value at `indent`.
    fn scalar(&mut self, indent: usize, flow: bool) -> String {
        let text = self.scalar_text();
        match self.rng.below(if flow { 3 } else { 5 }) {
            0 if plain_safe(&text, flow) || self.rng.chance(5) => text,
            0 => format!("'{}'", text.replace('\'', "''")),
            1 => format!("'{}'", text.replace('\'', "''")),
            2 => {
                let mut s = String::from("\"");
                for c in text.chars() {
                    match c {
                        '"' => s.push_str("\\\""),
                        '\\' => s.push_str(*self.rng.pick(&[
                            "\\\\", "\\x41", "\\u00e9", "\\n", "\\t", "\\0", "\\/", "\\q",
                        ])),
                        c => s.push(c),
                    }
                }
                s.push('"');
                s
            }
            n => {
                let ind = " ".repeat(indent + 2);
                let header = format!(
                    "{}{}{}",
                    if n == 3 { "|" } else { ">" },
                    self.rng
                        .pick(&["", "", "-", "+", "", "-", "+", "2", "-1", "+1"]),
                    self.rng.pick(&["", " # c"])
                );
                let lines: Vec<String> = (0..1 + self.rng.below(3))
                    .map(|i| {
                        let extra = if i > 0 && self.rng.chance(15) {
                            " "
                        } else {
                            ""
                        };
                        format!("{ind}{extra}{}", self.scalar_text().replace('\n', " "))
                    })
                    .collect();
                format!(
                    "{header}\n{}{}",
                    lines.join("\n"),
                    self.rng.pick(&["", "\n", "\n\n"])
                )
            }
        }
    }

    fn alias(&mut self) -> Option<String> {
        if !self.anchors.is_empty() && self.rng.chance(10) {
            let i = self.rng.below(self.anchors.len());
            return Some(format!("*{}", self.anchors[i]));
        }
        None
    }

    fn flow(&mut self, depth: usize) -> String {
        if let Some(a) = self.alias() {
            return a;
        }
        let props = self.props();
        if depth > 3 || self.rng.chance(45) {
            return format!("{props}{}", self.scalar(0, true));
        }
        let sep = *self.rng.pick(&[", ", ",", " , ", ",\n  ", ",\n"]);
        let n = self.rng.below(4);
        if self.rng.chance(50) {
            let items: Vec<String> = (0..n).map(|_| self.flow(depth + 1)).collect();
            let trail = if self.rng.chance(10) { "," } else { "" };
            format!("{props}[{}{trail}]", items.join(sep))
        } else {
            let items: Vec<String> = (0..n)
                .map(|_| {
                    let k = self.key();
                    if self.rng.chance(10) {
                        return k;
                    }
                    format!("{k}: {}", self.flow(depth + 1))
                })
                .collect();
            let close = *self.rng.pick(&["}", "}", "\n}", "\n  }", " }"]);
            format!("{props}{{{}{close}", items.join(sep))
        }
    }

    fn key(&mut self) -> String {
        if self.rng.chance(4) {
            return self.rng.pick(&["<<", "<<", "="]).to_string();
        }
        let k = self.rng.pick(KEYS).to_string();
        let k = match self.rng.below(12) {
            0 => format!("'{}'", k.replace('\'', "''")),
            1 => format!("\"{}\"", k.replace('"', "\\\"")),
            2 => self.scalar_text().replace(['\n', ':', '#'], ""),
            3 => return format!("? {k}\n"),
            _ => k,
        };
        if plain_safe(&k, true) || k.starts_with(['\'', '"']) || self.rng.chance(5) {
            k
        } else {
            format!("'{}'", k.replace('\'', "''"))
        }
    }

    /// A block node at `indent`, written after `key:` or `- ` on the same line.
    fn block(&mut self, indent: usize, depth: usize) -> String {
        if let Some(a) = self.alias() {
            return format!(" {a}\n");
        }
        let props = self.props();
        let comment = if self.rng.chance(10) { " # note" } else { "" };
        match if depth > 4 { 0 } else { self.rng.below(5) } {
            0 => format!(" {props}{}{comment}\n", self.scalar(indent, false)),
            1 => format!(" {props}{}{comment}\n", self.flow(depth)),
            2 => {
                let step = *self.rng.pick(&[0, 1, 2, 2, 4]);
                let ind = indent + step;
                let mut s = format!(" {props}{comment}\n").replace("  \n", "\n");
                if s.trim().is_empty() {
                    s = "\n".into();
                }
                for _ in 0..1 + self.rng.below(3) {
                    s.push_str(&" ".repeat(ind));
                    s.push('-');
                    s.push_str(&self.block(ind + 2, depth + 1));
                }
                s
            }
            _ => {
                let step = *self.rng.pick(&[1, 2, 2, 3, 4]);
                let ind = indent + step;
                let mut s = format!(" {props}{comment}\n");
                if s.trim().is_empty() {
                    s = "\n".into();
                }
                s.push_str(&self.mapping_body(ind, depth + 1));
                s
            }
        }
    }

    fn mapping_body(&mut self, ind: usize, depth: usize) -> String {
        let mut s = String::new();
        for _ in 0..1 + self.rng.below(4) {
            if self.rng.chance(5) {
                s.push_str(&format!(
                    "{}# comment\n",
                    " ".repeat(self.rng.below(ind + 2))
                ));
            }
            let k = self.key();
            s.push_str(&" ".repeat(ind));
            if k.starts_with("? ") {
                s.push_str(&k);
                s.push_str(&" ".repeat(ind));
                s.push(':');
            } else {
                s.push_str(&k);
                s.push(':');
            }
            s.push_str(&self.block(ind, depth));
        }
        s
    }

    fn document(&mut self) -> Vec<u8> {
        self.anchors.clear();
        let mut doc = String::new();
        if self.rng.chance(5) {
            doc.push_str(*self.rng.pick(&[
                "%YAML 1.1\n---\n",
                "%YAML 1.2\n---\n",
                "---\n",
                "--- ",
                "%TAG !e! tag:example.com,2000:\n---\n",
            ]));
        }
        if self.rng.chance(85) {
            doc.push_str(&self.mapping_body(0, 0));
        } else if self.rng.chance(50) {
            doc.push_str(&self.flow(0));
            doc.push('\n');
        } else {
            doc.push_str(&self.block(0, 0));
        }
        if self.rng.chance(4) {
            doc.push_str(*self.rng.pick(&[
                "...\n",
                "---\n",
                "--- x\n",
                "...\n---\nk: v\n",
                "# end",
            ]));
        }
        let mut bytes = doc.into_bytes();
        // Random damage: the loaders must agree on what fails too.
        for _ in 0..match self.rng.below(20) {
            0..=16 => 0,
            17..=18 => 1,
            _ => 3,
        } {
            if bytes.is_empty() {
                break;
            }
            let at = self.rng.below(bytes.len() + 1);
            match self.rng.below(6) {
                0 if at < bytes.len() => {
                    bytes.remove(at);
                }
                1 => bytes.insert(at, *self.rng.pick(b" \t\n:-[]{},#&*!|>'\"%@`?")),
                2 => bytes.insert(at, *self.rng.pick(&[0u8, 7, 0x1b, 0x85, 0xff, 0xc3])),
                3 => {
                    let line_start = bytes[..at]
                        .iter()
                        .rposition(|&c| c == b'\n')
                        .map(|i| i + 1)
                        .unwrap_or(0);
                    bytes.insert(line_start, b' ');
                }
                4 => {
                    let chunk: Vec<u8> = bytes[at..].iter().take(8).copied().collect();
                    for (i, c) in chunk.into_iter().enumerate() {
                        bytes.insert(at + i, c);
                    }
                }
                _ => {}
            }
        }
        match self.rng.below(40) {
            0 => {
                let mut b = vec![0xef, 0xbb, 0xbf];
                b.extend(bytes);
                b
            }
            1 => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let mut b = vec![0xff, 0xfe];
                for u in text.encode_utf16() {
                    b.extend(u.to_le_bytes());
                }
                b
            }
            _ => bytes,
        }
    }
}

#[test]
fn yaml_loader_matches_pat() {
    let Some(py) = pat_python() else {
        eprintln!("warning: no Python with panther_analysis_tool (FERRULE_PAT_PY); YAML differential skipped");
        return;
    };
    let cases: usize = std::env::var("FERRULE_YAML_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    let seed: u64 = std::env::var("FERRULE_YAML_DIFF_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let mut g = Gen {
        rng: Rng(seed.wrapping_mul(0x9E3779B97F4A7C15) | 1),
        anchors: Vec::new(),
    };
    let docs: Vec<Vec<u8>> = (0..cases).map(|_| g.document()).collect();
    let expected = pat_canon(&py, &docs);
    assert_eq!(expected.len(), docs.len(), "one answer per document");
    let mut diffs = 0;
    let mut errors = 0;
    let mut refused = 0;
    let mut kinds: std::collections::BTreeMap<String, usize> = Default::default();
    for (doc, want) in docs.iter().zip(&expected) {
        let got = ferrule_canon(doc);
        let want_err = want.starts_with('E');
        if want_err {
            errors += 1;
            if std::env::var("FERRULE_YAML_DIFF_SHOW").is_ok_and(|k| want.contains(&k))
                && errors % 50 == 0
            {
                eprintln!("=== {want}\n{}", String::from_utf8_lossy(doc));
            }
            *kinds.entry(want.chars().take(60).collect()).or_default() += 1;
        }
        if got.starts_with("E ferrule refuses") && !want_err {
            // A documented refusal (never a different value).
            refused += 1;
            continue;
        }
        if (got.starts_with('E') && want_err) || got == *want {
            continue;
        }
        {
            diffs += 1;
            if diffs <= 20 {
                eprintln!(
                    "--- document {:?}\n    PAT:     {want}\n    ferrule: {got}",
                    String::from_utf8_lossy(doc)
                );
            }
        }
    }
    if std::env::var("FERRULE_YAML_DIFF_VERBOSE").is_ok() {
        for (k, n) in &kinds {
            eprintln!("{n:6} {k}");
        }
    }
    eprintln!(
        "YAML differential: {cases} documents (seed {seed}), {errors} rejected by PAT, {refused} refused by ferrule, {diffs} differences"
    );
    assert_eq!(diffs, 0, "ferrule's YAML loader differs from PAT's");
}
