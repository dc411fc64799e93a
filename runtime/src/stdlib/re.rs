//! `re`: Python regular expressions on top of `fancy-regex`.
//!
//! A Python pattern is translated to an equivalent fancy-regex pattern: Python's `\w`,
//! `\s`, `\b` and `$` differ from Rust's, so they become explicit classes and lookarounds.
//! Whatever cannot be translated faithfully (conditionals, scoped `m`/`x` flags, `\N{..}`,
//! invalid patterns whose `re.error` message we would have to reproduce) raises
//! `NotImplementedError` when the pattern is compiled. Positions are in code points.
//!
//! Python's `\w` is `[\p{L}\p{N}_]` in CPython 3.11's Unicode 14 database (checked over all
//! code points); the regex crate uses a newer Unicode version, so characters assigned since
//! Unicode 14 may classify differently.

use std::any::Any;
use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use fancy_regex::Regex;

use crate::err::{PyErr, PyResult};
use crate::fmt::str_repr;
use crate::ops::unsupported;
use crate::stdlib::Args;
use crate::value::{Dict, Key, Kwargs, PyObject, TypeObject, Value};

/// `re.IGNORECASE`.
pub const I: i64 = 2;
/// `re.LOCALE`.
pub const L: i64 = 4;
/// `re.MULTILINE`.
pub const M: i64 = 8;
/// `re.DOTALL`.
pub const S: i64 = 16;
/// `re.UNICODE`.
pub const U: i64 = 32;
/// `re.VERBOSE`.
pub const X: i64 = 64;
/// `re.ASCII`.
pub const A: i64 = 256;

