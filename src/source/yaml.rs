//! YAML loading exactly as panther_analysis_tool loads a spec, with positions.
//!
//! PAT reads every file with PyYAML's `CSafeLoader`: libyaml's scanner and parser, PyYAML's
//! composer (anchors, one document per file), its YAML 1.1 resolver and `SafeConstructor`,
//! with three constructors overridden: timestamps stay strings, only `true`/`false` (in
//! three spellings) are booleans, and integers are decimal (`0644` is 644, `1:30` stays a
//! string). The events come from `libyaml-rs` (libyaml itself, see `libyaml.rs`); the
//! composer, resolver and constructors are re-implemented here and compared with PAT's own
//! loader by `tests/yaml_differential.rs`.
//!
//! Aliases share the node they name (an `Arc`), as Python shares the object, so a small
//! file of nested aliases stays small; consumers that expand values bound the expansion
//! (`expanded_size`).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::source::libyaml::{Event, Mark, Parser, ScalarStyle};

/// A YAML value as PAT's loader constructs it.
#[derive(Clone, Debug, PartialEq)]
pub enum YValue {
    Null,
    Bool(bool),
    Int(i128),
    /// An integer beyond 128 bits, as its decimal digits (with a `-` if negative).
    BigInt(Arc<str>),
    Float(f64),
    Str(Arc<str>),
    Seq(Arc<Vec<YNode>>),
    /// Entries in first-occurrence order with the last value of each key, as PyYAML's dict
    /// construction leaves them (keys equal as Python compares them: `1`, `1.0`, `true`).
    Map(Arc<Vec<(YNode, YNode)>>),
    /// A value PyYAML builds that specs never carry as data (`!!binary` bytes, `!!set`,
    /// `!!omap`/`!!pairs` lists of tuples): the Python type's name.
    Other(&'static str),
    /// An alias to a collection still being built: the collection contains itself. The
    /// cell holds it once it is complete.
    Recursive(RecRef),
    /// A node whose construction fails (a tag that does not fit it, a bad merge, an
    /// unhashable key, or such a node inside it): an error if PyYAML constructs it, which
    /// it does not for a merge key's value or the inside of a scalar-tagged mapping.
    Invalid(Arc<YamlError>),
}

/// The target of a recursive alias (compared by identity, never printed in full).
#[derive(Clone)]
pub struct RecRef(pub Arc<OnceLock<YNode>>);

impl PartialEq for RecRef {
    fn eq(&self, other: &RecRef) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for RecRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<recursive>")
    }
}

/// The content of a collection node whose value is not a plain list or dict (a tagged
/// one): what a merge key takes from it, as PyYAML merges nodes, not values.
#[derive(Clone, Debug, PartialEq)]
pub enum RawNode {
    Map(Vec<(YNode, YNode)>),
    Seq(Vec<YNode>),
}

/// A value with the position it starts at (1-based line and column).
#[derive(Clone, Debug, PartialEq)]
pub struct YNode {
    pub value: YValue,
    pub line: usize,
    pub col: usize,
    /// For a tagged collection: its node content (see `RawNode`).
    pub raw: Option<Arc<RawNode>>,
    /// What PyYAML's merge compares keys by: `id()` of the key node's value, which is the
    /// same object for an alias of one node, and for scalars whose text CPython caches
    /// (the empty string, one Latin-1 character).
    pub key_id: KeyId,
    /// For a mapping written with a merge (`<<`) or value (`=`) key: the tag PyYAML finds
    /// no constructor for when `!!omap`/`!!pairs` read the item without flattening it.
    pub unflattened_key: Option<&'static str>,
    /// Written with an anchor: aliases may share it, and PyYAML flattens a shared mapping
    /// in place the first time it is constructed as one.
    pub anchored: bool,
}

/// See `YNode::key_id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyId {
    Node(usize),
    Cached(String),
}

impl YNode {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&YNode> {
        match &self.value {
            YValue::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(&k.value, YValue::Str(s) if &**s == key))
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
            YValue::BigInt(_) => true,
            YValue::Float(f) => *f != 0.0,
            YValue::Str(s) => !s.is_empty(),
            YValue::Seq(v) => !v.is_empty(),
            YValue::Map(v) => !v.is_empty(),
            YValue::Other(_) | YValue::Recursive(_) | YValue::Invalid(_) => true,
        }
    }
}

