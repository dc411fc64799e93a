//! YAML loading with the scalar rules of panther_analysis_tool's loader, and positions.
//!
//! PAT parses specs with PyYAML's `CSafeLoader` (YAML 1.1 resolution) and overrides three
//! constructors: timestamps stay strings, only `true`/`false` (in three spellings) are
//! booleans, and integers are read as decimal (`0644` is 644, `1:30` stays a string). The
//! YAML crates resolve plain scalars by YAML 1.2 rules and hide the scalar style, so the
//! events of `yaml-rust2` (which carry style and position) are resolved here instead.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A YAML value as PAT's loader constructs it.
#[derive(Clone, Debug, PartialEq)]
pub enum YValue {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<YNode>),
    /// Entries in document order; on duplicate keys the last one wins on lookup, as in
    /// PyYAML's dict construction.
    Map(Vec<(YNode, YNode)>),
}

/// A value with the position it starts at (1-based line and column).
#[derive(Clone, Debug, PartialEq)]
pub struct YNode {
    pub value: YValue,
    pub line: usize,
    pub col: usize,
}

impl YNode {
    /// The value of `key` in a mapping (last duplicate wins).
    pub fn get(&self, key: &str) -> Option<&YNode> {
        match &self.value {
            YValue::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| matches!(&k.value, YValue::Str(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            YValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Python truthiness of the value (`bool(x)`).
    pub fn truthy(&self) -> bool {
        match &self.value {
            YValue::Null => false,
            YValue::Bool(b) => *b,
            YValue::Int(i) => *i != 0,
            YValue::Float(f) => *f != 0.0,
            YValue::Str(s) => !s.is_empty(),
            YValue::Seq(v) => !v.is_empty(),
            YValue::Map(v) => !v.is_empty(),
        }
    }
}

/// A YAML error with its position.
#[derive(Debug)]
pub struct YamlError {
    pub message: String,
    pub line: usize,
    pub col: usize,
}

/// Parses one YAML document (the first, as `yaml.load` does).
pub fn parse(text: &str) -> Result<Option<YNode>, YamlError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut builder, false).map_err(|e| YamlError {
        message: e.info().to_string(),
        line: e.marker().line(),
        col: e.marker().col() + 1,
    })?;
    if let Some(err) = builder.error {
        return Err(err);
    }
    Ok(builder.root)
}

enum Frame {
    Seq(YNode, Vec<YNode>, usize),
    Map(YNode, Vec<(YNode, YNode)>, Option<YNode>, usize),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<YNode>,
    anchors: HashMap<usize, YNode>,
    error: Option<YamlError>,
    done: bool,
}

impl Builder {
    fn push_value(&mut self, node: YNode, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq(_, items, _)) => items.push(node),
            Some(Frame::Map(_, entries, key, _)) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() || self.done {
            return;
        }
        let (line, col) = (mark.line(), mark.col() + 1);
        let at = |value| YNode { value, line, col };
        match ev {
            Event::DocumentEnd if self.root.is_some() => self.done = true,
            Event::DocumentEnd => {}
            Event::Scalar(text, style, anchor, tag) => {
                let value = match tag {
                    Some(tag) => {
                        let name = format!("{}{}", tag.handle, tag.suffix);
                        match name.as_str() {
                            "!!str" | "tag:yaml.org,2002:str" => Ok(YValue::Str(text)),
                            "!!int" | "tag:yaml.org,2002:int" => {
                                resolve_plain(&text).and_then(|v| match v {
                                    YValue::Int(_) => Ok(v),
                                    _ => Err(format!("invalid integer {text:?}")),
                                })
                            }
                            "!!float" | "tag:yaml.org,2002:float" => construct_float(&text)
                                .map(YValue::Float)
                                .ok_or_else(|| format!("invalid float {text:?}")),
                            _ => Err(format!("unsupported YAML tag {name}")),
                        }
                    }
                    None if style == TScalarStyle::Plain => resolve_plain(&text),
                    None => Ok(YValue::Str(text)),
                };
                match value {
                    Ok(v) => self.push_value(at(v), anchor),
                    Err(message) => self.error = Some(YamlError { message, line, col }),
                }
            }
            Event::SequenceStart(anchor, _) => {
                self.stack
                    .push(Frame::Seq(at(YValue::Null), Vec::new(), anchor))
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq(mut node, items, anchor)) = self.stack.pop() {
                    node.value = YValue::Seq(items);
                    self.push_value(node, anchor);
                }
            }
            Event::MappingStart(anchor, _) => {
                // The parser marks a block mapping where its first value starts; a
                // document's root mapping is reported at the start of its line instead.
                let mut node = at(YValue::Null);
                if self.stack.is_empty() {
                    node.col = 1;
                }
                self.stack.push(Frame::Map(node, Vec::new(), None, anchor))
            }
            Event::MappingEnd => {
                if let Some(Frame::Map(mut node, entries, _, anchor)) = self.stack.pop() {
                    // `<<` merge keys are not used by detections; refuse rather than guess.
                    if entries
                        .iter()
                        .any(|(k, _)| matches!(&k.value, YValue::Str(s) if s == "<<"))
                    {
                        self.error = Some(YamlError {
                            message: "YAML merge keys (<<) are not supported".into(),
                            line: node.line,
                            col: node.col,
                        });
                        return;
                    }
                    node.value = YValue::Map(entries);
                    self.push_value(node, anchor);
                }
            }
            Event::Alias(id) => match self.anchors.get(&id).cloned() {
                Some(node) => self.push_value(node, 0),
                None => {
                    self.error = Some(YamlError {
                        message: "unknown YAML alias".into(),
                        line,
                        col,
                    })
                }
            },
            _ => {}
        }
    }
}