/// Module attributes of `re`.
pub fn attr(name: &str) -> Option<Value> {
    Some(match name {
        "compile" => Value::func("compile", compile),
        "search" => Value::func("search", search),
        "match" => Value::func("match", match_),
        "fullmatch" => Value::func("fullmatch", fullmatch),
        "findall" => Value::func("findall", findall),
        "finditer" => Value::func("finditer", finditer),
        "sub" => Value::func("sub", sub),
        "subn" => Value::func("subn", subn),
        "split" => Value::func("split", split),
        "escape" => Value::func("escape", escape),
        "I" | "IGNORECASE" => Value::Int(I),
        "M" | "MULTILINE" => Value::Int(M),
        "S" | "DOTALL" => Value::Int(S),
        "X" | "VERBOSE" => Value::Int(X),
        "A" | "ASCII" => Value::Int(A),
        "U" | "UNICODE" => Value::Int(U),
        "L" | "LOCALE" => Value::Int(L),
        "Pattern" => Value::object(TypeObject {
            name: "Pattern",
            module: "re",
            check: |v| v.downcast::<Pattern>().is_some(),
            construct: None,
            attr: None,
        }),
        "Match" => Value::object(TypeObject {
            name: "Match",
            module: "re",
            check: |v| v.downcast::<Match>().is_some(),
            construct: None,
            attr: None,
        }),
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------
// Translation of Python syntax.

/// The characters of Python's `\s` for str patterns (`str.isspace`).
const SPACE_CLASS: &str = r"\t\n\x0B\x0C\r\x1C-\x1F\x20\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}";
const ASCII_SPACE_CLASS: &str = r"\t\n\x0B\x0C\r\x20";
const WORD_CLASS: &str = r"\p{L}\p{N}_";
const ASCII_WORD_CLASS: &str = r"0-9A-Za-z_";

struct Translator<'a> {
    src: &'a [char],
    i: usize,
    flags: i64,
    out: String,
    /// Capturing groups opened so far (for validating back references).
    groups: usize,
}

fn bad(what: &str) -> PyErr {
    unsupported(&format!("regular expression {what}"))
}

fn lit(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || c == '_' {
        out.push(c);
    } else {
        out.push_str(&format!("\\x{{{:X}}}", c as u32));
    }
}

impl Translator<'_> {
    fn peek(&self) -> Option<char> {
        self.src.get(self.i).copied()
    }

    fn peek_at(&self, k: usize) -> Option<char> {
        self.src.get(self.i + k).copied()
    }

    fn ascii(&self) -> bool {
        self.flags & A != 0
    }

    fn word(&self) -> &'static str {
        if self.ascii() {
            ASCII_WORD_CLASS
        } else {
            WORD_CLASS
        }
    }

    fn space(&self) -> &'static str {
        if self.ascii() {
            ASCII_SPACE_CLASS
        } else {
            SPACE_CLASS
        }
    }

    fn digit(&self) -> &'static str {
        if self.ascii() {
            "0-9"
        } else {
            r"\p{Nd}"
        }
    }

    /// Reads Python's leading global flags `(?aiLmsux)`.
    fn leading_flags(&mut self) -> PyResult<()> {
        while self.peek() == Some('(') && self.peek_at(1) == Some('?') {
            let mut j = self.i + 2;
            let mut f = 0;
            while let Some(c) = self.src.get(j) {
                match c {
                    'a' => f |= A,
                    'i' => f |= I,
                    'L' => f |= L,
                    'm' => f |= M,
                    's' => f |= S,
                    'u' => f |= U,
                    'x' => f |= X,
                    _ => break,
                }
                j += 1;
            }
            if j == self.i + 2 || self.src.get(j) != Some(&')') {
                break;
            }
            self.flags |= f;
            self.i = j + 1;
        }
        Ok(())
    }

    fn translate(&mut self) -> PyResult<()> {
        self.leading_flags()?;
        if self.flags & L != 0 {
            return Err(bad("flag re.LOCALE"));
        }
        if self.flags & A != 0 && self.flags & I != 0 {
            // Python then folds only ASCII letters, Rust folds all of Unicode.
            return Err(bad("flags re.ASCII with re.IGNORECASE"));
        }
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                '\\' => self.escape()?,
                '[' => self.class()?,
                '(' => {
                    if self.group()? {
                        depth += 1;
                    }
                }
                ')' => {
                    if depth == 0 {
                        return Err(bad("with unbalanced parenthesis"));
                    }
                    depth -= 1;
                    self.out.push(')');
                }
                '|' | '*' | '+' | '?' => self.out.push(c),
                '.' => self.out.push('.'),
                '^' => {
                    if self.flags & M != 0 {
                        self.out.push_str("(?m:^)");
                    } else {
                        self.out.push('^');
                    }
                }
                '$' => {
                    if self.flags & M != 0 {
                        self.out.push_str("(?m:$)");
                    } else {
                        self.out.push_str(r"(?=\n?\z)");
                    }
                }
                '{' => self.brace(),
                c if self.flags & X != 0 && (c.is_whitespace() || c == '#') => {
                    if c == '#' {
                        while let Some(d) = self.peek() {
                            self.i += 1;
                            if d == '\n' {
                                break;
                            }
                        }
                    }
                }
                c => lit(&mut self.out, c),
            }
        }
        if depth != 0 {
            return Err(bad("with missing ), unterminated subpattern"));
        }
        Ok(())
    }

    /// `{m,n}` is a repeat only when well formed; otherwise `{` is a literal.
    fn brace(&mut self) {
        let start = self.i;
        let mut lo = String::new();
        let mut hi = String::new();
        let mut comma = false;
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() {
                if comma {
                    hi.push(c)
                } else {
                    lo.push(c)
                }
            } else if c == ',' && !comma {
                comma = true;
            } else {
                break;
            }
            self.i += 1;
        }
        if self.peek() == Some('}') && (!lo.is_empty() || comma) {
            self.i += 1;
            let lo = if lo.is_empty() { "0".to_string() } else { lo };
            if comma {
                self.out.push_str(&format!("{{{lo},{hi}}}"));
            } else {
                self.out.push_str(&format!("{{{lo}}}"));
            }
        } else {
            self.i = start;
            self.out.push_str(r"\{");
        }
    }

    /// Translates a group opening; returns whether the group is still open (`(?P=name)`
    /// and comments are complete groups).
    fn group(&mut self) -> PyResult<bool> {
        if self.peek() != Some('?') {
            self.groups += 1;
            self.out.push('(');
            return Ok(true);
        }
        self.i += 1;
        match self.peek() {
            Some(':') | Some('=') | Some('!') | Some('>') => {
                self.i += 1;
                self.out.push_str("(?");
                self.out.push(self.src[self.i - 1]);
            }
            Some('<') if matches!(self.peek_at(1), Some('=') | Some('!')) => {
                self.out.push_str("(?<");
                self.out.push(self.src[self.i + 1]);
                self.i += 2;
            }
            Some('P') if self.peek_at(1) == Some('<') => {
                self.i += 2;
                let name = self.name('>')?;
                self.groups += 1;
                self.out.push_str(&format!("(?P<{name}>"));
            }
            Some('P') if self.peek_at(1) == Some('=') => {
                self.i += 2;
                let name = self.name(')')?;
                self.out.push_str(&format!("(?:\\k<{name}>)"));
                return Ok(false);
            }
            Some('#') => {
                while let Some(c) = self.peek() {
                    self.i += 1;
                    if c == ')' {
                        break;
                    }
                }
                return Ok(false);
            }
            _ => {
                // Scoped flags `(?i:...)`, `(?-i:...)`: only i and s mean the same in Rust.
                let mut spec = String::new();
                while let Some(c) = self.peek() {
                    self.i += 1;
                    if c == ':' {
                        break;
                    }
                    match c {
                        'i' | 's' | '-' => spec.push(c),
                        _ => return Err(bad(&format!("construct (?{spec}{c}"))),
                    }
                }
                self.out.push_str(&format!("(?{spec}:"));
            }
        }
        Ok(true)
    }

    fn name(&mut self, end: char) -> PyResult<String> {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            self.i += 1;
            if c == end {
                let valid = name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_alphanumeric() || c == '_')
                    && name.is_ascii();
                if !valid {
                    return Err(bad("group name"));
                }
                return Ok(name);
            }
            name.push(c);
        }
        Err(bad("with unterminated name"))
    }

    /// A literal from an escape that means one character, or `None`.
    fn char_escape(&mut self, c: char) -> PyResult<Option<char>> {
        let hex = |t: &mut Self, n: usize| -> PyResult<char> {
            let digits: String = t.src.iter().skip(t.i).take(n).collect();
            if digits.chars().count() != n || !digits.chars().all(|d| d.is_ascii_hexdigit()) {
                return Err(bad("with an incomplete escape"));
            }
            t.i += n;
            u32::from_str_radix(&digits, 16)
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| bad("escape outside the Unicode range"))
        };
        Ok(Some(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'f' => '\u{c}',
            'v' => '\u{b}',
            'a' => '\u{7}',
            'x' => hex(self, 2)?,
            'u' => hex(self, 4)?,
            'U' => hex(self, 8)?,
            '0' => {
                let mut v = 0u32;
                let mut n = 0;
                while n < 2 && self.peek().is_some_and(|d| ('0'..='7').contains(&d)) {
                    v = v * 8 + self.peek().and_then(|d| d.to_digit(8)).unwrap_or(0);
                    self.i += 1;
                    n += 1;
                }
                char::from_u32(v).unwrap_or('\0')
            }
            c if c.is_ascii_alphanumeric() => return Ok(None),
            c => c,
        }))
    }

    fn escape(&mut self) -> PyResult<()> {
        let Some(c) = self.peek() else {
            return Err(bad("ending with a backslash"));
        };
        self.i += 1;
        let w = self.word();
        match c {
            'A' => self.out.push_str(r"\A"),
            'Z' => self.out.push_str(r"\z"),
            'b' => self
                .out
                .push_str(&format!("(?:(?<=[{w}])(?![{w}])|(?<![{w}])(?=[{w}]))")),
            'B' => self
                .out
                .push_str(&format!("(?:(?<=[{w}])(?=[{w}])|(?<![{w}])(?![{w}]))")),
            'd' => self.out.push_str(&format!("[{}]", self.digit())),
            'D' => self.out.push_str(&format!("[^{}]", self.digit())),
            'w' => self.out.push_str(&format!("[{w}]")),
            'W' => self.out.push_str(&format!("[^{w}]")),
            's' => self.out.push_str(&format!("[{}]", self.space())),
            'S' => self.out.push_str(&format!("[^{}]", self.space())),
            '1'..='9' => {
                let mut num = c.to_digit(10).unwrap_or(0) as usize;
                if let Some(d) = self.peek().and_then(|d| d.to_digit(10)) {
                    let third = self.peek_at(1).is_some_and(|t| ('0'..='7').contains(&t));
                    if c <= '3' && d < 8 && third {
                        return Err(bad("octal escape"));
                    }
                    num = num * 10 + d as usize;
                    self.i += 1;
                }
                if num > self.groups {
                    return Err(bad("with an invalid group reference"));
                }
                self.out.push_str(&format!("(?:\\{num})"));
            }
            c => match self.char_escape(c)? {
                Some(ch) => lit(&mut self.out, ch),
                None => return Err(bad(&format!("escape \\{c}"))),
            },
        }
        Ok(())
    }

    /// One item of a class: a character, or a class escape already written to `out`.
    fn class_atom(&mut self, out: &mut String) -> PyResult<Option<char>> {
        let Some(c) = self.peek() else {
            return Err(bad("with an unterminated character set"));
        };
        self.i += 1;
        if c != '\\' {
            return Ok(Some(c));
        }
        let Some(e) = self.peek() else {
            return Err(bad("with an unterminated character set"));
        };
        self.i += 1;
        let w = self.word();
        match e {
            'd' => out.push_str(self.digit()),
            'D' => out.push_str(&format!("[^{}]", self.digit())),
            'w' => out.push_str(w),
            'W' => out.push_str(&format!("[^{w}]")),
            's' => out.push_str(self.space()),
            'S' => out.push_str(&format!("[^{}]", self.space())),
            'b' => return Ok(Some('\u{8}')),
            '1'..='9' => return Err(bad("octal escape in a set")),
            e => {
                return match self.char_escape(e)? {
                    Some(ch) => Ok(Some(ch)),
                    None => Err(bad(&format!("escape \\{e}"))),
                }
            }
        }
        Ok(None)
    }

    fn class(&mut self) -> PyResult<()> {
        let mut out = String::from("[");
        if self.peek() == Some('^') {
            self.i += 1;
            out.push('^');
        }
        let mut first = true;
        let mut nonempty = false;
        loop {
            match self.peek() {
                None => return Err(bad("with an unterminated character set")),
                Some(']') if !first => {
                    self.i += 1;
                    break;
                }
                _ => {}
            }
            first = false;
            nonempty = true;
            let Some(lo) = self.class_atom(&mut out)? else {
                if self.peek() == Some('-') && self.peek_at(1).is_some_and(|c| c != ']') {
                    return Err(bad("with a bad character range"));
                }
                continue;
            };
            if self.peek() == Some('-') && self.peek_at(1).is_some_and(|c| c != ']') {
                self.i += 1;
                let mut scratch = String::new();
                let Some(hi) = self.class_atom(&mut scratch)? else {
                    return Err(bad("with a bad character range"));
                };
                if hi < lo {
                    return Err(bad("with a bad character range"));
                }
                lit(&mut out, lo);
                out.push('-');
                lit(&mut out, hi);
            } else {
                lit(&mut out, lo);
            }
        }
        if !nonempty {
            return Err(bad("with an empty character set"));
        }
        out.push(']');
        self.out.push_str(&out);
        Ok(())
    }
}