/// How many nodes and string bytes `node` stands for once every alias is expanded (what
/// copying it into test data costs), saturating; shared nodes are measured once.
pub fn expanded_size(node: &YNode) -> u64 {
    fn go(n: &YNode, memo: &mut HashMap<usize, u64>) -> u64 {
        let key = match &n.value {
            YValue::Seq(v) => Arc::as_ptr(v) as usize,
            YValue::Map(v) => Arc::as_ptr(v) as usize,
            YValue::Str(s) => return 1 + s.len() as u64,
            YValue::BigInt(s) => return 1 + s.len() as u64,
            _ => return 1,
        };
        if let Some(&size) = memo.get(&key) {
            return size;
        }
        // A cycle counts as unbounded while it is being measured.
        memo.insert(key, u64::MAX);
        let size = match &n.value {
            YValue::Seq(v) => v
                .iter()
                .fold(1u64, |acc, i| acc.saturating_add(go(i, memo))),
            YValue::Map(v) => v.iter().fold(1u64, |acc, (k, x)| {
                acc.saturating_add(go(k, memo)).saturating_add(go(x, memo))
            }),
            _ => 1,
        };
        memo.insert(key, size);
        size
    }
    go(node, &mut HashMap::new())
}

/// A YAML error with its position (1-based).
#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub line: usize,
    pub col: usize,
}

/// libyaml as PyYAML bundles it refuses collections nested deeper than this.
const MAX_NESTING: usize = 1000;

/// Parses a file's text (see `parse_bytes`).
pub fn parse(text: &str) -> Result<Option<YNode>, YamlError> {
    parse_bytes(text.as_bytes())
}

/// Parses the single YAML document of a file's bytes, as `yaml.load(stream, CSafeLoader)`
/// does: `None` for an empty stream, an error for a second document.
pub fn parse_bytes(bytes: &[u8]) -> Result<Option<YNode>, YamlError> {
    let mut parser = Parser::new(bytes);
    let mut b = Builder::default();
    let mut docs = 0;
    let bare_keys = if bytes.contains(&b'?') {
        crate::source::libyaml::bare_keys_closing_sequences(bytes)
    } else {
        Vec::new()
    };
    loop {
        let (ev, mark) = parser.next_event().map_err(|e| {
            let (line, col) = match e.offset {
                Some(off) => byte_line_col(bytes, off),
                None => (e.mark.line + 1, e.mark.column + 1),
            };
            YamlError {
                message: e.message,
                line,
                col,
            }
        })?;
        match ev {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                docs += 1;
                if docs > 1 {
                    return Err(at(
                        mark,
                        "expected a single document in the stream, but found another document",
                    ));
                }
            }
            Event::MappingStart { flow: true, .. } if bare_keys.contains(&mark) => {
                return Err(at(
                    mark,
                    "ferrule refuses: a flow-sequence entry `?` followed by `]` \
                     (PyYAML's libyaml reads {None: None}, libyaml-rs fails)",
                ));
            }
            ev => b.event(ev, mark)?,
        }
    }
    // A refusal wins over an error: which error PyYAML meets first is what ferrule could
    // not tell.
    if let Some(e) = b.poisoned {
        return Err(e);
    }
    if let Some(YNode {
        value: YValue::Invalid(e),
        ..
    }) = &b.root
    {
        return Err(YamlError {
            message: e.message.clone(),
            line: e.line,
            col: e.col,
        });
    }
    Ok(b.root)
}

fn at(mark: Mark, message: impl Into<String>) -> YamlError {
    YamlError {
        message: message.into(),
        line: mark.line + 1,
        col: mark.column + 1,
    }
}

/// 1-based line and column of a byte offset (reader errors carry only the offset).
fn byte_line_col(bytes: &[u8], off: usize) -> (usize, usize) {
    let before = &bytes[..off.min(bytes.len())];
    let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&c| c == b'\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    (
        line,
        String::from_utf8_lossy(&before[start..]).chars().count() + 1,
    )
}

/// A plain scalar's meaning before construction: a key of the special kinds, or a value.
enum Scalar {
    Value(YValue),
    /// `<<`: a merge key.
    Merge,
    /// `=`: the YAML 1.1 value key, a string when it is a mapping key.
    ValueKey,
}

enum Frame {
    Seq {
        start: YNode,
        items: Vec<YNode>,
        anchor: Option<String>,
        tag: Option<String>,
        flow: bool,
    },
    Map {
        start: YNode,
        entries: Vec<(Key, YNode)>,
        key: Option<Key>,
        anchor: Option<String>,
        tag: Option<String>,
        flow: bool,
        /// A `=` key was read (it becomes the string "=" when the mapping is flattened).
        value_key: bool,
    },
}

/// A mapping key before flattening: a merge key, or a constructed node.
enum Key {
    Merge(Mark),
    Node(YNode),
}

enum Anchor {
    Open(Arc<OnceLock<YNode>>),
    Done(YNode),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<YNode>,
    /// Anchors by name: the node, or while the anchored collection is still open the cell
    /// it will fill (an alias to it then makes a recursive structure).
    anchors: HashMap<String, Anchor>,
    block_depth: usize,
    flow_depth: usize,
    /// Counter for node identities (`KeyId::Node`).
    next_id: usize,
    /// Set when a recursive alias refers to a node whose construction fails: whether
    /// PyYAML constructs it depends on where the alias sits, which is not followed.
    poisoned: Option<YamlError>,
}