/// Resolves a plain scalar as PyYAML's YAML 1.1 resolver does, then constructs it with
/// PAT's overrides.
fn resolve_plain(text: &str) -> Result<YValue, String> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(YValue::Null),
        "true" | "True" | "TRUE" => return Ok(YValue::Bool(true)),
        "false" | "False" | "FALSE" => return Ok(YValue::Bool(false)),
        _ => {}
    }
    // PyYAML tries the float resolver before the int resolver.
    if is_yaml11_float(text) {
        return construct_float(text)
            .map(YValue::Float)
            .ok_or_else(|| format!("invalid float {text:?}"));
    }
    if is_yaml11_int(text) {
        return Ok(construct_int(text));
    }
    if text == "=" {
        return Err("the YAML value key '=' is not supported".into());
    }
    Ok(YValue::Str(text.to_string()))
}

fn strip_sign(s: &str) -> &str {
    s.strip_prefix(['-', '+']).unwrap_or(s)
}

/// `[-+]?0b[0-1_]+ | [-+]?0[0-7_]+ | [-+]?(0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+ |
/// [-+]?[1-9][0-9_]*(:[0-5]?[0-9])+`
fn is_yaml11_int(text: &str) -> bool {
    let s = strip_sign(text);
    if let Some(b) = s.strip_prefix("0b") {
        return !b.is_empty() && b.chars().all(|c| matches!(c, '0' | '1' | '_'));
    }
    if let Some(h) = s.strip_prefix("0x") {
        return !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit() || c == '_');
    }
    if s == "0" {
        return true;
    }
    if let Some(o) = s.strip_prefix('0') {
        return !o.is_empty() && o.chars().all(|c| matches!(c, '0'..='7' | '_'));
    }
    let mut parts = s.split(':');
    let head = parts.next().unwrap_or("");
    let head_ok = head.starts_with(|c: char| ('1'..='9').contains(&c))
        && head.chars().all(|c| c.is_ascii_digit() || c == '_');
    if !head_ok {
        return false;
    }
    parts.all(is_sexagesimal_part)
}

fn is_sexagesimal_part(p: &str) -> bool {
    let b = p.as_bytes();
    match b.len() {
        1 => b[0].is_ascii_digit(),
        2 => (b'0'..=b'5').contains(&b[0]) && b[1].is_ascii_digit(),
        _ => false,
    }
}

/// PAT's `_construct_yaml_int`: sexagesimal stays a string, otherwise decimal (also with a
/// leading zero), hex or binary.
fn construct_int(text: &str) -> YValue {
    if text.contains(':') {
        return YValue::Str(text.to_string());
    }
    let v = text.replace('_', "");
    let (sign, v) = match v.strip_prefix('-') {
        Some(rest) => (-1, rest.to_string()),
        None => (1, v.strip_prefix('+').unwrap_or(&v).to_string()),
    };
    let parsed = if let Some(h) = v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        i128::from_str_radix(h, 16)
    } else if let Some(b) = v.strip_prefix("0b").or_else(|| v.strip_prefix("0B")) {
        i128::from_str_radix(b, 2)
    } else {
        v.parse::<i128>()
    };
    match parsed {
        Ok(n) => YValue::Int(sign * n),
        Err(_) => YValue::Str(text.to_string()),
    }
}