/// Translates Python pattern `pattern` with `flags` to fancy-regex syntax; returns the
/// translation and the effective flags (including inline global flags).
fn translate(pattern: &str, flags: i64) -> PyResult<(String, i64)> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut t = Translator {
        src: &chars,
        i: 0,
        flags,
        out: String::new(),
        groups: 0,
    };
    t.translate()?;
    let mut prefix = String::new();
    if t.flags & I != 0 {
        prefix.push('i');
    }
    if t.flags & S != 0 {
        prefix.push('s');
    }
    let body = if prefix.is_empty() {
        t.out
    } else {
        format!("(?{prefix}){}", t.out)
    };
    Ok((body, t.flags))
}

// ---------------------------------------------------------------------------------------
// Compiled patterns.

/// The byte spans of the groups of one match (`None` for a group that did not take part).
type Spans = Vec<Option<(usize, usize)>>;

/// A compiled `re.Pattern` (shared by the values and the matches that refer to it).
pub struct Pattern(Rc<Compiled>);

/// The compiled form of a pattern.
pub struct Compiled {
    pattern: Rc<str>,
    /// `Pattern.flags` (with `re.UNICODE` for str patterns, as CPython reports it).
    flags: i64,
    translated: String,
    search_re: Regex,
    anchored_re: OnceCell<Regex>,
    full_re: OnceCell<Regex>,
    /// The anchored variants for a run from the start of the text: `\A` instead of `\G`
    /// (the same there) lets fancy-regex hand the whole pattern to its fast engine.
    anchored_start_re: OnceCell<Regex>,
    full_start_re: OnceCell<Regex>,
    nonempty_re: OnceCell<Regex>,
    groups: usize,
    /// Group names and their numbers, in group order.
    names: Vec<(String, usize)>,
    /// Whether the pattern may prefer an empty match over a non-empty one at a position.
    has_choice: bool,
}

fn build(re: &str) -> PyResult<Regex> {
    fancy_regex::RegexBuilder::new(re)
        .backtrack_limit(10_000_000)
        .build()
        .map_err(|e| bad(&format!("that fancy-regex rejects ({e})")))
}

/// Compiled patterns by pattern text, then by flags.
type PatternCache = crate::value::NameMap<String, Vec<(i64, Rc<Compiled>)>>;

thread_local! {
    /// Compiled patterns by pattern text, then flags (a lookup allocates no key).
    static CACHE: RefCell<PatternCache> = RefCell::new(PatternCache::default());
}