const TAG: &str = "tag:yaml.org,2002:";

impl Builder {
    fn push(&mut self, node: Key, mark: Mark) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => {
                if let Key::Node(n) = node {
                    self.root = Some(n);
                }
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => match node {
                Key::Node(n) => {
                    items.push(n);
                    Ok(())
                }
                Key::Merge(m) => Err(no_constructor(m, "merge")),
            },
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    *key = Some(node);
                    Ok(())
                }
                Some(k) => match node {
                    Key::Node(v) => {
                        entries.push((k, v));
                        Ok(())
                    }
                    Key::Merge(_) => Err(no_constructor(mark, "merge")),
                },
            },
        }
    }

    fn in_key_position(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    /// Registers an anchor when its node starts (PyYAML's composer refuses a second
    /// anchor of the same name in a document).
    fn open_anchor(&mut self, anchor: &Option<String>, mark: Mark) -> Result<(), YamlError> {
        if let Some(a) = anchor {
            if self.anchors.contains_key(a) {
                return Err(at(
                    mark,
                    "found duplicate anchor; first occurrence, second occurrence",
                ));
            }
            self.anchors
                .insert(a.clone(), Anchor::Open(Arc::new(OnceLock::new())));
        }
        Ok(())
    }

    /// Completes an anchor with its node.
    fn close_anchor(&mut self, anchor: &Option<String>, node: &YNode) {
        if let Some(a) = anchor {
            if let Some(Anchor::Open(cell)) = self.anchors.get(a) {
                if Arc::strong_count(cell) > 1 && matches!(node.value, YValue::Invalid(_)) {
                    self.poisoned = Some(YamlError {
                        message: "ferrule refuses: an alias inside a node whose construction fails"
                            .into(),
                        line: node.line,
                        col: node.col,
                    });
                }
                let _ = cell.set(node.clone());
            }
            self.anchors.insert(a.clone(), Anchor::Done(node.clone()));
        }
    }

    fn event(&mut self, ev: Event, mark: Mark) -> Result<(), YamlError> {
        let (line, col) = (mark.line + 1, mark.column + 1);
        self.next_id += 1;
        let id = self.next_id;
        let node = |value| YNode {
            value,
            line,
            col,
            raw: None,
            key_id: KeyId::Node(id),
            unflattened_key: None,
            anchored: false,
        };
        match ev {
            Event::Scalar {
                anchor,
                tag,
                value,
                style,
                plain_implicit,
            } => {
                let tag = match tag.as_deref() {
                    // PyYAML resolves an untagged or `!`-tagged scalar from its text when
                    // libyaml says it is plain-implicit; otherwise it is a string.
                    None | Some("!") if plain_implicit => None,
                    None | Some("!") => Some(format!("{TAG}str")),
                    Some(t) => Some(t.to_string()),
                };
                let _ = style == ScalarStyle::Plain;
                self.open_anchor(&anchor, mark)?;
                let scalar = match tag {
                    None => resolve_plain(&value).map_err(|m| at(mark, m))?,
                    // A failing constructor fails where the node is constructed.
                    Some(t) => Scalar::Value(
                        construct_tagged(&t, &value)
                            .unwrap_or_else(|msg| YValue::Invalid(Arc::new(at(mark, msg)))),
                    ),
                };
                let cached = {
                    let mut cs = value.chars();
                    match (cs.next(), cs.next()) {
                        (None, _) => true,
                        (Some(c), None) => (c as u32) < 0x100,
                        _ => false,
                    }
                };
                let node = |v| {
                    let mut n = node(v);
                    if cached {
                        n.key_id = KeyId::Cached(value.clone());
                    }
                    n
                };
                match scalar {
                    Scalar::Value(v) => {
                        let n = node(v);
                        self.close_anchor(&anchor, &n);
                        self.push(Key::Node(n), mark)
                    }
                    // Outside a key, `<<` and `=` have no constructor: an error only if
                    // the node is constructed.
                    Scalar::Merge if !self.in_key_position() => {
                        let n = node(YValue::Invalid(Arc::new(no_constructor(mark, "merge"))));
                        self.close_anchor(&anchor, &n);
                        self.push(Key::Node(n), mark)
                    }
                    Scalar::ValueKey if !self.in_key_position() => {
                        let n = node(YValue::Invalid(Arc::new(no_constructor(mark, "value"))));
                        self.close_anchor(&anchor, &n);
                        self.push(Key::Node(n), mark)
                    }
                    Scalar::Merge => self.push(Key::Merge(mark), mark),
                    Scalar::ValueKey => {
                        let n = node(YValue::Str(Arc::from("=")));
                        self.close_anchor(&anchor, &n);
                        if let Some(Frame::Map { value_key, .. }) = self.stack.last_mut() {
                            *value_key = true;
                        }
                        self.push(Key::Node(n), mark)
                    }
                }
            }
            Event::SequenceStart { anchor, tag, flow } => {
                self.enter(flow, mark)?;
                self.open_anchor(&anchor, mark)?;
                self.stack.push(Frame::Seq {
                    start: node(YValue::Null),
                    items: Vec::new(),
                    anchor,
                    tag,
                    flow,
                });
                Ok(())
            }
            Event::MappingStart { anchor, tag, flow } => {
                self.enter(flow, mark)?;
                self.open_anchor(&anchor, mark)?;
                let mut start = node(YValue::Null);
                // The parser marks a block mapping where its first key starts; a document's
                // root mapping is reported at the start of its line instead.
                if self.stack.is_empty() {
                    start.col = 1;
                }
                self.stack.push(Frame::Map {
                    start,
                    entries: Vec::new(),
                    value_key: false,
                    key: None,
                    anchor,
                    tag,
                    flow,
                });
                Ok(())
            }
            Event::SequenceEnd => {
                let Some(Frame::Seq {
                    mut start,
                    items,
                    anchor,
                    tag,
                    flow,
                }) = self.stack.pop()
                else {
                    return Ok(());
                };
                self.leave(flow);
                let m = Mark {
                    line: start.line - 1,
                    column: start.col - 1,
                };
                let first_invalid = |items: &[YNode]| {
                    items.iter().find_map(|i| match &i.value {
                        YValue::Invalid(e) => Some(YValue::Invalid(e.clone())),
                        _ => None,
                    })
                };
                let plain = match tag.as_deref() {
                    None | Some("!") => true,
                    Some(t) => t == format!("{TAG}seq"),
                };
                start.value = if plain {
                    first_invalid(&items).unwrap_or_else(|| YValue::Seq(Arc::new(items.clone())))
                } else {
                    let t = tag.as_deref().unwrap_or_default();
                    if t == format!("{TAG}omap") || t == format!("{TAG}pairs") {
                        let special = items.iter().find_map(|i| i.unflattened_key);
                        let ok = items.iter().all(
                            |i| matches!(i.raw.as_deref(), Some(RawNode::Map(p)) if p.len() == 1),
                        );
                        let shared = items
                            .iter()
                            .any(|i| i.unflattened_key.is_some() && i.anchored);
                        if shared {
                            // PyYAML reads `!!omap` items after the whole document, and by
                            // then another use of the shared item may have flattened its
                            // `<<`/`=` keys in place: the outcome depends on that order.
                            self.poisoned.get_or_insert(YamlError {
                                message: "ferrule refuses: an `!!omap`/`!!pairs` item with a \
                                          merge or `=` key that an anchor shares"
                                    .into(),
                                line: start.line,
                                col: start.col,
                            });
                            YValue::Invalid(Arc::new(no_constructor(m, "value")))
                        } else if let Some(kind) = special {
                            YValue::Invalid(Arc::new(no_constructor(m, kind)))
                        } else if !ok {
                            YValue::Invalid(Arc::new(at(
                                m,
                                "while constructing an ordered map: expected a mapping of length 1",
                            )))
                        } else if let Some(bad) =
                            items.iter().find_map(|i| match i.raw.as_deref() {
                                Some(RawNode::Map(p)) => {
                                    first_invalid(&[p[0].0.clone(), p[0].1.clone()])
                                }
                                _ => None,
                            })
                        {
                            bad
                        } else if items.is_empty() {
                            YValue::Seq(Arc::new(Vec::new()))
                        } else {
                            YValue::Other("list")
                        }
                    } else {
                        YValue::Invalid(Arc::new(wrong_node(m, t, "sequence")))
                    }
                };
                start.raw = Some(Arc::new(RawNode::Seq(items)));
                self.close_anchor(&anchor, &start);
                self.push(Key::Node(start), m)
            }
            Event::MappingEnd => {
                let Some(Frame::Map {
                    mut start,
                    entries,
                    anchor,
                    tag,
                    flow,
                    value_key,
                    ..
                }) = self.stack.pop()
                else {
                    return Ok(());
                };
                start.unflattened_key = if entries.iter().any(|(k, _)| matches!(k, Key::Merge(_))) {
                    Some("merge")
                } else if value_key {
                    Some("value")
                } else {
                    None
                };
                start.anchored = anchor.is_some();
                self.leave(flow);
                let m = Mark {
                    line: start.line - 1,
                    column: start.col - 1,
                };
                // SafeConstructor reads a mapping with a `=` key as that key's scalar when
                // a scalar tag is applied to it; that is not modelled. Any other
                // scalar-tagged mapping fails where it is constructed (its merges are
                // never flattened then).
                let scalar_tag = tag.as_deref().is_some_and(|t| {
                    matches!(
                        t.strip_prefix(TAG),
                        Some("str" | "int" | "float" | "bool" | "null" | "binary" | "timestamp")
                    )
                });
                if scalar_tag {
                    let refused = entries.iter().any(|(k, _)| {
                        matches!(k, Key::Node(YNode { value: YValue::Str(s), .. }) if &**s == "=")
                    });
                    let built = construct_mapping(m, entries);
                    // A refusal inside it stays a refusal wherever the mapping is used (a
                    // merge flattens it whatever its tag).
                    let inner_refusal = match &built {
                        Err(e) if e.message.starts_with("ferrule refuses") => Some(e.clone()),
                        _ => None,
                    };
                    start.raw = built.ok().map(|(pairs, _)| Arc::new(RawNode::Map(pairs)));
                    start.value = YValue::Invalid(Arc::new(if let Some(e) = inner_refusal {
                        e
                    } else if refused {
                        at(
                            m,
                            "ferrule refuses: a mapping with a `=` key read as a scalar",
                        )
                    } else {
                        wrong_node(m, tag.as_deref().unwrap_or(""), "mapping")
                    }));
                    self.close_anchor(&anchor, &start);
                    return self.push(Key::Node(start), m);
                }
                // `!!omap` and `!!pairs` read each item's single pair without building the
                // item as a dict, so an unhashable key is fine there: keep that pair.
                let single = match entries.as_slice() {
                    [(Key::Node(k), v)] => Some((k.clone(), v.clone())),
                    _ => None,
                };
                match construct_mapping(m, entries) {
                    Err(e) => {
                        if e.message.ends_with("found unhashable key") {
                            start.raw = single.map(|p| Arc::new(RawNode::Map(vec![p])));
                        }
                        start.value = YValue::Invalid(Arc::new(e))
                    }
                    Ok((pairs, entries)) => {
                        let bad = pairs.iter().find_map(|(k, v)| {
                            [k, v].into_iter().find_map(|n| match &n.value {
                                YValue::Invalid(e) => Some(e.clone()),
                                _ => None,
                            })
                        });
                        start.raw = Some(Arc::new(RawNode::Map(pairs)));
                        start.value = match (bad, tag.as_deref()) {
                            (Some(e), _) => YValue::Invalid(e),
                            (None, None | Some("!")) => YValue::Map(Arc::new(entries)),
                            (None, Some(t)) if t == format!("{TAG}map") => {
                                YValue::Map(Arc::new(entries))
                            }
                            (None, Some(t)) if t == format!("{TAG}set") => YValue::Other("set"),
                            (None, Some(t)) => {
                                YValue::Invalid(Arc::new(wrong_node(m, t, "mapping")))
                            }
                        };
                    }
                }
                self.close_anchor(&anchor, &start);
                self.push(Key::Node(start), m)
            }
            Event::Alias { anchor } => match self.anchors.get(&anchor) {
                Some(Anchor::Done(n)) => {
                    let n = n.clone();
                    self.push(Key::Node(n), mark)
                }
                Some(Anchor::Open(cell)) => {
                    let n = node(YValue::Recursive(RecRef(cell.clone())));
                    self.push(Key::Node(n), mark)
                }
                None => Err(at(mark, format!("found undefined alias {anchor:?}"))),
            },
            Event::StreamStart | Event::DocumentStart | Event::DocumentEnd | Event::StreamEnd => {
                Ok(())
            }
        }
    }

    /// libyaml's nesting limit (see `MAX_NESTING`), counted as its scanner counts it:
    /// block levels and flow levels together.
    fn enter(&mut self, flow: bool, mark: Mark) -> Result<(), YamlError> {
        if flow {
            self.flow_depth += 1;
            if self.block_depth + self.flow_depth > MAX_NESTING {
                return Err(at(
                    mark,
                    "while increasing flow level: exceeded maximum nesting depth",
                ));
            }
        } else {
            if self.block_depth + self.flow_depth + 1 >= MAX_NESTING {
                return Err(at(
                    mark,
                    "while increasing block level: exceeded maximum nesting depth",
                ));
            }
            self.block_depth += 1;
        }
        Ok(())
    }

    fn leave(&mut self, flow: bool) {
        if flow {
            self.flow_depth = self.flow_depth.saturating_sub(1);
        } else {
            self.block_depth = self.block_depth.saturating_sub(1);
        }
    }
}

