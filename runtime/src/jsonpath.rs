//! JSONPath as panther_core evaluates data-model paths: `jsonpath_ng.ext.parse(path)`
//! (jsonpath_ng 1.5.3, the version panther_analysis_tool 1.11.1 installs), then
//! `.find(event)`.
//!
//! [`parse`] reproduces jsonpath_ng's lexer (PLY's master regex, in its rule order) and its
//! LALR grammar's precedences (`[` has none, so it applies to the whole path on its left)
//! for the constructs evaluated here: `$`, `` `this` ``/`@`,
//! fields (bare, quoted, `*`, `a,b`), `.`, `..`, `where`, `|`, `[n]`, `[a:b]`, `[*]` and
//! filters `[?expr & …]` with `==`, `=`, `!=`, `<`, `<=`, `>`, `>=`, `=~`. Anything else
//! (arithmetic, `len`, `sorted`, `split`, `sub`, `str`, sorts, `parent`, `&` between paths)
//! is an error here. `ferrule build` checks every data-model path against the installed
//! jsonpath_ng itself ([`ast_json`] and [`to_str`] against the library's own parse tree and
//! `str()`), and refuses the data model when they differ, so this parser never decides
//! alone what a path means.
//!
//! [`find`] is jsonpath_ng's `find`, `DatumInContext` included: each match keeps its path
//! step and context, so `str(match.full_path)` (what `udm_path` returns) is rebuilt with
//! `JSONPath.child`'s canonicalisation, and a datum's value is shared and mutable as in
//! Python (`Filter.find` replaces a dict datum's value by the list of its values, which a
//! later step can observe). Every operation on event values goes through the runtime's
//! operators, so errors (`len()` of an int, a dict indexed by an int, comparisons across
//! types, `int()` of a list) are CPython's.

use std::cell::RefCell;
use std::rc::Rc;

use crate::err::{PyErr, PyResult};
use crate::ops;
use crate::value::Value;

/// The jsonpath_ng version whose parsing and evaluation this module reproduces.
pub const JSONPATH_NG_VERSION: &str = "1.5.3";

/// A parsed JSONPath (the subset evaluated here).
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Root,
    This,
    /// `Fields(*fields)`; `*` selects every key.
    Fields(Vec<String>),
    Child(Box<Node>, Box<Node>),
    Descendants(Box<Node>, Box<Node>),
    Where(Box<Node>, Box<Node>),
    Union(Box<Node>, Box<Node>),
    Index(i64),
    Slice(Option<i64>, Option<i64>),
    Filter(Vec<Expression>),
}

/// A filter expression: `target [op value]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Expression {
    pub target: Node,
    pub op: Option<String>,
    pub value: Option<Literal>,
}

/// A filter's right-hand side, typed as jsonpath_ng's lexer types it.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Literal {
    fn value(&self) -> Value {
        match self {
            Literal::Str(s) => Value::str(s.as_str()),
            Literal::Int(i) => Value::Int(*i),
            Literal::Float(f) => Value::Float(*f),
            Literal::Bool(b) => Value::Bool(*b),
        }
    }
}

// ----------------------------------------------------------------------------------------
// Lexer

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Id(String),
    Number(i64),
    Float(f64),
    Bool(bool),
    NamedOperator(String),
    FilterOp(String),
    SortDirection(char),
    DoubleDot,
    Where,
    Lit(char),
}

const LITERALS: &str = "*.[]()$,:|&~?@+*/-";

fn is_digit(c: char) -> bool {
    crate::unicode::is_decimal(c)
}

/// The length (in chars) of a `-?\d+` match at the start of `s`.
fn number_len(s: &[char]) -> usize {
    let start = usize::from(s.first() == Some(&'-'));
    let n = s[start..].iter().take_while(|c| is_digit(**c)).count();
    if n == 0 {
        0
    } else {
        start + n
    }
}

/// The length of a `-?\d+\.\d+` match at the start of `s`.
fn float_len(s: &[char]) -> usize {
    let int = number_len(s);
    if int == 0 || s.get(int) != Some(&'.') {
        return 0;
    }
    let frac = s[int + 1..].iter().take_while(|c| is_digit(**c)).count();
    if frac == 0 {
        0
    } else {
        int + 1 + frac
    }
}