impl Compiled {
    fn new(pattern: &str, flags: i64) -> PyResult<Rc<Compiled>> {
        let cached = CACHE.with(|c| {
            c.borrow()
                .get(pattern)
                .and_then(|v| v.iter().find(|(f, _)| *f == flags).map(|(_, p)| p.clone()))
        });
        if let Some(p) = cached {
            return Ok(p);
        }
        let (translated, eff) = translate(pattern, flags)?;
        let search_re = build(&translated)?;
        let groups = search_re.captures_len().saturating_sub(1);
        let names = search_re
            .capture_names()
            .enumerate()
            .filter_map(|(i, n)| n.map(|n| (n.to_string(), i)))
            .collect();
        let has_choice = pattern.contains('|')
            || pattern.contains("??")
            || pattern.contains("*?")
            || pattern.contains("+?")
            || pattern.contains("}?");
        let p = Rc::new(Compiled {
            pattern: pattern.into(),
            flags: if eff & A != 0 { eff } else { eff | U },
            translated,
            search_re,
            anchored_re: OnceCell::new(),
            full_re: OnceCell::new(),
            anchored_start_re: OnceCell::new(),
            full_start_re: OnceCell::new(),
            nonempty_re: OnceCell::new(),
            groups,
            names,
            has_choice,
        });
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            if c.len() > 512 {
                c.clear();
            }
            c.entry(pattern.to_string())
                .or_default()
                .push((flags, p.clone()));
        });
        Ok(p)
    }

    fn variant<'a>(&self, cell: &'a OnceCell<Regex>, wrap: &str) -> PyResult<&'a Regex> {
        if let Some(r) = cell.get() {
            return Ok(r);
        }
        let r = build(&wrap.replace("PAT", &self.translated))?;
        Ok(cell.get_or_init(|| r))
    }

    fn group_index(&self, g: &Value) -> PyResult<usize> {
        let idx = match g {
            Value::Int(i) => usize::try_from(*i).ok(),
            Value::Bool(b) => Some(*b as usize),
            Value::Str(s) => self.names.iter().find(|(n, _)| **n == **s).map(|(_, i)| *i),
            _ => None,
        };
        match idx {
            Some(i) if i <= self.groups => Ok(i),
            _ => Err(PyErr::index_error("no such group")),
        }
    }
}

/// A run of the regex over a text: converts byte offsets to code points.
struct Subject {
    text: Rc<str>,
    ascii: bool,
}