fn no_constructor(mark: Mark, tag: &str) -> YamlError {
    at(
        mark,
        format!("could not determine a constructor for the tag 'tag:yaml.org,2002:{tag}'"),
    )
}

fn wrong_node(mark: Mark, tag: &str, found: &str) -> YamlError {
    let expected = match tag.strip_prefix(TAG) {
        Some("seq" | "omap" | "pairs") => "a sequence",
        Some("map" | "set") => "a mapping",
        Some(
            "str" | "int" | "float" | "bool" | "null" | "binary" | "timestamp" | "merge" | "value",
        ) => "a scalar",
        _ => {
            return at(
                mark,
                format!("could not determine a constructor for the tag {tag:?}"),
            )
        }
    };
    at(mark, format!("expected {expected} node, but found {found}"))
}

/// The refusal of a node ferrule could not build (see `YValue::Invalid`), if it is one.
fn refusal(n: &YNode) -> Option<YamlError> {
    match (&n.value, n.raw.as_deref()) {
        (YValue::Invalid(e), None) if e.message.starts_with("ferrule refuses") => {
            Some((**e).clone())
        }
        _ => None,
    }
}

/// PyYAML's `flatten_mapping` (merge keys) and dict construction: keys must be hashable,
/// equal keys keep the first key's place and the last value.
/// Returns the node's pairs after merging (what a later merge of this node takes) and the
/// dict built from them.
#[allow(clippy::type_complexity)]
fn construct_mapping(
    mark: Mark,
    entries: Vec<(Key, YNode)>,
) -> Result<(Vec<(YNode, YNode)>, Vec<(YNode, YNode)>), YamlError> {
    let mut merged: Vec<(YNode, YNode)> = Vec::new();
    let mut merge_ids: Vec<KeyId> = Vec::new();
    let mut own: Vec<(YNode, YNode)> = Vec::new();
    for (k, v) in entries {
        match k {
            Key::Merge(_) => {
                if matches!(v.value, YValue::Recursive(_)) {
                    return Err(at(
                        mark,
                        "ferrule refuses: a merge key (<<) that merges a mapping enclosing it",
                    ));
                }
                let raw = v.raw.as_deref();
                // A merged node that ferrule refused keeps its refusal: the merge must not
                // turn it into an error PyYAML would not raise.
                if let Some(e) = refusal(&v) {
                    return Err(e);
                }
                let map_entries = match (&v.value, raw) {
                    (_, Some(RawNode::Map(e))) => Some(e.as_slice()),
                    (YValue::Map(e), _) => Some(e.as_slice()),
                    _ => None,
                };
                let seq_items = match (&v.value, raw) {
                    (YValue::Seq(i), _) => Some(i.as_slice()),
                    (_, Some(RawNode::Seq(i))) => Some(i.as_slice()),
                    _ => None,
                };
                let mut take = |e: &[(YNode, YNode)]| {
                    for (k, x) in e {
                        if !merge_ids.contains(&k.key_id) {
                            merge_ids.push(k.key_id.clone());
                            merged.push((k.clone(), x.clone()));
                        }
                    }
                };
                if let Some(e) = map_entries {
                    take(e);
                } else if let Some(items) = seq_items {
                    for i in items {
                        if matches!(i.value, YValue::Recursive(_)) {
                            return Err(at(
                                mark,
                                "ferrule refuses: a merge key (<<) that merges a mapping enclosing it",
                            ));
                        }
                        if let Some(e) = refusal(i) {
                            return Err(e);
                        }
                        match (&i.value, i.raw.as_deref()) {
                            (_, Some(RawNode::Map(e))) => take(e),
                            (YValue::Map(e), _) => take(e),
                            _ => {
                                return Err(at(
                                    mark,
                                    "while constructing a mapping: expected a mapping for merging",
                                ))
                            }
                        }
                    }
                } else {
                    return Err(at(
                        mark,
                        "while constructing a mapping: expected a mapping or list of mappings for merging",
                    ));
                }
            }
            Key::Node(k) => own.push((k, v)),
        }
    }
    let pairs: Vec<(YNode, YNode)> = merged.into_iter().chain(own).collect();
    let mut out: Vec<(YNode, YNode)> = Vec::new();
    let mut index: HashMap<KeyNorm, usize> = HashMap::new();
    for (k, v) in &pairs {
        if matches!(
            k.value,
            YValue::Seq(_) | YValue::Map(_) | YValue::Recursive(_) | YValue::Other("set" | "list")
        ) {
            return Err(YamlError {
                message: "while constructing a mapping: found unhashable key".into(),
                line: k.line,
                col: k.col,
            });
        }
        if let YValue::Invalid(e) = &k.value {
            return Err(YamlError {
                message: e.message.clone(),
                line: e.line,
                col: e.col,
            });
        }
        let norm = key_norm(&k.value, out.len());
        match index.get(&norm) {
            Some(&i) => out[i].1 = v.clone(),
            None => {
                index.insert(norm, out.len());
                out.push((k.clone(), v.clone()));
            }
        }
    }
    Ok((pairs, out))
}