fn digits_value(s: &[char]) -> Option<String> {
    s.iter()
        .map(|c| {
            if *c == '-' || *c == '.' {
                Some(*c)
            } else {
                crate::unicode::decimal_value(*c).and_then(|d| char::from_digit(d, 10))
            }
        })
        .collect()
}

/// jsonpath_ng's `ExtendedJsonPathLexer` (rules tried in PLY's order: `true|false`, sort
/// direction, identifier, float, number, quotes, newline, filter operator, `..`, then the
/// literal characters).
fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let s: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < s.len() {
        let c = s[i];
        if c == ' ' || c == '\t' {
            i += 1;
            continue;
        }
        let rest = &s[i..];
        let starts = |p: &str| {
            let p: Vec<char> = p.chars().collect();
            rest.len() >= p.len() && rest[..p.len()] == p[..]
        };
        if starts("true") || starts("false") {
            let b = starts("true");
            out.push(Tok::Bool(b));
            i += if b { 4 } else { 5 };
            continue;
        }
        // `,?\s*(/|\\)`
        {
            let mut j = usize::from(rest[0] == ',');
            while j < rest.len() && crate::unicode::is_space(rest[j]) {
                j += 1;
            }
            if j < rest.len() && (rest[j] == '/' || rest[j] == '\\') {
                out.push(Tok::SortDirection(rest[j]));
                i += j + 1;
                continue;
            }
        }
        // `@?[a-zA-Z_][a-zA-Z0-9_@\-]*`
        {
            let at = usize::from(rest[0] == '@');
            if rest
                .get(at)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == '_')
            {
                let mut j = at + 1;
                while j < rest.len()
                    && (rest[j].is_ascii_alphanumeric() || matches!(rest[j], '_' | '@' | '-'))
                {
                    j += 1;
                }
                let word: String = rest[..j].iter().collect();
                out.push(if word == "where" {
                    Tok::Where
                } else {
                    Tok::Id(word)
                });
                i += j;
                continue;
            }
        }
        let fl = float_len(rest);
        if fl > 0 {
            let v = digits_value(&rest[..fl]).ok_or("float")?;
            out.push(Tok::Float(v.parse().map_err(|_| "float")?));
            i += fl;
            continue;
        }
        let nl = number_len(rest);
        if nl > 0 {
            let v = digits_value(&rest[..nl]).ok_or("number")?;
            out.push(Tok::Number(
                v.parse()
                    .map_err(|_| "an integer beyond 64 bits".to_string())?,
            ));
            i += nl;
            continue;
        }
        if c == '\'' || c == '"' || c == '`' {
            let mut value = String::new();
            let mut j = 1;
            loop {
                match rest.get(j) {
                    None => return Err("unterminated string".into()),
                    Some('\\') => match rest.get(j + 1) {
                        Some(e) if *e != '\n' => {
                            value.push(*e);
                            j += 2;
                        }
                        _ => return Err("bad escape".into()),
                    },
                    Some(q) if *q == c => {
                        j += 1;
                        break;
                    }
                    Some(ch) => {
                        value.push(*ch);
                        j += 1;
                    }
                }
            }
            out.push(if c == '`' {
                Tok::NamedOperator(value)
            } else {
                Tok::Id(value)
            });
            i += j;
            continue;
        }
        if c == '\n' {
            i += 1;
            continue;
        }
        // `=~|==?|<=|>=|!=|<|>`
        let op = ["=~", "==", "=", "<=", ">=", "!=", "<", ">"]
            .into_iter()
            .find(|p| starts(p));
        if let Some(op) = op {
            out.push(Tok::FilterOp(op.to_string()));
            i += op.len();
            continue;
        }
        if starts("..") {
            out.push(Tok::DoubleDot);
            i += 2;
            continue;
        }
        if LITERALS.contains(c) {
            out.push(Tok::Lit(c));
            i += 1;
            continue;
        }
        return Err(format!("unexpected character {c:?}"));
    }
    Ok(out)
}