impl Subject {
    fn new(text: Rc<str>) -> Subject {
        let ascii = text.is_ascii();
        Subject { text, ascii }
    }
    fn to_char(&self, byte: usize) -> usize {
        if self.ascii {
            byte
        } else {
            self.text[..byte].chars().count()
        }
    }
    fn to_byte(&self, ch: usize) -> usize {
        if self.ascii {
            ch.min(self.text.len())
        } else {
            crate::stdlib::byte_index(&self.text, ch)
        }
    }
    fn next_byte(&self, byte: usize) -> Option<usize> {
        self.text[byte..]
            .chars()
            .next()
            .map(|c| byte + c.len_utf8())
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Search,
    Match,
    Full,
}

/// Runs `p` on `subj` from byte `pos` in `mode`; returns byte spans of the groups.
fn run(p: &Compiled, subj: &Subject, pos: usize, mode: Mode) -> PyResult<Option<Spans>> {
    check_case_folding(p, subj)?;
    let re = match mode {
        Mode::Search => &p.search_re,
        Mode::Match if pos == 0 => p.variant(&p.anchored_start_re, r"\A(?:PAT)")?,
        Mode::Full if pos == 0 => p.variant(&p.full_start_re, r"\A(?:PAT)\z")?,
        Mode::Match => p.variant(&p.anchored_re, r"\G(?:PAT)")?,
        Mode::Full => p.variant(&p.full_re, r"\G(?:PAT)\z")?,
    };
    caps(re, subj, pos)
}

/// Whether `re.match(pattern, string)` matches, without building the match object (what
/// `fnmatch` needs): the same checks and errors as `re.match`, then the same regex.
pub(crate) fn matches_at_start(pattern: &str, string: &Value) -> PyResult<bool> {
    let p = Compiled::new(pattern, 0)?;
    let subj = Subject::new(subject(string)?);
    check_case_folding(&p, &subj)?;
    p.variant(&p.anchored_start_re, r"\A(?:PAT)")?
        .is_match(&subj.text)
        .map_err(|e| unsupported(&format!("regular expression matching that fails ({e})")))
}

fn caps(re: &Regex, subj: &Subject, pos: usize) -> PyResult<Option<Spans>> {
    let c = re
        .captures_from_pos(&subj.text, pos)
        .map_err(|e| unsupported(&format!("regular expression matching that fails ({e})")))?;
    Ok(c.map(|c| c.iter().map(|m| m.map(|m| (m.start(), m.end()))).collect()))
}

/// All successive matches as CPython 3.7+ finds them (an empty match is allowed right
/// after a non-empty one; after an empty match the next one must not be empty there).
/// Characters whose case-insensitive matching differs between sre (lower-casing plus its
/// equivalence table: `İ` matches `i`, `ı` matches `i`…) and Rust's simple case folding.
const SRE_CASE_SPECIAL: &[char] = &[
    '\u{130}', '\u{131}', '\u{390}', '\u{1fd3}', '\u{3b0}', '\u{1fe3}', '\u{fb05}', '\u{fb06}',
];

/// Refuses a case-insensitive match whose subject holds one of [`SRE_CASE_SPECIAL`].
/// Refuses case-insensitive matches the engine cannot reproduce: backreferences (sre compares
/// them case-insensitively, `(\w)\1` matches `aA`) and the characters of [`SRE_CASE_SPECIAL`].
fn check_case_folding(p: &Compiled, subj: &Subject) -> PyResult<()> {
    if !(p.flags & I != 0 || p.translated.contains("(?i")) {
        return Ok(());
    }
    // The engine's backreferences compare exactly; sre's compare case-insensitively.
    let t = &p.translated;
    let backref = t.contains("(?:\\k<")
        || t.match_indices("(?:\\")
            .any(|(i, _)| t[i + 4..].starts_with(|c: char| c.is_ascii_digit()));
    if backref {
        return Err(unsupported("case-insensitive backreferences"));
    }
    if !subj.ascii && subj.text.contains(SRE_CASE_SPECIAL) {
        return Err(unsupported(
            "case-insensitive matching of dotted/dotless i and similar characters",
        ));
    }
    Ok(())
}

fn all_matches(p: &Compiled, subj: &Subject, start: usize, limit: usize) -> PyResult<Vec<Spans>> {
    check_case_folding(p, subj)?;
    let mut out = Vec::new();
    let mut pos = start;
    let mut must_advance = false;
    while pos <= subj.text.len() && (limit == 0 || out.len() < limit) {
        let found = if must_advance {
            if p.has_choice {
                let ne = p.variant(&p.nonempty_re, r"\G(?:PAT)(?<!\G)")?;
                match caps(ne, subj, pos)? {
                    Some(m) => Some(m),
                    None => match subj.next_byte(pos) {
                        Some(n) => caps(&p.search_re, subj, n)?,
                        None => None,
                    },
                }
            } else {
                // Without alternatives or lazy repeats, an empty first choice at `pos`
                // means no non-empty match starts there.
                match subj.next_byte(pos) {
                    Some(n) => caps(&p.search_re, subj, n)?,
                    None => None,
                }
            }
        } else {
            caps(&p.search_re, subj, pos)?
        };
        let Some(m) = found else { break };
        let Some((s, e)) = m[0] else { break };
        must_advance = s == e;
        pos = e;
        out.push(m);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Match objects.

/// A `re.Match`.
pub struct Match {
    pattern: Rc<Compiled>,
    text: Rc<str>,
    /// Spans in code points.
    spans: Vec<Option<(usize, usize)>>,
    /// Spans in bytes, for slicing.
    byte_spans: Vec<Option<(usize, usize)>>,
    pos: usize,
    endpos: usize,
}

impl Match {
    fn new(
        p: &Rc<Compiled>,
        subj: &Subject,
        bytes: Vec<Option<(usize, usize)>>,
        pos: usize,
        endpos: usize,
    ) -> Match {
        let spans = bytes
            .iter()
            .map(|s| s.map(|(a, b)| (subj.to_char(a), subj.to_char(b))))
            .collect();
        Match {
            pattern: p.clone(),
            text: subj.text.clone(),
            spans,
            byte_spans: bytes,
            pos,
            endpos,
        }
    }

    fn group_str(&self, i: usize) -> Option<&str> {
        self.byte_spans
            .get(i)
            .copied()
            .flatten()
            .map(|(a, b)| &self.text[a..b])
    }

    fn group_value(&self, i: usize, default: &Value) -> Value {
        match self.group_str(i) {
            Some(s) => Value::str(s),
            None => default.clone(),
        }
    }

    /// `m.group(g)` for one group.
    pub fn group(&self, g: &Value) -> PyResult<Value> {
        let i = self.pattern.group_index(g)?;
        Ok(self.group_value(i, &Value::None))
    }

    fn span_of(&self, args: &[Value]) -> PyResult<(i64, i64)> {
        let i = match args.first() {
            None => 0,
            Some(g) => self.pattern.group_index(g)?,
        };
        Ok(match self.spans.get(i).copied().flatten() {
            Some((a, b)) => (a as i64, b as i64),
            None => (-1, -1),
        })
    }

    fn lastindex(&self) -> Option<usize> {
        // The group that closed last: the one with the greatest end, the outermost on ties.
        let mut best: Option<(usize, usize, usize)> = None;
        for (i, s) in self.spans.iter().enumerate().skip(1) {
            if let Some((a, b)) = s {
                match best {
                    Some((_, bs, be)) if be > *b || (be == *b && bs <= *a) => {}
                    _ => best = Some((i, *a, *b)),
                }
            }
        }
        best.map(|(i, _, _)| i)
    }
}

impl PyObject for Match {
    fn fixed_attributes(&self) -> Option<&str> {
        Some("re.Match")
    }
    fn type_name(&self) -> &str {
        "re.Match"
    }
    fn repr(&self) -> String {
        let (a, b) = self.spans[0].unwrap_or((0, 0));
        let m: String = str_repr(self.group_str(0).unwrap_or(""))
            .chars()
            .take(50)
            .collect();
        format!("<re.Match object; span=({a}, {b}), match={m}>")
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        Ok(match name {
            "string" => Value::Str(self.text.clone()),
            "re" => Value::object(Pattern(self.pattern.clone())),
            "pos" => Value::Int(self.pos as i64),
            "endpos" => Value::Int(self.endpos as i64),
            "lastindex" => self
                .lastindex()
                .map_or(Value::None, |i| Value::Int(i as i64)),
            "lastgroup" => self
                .lastindex()
                .and_then(|i| self.pattern.names.iter().find(|(_, j)| *j == i))
                .map_or(Value::None, |(n, _)| Value::str(n.as_str())),
            _ => {
                return Err(PyErr::attribute_error(format!(
                    "'re.Match' object has no attribute '{name}'"
                )))
            }
        })
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "group" | "groups" | "groupdict" | "span" | "start" | "end"
        )
    }
    fn call_method(
        &self,
        _this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        let default = || -> Value {
            args.first()
                .cloned()
                .or_else(|| {
                    kwargs
                        .iter()
                        .find(|(k, _)| *k == "default")
                        .map(|(_, v)| v.clone())
                })
                .unwrap_or_default()
        };
        match name {
            "group" => match args {
                [] => Ok(self.group_value(0, &Value::None)),
                [g] => self.group(g),
                gs => Ok(Value::tuple(
                    gs.iter().map(|g| self.group(g)).collect::<PyResult<_>>()?,
                )),
            },
            "groups" => {
                let d = default();
                Ok(Value::tuple(
                    (1..self.spans.len())
                        .map(|i| self.group_value(i, &d))
                        .collect(),
                ))
            }
            "groupdict" => {
                let d = default();
                let mut out = Dict::default();
                for (n, i) in &self.pattern.names {
                    out.insert(Key::from_str(n), self.group_value(*i, &d));
                }
                Ok(Value::dict(out))
            }
            "span" => {
                let (a, b) = self.span_of(args)?;
                Ok(Value::tuple(vec![Value::Int(a), Value::Int(b)]))
            }
            "start" => Ok(Value::Int(self.span_of(args)?.0)),
            "end" => Ok(Value::Int(self.span_of(args)?.1)),
            _ => Err(PyErr::attribute_error(format!(
                "'re.Match' object has no attribute '{name}'"
            ))),
        }
    }
    fn getitem(&self, key: &Value) -> Option<PyResult<Value>> {
        Some(self.group(key))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ---------------------------------------------------------------------------------------
// Pattern methods and module functions.

fn flag_names(flags: i64) -> String {
    let table = [
        (I, "re.IGNORECASE"),
        (L, "re.LOCALE"),
        (M, "re.MULTILINE"),
        (S, "re.DOTALL"),
        (X, "re.VERBOSE"),
        (A, "re.ASCII"),
    ];
    table
        .iter()
        .filter(|(f, _)| flags & f != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join("|")
}

impl PyObject for Pattern {
    fn fixed_attributes(&self) -> Option<&str> {
        Some("re.Pattern")
    }
    fn type_name(&self) -> &str {
        "re.Pattern"
    }
    fn repr(&self) -> String {
        let pat: String = str_repr(&self.0.pattern).chars().take(200).collect();
        let names = flag_names(self.0.flags);
        if names.is_empty() {
            format!("re.compile({pat})")
        } else {
            format!("re.compile({pat}, {names})")
        }
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        Ok(match name {
            "pattern" => Value::Str(self.0.pattern.clone()),
            "flags" => Value::Int(self.0.flags),
            "groups" => Value::Int(self.0.groups as i64),
            "groupindex" => {
                let mut d = Dict::default();
                for (n, i) in &self.0.names {
                    d.insert(Key::from_str(n), Value::Int(*i as i64));
                }
                Value::dict(d)
            }
            _ => {
                return Err(PyErr::attribute_error(format!(
                    "'re.Pattern' object has no attribute '{name}'"
                )))
            }
        })
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "search" | "match" | "fullmatch" | "findall" | "finditer" | "sub" | "subn" | "split"
        )
    }
    fn call_method(
        &self,
        this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        let _ = this;
        let p = self.0.clone();
        match name {
            "search" | "match" | "fullmatch" => {
                let fname = match name {
                    "search" => "search",
                    "match" => "match",
                    _ => "fullmatch",
                };
                let a = Args::new(fname, args, kwargs, &["string", "pos", "endpos"], 1)?;
                let mode = match name {
                    "search" => Mode::Search,
                    "match" => Mode::Match,
                    _ => Mode::Full,
                };
                do_match(&p, &a.req(0), a.get(1), a.get(2), mode)
            }
            "findall" | "finditer" => {
                let a = Args::new(
                    if name == "findall" {
                        "findall"
                    } else {
                        "finditer"
                    },
                    args,
                    kwargs,
                    &["string", "pos", "endpos"],
                    1,
                )?;
                let f = if name == "findall" {
                    do_findall
                } else {
                    do_finditer
                };
                f(&p, &a.req(0), a.get(1), a.get(2))
            }
            "sub" | "subn" => {
                let a = Args::new(
                    if name == "sub" { "sub" } else { "subn" },
                    args,
                    kwargs,
                    &["repl", "string", "count"],
                    2,
                )?;
                let count = a.int_or(2, 0)?;
                do_sub(&p, &a.req(0), &a.req(1), count, name == "subn")
            }
            "split" => {
                let a = Args::new("split", args, kwargs, &["string", "maxsplit"], 1)?;
                let maxsplit = a.int_or(1, 0)?;
                do_split(&p, &a.req(0), maxsplit)
            }
            _ => Err(PyErr::attribute_error(format!(
                "'re.Pattern' object has no attribute '{name}'"
            ))),
        }
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        Some(
            other
                .downcast::<Pattern>()
                .is_some_and(|o| o.0.pattern == self.0.pattern && o.0.flags == self.0.flags),
        )
    }
    fn hash(&self) -> Option<u64> {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.0.pattern.hash(&mut h);
        self.0.flags.hash(&mut h);
        Some(h.finish())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The compiled form inside a pattern value.
fn pattern_rc(v: &Value) -> PyResult<Rc<Compiled>> {
    match v.downcast::<Pattern>() {
        Some(p) => Ok(p.0.clone()),
        None => Err(PyErr::type_error(
            "first argument must be string or compiled pattern",
        )),
    }
}

fn subject(v: &Value) -> PyResult<Rc<str>> {
    match v {
        Value::Str(s) => Ok(s.clone()),
        Value::Bytes(_) => Err(unsupported("regular expressions on bytes")),
        Value::Object(o) if o.as_any().is::<crate::stdlib::collections::OrderedDict>() => Err(
            PyErr::type_error("expected string or bytes-like object, got 'OrderedDict'"),
        ),
        other => Err(PyErr::type_error(format!(
            "expected string or bytes-like object, got '{}'",
            other.type_name()
        ))),
    }
}

/// Applies `pos`/`endpos` as CPython does: `endpos` truncates the subject.
fn bounds(
    text: Rc<str>,
    pos: Option<&Value>,
    endpos: Option<&Value>,
) -> PyResult<(Subject, usize, usize, usize)> {
    let n = text.chars().count() as i64;
    let clamp = |v: Option<&Value>, d: i64| -> PyResult<i64> {
        Ok(match v {
            None => d,
            Some(Value::Int(i)) => (*i).clamp(0, n),
            Some(Value::Bool(b)) => (*b as i64).clamp(0, n),
            Some(o) => {
                return Err(PyErr::type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    o.type_name()
                )))
            }
        })
    };
    let pos = clamp(pos, 0)? as usize;
    let endpos = clamp(endpos, n)? as usize;
    let subj = if endpos < n as usize {
        let cut = crate::stdlib::byte_index(&text, endpos);
        Subject::new(text[..cut].into())
    } else {
        Subject::new(text)
    };
    let start = subj.to_byte(pos);
    Ok((subj, start, pos, endpos))
}

fn do_match(
    p: &Rc<Compiled>,
    string: &Value,
    pos: Option<&Value>,
    endpos: Option<&Value>,
    mode: Mode,
) -> PyResult<Value> {
    let text = subject(string)?;
    let (subj, start, pos, endpos) = bounds(text.clone(), pos, endpos)?;
    if pos > endpos {
        return Ok(Value::None);
    }
    Ok(match run(p, &subj, start, mode)? {
        Some(m) => {
            let mut mt = Match::new(p, &subj, m, pos, endpos);
            mt.text = text;
            Value::object(mt)
        }
        None => Value::None,
    })
}

fn do_findall(
    p: &Rc<Compiled>,
    string: &Value,
    pos: Option<&Value>,
    endpos: Option<&Value>,
) -> PyResult<Value> {
    let text = subject(string)?;
    let (subj, start, pos, endpos) = bounds(text, pos, endpos)?;
    if pos > endpos {
        return Ok(Value::list(vec![]));
    }
    let g = |m: &Vec<Option<(usize, usize)>>, i: usize| -> Value {
        Value::str(
            m.get(i)
                .copied()
                .flatten()
                .map_or("", |(a, b)| &subj.text[a..b]),
        )
    };
    let items = all_matches(p, &subj, start, 0)?
        .iter()
        .map(|m| match p.groups {
            0 => g(m, 0),
            1 => g(m, 1),
            n => Value::tuple((1..=n).map(|i| g(m, i)).collect()),
        })
        .collect();
    Ok(Value::list(items))
}

/// `finditer` returns a list of the matches (iterating it is what detections do).
fn do_finditer(
    p: &Rc<Compiled>,
    string: &Value,
    pos: Option<&Value>,
    endpos: Option<&Value>,
) -> PyResult<Value> {
    let text = subject(string)?;
    let (subj, start, pos, endpos) = bounds(text.clone(), pos, endpos)?;
    if pos > endpos {
        return Ok(Value::list(vec![]));
    }
    let items = all_matches(p, &subj, start, 0)?
        .into_iter()
        .map(|m| {
            let mut mt = Match::new(p, &subj, m, pos, endpos);
            mt.text = text.clone();
            Value::object(mt)
        })
        .collect();
    Ok(Value::list(items))
}

/// A piece of a parsed replacement template.
enum TemplatePart {
    Lit(String),
    Group(usize),
}

fn parse_template(p: &Compiled, repl: &str) -> PyResult<Vec<TemplatePart>> {
    let chars: Vec<char> = repl.chars().collect();
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    let bad_t = |what: &str| unsupported(&format!("replacement template with {what}"));
    let group = |lit: &mut String, parts: &mut Vec<TemplatePart>, g: usize| -> PyResult<()> {
        if g > p.groups {
            return Err(bad_t("an invalid group reference"));
        }
        if !lit.is_empty() {
            parts.push(TemplatePart::Lit(std::mem::take(lit)));
        }
        parts.push(TemplatePart::Group(g));
        Ok(())
    };
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c != '\\' {
            lit.push(c);
            continue;
        }
        let Some(&e) = chars.get(i) else {
            return Err(bad_t("a trailing backslash"));
        };
        i += 1;
        match e {
            'g' => {
                if chars.get(i) != Some(&'<') {
                    return Err(bad_t("a bad \\g"));
                }
                let end = chars[i..]
                    .iter()
                    .position(|c| *c == '>')
                    .ok_or_else(|| bad_t("a bad \\g"))?;
                let name: String = chars[i + 1..i + end].iter().collect();
                i += end + 1;
                let g = if !name.is_empty() && name.chars().all(|c| c.is_ascii_digit()) {
                    name.parse::<usize>()
                        .map_err(|_| bad_t("a bad group number"))?
                } else {
                    p.names
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, g)| *g)
                        .ok_or_else(|| PyErr::index_error(format!("unknown group name '{name}'")))?
                };
                group(&mut lit, &mut parts, g)?;
            }
            '0' => {
                let mut v = 0u32;
                let mut n = 0;
                while n < 2 && chars.get(i).is_some_and(|d| ('0'..='7').contains(d)) {
                    v = v * 8 + chars[i].to_digit(8).unwrap_or(0);
                    i += 1;
                    n += 1;
                }
                lit.push(char::from_u32(v).unwrap_or('\0'));
            }
            '1'..='9' => {
                let mut num = e.to_digit(10).unwrap_or(0) as usize;
                if let Some(d) = chars.get(i).and_then(|d| d.to_digit(10)) {
                    if e <= '7'
                        && d < 8
                        && chars.get(i + 1).is_some_and(|t| ('0'..='7').contains(t))
                    {
                        return Err(bad_t("an octal escape"));
                    }
                    num = num * 10 + d as usize;
                    i += 1;
                }
                group(&mut lit, &mut parts, num)?;
            }
            'a' => lit.push('\u{7}'),
            'b' => lit.push('\u{8}'),
            'f' => lit.push('\u{c}'),
            'n' => lit.push('\n'),
            'r' => lit.push('\r'),
            't' => lit.push('\t'),
            'v' => lit.push('\u{b}'),
            '\\' => lit.push('\\'),
            e if e.is_ascii_alphabetic() => return Err(bad_t(&format!("the bad escape \\{e}"))),
            e => {
                lit.push('\\');
                lit.push(e);
            }
        }
    }
    if !lit.is_empty() {
        parts.push(TemplatePart::Lit(lit));
    }
    Ok(parts)
}

fn do_sub(
    p: &Rc<Compiled>,
    repl: &Value,
    string: &Value,
    count: i64,
    with_count: bool,
) -> PyResult<Value> {
    let text = subject(string)?;
    let subj = Subject::new(text.clone());
    let template = match repl {
        Value::Str(r) => Some(parse_template(p, r)?),
        Value::Bytes(_) => return Err(unsupported("bytes replacement")),
        _ => None,
    };
    let limit = if count <= 0 { 0 } else { count as usize };
    let matches = if count < 0 {
        Vec::new()
    } else {
        all_matches(p, &subj, 0, limit)?
    };
    let n = matches.len();
    let mut pieces: Vec<Value> = Vec::new();
    let mut last = 0;
    for m in matches {
        let Some((s, e)) = m[0] else { continue };
        if last < s {
            pieces.push(Value::str(&text[last..s]));
        }
        let item = match &template {
            Some(parts) => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        TemplatePart::Lit(l) => out.push_str(l),
                        TemplatePart::Group(g) => {
                            if let Some((a, b)) = m.get(*g).copied().flatten() {
                                out.push_str(&text[a..b]);
                            }
                        }
                    }
                }
                Value::str(out)
            }
            None => {
                let mt =
                    Value::object(Match::new(p, &subj, m.clone(), 0, subj.to_char(text.len())));
                crate::ops::call(repl, &[mt], &[])?
            }
        };
        if !item.is_none() {
            pieces.push(item);
        }
        last = e;
    }
    if last < text.len() {
        pieces.push(Value::str(&text[last..]));
    }
    let mut out = String::new();
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Value::Str(s) => out.push_str(s),
            other => {
                return Err(PyErr::type_error(format!(
                    "sequence item {i}: expected str instance, {} found",
                    other.type_name()
                )))
            }
        }
    }
    let result = Value::str(out);
    Ok(if with_count {
        Value::tuple(vec![result, Value::Int(n as i64)])
    } else {
        result
    })
}