/// A hashable key as Python compares it: `1`, `1.0` and `True` are one key; a NaN is
/// only ever equal to itself (here: never, each is a new float).
#[derive(Hash, PartialEq, Eq)]
enum KeyNorm {
    Null,
    Num(i128),
    Float(u64),
    Big(Arc<str>),
    Str(Arc<str>),
    Unique(usize),
}

fn key_norm(v: &YValue, position: usize) -> KeyNorm {
    match v {
        YValue::Null => KeyNorm::Null,
        YValue::Bool(b) => KeyNorm::Num(*b as i128),
        YValue::Int(i) => KeyNorm::Num(*i),
        YValue::Float(f) if f.is_nan() => KeyNorm::Unique(position),
        YValue::Float(f) if f.fract() == 0.0 && f.abs() < 1e38 => KeyNorm::Num(*f as i128),
        YValue::Float(f) => KeyNorm::Float((*f + 0.0).to_bits()),
        YValue::BigInt(s) => KeyNorm::Big(s.clone()),
        YValue::Str(s) => KeyNorm::Str(s.clone()),
        _ => KeyNorm::Unique(position),
    }
}

/// Whether CPython's `base64.decodebytes` (binascii's non-strict `a2b_base64`) accepts
/// `text`: characters outside the alphabet are skipped, and the data must end on a whole
/// group of four, or be closed by enough `=` padding.
fn base64_decodes(text: &str) -> bool {
    let mut quad = 0usize;
    let mut pads = 0usize;
    for c in text.bytes() {
        if c == b'=' {
            pads += 1;
            if quad >= 2 && quad + pads >= 4 {
                return true;
            }
            continue;
        }
        if !(c.is_ascii_alphanumeric() || c == b'+' || c == b'/') {
            continue;
        }
        pads = 0;
        quad = (quad + 1) % 4;
    }
    quad == 0
}