// ----------------------------------------------------------------------------------------
// Parser

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

/// Binding power of the binary path operators (jsonpath_ng's precedence list: `..` < `.` <
/// `|` < `&` < `where`).
fn binary(t: &Tok) -> Option<(u8, &'static str)> {
    match t {
        Tok::DoubleDot => Some((4, "..")),
        Tok::Lit('.') => Some((5, ".")),
        Tok::Lit('|') => Some((6, "|")),
        Tok::Lit('&') => Some((7, "&")),
        Tok::Where => Some((8, "where")),
        _ => None,
    }
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn peek_at(&self, k: usize) -> Option<&Tok> {
        self.toks.get(self.pos + k)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn expect(&mut self, c: char) -> Result<(), String> {
        match self.next() {
            Some(Tok::Lit(x)) if x == c => Ok(()),
            t => Err(format!("expected {c:?}, found {t:?}")),
        }
    }

    /// `jsonpath` with binary operators of at least `min` binding power.
    fn path(&mut self, min: u8) -> Result<Node, String> {
        let mut left = self.primary()?;
        loop {
            match self.peek() {
                // `[` has no declared precedence, so PLY reduces every pending binary
                // operator before it: a bracket applies to the whole path to its left.
                Some(Tok::Lit('[')) if min == 0 => {
                    self.next();
                    let inner = self.bracket()?;
                    left = Node::Child(Box::new(left), Box::new(inner));
                }
                Some(t) if binary(t).is_some_and(|(p, _)| p >= min) => {
                    let (p, op) = binary(t).unwrap_or((0, ""));
                    // `&` between two paths is jsonpath_ng's Intersect, which raises.
                    if op == "&" {
                        return Err("`&` between paths (Intersect)".into());
                    }
                    self.next();
                    let right = self.path(p + 1)?;
                    let (l, r) = (Box::new(left), Box::new(right));
                    left = match op {
                        "." => Node::Child(l, r),
                        ".." => Node::Descendants(l, r),
                        "|" => Node::Union(l, r),
                        _ => Node::Where(l, r),
                    };
                }
                Some(Tok::Lit('+' | '-' | '*' | '/')) => {
                    return Err("arithmetic".into());
                }
                _ => return Ok(left),
            }
        }
    }

    /// `fields : ID | fields ',' fields`.
    fn fields(&mut self, first: String) -> Result<Vec<String>, String> {
        let mut out = vec![first];
        while self.peek() == Some(&Tok::Lit(',')) {
            self.next();
            match self.next() {
                Some(Tok::Id(s)) => out.push(s),
                t => return Err(format!("expected a field, found {t:?}")),
            }
        }
        Ok(out)
    }

    fn primary(&mut self) -> Result<Node, String> {
        match self.next() {
            Some(Tok::Id(s)) => {
                if matches!(self.peek(), Some(Tok::Lit('+' | '-' | '*' | '/'))) {
                    return Err("arithmetic".into());
                }
                Ok(Node::Fields(self.fields(s)?))
            }
            Some(Tok::Lit('*')) => Ok(Node::Fields(vec!["*".into()])),
            Some(Tok::Lit('$')) => Ok(Node::Root),
            Some(Tok::Lit('@')) => Ok(Node::This),
            Some(Tok::NamedOperator(op)) => match op.as_str() {
                "this" => Ok(Node::This),
                other => Err(format!("the named operator `{other}`")),
            },
            Some(Tok::Lit('[')) => self.bracket(),
            Some(Tok::Lit('(')) => {
                let inner = self.path(0)?;
                self.expect(')')?;
                Ok(inner)
            }
            t => Err(format!("unexpected {t:?}")),
        }
    }

    /// The inside of `[…]` and its closing bracket: an index, a slice, fields or a filter.
    fn bracket(&mut self) -> Result<Node, String> {
        let node = match (self.peek().cloned(), self.peek_at(1).cloned()) {
            (Some(Tok::Lit('*')), _) => {
                self.next();
                Node::Slice(None, None)
            }
            (Some(Tok::Number(n)), Some(Tok::Lit(']'))) => {
                self.next();
                Node::Index(n)
            }
            (Some(Tok::Number(n)), Some(Tok::Lit(':'))) => {
                self.next();
                self.next();
                Node::Slice(Some(n), self.maybe_int())
            }
            (Some(Tok::Lit(':')), _) => {
                self.next();
                Node::Slice(None, self.maybe_int())
            }
            (Some(Tok::Id(s)), _) => {
                self.next();
                Node::Fields(self.fields(s)?)
            }
            (Some(Tok::Lit('?')), _) => {
                self.next();
                Node::Filter(self.expressions()?)
            }
            (t, _) => return Err(format!("unexpected {t:?} in brackets")),
        };
        self.expect(']')?;
        Ok(node)
    }

    fn maybe_int(&mut self) -> Option<i64> {
        match self.peek() {
            Some(Tok::Number(n)) => {
                let n = *n;
                self.next();
                Some(n)
            }
            _ => None,
        }
    }

    /// `expressions : expression | expressions '&' expressions | '(' expressions ')'`.
    fn expressions(&mut self) -> Result<Vec<Expression>, String> {
        let mut out = self.expression_group()?;
        while self.peek() == Some(&Tok::Lit('&')) {
            self.next();
            out.extend(self.expression_group()?);
        }
        Ok(out)
    }

    fn expression_group(&mut self) -> Result<Vec<Expression>, String> {
        if self.peek() == Some(&Tok::Lit('(')) {
            self.next();
            let inner = self.expressions()?;
            self.expect(')')?;
            // `(@.a).b` would continue a path: not one of the forms evaluated here.
            if !matches!(self.peek(), Some(Tok::Lit('&' | ']' | ')')) | None) {
                return Err("a parenthesised filter followed by more path".into());
            }
            return Ok(inner);
        }
        // A target followed by `&` would be an Intersect, which `path` refuses.
        let target = self.path(0)?;
        let (op, value) = match self.peek().cloned() {
            Some(Tok::FilterOp(op)) => {
                self.next();
                let lit = match self.next() {
                    Some(Tok::Id(s)) => Literal::Str(s),
                    Some(Tok::Number(n)) => Literal::Int(n),
                    Some(Tok::Float(f)) => Literal::Float(f),
                    Some(Tok::Bool(b)) => Literal::Bool(b),
                    t => return Err(format!("unexpected {t:?} after {op}")),
                };
                (Some(op), Some(lit))
            }
            _ => (None, None),
        };
        Ok(vec![Expression { target, op, value }])
    }
}

/// Parses `text` as `jsonpath_ng.ext.parse` does, for the constructs evaluated here.
pub fn parse(text: &str) -> Result<Node, String> {
    let toks = lex(text)?;
    let mut p = Parser { toks, pos: 0 };
    let node = p.path(0)?;
    match p.peek() {
        None => Ok(node),
        Some(t) => Err(format!("unexpected {t:?}")),
    }
}

// ----------------------------------------------------------------------------------------
// Rendering

/// The parse tree as JSON, in the shape `ferrule build` gets from jsonpath_ng's own tree
/// (`["Child", left, right]`, `["Fields", "a", …]`, `["Index", 0]`, `["Slice", start,
/// end, step]`, `["Filter", ["Expression", target, op, [type, repr]], …]`).
pub fn ast_json(n: &Node) -> serde_json::Value {
    use serde_json::json;
    let pair = |tag: &str, l: &Node, r: &Node| json!([tag, ast_json(l), ast_json(r)]);
    match n {
        Node::Root => json!(["Root"]),
        Node::This => json!(["This"]),
        Node::Fields(f) => {
            let mut v = vec![json!("Fields")];
            v.extend(f.iter().map(|x| json!(x)));
            serde_json::Value::Array(v)
        }
        Node::Child(l, r) => pair("Child", l, r),
        Node::Descendants(l, r) => pair("Descendants", l, r),
        Node::Where(l, r) => pair("Where", l, r),
        Node::Union(l, r) => pair("Union", l, r),
        Node::Index(i) => json!(["Index", i]),
        Node::Slice(a, b) => json!(["Slice", a, b, null]),
        Node::Filter(es) => {
            let mut v = vec![json!("Filter")];
            for e in es {
                let lit = e.value.as_ref().map(|l| match l {
                    Literal::Str(s) => json!(["str", crate::fmt::repr(&Value::str(s.as_str()))]),
                    Literal::Int(i) => json!(["int", i.to_string()]),
                    Literal::Float(f) => json!(["float", crate::fmt::repr(&Value::Float(*f))]),
                    Literal::Bool(b) => json!(["bool", if *b { "True" } else { "False" }]),
                });
                v.push(json!(["Expression", ast_json(&e.target), e.op, lit]));
            }
            serde_json::Value::Array(v)
        }
    }
}

fn lit_repr(l: &Literal) -> String {
    crate::fmt::repr(&l.value())
}

/// `repr()` of a node, as jsonpath_ng prints it (`None` where Python would print an
/// address: `Where`, `Union`).
pub fn to_repr(n: &Node) -> Option<String> {
    Some(match n {
        Node::Root => "Root()".into(),
        Node::This => "This()".into(),
        Node::Fields(f) => format!(
            "Fields({})",
            f.iter()
                .map(|x| crate::fmt::repr(&Value::str(x.as_str())))
                .collect::<Vec<_>>()
                .join(",")
        ),
        Node::Child(l, r) => format!("Child({}, {})", to_repr(l)?, to_repr(r)?),
        Node::Descendants(l, r) => format!("Descendants({}, {})", to_repr(l)?, to_repr(r)?),
        Node::Where(..) | Node::Union(..) => return None,
        Node::Index(i) => format!("Index(index={i})"),
        Node::Slice(a, b) => format!(
            "Slice(start={},end={},step=None)",
            a.map_or("None".into(), |x| x.to_string()),
            b.map_or("None".into(), |x| x.to_string())
        ),
        Node::Filter(es) => format!("Filter({})", exprs_repr(es)?),
    })
}

fn exprs_repr(es: &[Expression]) -> Option<String> {
    let mut parts = Vec::new();
    for e in es {
        parts.push(match (&e.op, &e.value) {
            (Some(op), Some(v)) => {
                format!("Expression({} {} {})", to_repr(&e.target)?, op, lit_repr(v))
            }
            _ => format!("Expression({})", to_repr(&e.target)?),
        });
    }
    Some(format!("[{}]", parts.join(", ")))
}

/// `str()` of a node, as jsonpath_ng prints it (`None` where Python would print an
/// address: `Union`).
pub fn to_str(n: &Node) -> Option<String> {
    Some(match n {
        Node::Root => "$".into(),
        Node::This => "`this`".into(),
        Node::Fields(f) => f.join(","),
        Node::Child(l, r) => format!("{}.{}", to_str(l)?, to_str(r)?),
        Node::Descendants(l, r) => format!("{}..{}", to_str(l)?, to_str(r)?),
        Node::Where(l, r) => format!("{} where {}", to_str(l)?, to_str(r)?),
        Node::Union(..) => return None,
        Node::Index(i) => format!("[{i}]"),
        Node::Slice(None, None) => "[*]".into(),
        // `'[%s%s%s]' % (self.start or '', ':%d'%self.end if self.end else '', …)`.
        Node::Slice(a, b) => format!(
            "[{}{}]",
            a.filter(|x| *x != 0)
                .map_or(String::new(), |x| x.to_string()),
            b.filter(|x| *x != 0)
                .map_or(String::new(), |x| format!(":{x}"))
        ),
        Node::Filter(es) => format!("[?{}]", exprs_repr(es)?),
    })
}

// ----------------------------------------------------------------------------------------
// Evaluation

/// A datum's step from its context (what `DatumInContext.path` holds).
#[derive(Clone, Debug)]
enum Step {
    Root,
    This,
    Field(String),
    Index(i64),
}

/// `DatumInContext`: a value with the step that reached it and its context.
pub struct Datum {
    value: RefCell<Value>,
    step: Step,
    context: Option<Rc<Datum>>,
}

impl Datum {
    fn new(value: Value, step: Step, context: Option<Rc<Datum>>) -> Rc<Datum> {
        Rc::new(Datum {
            value: RefCell::new(value),
            step,
            context,
        })
    }

    /// The matched value.
    pub fn value(&self) -> Value {
        self.value.borrow().clone()
    }

    /// `str(datum.full_path)`: the steps from the root joined by `JSONPath.child`, which
    /// drops `$` and `` `this` `` before a step.
    pub fn full_path(&self) -> String {
        let mut steps: Vec<&Step> = Vec::new();
        let mut cur = Some(self);
        while let Some(d) = cur {
            steps.push(&d.step);
            cur = d.context.as_deref();
        }
        steps.reverse();
        // `full_path = path if context is None else context.full_path.child(path)`.
        let mut acc: Option<Vec<String>> = None;
        let mut acc_kind: Option<&Step> = None;
        for s in steps {
            let text = match s {
                Step::Root => "$".to_string(),
                Step::This => "`this`".to_string(),
                Step::Field(f) => f.clone(),
                Step::Index(i) => format!("[{i}]"),
            };
            match (&mut acc, acc_kind) {
                (None, _) => {
                    acc = Some(vec![text]);
                    acc_kind = Some(s);
                }
                // `self` is This or Root: the child replaces it.
                (Some(_), Some(Step::Root | Step::This)) => {
                    acc = Some(vec![text]);
                    acc_kind = Some(s);
                }
                // A This child leaves the path as it is; a Root child replaces it.
                (Some(_), _) if matches!(s, Step::This) => {}
                (Some(_), _) if matches!(s, Step::Root) => {
                    acc = Some(vec![text]);
                    acc_kind = Some(s);
                }
                (Some(parts), _) => {
                    parts.push(text);
                    acc_kind = Some(s);
                }
            }
        }
        acc.unwrap_or_default().join(".")
    }
}

/// What a `find` starts from: raw data (wrapped on use) or a datum.
#[derive(Clone)]
enum Input {
    Raw(Value),
    Datum(Rc<Datum>),
}

impl Input {
    /// `DatumInContext.wrap`.
    fn wrap(&self) -> Rc<Datum> {
        match self {
            Input::Raw(v) => Datum::new(v.clone(), Step::This, None),
            Input::Datum(d) => d.clone(),
        }
    }
}

fn builtin(name: &str) -> PyResult<Value> {
    crate::builtins::lookup(name).ok_or_else(|| ops::unsupported(name))
}

/// `path.find(data)`: the matches, in jsonpath_ng's order.
pub fn find(path: &Node, data: &Value) -> PyResult<Vec<Rc<Datum>>> {
    find_in(path, &Input::Raw(data.clone()))
}

fn find_in(n: &Node, input: &Input) -> PyResult<Vec<Rc<Datum>>> {
    match n {
        Node::Root => Ok(vec![match input {
            Input::Raw(v) => Datum::new(v.clone(), Step::Root, None),
            Input::Datum(d) => {
                let mut top = d.clone();
                while let Some(c) = top.context.clone() {
                    top = c;
                }
                Datum::new(top.value(), Step::Root, None)
            }
        }]),
        Node::This => Ok(vec![input.wrap()]),
        Node::Child(l, r) => {
            let mut out = Vec::new();
            for sub in find_in(l, input)? {
                out.extend(find_in(r, &Input::Datum(sub))?);
            }
            Ok(out)
        }
        Node::Where(l, r) => {
            let mut out = Vec::new();
            for sub in find_in(l, input)? {
                if !find_in(r, &Input::Datum(sub.clone()))?.is_empty() {
                    out.push(sub);
                }
            }
            Ok(out)
        }
        Node::Union(l, r) => {
            let mut out = find_in(l, input)?;
            out.extend(find_in(r, input)?);
            Ok(out)
        }
        Node::Descendants(l, r) => {
            let mut out = Vec::new();
            for m in find_in(l, input)? {
                descend(r, m, &mut out)?;
            }
            Ok(out)
        }
        Node::Fields(fields) => {
            let datum = input.wrap();
            let value = datum.value();
            let names: Vec<String> = if fields.iter().any(|f| f == "*") {
                match &value {
                    Value::Dict(d) => d
                        .borrow()
                        .keys()
                        .map(|k| match k.value() {
                            Value::Str(s) => Ok(s.to_string()),
                            // Non-string keys never occur in event JSON.
                            _ => Err(ops::unsupported("a JSONPath `*` over non-string keys")),
                        })
                        .collect::<PyResult<_>>()?,
                    _ => Vec::new(),
                }
            } else {
                fields.clone()
            };
            let mut out = Vec::new();
            for f in names {
                // `datum.value.get(field, NOT_SET)`; values without `.get` match nothing.
                if let Value::Dict(d) = &value {
                    let got = d.borrow().get(&crate::value::Key::from_str(&f)).cloned();
                    if let Some(v) = got {
                        out.push(Datum::new(v, Step::Field(f), Some(datum.clone())));
                    }
                } else if matches!(value, Value::Object(_)) {
                    return Err(ops::unsupported("a JSONPath field of a non-JSON value"));
                }
            }
            Ok(out)
        }
        Node::Index(i) => {
            let datum = input.wrap();
            let value = datum.value();
            // `if datum.value and len(datum.value) > self.index`.
            if !ops::truthy(&value)? {
                return Ok(Vec::new());
            }
            let len = ops::len(&value)? as i64;
            if len > *i {
                let item = ops::getitem(&value, &Value::Int(*i))?;
                return Ok(vec![Datum::new(item, Step::Index(*i), Some(datum))]);
            }
            Ok(Vec::new())
        }
        Node::Slice(start, end) => {
            let datum = input.wrap();
            let value = datum.value();
            if !ops::truthy(&value)? {
                return Ok(Vec::new());
            }
            // A dict, an int or a str is treated as a one-element list.
            let (value, datum) = match &value {
                Value::Dict(_) | Value::Int(_) | Value::Bool(_) | Value::Str(_) => {
                    let wrapped = Value::list(vec![value.clone()]);
                    let d = Rc::new(Datum {
                        value: RefCell::new(wrapped.clone()),
                        step: datum.step.clone(),
                        context: datum.context.clone(),
                    });
                    (wrapped, d)
                }
                _ => (value, datum),
            };
            let len = ops::len(&value)? as i64;
            let (lo, hi) = slice_bounds(len, *start, *end);
            let mut out = Vec::new();
            for i in lo..hi {
                let item = ops::getitem(&value, &Value::Int(i))?;
                out.push(Datum::new(item, Step::Index(i), Some(datum.clone())));
            }
            Ok(out)
        }
        Node::Filter(exprs) => {
            let datum = input.wrap();
            let mut value = datum.value();
            // `if isinstance(datum.value, dict): datum.value = list(datum.value.values())`.
            if let Value::Dict(d) = &value {
                let values: Vec<Value> = d.borrow().values().cloned().collect();
                value = Value::list(values);
                *datum.value.borrow_mut() = value.clone();
            }
            let Value::List(items) = &value else {
                return Ok(Vec::new());
            };
            let len = items.borrow().len();
            let mut out = Vec::new();
            for i in 0..len {
                let Some(item) = items.borrow().get(i).cloned() else {
                    break;
                };
                let mut all = true;
                for e in exprs {
                    if !expression_holds(e, &item)? {
                        all = false;
                    }
                }
                if all {
                    out.push(Datum::new(item, Step::Index(i as i64), Some(datum.clone())));
                }
            }
            Ok(out)
        }
    }
}

/// `range(0, len)[start:end]` as a half-open interval.
fn slice_bounds(len: i64, start: Option<i64>, end: Option<i64>) -> (i64, i64) {
    let norm = |x: i64| {
        if x < 0 {
            (x + len).max(0)
        } else {
            x.min(len)
        }
    };
    let lo = start.map_or(0, norm);
    let hi = end.map_or(len, norm);
    (lo, hi.max(lo))
}

/// `Descendants.find`'s `match_recursively`.
fn descend(right: &Node, datum: Rc<Datum>, out: &mut Vec<Rc<Datum>>) -> PyResult<()> {
    out.extend(find_in(right, &Input::Datum(datum.clone()))?);
    let value = datum.value();
    match &value {
        Value::List(l) => {
            let items: Vec<Value> = l.borrow().clone();
            for (i, v) in items.into_iter().enumerate() {
                descend(
                    right,
                    Datum::new(v, Step::Index(i as i64), Some(datum.clone())),
                    out,
                )?;
            }
        }
        Value::Dict(d) => {
            let items: Vec<(crate::value::Key, Value)> = d
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for (k, v) in items {
                let Value::Str(name) = k.value() else {
                    return Err(ops::unsupported("a JSONPath `..` over non-string keys"));
                };
                descend(
                    right,
                    Datum::new(v, Step::Field(name.to_string()), Some(datum.clone())),
                    out,
                )?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// `len(list(filter(lambda x: x.find(item), …)))` for one expression: whether
/// `Expression.find(item)` is non-empty.
fn expression_holds(e: &Expression, item: &Value) -> PyResult<bool> {
    let matches = find_in(&e.target, &Input::Raw(item.clone()))?;
    if matches.is_empty() {
        return Ok(false);
    }
    let (Some(op), Some(lit)) = (&e.op, &e.value) else {
        return Ok(true);
    };
    let rhs = lit.value();
    for m in matches {
        let mut value = m.value();
        // `isinstance(self.value, int)` holds for bools too: the value goes through int().
        if matches!(lit, Literal::Int(_) | Literal::Bool(_)) {
            match ops::call(&builtin("int")?, &[value], &[]) {
                Ok(v) => value = v,
                Err(err) if err.matches(crate::err::ExcKind::ValueError) => continue,
                Err(err) => return Err(err),
            }
        }
        if compare(op, &value, &rhs)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `OPERATOR_MAP[op](value, literal)`.
fn compare(op: &str, a: &Value, b: &Value) -> PyResult<bool> {
    use ops::CmpOp::*;
    let cmp = |o| ops::compare(o, a, b);
    match op {
        "==" | "=" => cmp(Eq),
        "!=" => cmp(Ne),
        "<" => cmp(Lt),
        "<=" => cmp(Le),
        ">" => cmp(Gt),
        ">=" => cmp(Ge),
        // `lambda a, b: True if re.search(b, a) else False`.
        "=~" => {
            let m = crate::stdlib::re::search(&[b.clone(), a.clone()], &[])?;
            Ok(!m.is_none())
        }
        other => Err(PyErr::key_error(Value::str(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        ast_json(&parse(s).unwrap()).to_string()
    }

    #[test]
    fn precedence_and_postfix_brackets() {
        assert_eq!(
            p("$.a.b"),
            r#"["Child",["Child",["Root"],["Fields","a"]],["Fields","b"]]"#
        );
        assert_eq!(
            p("a.b[0]"),
            r#"["Child",["Child",["Fields","a"],["Fields","b"]],["Index",0]]"#
        );
        assert_eq!(
            p("$.a[*] where b"),
            r#"["Where",["Child",["Child",["Root"],["Fields","a"]],["Slice",null,null,null]],["Fields","b"]]"#
        );
        assert_eq!(
            p("$.a | $.b"),
            r#"["Child",["Child",["Root"],["Union",["Fields","a"],["Root"]]],["Fields","b"]]"#
        );
        assert_eq!(
            p("a..b.c"),
            r#"["Descendants",["Fields","a"],["Child",["Fields","b"],["Fields","c"]]]"#
        );
        assert_eq!(p("a.b,c"), r#"["Child",["Fields","a"],["Fields","b","c"]]"#);
        // `true` is lexed before identifiers, as PLY tries its rules in order.
        assert!(parse("trueish").is_err());
        assert!(parse("$.a + 1").is_err());
        assert!(parse("$.a & $.b").is_err());
    }
}