fn do_split(p: &Rc<Compiled>, string: &Value, maxsplit: i64) -> PyResult<Value> {
    let text = subject(string)?;
    let subj = Subject::new(text.clone());
    if maxsplit < 0 {
        return Ok(Value::list(vec![Value::Str(text)]));
    }
    let mut out = Vec::new();
    let mut last = 0;
    for m in all_matches(p, &subj, 0, maxsplit as usize)? {
        let Some((s, e)) = m[0] else { continue };
        out.push(Value::str(&text[last..s]));
        for g in m.iter().skip(1) {
            out.push(g.map_or(Value::None, |(a, b)| Value::str(&text[a..b])));
        }
        last = e;
    }
    out.push(Value::str(&text[last..]));
    Ok(Value::list(out))
}

/// The compiled pattern for a pattern argument (a str or an `re.Pattern`).
fn get_pattern(pat: &Value, flags: i64) -> PyResult<Rc<Compiled>> {
    match pat {
        Value::Str(s) => Compiled::new(s, flags),
        Value::Object(_) if pat.downcast::<Pattern>().is_some() => {
            if flags != 0 {
                return Err(PyErr::value_error(
                    "cannot process flags argument with a compiled pattern",
                ));
            }
            pattern_rc(pat)
        }
        Value::Bytes(_) => Err(unsupported("bytes patterns")),
        _ => Err(PyErr::type_error(
            "first argument must be string or compiled pattern",
        )),
    }
}