/// A scalar with an explicit tag, constructed as `SafeConstructor` with PAT's overrides.
fn construct_tagged(tag: &str, text: &str) -> Result<YValue, String> {
    match tag.strip_prefix(TAG) {
        Some("str") => Ok(YValue::Str(Arc::from(text))),
        Some("null") => Ok(YValue::Null),
        Some("bool") => Ok(match text {
            "true" | "True" | "TRUE" => YValue::Bool(true),
            "false" | "False" | "FALSE" => YValue::Bool(false),
            _ => YValue::Str(Arc::from(text)),
        }),
        Some("int") => construct_int(text),
        Some("float") => construct_float(text)
            .map(YValue::Float)
            .ok_or_else(|| format!("could not convert string to float: {text:?}")),
        Some("timestamp") => Ok(YValue::Str(Arc::from(text))),
        Some("binary") => {
            if !text.is_ascii() {
                return Err("failed to convert base64 data into ascii".into());
            }
            base64_decodes(text)
                .then_some(YValue::Other("bytes"))
                .ok_or_else(|| "failed to decode base64 data".into())
        }
        Some("merge") => Err(format!(
            "could not determine a constructor for the tag {tag:?}"
        )),
        Some("value") => Err(format!(
            "could not determine a constructor for the tag {tag:?}"
        )),
        Some("seq" | "map" | "set" | "omap" | "pairs") => Err(format!(
            "expected a {} node, but found scalar",
            if matches!(tag.strip_prefix(TAG), Some("map" | "set")) {
                "mapping"
            } else {
                "sequence"
            }
        )),
        _ => Err(format!(
            "could not determine a constructor for the tag {tag:?}"
        )),
    }
}