/// `[-+]?([0-9][0-9_]*)\.[0-9_]*([eE][-+][0-9]+)? | \.[0-9_]+([eE][-+][0-9]+)? |
/// [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)`
fn is_yaml11_float(text: &str) -> bool {
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let s = strip_sign(text);
    if matches!(s, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    let exp_ok = |e: &str| {
        e.is_empty()
            || (e.len() >= 3
                && matches!(e.as_bytes()[0], b'e' | b'E')
                && matches!(e.as_bytes()[1], b'-' | b'+')
                && e[2..].chars().all(|c| c.is_ascii_digit()))
    };
    let digits_ = |d: &str| d.chars().all(|c| c.is_ascii_digit() || c == '_');
    if let Some(rest) = text.strip_prefix('.') {
        // `\.[0-9_]+` has no sign.
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '_'))
            .unwrap_or(rest.len());
        return end > 0 && exp_ok(&rest[end..]);
    }
    let Some(dot) = s.find('.') else {
        return false;
    };
    let (int_part, rest) = (&s[..dot], &s[dot + 1..]);
    if int_part.is_empty() || !int_part.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    if int_part.contains(':') {
        let mut parts = int_part.split(':');
        let head = parts.next().unwrap_or("");
        return digits_(head) && parts.all(is_sexagesimal_part) && digits_(rest);
    }
    if !digits_(int_part) {
        return false;
    }
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '_'))
        .unwrap_or(rest.len());
    exp_ok(&rest[end..])
}

/// PyYAML's `construct_yaml_float`.
fn construct_float(text: &str) -> Option<f64> {
    let v = text.replace('_', "").to_lowercase();
    let (sign, v) = match v.strip_prefix('-') {
        Some(rest) => (-1.0, rest.to_string()),
        None => (1.0, v.strip_prefix('+').unwrap_or(&v).to_string()),
    };
    if v == ".inf" {
        return Some(sign * f64::INFINITY);
    }
    if v == ".nan" {
        return Some(f64::NAN);
    }
    if v.contains(':') {
        let mut value = 0.0;
        let mut base = 1.0;
        for part in v.split(':').rev() {
            value += part.parse::<f64>().ok()? * base;
            base *= 60.0;
        }
        return Some(sign * value);
    }
    // Python's float() accepts `1.` and `1.e+5`; Rust's parser wants a digit after the dot.
    let fixed = v.replace(".e", ".0e");
    let fixed = if fixed.ends_with('.') {
        format!("{fixed}0")
    } else {
        fixed
    };
    fixed.parse::<f64>().ok().map(|f| sign * f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(s: &str) -> YValue {
        parse(&format!("k: {s}\n"))
            .unwrap()
            .unwrap()
            .get("k")
            .unwrap()
            .value
            .clone()
    }

    #[test]
    fn pat_scalar_rules() {
        assert_eq!(scalar("0644"), YValue::Int(644));
        assert_eq!(scalar("01234567"), YValue::Int(1234567));
        assert_eq!(scalar("089"), YValue::Str("089".into()));
        assert_eq!(scalar("3.10"), YValue::Float(3.1));
        assert_eq!(scalar("1e5"), YValue::Str("1e5".into()));
        assert_eq!(scalar("1.0e+5"), YValue::Float(100000.0));
        assert_eq!(scalar("yes"), YValue::Str("yes".into()));
        assert_eq!(scalar("on"), YValue::Str("on".into()));
        assert_eq!(scalar("True"), YValue::Bool(true));
        assert_eq!(scalar("~"), YValue::Null);
        assert_eq!(scalar("1:30"), YValue::Str("1:30".into()));
        assert_eq!(scalar("0x1F"), YValue::Int(31));
        assert_eq!(scalar("1_000"), YValue::Int(1000));
        assert_eq!(scalar("'0644'"), YValue::Str("0644".into()));
        assert_eq!(
            scalar("2024-01-02T03:04:05Z"),
            YValue::Str("2024-01-02T03:04:05Z".into())
        );
        assert_eq!(scalar("-.inf"), YValue::Float(f64::NEG_INFINITY));
        assert_eq!(scalar("1."), YValue::Float(1.0));
    }
}