fn flags_arg(a: &Args, i: usize) -> PyResult<i64> {
    a.int_or(i, 0)
}

/// `re.compile(pattern, flags=0)`.
pub fn compile(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("compile", args, kwargs, &["pattern", "flags"], 1)?;
    let flags = flags_arg(&a, 1)?;
    let pat = a.req(0);
    if pat.downcast::<Pattern>().is_some() {
        if flags != 0 {
            return Err(PyErr::value_error(
                "cannot process flags argument with a compiled pattern",
            ));
        }
        return Ok(pat);
    }
    Ok(Value::object(Pattern(get_pattern(&pat, flags)?)))
}

fn match_fn(fname: &'static str, args: &[Value], kwargs: Kwargs, mode: Mode) -> PyResult<Value> {
    let a = Args::new(fname, args, kwargs, &["pattern", "string", "flags"], 2)?;
    let p = get_pattern(&a.req(0), flags_arg(&a, 2)?)?;
    do_match(&p, &a.req(1), None, None, mode)
}

/// `re.search(pattern, string, flags=0)`.
pub fn search(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    match_fn("search", args, kwargs, Mode::Search)
}

/// `re.match(pattern, string, flags=0)`.
pub fn match_(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    match_fn("match", args, kwargs, Mode::Match)
}