/// Resolves a plain scalar as PyYAML's YAML 1.1 resolver does, then constructs it with
/// PAT's overrides.
fn resolve_plain(text: &str) -> Result<Scalar, String> {
    // PyYAML's resolver regexes end in `$`, which also matches before a final newline (a
    // `!`-tagged block scalar keeps one); constructors then see the whole text.
    let m = text.strip_suffix('\n').unwrap_or(text);
    match m {
        "" if text.is_empty() => return Ok(Scalar::Value(YValue::Null)),
        "~" | "null" | "Null" | "NULL" => return Ok(Scalar::Value(YValue::Null)),
        // PyYAML resolves these to `tag:yaml.org,2002:yaml`, which has no constructor; only a
        // `!`-tagged quoted scalar reaches here with them (`! '&'`).
        "!" | "&" | "*" => {
            return Err(
                "could not determine a constructor for the tag 'tag:yaml.org,2002:yaml'".into(),
            )
        }
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" | "yes" | "Yes" | "YES" | "no"
        | "No" | "NO" | "on" | "On" | "ON" | "off" | "Off" | "OFF" => {
            // PAT's bool constructor: only these six spellings, exactly, are booleans.
            return Ok(Scalar::Value(match text {
                "true" | "True" | "TRUE" => YValue::Bool(true),
                "false" | "False" | "FALSE" => YValue::Bool(false),
                _ => YValue::Str(Arc::from(text)),
            }));
        }
        "<<" => return Ok(Scalar::Merge),
        "=" => return Ok(Scalar::ValueKey),
        _ => {}
    }
    // PyYAML tries the float resolver before the int resolver.
    if is_yaml11_float(m) {
        return construct_float(text)
            .map(|f| Scalar::Value(YValue::Float(f)))
            .ok_or_else(|| format!("could not convert string to float: {text:?}"));
    }
    if is_yaml11_int(m) {
        return construct_int(text).map(Scalar::Value);
    }
    Ok(Scalar::Value(YValue::Str(Arc::from(text))))
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

/// CPython refuses to convert decimal strings longer than this to `int`
/// (`sys.get_int_max_str_digits()`); PAT's loader then fails with a `ValueError`.
const INT_MAX_STR_DIGITS: usize = 4300;

/// PAT's `_construct_yaml_int`: sexagesimal stays a string, otherwise decimal (also with a
/// leading zero), hex or binary, of any size.
fn construct_int(text: &str) -> Result<YValue, String> {
    if text.contains(':') {
        return Ok(YValue::Str(Arc::from(text)));
    }
    let v = text.replace('_', "");
    let (neg, v) = match v.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, v.strip_prefix('+').unwrap_or(&v)),
    };
    let invalid = |base: u32| format!("invalid literal for int() with base {base}: {v:?}");
    let (digits, base) = if let Some(h) = v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        (h, 16)
    } else if let Some(b) = v.strip_prefix("0b").or_else(|| v.strip_prefix("0B")) {
        (b, 2)
    } else {
        (v, 10)
    };
    // Python's int() also takes surrounding whitespace and one more sign.
    let digits = digits.trim_matches(|c: char| c.is_ascii_whitespace());
    let (neg2, digits) = match digits.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, digits.strip_prefix('+').unwrap_or(digits)),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(base)) {
        return Err(invalid(base));
    }
    if base == 10 && digits.len() > INT_MAX_STR_DIGITS {
        return Err(format!(
            "Exceeds the limit ({INT_MAX_STR_DIGITS} digits) for integer string conversion: value has {} digits; use sys.set_int_max_str_digits() to increase the limit",
            digits.len()
        ));
    }
    let neg = neg != neg2;
    if let Ok(n) = i128::from_str_radix(digits, base) {
        return Ok(YValue::Int(if neg { -n } else { n }));
    }
    let mut dec = big_to_decimal(digits, base);
    if neg && dec != "0" {
        dec.insert(0, '-');
    }
    Ok(YValue::BigInt(Arc::from(dec)))
}