/// `re.fullmatch(pattern, string, flags=0)`.
pub fn fullmatch(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    match_fn("fullmatch", args, kwargs, Mode::Full)
}

/// `re.findall(pattern, string, flags=0)`.
pub fn findall(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("findall", args, kwargs, &["pattern", "string", "flags"], 2)?;
    let p = get_pattern(&a.req(0), flags_arg(&a, 2)?)?;
    do_findall(&p, &a.req(1), None, None)
}

/// `re.finditer(pattern, string, flags=0)` (materialised as a list of matches).
pub fn finditer(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("finditer", args, kwargs, &["pattern", "string", "flags"], 2)?;
    let p = get_pattern(&a.req(0), flags_arg(&a, 2)?)?;
    do_finditer(&p, &a.req(1), None, None)
}

/// `re.sub(pattern, repl, string, count=0, flags=0)`.
pub fn sub(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new(
        "sub",
        args,
        kwargs,
        &["pattern", "repl", "string", "count", "flags"],
        3,
    )?;
    let p = get_pattern(&a.req(0), flags_arg(&a, 4)?)?;
    do_sub(&p, &a.req(1), &a.req(2), a.int_or(3, 0)?, false)
}

/// `re.subn(pattern, repl, string, count=0, flags=0)`.
pub fn subn(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new(
        "subn",
        args,
        kwargs,
        &["pattern", "repl", "string", "count", "flags"],
        3,
    )?;
    let p = get_pattern(&a.req(0), flags_arg(&a, 4)?)?;
    do_sub(&p, &a.req(1), &a.req(2), a.int_or(3, 0)?, true)
}

/// `re.split(pattern, string, maxsplit=0, flags=0)`.
pub fn split(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new(
        "split",
        args,
        kwargs,
        &["pattern", "string", "maxsplit", "flags"],
        2,
    )?;
    let p = get_pattern(&a.req(0), flags_arg(&a, 3)?)?;
    do_split(&p, &a.req(1), a.int_or(2, 0)?)
}

/// `re.escape(pattern)`.
pub fn escape(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("escape", args, kwargs, &["pattern"], 1)?;
    let Value::Str(s) = a.req(0) else {
        return Err(unsupported("re.escape of a non-str"));
    };
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "()[]{}?*+-|^$\\.&~# \t\n\r\u{b}\u{c}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    Ok(Value::str(out))
}

/// The translation of a Python pattern, for tests and diagnostics.
pub fn translation(pattern: &str, flags: i64) -> PyResult<String> {
    translate(pattern, flags).map(|(t, _)| t)
}