/// Decimal digits of a number written in `base` (any length).
fn big_to_decimal(digits: &str, base: u32) -> String {
    // Little-endian limbs of 10^9.
    let mut limbs: Vec<u64> = vec![0];
    for c in digits.chars() {
        let mut carry = c.to_digit(base).unwrap_or(0) as u64;
        for l in limbs.iter_mut() {
            let v = *l * base as u64 + carry;
            *l = v % 1_000_000_000;
            carry = v / 1_000_000_000;
        }
        while carry > 0 {
            limbs.push(carry % 1_000_000_000);
            carry /= 1_000_000_000;
        }
    }
    let mut out = limbs.last().copied().unwrap_or(0).to_string();
    for l in limbs.iter().rev().skip(1) {
        out.push_str(&format!("{l:09}"));
    }
    out
}

/// `[-+]?([0-9][0-9_]*)\.[0-9_]*([eE][-+][0-9]+)? | \.[0-9][0-9_]*([eE][-+][0-9]+)? |
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
        // `\.[0-9][0-9_]*` has no sign and a digit first (PyYAML 6: `._1` is a string).
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '_'))
            .unwrap_or(rest.len());
        return rest.starts_with(|c: char| c.is_ascii_digit()) && exp_ok(&rest[end..]);
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
            value += py_float(part)? * base;
            base *= 60.0;
        }
        return Some(sign * value);
    }
    py_float(&v).map(|f| sign * f)
}

/// Python's `float(text)` for the texts YAML hands it: surrounding whitespace, one sign,
/// decimal digits with an optional point and exponent, `inf`/`infinity`/`nan`.
fn py_float(text: &str) -> Option<f64> {
    let t = text.trim_matches(|c: char| c.is_whitespace());
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let lower = body.to_ascii_lowercase();
    if !matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        let (mantissa, exp) = match lower.find('e') {
            Some(i) => (&lower[..i], Some(&lower[i + 1..])),
            None => (lower.as_str(), None),
        };
        let digits = mantissa.chars().filter(|c| c.is_ascii_digit()).count();
        let ok_mantissa = digits > 0
            && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
            && mantissa.matches('.').count() <= 1;
        let ok_exp = exp.is_none_or(|e| {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
        });
        if !ok_mantissa || !ok_exp {
            return None;
        }
    }
    // Rust's parser wants a digit on both sides of the point.
    let fixed = t.replace(".e", ".0e").replace(".E", ".0E");
    let fixed = if fixed.ends_with('.') {
        format!("{fixed}0")
    } else {
        fixed
    };
    let fixed = match fixed.strip_prefix('.') {
        Some(rest) => format!("0.{rest}"),
        None => fixed.replace("-.", "-0.").replace("+.", "+0."),
    };
    fixed.parse::<f64>().ok()
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
