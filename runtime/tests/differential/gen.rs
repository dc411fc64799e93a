//! The case generator of the differential test: values ([`V`]), expressions over them
//! ([`E`]), their Python source and their evaluation by the runtime.

use ferrule_runtime::fmt;
use ferrule_runtime::ops::{self, CmpOp};
use ferrule_runtime::value::{BinOp, Dict, Key, Set};
use ferrule_runtime::{PyResult, Value};

// ---------------------------------------------------------------------------------------
// Random numbers (SplitMix64: reproducible across platforms and without dependencies).

pub struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability `pct`%.
    pub fn pct(&mut self, pct: u32) -> bool {
        self.below(100) < pct as usize
    }
    pub fn ps(&mut self, xs: &[&'static str]) -> &'static str {
        xs[self.below(xs.len())]
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
}

// ---------------------------------------------------------------------------------------
// Values

#[derive(Clone, Debug)]
pub enum V {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    List(Vec<V>),
    Tuple(Vec<V>),
    Dict(Vec<(V, V)>),
    Set(Vec<V>),
}

pub fn s(x: &str) -> V {
    V::Str(x.to_string())
}

pub fn py_str(x: &str) -> String {
    let mut out = String::from("'");
    for c in x.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' '..='~' => out.push(c),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('\'');
    out
}

fn py_float(f: f64) -> String {
    if f.is_nan() {
        "float('nan')".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            "float('inf')"
        } else {
            "float('-inf')"
        }
        .into()
    } else if f.is_sign_negative() {
        format!("({f:?})")
    } else {
        format!("{f:?}")
    }
}

impl V {
    pub fn py(&self) -> String {
        match self {
            V::None => "None".into(),
            V::Bool(b) => if *b { "True" } else { "False" }.into(),
            V::Int(i) if *i < 0 => format!("({i})"),
            V::Int(i) => i.to_string(),
            V::Float(f) => py_float(*f),
            V::Str(x) => py_str(x),
            V::Bytes(b) => {
                let mut out = String::from("b'");
                for &c in b {
                    match c {
                        b'\\' => out.push_str("\\\\"),
                        b'\'' => out.push_str("\\'"),
                        b' '..=b'~' => out.push(c as char),
                        _ => out.push_str(&format!("\\x{c:02x}")),
                    }
                }
                out.push('\'');
                out
            }
            V::List(xs) => format!("[{}]", join(xs.iter().map(V::py))),
            V::Tuple(xs) if xs.len() == 1 => format!("({},)", xs[0].py()),
            V::Tuple(xs) => format!("({})", join(xs.iter().map(V::py))),
            V::Dict(kv) => format!(
                "{{{}}}",
                join(kv.iter().map(|(k, v)| format!("{}: {}", k.py(), v.py())))
            ),
            V::Set(xs) if xs.is_empty() => "set()".into(),
            V::Set(xs) => format!("{{{}}}", join(xs.iter().map(V::py))),
        }
    }

    pub fn value(&self) -> Value {
        match self {
            V::None => Value::None,
            V::Bool(b) => Value::Bool(*b),
            V::Int(i) => Value::Int(*i),
            V::Float(f) => Value::Float(*f),
            V::Str(x) => Value::str(x.as_str()),
            V::Bytes(b) => Value::Bytes(b.as_slice().into()),
            V::List(xs) => Value::list(xs.iter().map(V::value).collect()),
            V::Tuple(xs) => Value::tuple(xs.iter().map(V::value).collect()),
            V::Dict(kv) => {
                let mut d = Dict::default();
                for (k, v) in kv {
                    d.insert(Key::new(k.value()).expect("hashable key"), v.value());
                }
                Value::dict(d)
            }
            V::Set(xs) => {
                let mut st = Set::new();
                for x in xs {
                    st.insert(Key::new(x.value()).expect("hashable member"));
                }
                Value::set(st)
            }
        }
    }

    fn hashable(&self) -> bool {
        match self {
            V::List(_) | V::Dict(_) | V::Set(_) => false,
            V::Tuple(xs) => xs.iter().all(V::hashable),
            _ => true,
        }
    }

    /// Whether a None occurs (CPython hashes None by address).
    fn has_none(&self) -> bool {
        match self {
            V::None => true,
            V::List(xs) | V::Tuple(xs) | V::Set(xs) => xs.iter().any(V::has_none),
            V::Dict(kv) => kv.iter().any(|(k, v)| k.has_none() || v.has_none()),
            _ => false,
        }
    }

    /// Whether a NaN occurs (NaN keys and members depend on object identity in CPython).
    fn has_nan(&self) -> bool {
        match self {
            V::Float(f) => f.is_nan(),
            V::List(xs) | V::Tuple(xs) | V::Set(xs) => xs.iter().any(V::has_nan),
            V::Dict(kv) => kv.iter().any(|(k, v)| k.has_nan() || v.has_nan()),
            _ => false,
        }
    }
}

/// `x` with big ints made small (so that sums stay within i64).
fn tame(x: &V) -> V {
    match x {
        V::Int(i) => V::Int(i % (1 << 40)),
        V::Tuple(xs) => V::Tuple(xs.iter().map(tame).collect()),
        V::List(xs) => V::List(xs.iter().map(tame).collect()),
        other => other.clone(),
    }
}

/// `x` with every dict key replaced by a string.
fn str_keys(x: &V) -> V {
    match x {
        V::List(xs) => V::List(xs.iter().map(str_keys).collect()),
        V::Tuple(xs) => V::Tuple(xs.iter().map(str_keys).collect()),
        V::Dict(kv) => V::Dict(
            kv.iter()
                .map(|(k, v)| (V::Str(k.py()), str_keys(v)))
                .collect(),
        ),
        _ => x.clone(),
    }
}

fn is_negative(x: &V) -> bool {
    match x {
        V::Int(i) => *i < 0,
        V::Float(f) => *f < 0.0,
        _ => false,
    }
}

fn join(it: impl Iterator<Item = String>) -> String {
    it.collect::<Vec<_>>().join(", ")
}

// ---------------------------------------------------------------------------------------
// Expressions

pub enum E {
    V(V),
    /// A builtin or a dotted module attribute, as a value (`len`, `str`, `re.I`).
    Name(&'static str),
    Call(Box<E>, Vec<E>, Vec<(&'static str, E)>),
    Meth(Box<E>, &'static str, Vec<E>, Vec<(&'static str, E)>),
    /// `x.meth(args)` on a fresh value, giving `(result, x)` to show the mutation.
    Mutate(V, &'static str, Vec<E>, Vec<(&'static str, E)>),
    Attr(Box<E>, &'static str),
    Bin(BinOp, Box<E>, Box<E>),
    Cmp(CmpOp, Box<E>, Box<E>),
    Not(Box<E>),
    Neg(Box<E>),
    And(Box<E>, Box<E>),
    Or(Box<E>, Box<E>),
    Index(Box<E>, Box<E>),
    Slice(Box<E>, [Option<Box<E>>; 3]),
    /// An f-string of literal text and `{expr!conv:spec}` fields.
    FStr(Vec<FPart>),
    DictDisp(Vec<(E, E)>),
    SetDisp(Vec<E>),
    Tuple(Vec<E>),
    /// `PantherEvent(dict)`.
    Event(V),
    /// `m and m.meth(args)` on the value of an expression (a match that may be None).
    AndMeth(Box<E>, &'static str, Vec<E>),
}

pub enum FPart {
    Lit(String),
    Field(E, Option<char>, String),
}

pub fn v(x: V) -> E {
    E::V(x)
}
fn bx(e: E) -> Box<E> {
    Box::new(e)
}
pub fn call(name: &'static str, args: Vec<E>) -> E {
    E::Call(bx(E::Name(name)), args, vec![])
}
pub fn call_kw(name: &'static str, args: Vec<E>, kw: Vec<(&'static str, E)>) -> E {
    E::Call(bx(E::Name(name)), args, kw)
}
pub fn meth(recv: E, name: &'static str, args: Vec<E>) -> E {
    E::Meth(bx(recv), name, args, vec![])
}

fn bin_symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::FloorDiv => "//",
        BinOp::Mod => "%",
        BinOp::Pow => "**",
        BinOp::BitAnd => "&",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::LShift => "<<",
        BinOp::RShift => ">>",
        BinOp::MatMul => "@",
    }
}

fn op_symbol(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "==",
        CmpOp::Ne => "!=",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
        CmpOp::In => "in",
        CmpOp::NotIn => "not in",
        CmpOp::Is => "is",
        CmpOp::IsNot => "is not",
    }
}

fn args_py(args: &[E], kw: &[(&'static str, E)]) -> String {
    join(
        args.iter()
            .map(E::py)
            .chain(kw.iter().map(|(k, e)| format!("{k}={}", e.py()))),
    )
}

fn fstr_text(t: &str) -> String {
    // Inside an f-string, braces double; the rest uses plain string escapes.
    let q = py_str(t);
    q[1..q.len() - 1].replace('{', "{{").replace('}', "}}")
}

impl E {
    pub fn py(&self) -> String {
        match self {
            E::V(x) => x.py(),
            E::Name(n) => n.to_string(),
            E::Call(f, args, kw) => format!("{}({})", f.py(), args_py(args, kw)),
            E::Meth(r, name, args, kw) => format!("{}.{name}({})", r.py(), args_py(args, kw)),
            E::Mutate(x, name, args, kw) => format!(
                "(lambda x: (x.{name}({}), x))({})",
                args_py(args, kw),
                x.py()
            ),
            E::Attr(r, name) => format!("{}.{name}", r.py()),
            E::Bin(op, a, b) => format!("({} {} {})", a.py(), bin_symbol(*op), b.py()),
            E::Cmp(op, a, b) => format!("({} {} {})", a.py(), op_symbol(*op), b.py()),
            E::Not(a) => format!("(not {})", a.py()),
            E::Neg(a) => format!("(-{})", a.py()),
            E::And(a, b) => format!("({} and {})", a.py(), b.py()),
            E::Or(a, b) => format!("({} or {})", a.py(), b.py()),
            E::Index(a, i) => format!("{}[{}]", a.py(), i.py()),
            E::Slice(a, parts) => {
                let p = |x: &Option<Box<E>>| x.as_ref().map(|e| e.py()).unwrap_or_default();
                match &parts[2] {
                    Some(_) => format!(
                        "{}[{}:{}:{}]",
                        a.py(),
                        p(&parts[0]),
                        p(&parts[1]),
                        p(&parts[2])
                    ),
                    None => format!("{}[{}:{}]", a.py(), p(&parts[0]), p(&parts[1])),
                }
            }
            E::FStr(parts) => {
                // Python 3.11 f-string fields cannot hold backslashes or the enclosing quote,
                // so each field's value is passed in as a lambda parameter.
                let mut out = String::from("f'");
                let mut params = Vec::new();
                let mut values = Vec::new();
                for part in parts {
                    match part {
                        FPart::Lit(t) => out.push_str(&fstr_text(t)),
                        FPart::Field(e, conv, spec) => {
                            let p = format!("x{}", params.len());
                            out.push('{');
                            out.push_str(&p);
                            params.push(p);
                            values.push(e.py());
                            if let Some(c) = conv {
                                out.push('!');
                                out.push(*c);
                            }
                            if !spec.is_empty() {
                                out.push(':');
                                out.push_str(&fstr_text(spec));
                            }
                            out.push('}');
                        }
                    }
                }
                out.push('\'');
                format!(
                    "(lambda {}: {out})({})",
                    params.join(", "),
                    values.join(", ")
                )
            }
            E::DictDisp(kv) => format!(
                "{{{}}}",
                join(kv.iter().map(|(k, v)| format!("{}: {}", k.py(), v.py())))
            ),
            E::SetDisp(xs) => format!("{{{}}}", join(xs.iter().map(E::py))),
            E::Tuple(xs) if xs.len() == 1 => format!("({},)", xs[0].py()),
            E::Tuple(xs) => format!("({})", join(xs.iter().map(E::py))),
            E::Event(x) => format!("PantherEvent({})", x.py()),
            E::AndMeth(e, name, args) => format!(
                "(lambda m: m and m.{name}({}))({})",
                args_py(args, &[]),
                e.py()
            ),
        }
    }

    pub fn eval(&self) -> PyResult<Value> {
        Ok(match self {
            E::V(x) => x.value(),
            E::Name(n) => match n.split_once('.') {
                Some(_) => ferrule_runtime::imports::resolve_value(n)?,
                None if *n == "K" => crate::classes::k(),
                None => ferrule_runtime::call::builtin(n)?,
            },
            E::Call(f, args, kw) => {
                let f = f.eval()?;
                let args = args.iter().map(E::eval).collect::<PyResult<Vec<_>>>()?;
                let kw = eval_kw(kw)?;
                ops::call(&f, &args, &kw)?
            }
            E::Meth(r, name, args, kw) => {
                let r = r.eval()?;
                let args = args.iter().map(E::eval).collect::<PyResult<Vec<_>>>()?;
                let kw = eval_kw(kw)?;
                ops::call_method(&r, name, &args, &kw)?
            }
            E::Mutate(x, name, args, kw) => {
                let args = args.iter().map(E::eval).collect::<PyResult<Vec<_>>>()?;
                let kw = eval_kw(kw)?;
                let x = x.value();
                let r = ops::call_method(&x, name, &args, &kw)?;
                Value::tuple(vec![r, x])
            }
            E::Attr(r, name) => ops::getattr(&r.eval()?, name)?,
            E::Bin(op, a, b) => ops::binop(*op, &a.eval()?, &b.eval()?)?,
            E::Cmp(op, a, b) => Value::Bool(ops::compare(*op, &a.eval()?, &b.eval()?)?),
            E::Not(a) => Value::Bool(!ops::truthy(&a.eval()?)?),
            E::Neg(a) => ops::neg(&a.eval()?)?,
            E::And(a, b) => {
                let a = a.eval()?;
                if ops::truthy(&a)? {
                    b.eval()?
                } else {
                    a
                }
            }
            E::Or(a, b) => {
                let a = a.eval()?;
                if ops::truthy(&a)? {
                    a
                } else {
                    b.eval()?
                }
            }
            E::Index(a, i) => ops::getitem(&a.eval()?, &i.eval()?)?,
            E::Slice(a, parts) => {
                let a = a.eval()?;
                let mut b = Vec::new();
                for p in parts {
                    b.push(match p {
                        Some(e) => Some(e.eval()?),
                        None => None,
                    });
                }
                ops::slice(&a, b[0].as_ref(), b[1].as_ref(), b[2].as_ref())?
            }
            E::FStr(parts) => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        FPart::Lit(t) => out.push_str(t),
                        FPart::Field(e, conv, spec) => {
                            let x = e.eval()?;
                            let x = match conv {
                                Some('r') => Value::str(fmt::repr(&x)),
                                Some('s') => Value::str(fmt::str(&x)),
                                Some('a') => Value::str(fmt::ascii(&x)),
                                _ => x,
                            };
                            out.push_str(&fmt::format(&x, spec)?);
                        }
                    }
                }
                Value::str(out)
            }
            E::DictDisp(kv) => {
                let d = ferrule_runtime::call::new_dict();
                for (k, x) in kv {
                    let k = k.eval()?;
                    let x = x.eval()?;
                    ferrule_runtime::call::dict_set(&d, k, x)?;
                }
                d
            }
            E::SetDisp(xs) => ferrule_runtime::call::make_set(
                xs.iter().map(E::eval).collect::<PyResult<Vec<_>>>()?,
            )?,
            E::Tuple(xs) => Value::tuple(xs.iter().map(E::eval).collect::<PyResult<Vec<_>>>()?),
            E::Event(x) => ferrule_runtime::event::panther_event(x.value(), None),
            E::AndMeth(e, name, args) => {
                let m = e.eval()?;
                if !ops::truthy(&m)? {
                    return Ok(m);
                }
                let args = args.iter().map(E::eval).collect::<PyResult<Vec<_>>>()?;
                ops::call_method(&m, name, &args, &[])?
            }
        })
    }
}

fn eval_kw(kw: &[(&'static str, E)]) -> PyResult<Vec<(&'static str, Value)>> {
    kw.iter().map(|(k, e)| Ok((*k, e.eval()?))).collect()
}

// ---------------------------------------------------------------------------------------
// The generator

pub struct Case {
    pub family: &'static str,
    pub expr: E,
}

pub struct Gen {
    pub r: Rng,
    events: bool,
}

/// Characters that stress case mapping, classification and escaping.
const CHARS: &[char] = &[
    'a',
    'b',
    'c',
    'x',
    'Z',
    'A',
    'B',
    '0',
    '1',
    '9',
    ' ',
    ' ',
    '_',
    '-',
    '.',
    ',',
    ':',
    '/',
    '\\',
    '\'',
    '"',
    '{',
    '}',
    '%',
    '\t',
    '\n',
    '\r',
    '\x0b',
    '\x0c',
    '\x1f',
    '\x7f',
    '\u{85}',
    '\u{a0}',
    'ß',
    'İ',
    'ı',
    'ﬁ',
    'ﬀ',
    'Σ',
    'σ',
    'ς',
    'é',
    'É',
    'ǅ',
    'ǆ',
    'Ǆ',
    'ŉ',
    'ẞ',
    'ΐ',
    '١',
    '٣',
    '²',
    '½',
    'Ⅻ',
    '\u{2028}',
    '\u{3000}',
    '\u{200b}',
    '😀',
    '\u{301}',
    '中',
    'ﬃ',
    'K',
    '\u{212a}',
    'µ',
    'ÿ',
    'Ÿ',
    '\u{10428}',
    '\u{10400}',
];

const WORDS: &[&str] = &[
    "",
    " ",
    "a",
    "abc",
    "Hello World",
    "hello world",
    "  padded  ",
    "a,b,,c",
    "x=1&y=2",
    "ADMIN",
    "admin",
    "Admin",
    "root",
    "AWS",
    "aws.amazon.com",
    "ConsoleLogin",
    "ab ab ab",
    "a\tb\nc",
    "Straße",
    "ǅungla",
    "İstanbul",
    "ﬁle",
    "123",
    "-42",
    "+7",
    "0",
    "007",
    "1_000",
    " 12 ",
    "0x1f",
    "1e5",
    "3.14",
    "-0.0",
    "inf",
    "-Infinity",
    "nan",
    "NaN",
    "١٢٣",
    "²",
    "True",
    "None",
    "null",
    "{}",
    "[]",
    "{\"a\": 1}",
    "a.b.c",
    "/usr/bin",
    "C:\\Windows",
    "user@example.com",
    "10.0.0.1",
    "::1",
    "2001:db8::1",
    "192.168.1.0/24",
    "*.exe",
    "%s",
    "{0}",
    "{}",
    "{x}",
    "%",
    "\u{0}",
    "mixed Case Words",
    "snake_case_name",
    "title case. with punct",
    "it's",
    "they're bill's friends",
    "ⅷ",
    "don't stop",
];

impl Gen {
    pub fn new(seed: u64, events: bool) -> Gen {
        Gen {
            r: Rng(seed ^ 0x5EED_F00D),
            events,
        }
    }

    pub fn int(&mut self) -> i64 {
        match self.r.below(10) {
            0..=4 => self.r.range(-10, 10),
            5 | 6 => self.r.range(-1000, 1000),
            7 => *self.r.pick(&[
                i64::MAX,
                i64::MIN,
                i64::MAX - 1,
                i64::MIN + 1,
                1 << 31,
                -(1 << 31),
                1 << 32,
                1 << 53,
                (1 << 53) + 1,
                10_000_000_000_000_000,
                12_345_678_901,
                4_294_967_295,
                3_037_000_499,
                3_037_000_500,
                1 << 62,
            ]),
            _ => self.r.range(-100_000_000, 100_000_000),
        }
    }

    pub fn float(&mut self) -> f64 {
        match self.r.below(8) {
            0..=3 => *self.r.pick(&[
                0.0,
                -0.0,
                0.5,
                -0.5,
                1.0,
                -1.0,
                1.5,
                2.5,
                3.5,
                -2.5,
                0.1,
                0.2,
                0.3,
                1.0 / 3.0,
                2.0 / 3.0,
                1e16,
                1e15,
                1e17,
                1.5e16,
                1e-5,
                1e-4,
                1e-7,
                1e22,
                1e100,
                1.7976931348623157e308,
                5e-324,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NAN,
                123.456,
                9007199254740993.0,
                9.223372036854776e18,
                -9.223372036854776e18,
                0.125,
                2.675,
                1.005,
                100.0,
                12345.6789,
                1e-10,
                4.35,
            ]),
            4 | 5 => self.r.range(-2000, 2000) as f64 / 4.0,
            6 => self.r.range(-1_000_000, 1_000_000) as f64 / 1000.0,
            _ => f64::from_bits(self.r.next()),
        }
    }

    pub fn str_(&mut self) -> String {
        if self.r.pct(50) {
            return self.r.pick(WORDS).to_string();
        }
        let n = self.r.below(7);
        (0..n).map(|_| *self.r.pick(CHARS)).collect()
    }

    pub fn atom(&mut self) -> V {
        match self.r.below(14) {
            0 => V::None,
            1 => V::Bool(self.r.pct(50)),
            2..=4 => V::Int(self.int()),
            5 | 6 => V::Float(self.float()),
            7 => V::Bytes(self.str_().into_bytes()),
            _ => V::Str(self.str_()),
        }
    }

    /// A hashable value without NaN (a valid dict key or set member).
    pub fn key(&mut self) -> V {
        loop {
            let x = if self.r.pct(85) {
                self.atom()
            } else {
                V::Tuple((0..self.r.below(3)).map(|_| self.atom()).collect())
            };
            if x.hashable() && !x.has_nan() {
                return x;
            }
        }
    }

    /// Any value, nested up to `depth`. Sets have at most one member: CPython's set
    /// iteration order (and so `repr`, `list()`…) depends on hashes.
    pub fn value(&mut self, depth: u32) -> V {
        if depth == 0 || self.r.pct(55) {
            return self.atom();
        }
        let n = self.r.below(4);
        match self.r.below(4) {
            0 => V::List((0..n).map(|_| self.value(depth - 1)).collect()),
            1 => V::Tuple((0..n).map(|_| self.value(depth - 1)).collect()),
            2 => V::Dict(
                (0..n)
                    .map(|_| (self.key(), self.value(depth - 1)))
                    .collect(),
            ),
            _ => V::Set((0..n.min(1)).map(|_| self.key()).collect()),
        }
    }

    pub fn num(&mut self) -> V {
        match self.r.below(6) {
            0 => V::Bool(self.r.pct(50)),
            1 | 2 => V::Float(self.float()),
            _ => V::Int(self.int()),
        }
    }

    pub fn case(&mut self) -> Case {
        type Family = (&'static str, u32, fn(&mut Gen) -> E);
        const FAMILIES: &[Family] = &[
            ("str_repr", 8, Gen::f_str_repr),
            ("truth", 4, Gen::f_truth),
            ("eq", 6, Gen::f_eq),
            ("order", 6, Gen::f_order),
            ("contains", 5, Gen::f_contains),
            ("arith", 12, Gen::f_arith),
            ("index", 8, Gen::f_index),
            ("hash", 3, Gen::f_hash),
            ("str_method", 16, Gen::f_str_method),
            ("container_method", 8, Gen::f_container_method),
            ("builtin", 14, Gen::f_builtin),
            ("builtin_more", 5, Gen::f_builtin_more),
            ("format", 10, Gen::f_format),
            ("event", 6, Gen::f_event),
            ("json", 5, Gen::f_json),
            ("re", 6, Gen::f_re),
            ("fnmatch", 2, Gen::f_fnmatch),
            ("ipaddress", 3, Gen::f_ipaddress),
            ("datetime", 4, Gen::f_datetime),
            ("misc_stdlib", 5, Gen::f_misc_stdlib),
            ("namedtuple", 5, Gen::f_namedtuple),
            ("decimal", 4, Gen::f_decimal),
            ("user_class", 6, Gen::f_user_class),
        ];
        let events = self.events;
        let families = FAMILIES.iter().filter(|f| events || f.0 != "event");
        let total: u32 = families.clone().map(|f| f.1).sum();
        let mut x = self.r.below(total as usize) as u32;
        for (name, w, f) in families {
            if x < *w {
                return Case {
                    family: name,
                    expr: f(self),
                };
            }
            x -= w;
        }
        unreachable!()
    }

    // -----------------------------------------------------------------------------------
    // Families

    /// A hashable value `K` can wrap whose CPython hash ferrule reproduces (no None, NaN).
    fn k_value(&mut self) -> V {
        loop {
            let x = self.key();
            if !x.has_none() {
                return x;
            }
        }
    }

    fn k_of(&mut self, x: V) -> E {
        call("K", vec![v(x)])
    }

    /// `K(x)` (see classes.rs) against plain values and other `K`s: its hooks through every
    /// protocol that consults them.
    fn f_user_class(&mut self) -> E {
        let x = self.k_value();
        let mut y = if self.r.pct(50) {
            self.twin(&x)
        } else {
            self.k_value()
        };
        // `K(x) + y` must not leave i64, and `{K(x), y}` must not hash by address.
        if y.has_none() || y.has_nan() || !y.hashable() {
            y = self.k_value();
        }
        let (x, y) = (tame(&x), tame(&y));
        let k = self.k_of(x.clone());
        match self.r.below(16) {
            0 => {
                let op = *self.r.pick(&[CmpOp::Eq, CmpOp::Ne]);
                if self.r.pct(50) {
                    E::Cmp(op, bx(k), bx(v(y)))
                } else {
                    E::Cmp(op, bx(v(y)), bx(k))
                }
            }
            1 => {
                let op = *self.r.pick(&[CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge]);
                let other = if self.r.pct(50) { self.k_of(y) } else { v(y) };
                if self.r.pct(50) {
                    E::Cmp(op, bx(k), bx(other))
                } else {
                    E::Cmp(op, bx(other), bx(k))
                }
            }
            2 => E::Index(bx(E::DictDisp(vec![(k, v(V::Int(1)))])), bx(v(y))),
            3 => E::Cmp(CmpOp::In, bx(v(y)), bx(E::SetDisp(vec![k]))),
            4 => {
                let other = self.k_of(y.clone());
                call("len", vec![E::SetDisp(vec![k, other, v(y)])])
            }
            5 => {
                let a = self.k_of(y);
                let b = self.k_value();
                let b = self.k_of(b);
                call("sorted", vec![E::Tuple(vec![k, a, b])])
            }
            6 => {
                if self.r.pct(50) {
                    E::Bin(BinOp::Add, bx(k), bx(v(y)))
                } else {
                    E::Bin(BinOp::Add, bx(v(y)), bx(k))
                }
            }
            7 => call(self.r.ps(&["len", "bool", "list", "str", "repr"]), vec![k]),
            8 => E::Cmp(CmpOp::In, bx(v(y)), bx(k)),
            9 => {
                let i = self.small_int(-2, 3);
                E::Index(bx(k), bx(i))
            }
            10 => {
                let spec = self.r.ps(&["", ">6", "<4", "^5", ".2", "x", "d", ",", "s"]);
                E::FStr(vec![FPart::Field(k, None, spec.to_string())])
            }
            11 => E::Meth(
                bx(E::Tuple(vec![v(y.clone()), k])),
                self.r.ps(&["index", "count"]),
                vec![v(x)],
                vec![],
            ),
            12 => call("str", vec![E::Tuple(vec![k, v(y)])]),
            13 => call(
                self.r.ps(&["min", "max"]),
                vec![E::Tuple(vec![k, self.k_of(y)])],
            ),
            14 => call("hash", vec![k]),
            _ => E::Cmp(
                CmpOp::Eq,
                bx(E::Tuple(vec![k, v(y.clone())])),
                bx(E::Tuple(vec![v(x), self.k_of(y)])),
            ),
        }
    }

    fn f_str_repr(&mut self) -> E {
        let x = self.value(3);
        call(if self.r.pct(50) { "str" } else { "repr" }, vec![v(x)])
    }

    fn f_truth(&mut self) -> E {
        let a = self.value(1);
        let b = self.value(1);
        match self.r.below(4) {
            0 => call("bool", vec![v(a)]),
            1 => E::Not(bx(v(a))),
            2 => E::And(bx(v(a)), bx(v(b))),
            _ => E::Or(bx(v(a)), bx(v(b))),
        }
    }

    /// A value related to `x` (equal-ish across types), to make `==` interesting.
    fn twin(&mut self, x: &V) -> V {
        match x {
            V::Int(i) if self.r.pct(50) => V::Float(*i as f64),
            V::Int(i) if (*i == 0 || *i == 1) && self.r.pct(50) => V::Bool(*i == 1),
            V::Float(f) if f.fract() == 0.0 && f.abs() < 1e18 && self.r.pct(50) => {
                V::Int(*f as i64)
            }
            V::Bool(b) => V::Int(*b as i64),
            V::Str(t) if self.r.pct(30) => V::Str(t.to_uppercase()),
            V::List(xs) if self.r.pct(50) => V::Tuple(xs.clone()),
            V::List(xs) => V::List(xs.iter().map(|y| self.twin(y)).collect()),
            V::Tuple(xs) => V::Tuple(xs.iter().map(|y| self.twin(y)).collect()),
            V::Dict(kv) if self.r.pct(50) => {
                let mut kv = kv.clone();
                kv.reverse();
                V::Dict(kv)
            }
            _ if self.r.pct(30) => self.value(2),
            _ => x.clone(),
        }
    }

    fn f_eq(&mut self) -> E {
        let a = self.value(2);
        let b = self.twin(&a);
        let op = if self.r.pct(70) { CmpOp::Eq } else { CmpOp::Ne };
        E::Cmp(op, bx(v(a)), bx(v(b)))
    }

    fn f_order(&mut self) -> E {
        let a = if self.r.pct(30) {
            self.num()
        } else {
            self.value(2)
        };
        let b = if self.r.pct(60) {
            self.twin(&a)
        } else {
            self.value(2)
        };
        let op = *self.r.pick(&[CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge]);
        E::Cmp(op, bx(v(a)), bx(v(b)))
    }

    fn container(&mut self) -> V {
        match self.r.below(7) {
            0 | 1 => V::Str(self.str_()),
            2 => V::List((0..self.r.below(5)).map(|_| self.value(1)).collect()),
            3 => V::Tuple((0..self.r.below(5)).map(|_| self.value(1)).collect()),
            4 => V::Dict(
                (0..self.r.below(5))
                    .map(|_| (self.key(), self.value(1)))
                    .collect(),
            ),
            5 => V::Set((0..self.r.below(5)).map(|_| self.key()).collect()),
            _ => *Box::new(if self.r.pct(50) {
                V::None
            } else {
                V::Bytes(self.str_().into_bytes())
            }),
        }
    }

    /// Something from inside `c` (or a near miss) to look for.
    fn member(&mut self, c: &V) -> V {
        let items: Vec<V> = match c {
            V::List(xs) | V::Tuple(xs) | V::Set(xs) => xs.clone(),
            V::Dict(kv) => kv.iter().map(|(k, _)| k.clone()).collect(),
            V::Str(t) => {
                let chars: Vec<char> = t.chars().collect();
                if chars.is_empty() {
                    vec![]
                } else {
                    let i = self.r.below(chars.len());
                    let j = i + self.r.below(chars.len() - i + 1);
                    vec![V::Str(chars[i..j].iter().collect())]
                }
            }
            _ => vec![],
        };
        if !items.is_empty() && self.r.pct(60) {
            let x = self.r.pick(&items).clone();
            return if self.r.pct(30) { self.twin(&x) } else { x };
        }
        self.value(1)
    }

    fn f_contains(&mut self) -> E {
        let c = self.container();
        let m = self.member(&c);
        let op = if self.r.pct(75) {
            CmpOp::In
        } else {
            CmpOp::NotIn
        };
        E::Cmp(op, bx(v(m)), bx(v(c)))
    }

    fn f_arith(&mut self) -> E {
        let ops = [
            BinOp::Add,
            BinOp::Sub,
            BinOp::Mul,
            BinOp::Div,
            BinOp::FloorDiv,
            BinOp::Mod,
            BinOp::Pow,
        ];
        let op = *self.r.pick(&ops);
        let (a, mut b) = match self.r.below(10) {
            // Sequences with + and *.
            0 => (self.container(), self.value(1)),
            1 => (self.value(1), self.num()),
            _ => (self.num(), self.num()),
        };
        // Huge int powers and sequence repetitions would only measure CPython's bignums and
        // memory: keep exponents and repeat counts small.
        let form = self.r.below(12);
        if let V::Int(i) = b {
            if (op == BinOp::Pow || form == 3 || !matches!(a, V::Int(_) | V::Float(_) | V::Bool(_)))
                && !(-3..=70).contains(&i)
            {
                b = V::Int(self.r.range(-3, 70));
            }
        }
        // A negative base with a fractional exponent gives a complex number, which the
        // runtime refuses (`unsupported`): detections never compute one.
        if op == BinOp::Pow || form == 3 {
            if let (true, V::Float(f)) = (is_negative(&a), &b) {
                if f.fract() != 0.0 && f.is_finite() {
                    b = V::Float(f.trunc());
                }
            }
        }
        // printf-style `%` formatting is outside the supported subset (the compiler rejects
        // it and the runtime raises `unsupported`).
        let op = match (&a, op) {
            (V::Str(_) | V::Bytes(_), BinOp::Mod) => BinOp::Add,
            _ => op,
        };
        match form {
            0 => E::Neg(bx(v(a))),
            1 => call("abs", vec![v(a)]),
            2 => call("divmod", vec![v(a), v(b)]),
            3 => call("pow", vec![v(a), v(b)]),
            _ => E::Bin(op, bx(v(a)), bx(v(b))),
        }
    }

    fn index_value(&mut self, len: usize) -> V {
        let l = len as i64;
        match self.r.below(10) {
            0 => V::Bool(self.r.pct(50)),
            1 => V::None,
            2 => V::Float(1.0),
            3 => V::Int(self.int()),
            _ => V::Int(self.r.range(-l - 2, l + 2)),
        }
    }

    fn f_index(&mut self) -> E {
        let c = self.container();
        let len = match &c {
            V::Str(t) => t.chars().count(),
            V::List(x) | V::Tuple(x) | V::Set(x) => x.len(),
            V::Bytes(b) => b.len(),
            V::Dict(kv) => kv.len(),
            _ => 0,
        };
        if self.r.pct(55) {
            let i = match &c {
                V::Dict(_) => self.member(&c),
                _ => self.index_value(len),
            };
            return E::Index(bx(v(c)), bx(v(i)));
        }
        let part = |g: &mut Gen| -> Option<Box<E>> {
            if g.r.pct(35) {
                None
            } else if g.r.pct(5) {
                Some(bx(v(V::None)))
            } else {
                let l = len as i64;
                Some(bx(v(V::Int(g.r.range(-l - 3, l + 3)))))
            }
        };
        let lo = part(self);
        let hi = part(self);
        let step = if self.r.pct(50) {
            None
        } else {
            Some(bx(v(V::Int(*self.r.pick(&[-3, -2, -1, 0, 1, 2, 3])))))
        };
        E::Slice(bx(v(c)), [lo, hi, step])
    }

    fn f_hash(&mut self) -> E {
        let x = self.value(2);
        match self.r.below(5) {
            0 => E::DictDisp(vec![(v(x), v(V::Int(1)))]),
            1 => E::SetDisp(vec![v(x.clone()), v(self.key())]),
            2 => E::Cmp(CmpOp::In, bx(v(x)), bx(v(V::Set(vec![V::Int(1), s("a")])))),
            3 => E::Index(
                bx(v(V::Dict(vec![(V::Int(1), s("one")), (s("a"), V::Int(2))]))),
                bx(v(x)),
            ),
            _ => call("set", vec![v(V::List(vec![x]))]),
        }
    }

    /// A random argument of a random type, for the error paths of typed parameters.
    fn wrong(&mut self) -> E {
        v(self.value(1))
    }

    fn small_int(&mut self, lo: i64, hi: i64) -> E {
        v(V::Int(self.r.range(lo, hi)))
    }

    /// A substring of `t` (or another string), for the search-like str methods.
    fn needle(&mut self, t: &str) -> V {
        match self.r.below(6) {
            0 => s(self
                .r
                .ps(&["", " ", ",", "a", "ab", "\n", "ß", "ss", "İ", "i"])),
            1 => V::Str(self.str_()),
            _ => self.member(&V::Str(t.to_string())),
        }
    }

    fn str_method(&mut self, t: &str) -> E {
        let recv = v(V::Str(t.to_string()));
        let r = &mut *self;
        const NOARG: &[&str] = &[
            "lower",
            "upper",
            "casefold",
            "title",
            "capitalize",
            "swapcase",
            "isascii",
            "isprintable",
            "isspace",
            "isdigit",
            "isalpha",
            "isalnum",
            "isnumeric",
            "isdecimal",
            "islower",
            "isupper",
            "istitle",
            "strip",
            "lstrip",
            "rstrip",
            "split",
            "rsplit",
            "splitlines",
            "encode",
        ];
        let m: &'static str = r.r.ps(&[
            "noarg",
            "split",
            "rsplit",
            "strip",
            "lstrip",
            "rstrip",
            "startswith",
            "endswith",
            "replace",
            "join",
            "format",
            "ljust",
            "rjust",
            "center",
            "find",
            "rfind",
            "index",
            "rindex",
            "count",
            "encode",
            "zfill",
            "partition",
            "rpartition",
            "splitlines",
            "removeprefix",
            "removesuffix",
            "expandtabs",
        ]);
        let mut args = Vec::new();
        let mut kw = Vec::new();
        let name: &'static str = match m {
            "noarg" => r.r.ps(NOARG),
            "split" | "rsplit" => {
                let sep = match r.r.below(4) {
                    0 => None,
                    1 => Some(V::None),
                    _ => Some(r.needle(t)),
                };
                let maxsplit = if r.r.pct(50) {
                    None
                } else {
                    Some(V::Int(r.r.range(-2, 3)))
                };
                if r.r.pct(30) {
                    if let Some(x) = sep {
                        kw.push(("sep", v(x)));
                    }
                    if let Some(x) = maxsplit {
                        kw.push(("maxsplit", v(x)));
                    }
                } else {
                    match (sep, maxsplit) {
                        (Some(a), Some(b)) => args.extend([v(a), v(b)]),
                        (None, Some(b)) => args.extend([v(V::None), v(b)]),
                        (Some(a), None) => args.push(v(a)),
                        (None, None) => {}
                    }
                }
                if m == "split" {
                    "split"
                } else {
                    "rsplit"
                }
            }
            "strip" | "lstrip" | "rstrip" => {
                args.push(match r.r.below(5) {
                    0 => v(V::None),
                    1 => r.wrong(),
                    _ => v(r.needle(t)),
                });
                r.r.ps(&["strip", "lstrip", "rstrip"])
            }
            "startswith" | "endswith" => {
                args.push(match r.r.below(6) {
                    0 => v(V::Tuple((0..r.r.below(3)).map(|_| r.needle(t)).collect())),
                    1 => r.wrong(),
                    _ => v(r.needle(t)),
                });
                if r.r.pct(30) {
                    args.push(r.small_int(-8, 8));
                    if r.r.pct(50) {
                        args.push(r.small_int(-8, 8));
                    }
                }
                r.r.ps(&["startswith", "endswith"])
            }
            "replace" => {
                args.push(v(r.needle(t)));
                args.push(v(V::Str(r.str_())));
                if r.r.pct(30) {
                    args.push(r.small_int(-1, 3));
                }
                "replace"
            }
            "join" => {
                let items: Vec<V> = (0..r.r.below(4))
                    .map(|_| {
                        if r.r.pct(90) {
                            V::Str(r.str_())
                        } else {
                            r.atom()
                        }
                    })
                    .collect();
                args.push(v(if r.r.pct(50) {
                    V::List(items)
                } else {
                    V::Tuple(items)
                }));
                "join"
            }
            "format" => {
                let tpl = r.r.ps(&[
                    "{}", "{0}", "{0}-{1}", "{} {}", "{x}", "{x}={y}", "{0!r}", "{:>8}",
                    "{:08.3f}", "{x:^9}", "{{}}", "{", "}", "{0[0]}", "{:,}", "{:d}", "{:s}",
                    "{!s:5}", "{0}{0}", "{:x}", "{:%}", "{:e}", "{:.2}", "{:+}",
                ]);
                let mut cases = Vec::new();
                for _ in 0..r.r.below(3) {
                    cases.push(v(r.value(1)));
                }
                if r.r.pct(50) {
                    kw.push(("x", v(r.value(1))));
                    kw.push(("y", v(r.atom())));
                }
                return E::Meth(bx(v(s(tpl))), "format", cases, kw);
            }
            "ljust" | "rjust" | "center" | "zfill" => {
                args.push(if r.r.pct(90) {
                    r.small_int(-2, 12)
                } else {
                    r.wrong()
                });
                let name = r.r.ps(&["ljust", "rjust", "center", "zfill"]);
                if name != "zfill" && r.r.pct(40) {
                    args.push(v(s(r.r.ps(&["*", " ", "-", "ab", "", "ß"]))));
                }
                name
            }
            "find" | "rfind" | "index" | "rindex" | "count" => {
                args.push(if r.r.pct(95) {
                    v(r.needle(t))
                } else {
                    r.wrong()
                });
                if r.r.pct(30) {
                    args.push(r.small_int(-8, 8));
                    if r.r.pct(50) {
                        args.push(r.small_int(-8, 8));
                    }
                }
                r.r.ps(&["find", "rfind", "index", "rindex", "count"])
            }
            "encode" => {
                args.push(v(s(r
                    .r
                    .ps(&["utf-8", "ascii", "latin-1", "utf8", "UTF-8"]))));
                if r.r.pct(30) {
                    args.push(v(s(r.r.ps(&["strict", "ignore", "replace"]))));
                }
                "encode"
            }
            "partition" | "rpartition" | "removeprefix" | "removesuffix" => {
                args.push(v(r.needle(t)));
                r.r.ps(&["partition", "rpartition", "removeprefix", "removesuffix"])
            }
            "splitlines" => {
                args.push(v(V::Bool(r.r.pct(50))));
                "splitlines"
            }
            _ => {
                args.push(r.small_int(-1, 9));
                "expandtabs"
            }
        };
        E::Meth(bx(recv), name, args, kw)
    }

    fn f_str_method(&mut self) -> E {
        let t = self.str_();
        self.str_method(&t)
    }

    fn f_container_method(&mut self) -> E {
        let items = |g: &mut Gen, n: usize| -> Vec<V> { (0..n).map(|_| g.value(1)).collect() };
        match self.r.below(3) {
            0 => {
                let n = self.r.below(5);
                let l = V::List(if self.r.pct(50) {
                    (0..n).map(|_| V::Int(self.r.range(-5, 5))).collect()
                } else {
                    items(self, n)
                });
                let m = self.member(&l);
                let (name, args, kw): (&'static str, Vec<E>, Vec<(&'static str, E)>) =
                    match self.r.below(12) {
                        0 => ("append", vec![v(m)], vec![]),
                        1 => {
                            // A multi-member set would add its members in hash order.
                            let c = match self.container() {
                                V::Set(xs) => V::Tuple(xs),
                                c => c,
                            };
                            ("extend", vec![v(c)], vec![])
                        }
                        2 => ("insert", vec![self.small_int(-6, 6), v(m)], vec![]),
                        3 => ("pop", vec![], vec![]),
                        4 => ("pop", vec![self.small_int(-6, 6)], vec![]),
                        5 => ("remove", vec![v(m)], vec![]),
                        6 => ("index", vec![v(m)], vec![]),
                        7 => ("count", vec![v(m)], vec![]),
                        8 => ("sort", vec![], vec![]),
                        9 => (
                            "sort",
                            vec![],
                            vec![("reverse", v(V::Bool(self.r.pct(50))))],
                        ),
                        10 => ("reverse", vec![], vec![]),
                        _ => (self.r.ps(&["copy", "clear"]), vec![], vec![]),
                    };
                E::Mutate(l, name, args, kw)
            }
            1 => {
                let n = self.r.below(5);
                let d = V::Dict((0..n).map(|_| (self.key(), self.value(1))).collect());
                let k = self.member(&d);
                let (name, args): (&'static str, Vec<E>) = match self.r.below(11) {
                    0 => ("get", vec![v(k)]),
                    1 => ("get", vec![v(k), v(self.atom())]),
                    2 => {
                        // A multi-member set would be consumed in hash order.
                        let c = match self.container() {
                            V::Set(xs) => V::Tuple(xs),
                            c => c,
                        };
                        ("update", vec![c].into_iter().map(v).collect())
                    }
                    3 => ("pop", vec![v(k)]),
                    4 => ("pop", vec![v(k), v(self.atom())]),
                    5 => ("setdefault", vec![v(k)]),
                    6 => ("setdefault", vec![v(k), v(self.atom())]),
                    7 => ("popitem", vec![]),
                    8 => ("copy", vec![]),
                    9 => ("clear", vec![]),
                    _ => {
                        // Views print their type; list() of them is what rules use.
                        let view = self.r.ps(&["keys", "values", "items"]);
                        let e = meth(v(d), view, vec![]);
                        return if self.r.pct(50) {
                            call("list", vec![e])
                        } else {
                            call("len", vec![e])
                        };
                    }
                };
                E::Mutate(d, name, args, vec![])
            }
            _ => {
                let n = self.r.below(4);
                let st = V::Set((0..n).map(|_| self.key()).collect());
                let m = self.member(&st);
                let other = if self.r.pct(80) {
                    V::Set((0..self.r.below(4)).map(|_| self.key()).collect())
                } else {
                    self.container()
                };
                let (name, args): (&'static str, Vec<E>) = match self.r.below(8) {
                    0 => ("add", vec![v(m)]),
                    1 => ("discard", vec![v(m)]),
                    2 => ("remove", vec![v(m)]),
                    3 => ("copy", vec![]),
                    4 => ("clear", vec![]),
                    // `pop` takes an arbitrary member: only deterministic with one.
                    5 if n <= 1 => ("pop", vec![]),
                    _ => (
                        self.r.ps(&[
                            "update",
                            "union",
                            "intersection",
                            "difference",
                            "symmetric_difference",
                            "issubset",
                            "issuperset",
                            "isdisjoint",
                        ]),
                        vec![v(other)],
                    ),
                };
                E::Mutate(st, name, args, vec![])
            }
        }
    }

    /// A list to sort, min, max or sum: mostly homogeneous, sometimes mixed. Without
    /// i64::MIN, whose abs() (a sort key) needs a big int the runtime refuses.
    fn sortable(&mut self) -> V {
        match self.sortable_raw() {
            V::List(xs) => V::List(
                xs.into_iter()
                    .map(|x| match x {
                        V::Int(i64::MIN) => V::Int(i64::MIN + 1),
                        x => x,
                    })
                    .collect(),
            ),
            x => x,
        }
    }

    fn sortable_raw(&mut self) -> V {
        let n = self.r.below(5);
        V::List(match self.r.below(5) {
            0 => (0..n).map(|_| self.num()).collect(),
            1 => (0..n).map(|_| V::Str(self.str_())).collect(),
            2 => (0..n)
                .map(|_| V::Tuple(vec![V::Int(self.r.range(0, 2)), V::Str(self.str_())]))
                .collect(),
            3 => (0..n).map(|_| V::Int(self.r.range(-5, 5))).collect(),
            _ => (0..n).map(|_| self.value(1)).collect(),
        })
    }

    fn numeric_str(&mut self) -> String {
        if self.r.pct(30) {
            return self.str_();
        }
        self.r
            .pick(&[
                "0",
                "1",
                "-1",
                "+5",
                " 42 ",
                "\t7\n",
                "1_000",
                "1__0",
                "_1",
                "1_",
                "0x1F",
                "0o17",
                "0b101",
                "017",
                "00",
                "0_0",
                "١٢٣",
                "²",
                "9223372036854775807",
                "-9223372036854775808",
                "1.5",
                "1e3",
                "-0.0",
                ".5",
                "5.",
                "inf",
                "-inf",
                "nan",
                "NaN",
                "Infinity",
                "+inf",
                "1e400",
                "-1e-400",
                "1_0.5",
                "0x",
                "",
                " ",
                "12a",
                "True",
                "1,000",
                "٣.٥",
                "1e",
                "e5",
                "--1",
                "+-1",
                "0.1e-2",
                "  -3.25e+1  ",
                "ff",
                "FF",
                "z",
                "Z",
                "10",
                "777",
                "-0x10",
            ])
            .to_string()
    }

    fn type_name(&mut self) -> E {
        E::Name(self.r.ps(&[
            "str", "int", "float", "bool", "list", "dict", "tuple", "set", "bytes",
        ]))
    }

    fn f_builtin(&mut self) -> E {
        match self.r.below(24) {
            0 => call("len", vec![v(self.value(2))]),
            1 => call("int", vec![v(V::Str(self.numeric_str()))]),
            2 => {
                let base = *self.r.pick(&[0, 2, 8, 10, 16, 36, 1, 37]);
                call("int", vec![v(V::Str(self.numeric_str())), v(V::Int(base))])
            }
            3 => call("int", vec![v(self.num())]),
            4 => call("float", vec![v(V::Str(self.numeric_str()))]),
            5 => call("float", vec![v(self.value(1))]),
            6 => {
                let c = self.container();
                let f = self.r.ps(&["list", "tuple", "set", "dict", "bool"]);
                // list/tuple of a multi-member set would expose its iteration order.
                let c = match c {
                    V::Set(xs) if f != "set" && f != "bool" => V::List(xs),
                    c => c,
                };
                call(f, vec![v(c)])
            }
            7 => {
                let pairs: Vec<V> = (0..self.r.below(4))
                    .map(|_| {
                        if self.r.pct(90) {
                            V::Tuple(vec![self.key(), self.value(1)])
                        } else {
                            self.value(1)
                        }
                    })
                    .collect();
                call("dict", vec![v(V::List(pairs))])
            }
            8 | 9 => {
                let l = self.sortable();
                let mut kw = Vec::new();
                if self.r.pct(40) {
                    kw.push((
                        "key",
                        E::Name(self.r.ps(&["len", "str", "abs", "repr", "bool"])),
                    ));
                }
                if self.r.pct(40) {
                    kw.push(("reverse", v(V::Bool(self.r.pct(50)))));
                }
                call_kw("sorted", vec![v(l)], kw)
            }
            10 | 11 => {
                let f = self.r.ps(&["min", "max"]);
                let mut kw = Vec::new();
                let args = if self.r.pct(70) {
                    vec![v(self.sortable())]
                } else {
                    let mut pair = || match self.num() {
                        V::Int(i64::MIN) => V::Int(0),
                        x => x,
                    };
                    vec![v(pair()), v(pair())]
                };
                if self.r.pct(25) {
                    kw.push(("key", E::Name(self.r.ps(&["len", "str", "abs"]))));
                }
                if args.len() == 1 && self.r.pct(25) {
                    kw.push(("default", v(self.atom())));
                }
                call_kw(f, args, kw)
            }
            12 => {
                let l = self.sortable();
                if self.r.pct(30) {
                    call("sum", vec![v(l), v(self.num())])
                } else {
                    call("sum", vec![v(l)])
                }
            }
            13 => {
                let c = self.container();
                call(self.r.ps(&["any", "all"]), vec![v(c)])
            }
            14 => {
                let c = self.container();
                let c = match c {
                    V::Set(xs) => V::List(xs),
                    c => c,
                };
                let e = if self.r.pct(50) {
                    call("enumerate", vec![v(c)])
                } else {
                    call("enumerate", vec![v(c), self.small_int(-3, 3)])
                };
                call("list", vec![e])
            }
            15 => {
                let mut a = self.container();
                let mut b = self.container();
                for x in [&mut a, &mut b] {
                    if let V::Set(xs) = x {
                        *x = V::Tuple(std::mem::take(xs));
                    }
                }
                call("list", vec![call("zip", vec![v(a), v(b)])])
            }
            16 => {
                let n = self.r.below(3) + 1;
                let args: Vec<E> = (0..n)
                    .map(|_| {
                        // Huge ranges would only measure memory.
                        match self.value(1) {
                            V::Int(_) => self.small_int(-8, 12),
                            _ if self.r.pct(95) => self.small_int(-8, 12),
                            x => v(x),
                        }
                    })
                    .collect();
                let e = call("range", args);
                if self.r.pct(70) {
                    call("list", vec![e])
                } else {
                    call("len", vec![e])
                }
            }
            17 => call("abs", vec![v(self.num())]),
            18 | 19 => {
                let x = self.num();
                if self.r.pct(50) {
                    call("round", vec![v(x)])
                } else {
                    let n = if self.r.pct(90) {
                        V::Int(self.r.range(-3, 6))
                    } else {
                        V::None
                    };
                    call("round", vec![v(x), v(n)])
                }
            }
            20 | 21 => {
                let x = self.value(1);
                let t = if self.r.pct(70) {
                    self.type_name()
                } else {
                    E::Tuple(vec![self.type_name(), self.type_name()])
                };
                call("isinstance", vec![v(x), t])
            }
            22 => call("bool", vec![v(self.value(1))]),
            _ => call("str", vec![v(self.value(1))]),
        }
    }

    /// A container whose iteration order is CPython's whatever the hashes (a set of more
    /// than one member becomes a list).
    fn ordered_container(&mut self) -> V {
        match self.container() {
            V::Set(xs) if xs.len() > 1 => V::List(xs),
            c => c,
        }
    }

    /// The builtins added with the runtime's builtin table: `bin`/`oct`/`hex`, `hash`,
    /// `callable`, `iter`/`next`, and the lazy `map`/`filter`/`reversed`/`zip`/`enumerate`
    /// consumed by `list` or `next`.
    fn f_builtin_more(&mut self) -> E {
        fn has_none(v: &V) -> bool {
            match v {
                V::None => true,
                V::Tuple(xs) => xs.iter().any(has_none),
                _ => false,
            }
        }
        match self.r.below(9) {
            0 => {
                let x = if self.r.pct(85) {
                    V::Int(self.int())
                } else {
                    self.atom()
                };
                call(self.r.ps(&["bin", "oct", "hex"]), vec![v(x)])
            }
            1 => {
                // `None` hashes by address in CPython 3.11 (the runtime refuses it).
                let k = loop {
                    let k = if self.r.pct(90) {
                        self.key()
                    } else {
                        self.value(1)
                    };
                    if !has_none(&k) {
                        break k;
                    }
                };
                call("hash", vec![v(k)])
            }
            2 => call("callable", vec![v(self.value(1))]),
            3 => {
                let c = self.ordered_container();
                let it = call("iter", vec![v(c)]);
                if self.r.pct(50) {
                    call("next", vec![it, v(self.atom())])
                } else {
                    call("next", vec![it])
                }
            }
            4 => {
                let f = self.r.ps(&["str", "repr", "bool", "len", "abs"]);
                let c = self.ordered_container();
                call("list", vec![call("map", vec![E::Name(f), v(c)])])
            }
            5 => {
                let c = self.ordered_container();
                let f = if self.r.pct(50) {
                    v(V::None)
                } else {
                    E::Name("bool")
                };
                call("list", vec![call("filter", vec![f, v(c)])])
            }
            6 => {
                let c = self.ordered_container();
                call("list", vec![call("reversed", vec![v(c)])])
            }
            7 => {
                let a = self.ordered_container();
                let b = self.ordered_container();
                let z = call("zip", vec![v(a), v(b)]);
                call("next", vec![z, v(V::None)])
            }
            _ => {
                let c = self.ordered_container();
                call("next", vec![call("enumerate", vec![v(c)]), v(V::None)])
            }
        }
    }

    fn spec(&mut self) -> String {
        if self.r.pct(25) {
            return self
                .r
                .pick(&[
                    "", "d", "s", "r", ">10", "<5", "^7", "*^9", "010", "+", " ", ",", "_", ".2f",
                    ".0f", ".3e", "e", "g", ".3g", "%", ".1%", "x", "X", "#x", "o", "#o", "b",
                    "#b", "c", "n", "08.2f", ",.2f", "-", "=+8", ".5", "10.4", ".0", "#", "#g",
                    "05d", "x<4", "=^3", ".2s", "12,", "_x", ",d", ".100f",
                ])
                .to_string();
        }
        let mut out = String::new();
        if self.r.pct(30) {
            if self.r.pct(40) {
                out.push(*self.r.pick(&['*', '0', ' ', 'x', '-', 'ß']));
            }
            out.push(*self.r.pick(&['<', '>', '^', '=']));
        }
        if self.r.pct(20) {
            out.push(*self.r.pick(&['+', '-', ' ']));
        }
        if self.r.pct(10) {
            out.push('#');
        }
        if self.r.pct(15) {
            out.push('0');
        }
        if self.r.pct(40) {
            out.push_str(&self.r.range(0, 14).to_string());
        }
        if self.r.pct(15) {
            out.push(*self.r.pick(&[',', '_']));
        }
        if self.r.pct(35) {
            out.push('.');
            out.push_str(&self.r.range(0, 12).to_string());
        }
        if self.r.pct(60) {
            out.push(*self.r.pick(&[
                's', 'd', 'f', 'F', 'e', 'E', 'g', 'G', '%', 'x', 'X', 'o', 'b', 'c', 'n',
            ]));
        }
        out
    }

    fn f_format(&mut self) -> E {
        let x = match self.r.below(4) {
            0 | 1 => self.num(),
            2 => V::Str(self.str_()),
            _ => self.value(1),
        };
        let spec = self.spec();
        match self.r.below(3) {
            0 => call("format", vec![v(x), v(V::Str(spec))]),
            _ => {
                let conv = match self.r.below(8) {
                    0 => Some('r'),
                    1 => Some('s'),
                    2 => Some('a'),
                    _ => None,
                };
                let mut parts = Vec::new();
                if self.r.pct(50) {
                    parts.push(FPart::Lit(self.str_()));
                }
                parts.push(FPart::Field(v(x), conv, spec));
                if self.r.pct(30) {
                    parts.push(FPart::Lit(self.str_()));
                }
                E::FStr(parts)
            }
        }
    }

    /// A key of an event: always a string, as events come from JSON (the runtime refuses
    /// other keys with `unsupported`).
    fn event_key(&mut self) -> V {
        s(self.r.ps(&[
            "a",
            "A",
            "b",
            "B",
            "userName",
            "username",
            "USERNAME",
            "UserName",
            "eventName",
            "p_log_type",
            "requestParameters",
            "x.y",
            "x",
            "Key",
            "KEY",
            "key",
            "ß",
            "SS",
            "İd",
            "i̇d",
            "",
            " a",
        ]))
    }

    fn event_value(&mut self, depth: u32) -> V {
        if depth == 0 || self.r.pct(40) {
            return match self.r.below(5) {
                0 => V::None,
                1 => V::Int(self.int()),
                2 => V::Bool(self.r.pct(50)),
                _ => V::Str(self.str_()),
            };
        }
        let n = self.r.below(4);
        if self.r.pct(60) {
            V::Dict(
                (0..n)
                    .map(|_| (self.event_key(), self.event_value(depth - 1)))
                    .collect(),
            )
        } else {
            V::List((0..n).map(|_| self.event_value(depth - 1)).collect())
        }
    }

    fn f_event(&mut self) -> E {
        let n = self.r.below(5);
        let d = V::Dict(
            (0..n)
                .map(|_| (self.event_key(), self.event_value(3)))
                .collect(),
        );
        let ev = E::Event(d);
        let k = self.event_key();
        match self.r.below(9) {
            0 => meth(ev, "get", vec![v(k)]),
            1 => meth(ev, "get", vec![v(k), v(self.atom())]),
            2 => E::Index(bx(ev), bx(v(k))),
            3 => E::Cmp(CmpOp::In, bx(v(k)), bx(ev)),
            4 | 5 => {
                let keys: Vec<E> = (0..self.r.below(4)).map(|_| v(self.event_key())).collect();
                let kw = if self.r.pct(40) {
                    vec![("default", v(self.atom()))]
                } else {
                    vec![]
                };
                E::Meth(bx(ev), "deep_get", keys, kw)
            }
            6 | 7 => {
                let keys: Vec<E> = (0..self.r.below(4)).map(|_| v(self.event_key())).collect();
                let mut kw = vec![];
                if self.r.pct(30) {
                    // deep_walk de-duplicates by identity first; a NaN default is one object
                    // in CPython but not in the runtime (and never comes from JSON).
                    let mut d = self.atom();
                    if d.has_nan() {
                        d = V::None;
                    }
                    kw.push(("default", v(d)));
                }
                if self.r.pct(40) {
                    kw.push((
                        "return_val",
                        v(s(self.r.ps(&["all", "first", "last", "bogus"]))),
                    ));
                }
                E::Meth(bx(ev), "deep_walk", keys, kw)
            }
            _ => call("len", vec![ev]),
        }
    }

    fn f_json(&mut self) -> E {
        if self.r.pct(50) {
            let mut text = self
                .r
                .ps(&[
                    "{\"a\": 1}",
                    "[1, 2.5, \"x\", null, true, false]",
                    "1e400",
                    "-1e400",
                    "-0",
                    "-0.0",
                    "\"\\u00e9\\n\"",
                    "NaN",
                    "Infinity",
                    "-Infinity",
                    "{\"a\":1,\"a\":2}",
                    "[1,]",
                    "{",
                    "",
                    " ",
                    "\"abc",
                    "01",
                    "1.",
                    ".5",
                    "[1 2]",
                    "{\"a\" 1}",
                    "tru",
                    "\"\t\"",
                    "1E5",
                    "{\"é\": \"ü\"}",
                    "[[[]]]",
                    "\"\\x\"",
                    "9223372036854775807",
                    " [1] x",
                    "{\"a\": [1, {\"b\": null}]}",
                    "1.5e-7",
                    "0.1",
                    "1e16",
                    "12345678.9",
                    "-",
                    "{\"a\":}",
                    "[\"a\\\"b\"]",
                    "{1: 2}",
                    "'a'",
                    "[1.0, 2e0, 3E+0]",
                    "\n\t 42 \r\n",
                    "true false",
                    "nul",
                ])
                .to_string();
            if self.r.pct(30) && !text.is_empty() {
                let chars: Vec<char> = text.chars().collect();
                let i = self.r.below(chars.len());
                text = if self.r.pct(50) {
                    chars[..i].iter().collect()
                } else {
                    let mut c = chars.clone();
                    c.insert(i, *self.r.pick(&['"', ',', ']', '}', 'x', ' ', '\\', '1']));
                    c.into_iter().collect()
                };
            }
            return call("json.loads", vec![v(V::Str(text))]);
        }
        let mut x = self.value(3);
        let mut kw = Vec::new();
        if self.r.pct(30) {
            // Sorting keys of mixed types is refused by the runtime (`unsupported`).
            x = str_keys(&x);
            kw.push(("sort_keys", v(V::Bool(self.r.pct(70)))));
        }
        if self.r.pct(30) {
            kw.push((
                "indent",
                v(match self.r.below(4) {
                    0 => V::None,
                    1 => V::Int(0),
                    2 => V::Int(2),
                    _ => s("\t"),
                }),
            ));
        }
        if self.r.pct(20) {
            kw.push((
                "separators",
                v(V::Tuple(vec![
                    s(self.r.ps(&[",", ", "])),
                    s(self.r.ps(&[":", ": "])),
                ])),
            ));
        }
        if self.r.pct(30) {
            kw.push(("ensure_ascii", v(V::Bool(self.r.pct(50)))));
        }
        if self.r.pct(10) {
            kw.push(("allow_nan", v(V::Bool(false))));
        }
        call_kw("json.dumps", vec![v(x)], kw)
    }

    /// Invalid patterns and group references that may not exist are left out: the runtime
    /// refuses re.error paths with `unsupported` rather than reproducing sre's messages.
    /// Likewise JSON texts with lone surrogates or ints beyond i64, and strftime's %U/%W.
    fn f_re(&mut self) -> E {
        let pat = s(self.r.ps(&[
            r"\d+",
            r"^a",
            r"(a)(b)?",
            r"(?P<x>\w+)@(?P<d>[\w.]+)",
            r"[A-Z]{2,}",
            r"\s*,\s*",
            r"(?i)admin",
            r"a|b",
            r".*",
            r"\bab\b",
            r"(\d+)\.(\d+)",
            r"[^a-z]",
            r"x*",
            r"(?=a)",
            r"\\",
            r"(a|b)*c",
            r"a{2}",
            r"\W+",
            r"(?:ab)+",
            "é",
            "[é-ü]",
            r"^\s+|\s+$",
            r"(\w)\1",
            r"(?<=a)b",
            r"[.]",
            r"\.",
            r"$",
            r"^",
            r"(?m)^\w",
            r"\S+",
            r"[\w-]+",
            r"(?P<n>a)(?P=n)",
            r"a++",
            r"\Z",
            r"[[:alpha:]]",
            r"\u00e9",
            r"(?s).",
            r"[a-z]+://[^/]+",
            r"\d{1,3}(?:\.\d{1,3}){3}",
            r"(?i)[a-z]",
            r"ß",
            r"(?i)ß",
            r"(?i)k",
            r"(?x) a b ",
        ]));
        let text = if self.r.pct(50) {
            V::Str(self.str_())
        } else {
            s(self.r.ps(&[
                "abc",
                "ab ab",
                "aab",
                "admin ADMIN Admin",
                "user@example.com",
                "1.2.3.4",
                "a, b ,c",
                "  x  ",
                "http://host/p?q",
                "é É ü",
                "12.5 and 3.25",
                "abab",
                "xxa",
                "line1\nline2",
                "KELVIN \u{212a} k",
                "STRASSE straße",
                "",
            ]))
        };
        // Case-insensitive matching of dotted/dotless i (and a few Greek letters) is refused
        // by the runtime (`unsupported`): sre and Rust's case folding disagree on them.
        // (Flags may add re.I to any pattern, so the texts never hold them.) Case-insensitive
        // backreferences are refused too, so patterns with one get no re.I.
        let text = match &text {
            V::Str(t) => V::Str(t.replace(['\u{130}', '\u{131}', '\u{390}'], "i")),
            _ => text,
        };
        let backref = pat.py().contains("\\1") || pat.py().contains("P=");
        let flags = |g: &mut Gen| -> Option<E> {
            if g.r.pct(75) {
                None
            } else if backref {
                Some(E::Name(g.r.ps(&["re.M", "re.S"])))
            } else {
                Some(E::Name(g.r.ps(&["re.I", "re.M", "re.S", "re.IGNORECASE"])))
            }
        };
        match self.r.below(9) {
            0..=2 => {
                let f = self.r.ps(&["re.search", "re.match", "re.fullmatch"]);
                let mut args = vec![v(pat), v(text)];
                if let Some(fl) = flags(self) {
                    args.push(fl);
                }
                let m = call(f, args);
                match self.r.below(6) {
                    0 => m,
                    1 => E::AndMeth(bx(m), "groups", vec![]),
                    2 => call("bool", vec![m]),
                    3 => E::AndMeth(bx(m), "span", vec![]),
                    4 => E::AndMeth(bx(m), "groupdict", vec![]),
                    _ => E::AndMeth(bx(m), "group", vec![v(V::Int(self.r.range(0, 2)))]),
                }
            }
            3 => {
                let mut args = vec![v(pat), v(text)];
                if let Some(fl) = flags(self) {
                    args.push(fl);
                }
                call("re.findall", args)
            }
            4 | 5 => {
                let repl = s(self.r.ps(&["", "-", r"<\g<0>>", "x", r"\\", r"\n"]));
                let mut args = vec![v(pat), v(repl), v(text)];
                if self.r.pct(30) {
                    args.push(v(V::Int(self.r.range(0, 2))));
                }
                call("re.sub", args)
            }
            6 => {
                let mut args = vec![v(pat), v(text)];
                if self.r.pct(30) {
                    args.push(v(V::Int(self.r.range(0, 2))));
                }
                call("re.split", args)
            }
            7 => call("re.escape", vec![v(text)]),
            _ => {
                let c = call("re.compile", vec![v(pat)]);
                match self.r.below(3) {
                    0 => E::Attr(bx(c), "pattern"),
                    1 => E::Attr(bx(c), "groups"),
                    _ => meth(c, "findall", vec![v(text)]),
                }
            }
        }
    }

    fn f_fnmatch(&mut self) -> E {
        let pat = s(self.r.ps(&[
            "*.exe", "a?c", "[a-c]*", "[!a]*", "*", "", "[", "**/x", "A*", "*.[ch]", "[]]", "[!]]",
            "\\*", "*admin*", "ADMIN", "?", "[a-]", "[z-a]", "*.EXE", "a*b*c",
        ]));
        let name = if self.r.pct(50) {
            V::Str(self.str_())
        } else {
            s(self.r.ps(&[
                "a.exe", "abc", "A.EXE", "b", "", "]", "x/y/x", "admin", "Admin", "*", "a-b",
                "abc.h",
            ]))
        };
        call(
            self.r.ps(&["fnmatch.fnmatch", "fnmatch.fnmatchcase"]),
            vec![v(name), v(pat)],
        )
    }

    fn f_ipaddress(&mut self) -> E {
        let addr = s(self.r.ps(&[
            "10.0.0.1",
            "192.168.1.256",
            "::1",
            "2001:db8::1",
            "1.2.3",
            "01.2.3.4",
            "fe80::1",
            "::ffff:1.2.3.4",
            " 1.2.3.4",
            "",
            "localhost",
            "127.0.0.1",
            "8.8.8.8",
            "100.64.0.1",
            "169.254.1.1",
            "224.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "172.16.5.4",
            "192.0.2.1",
            "2001:4860:4860::8888",
            "fc00::1",
            "::",
            "1:2:3:4:5:6:7:8:9",
            "1::2::3",
            "10.0.0.0",
        ]));
        let net = s(self.r.ps(&[
            "10.0.0.0/8",
            "10.0.0.1/8",
            "192.168.0.0/33",
            "::/0",
            "2001:db8::/32",
            "0.0.0.0/0",
            "192.168.1.0/24",
            "192.168.1.0/255.255.255.0",
            "10.0.0.0/a",
            "172.16.0.0/12",
            "1.2.3.4",
        ]));
        match self.r.below(6) {
            0 | 1 => {
                let ip = call("ipaddress.ip_address", vec![v(addr)]);
                let attr = self.r.ps(&[
                    "is_private",
                    "is_global",
                    "is_loopback",
                    "is_multicast",
                    "is_reserved",
                    "is_link_local",
                    "is_unspecified",
                    "version",
                    "compressed",
                    "exploded",
                ]);
                E::Attr(bx(ip), attr)
            }
            2 => call("str", vec![call("ipaddress.ip_address", vec![v(addr)])]),
            3 => {
                let kw = if self.r.pct(40) {
                    vec![("strict", v(V::Bool(false)))]
                } else {
                    vec![]
                };
                let n = call_kw("ipaddress.ip_network", vec![v(net)], kw);
                match self.r.below(3) {
                    0 => call("str", vec![n]),
                    1 => E::Attr(
                        bx(n),
                        self.r
                            .ps(&["num_addresses", "prefixlen", "is_private", "netmask"]),
                    ),
                    _ => n,
                }
            }
            _ => E::Cmp(
                CmpOp::In,
                bx(call("ipaddress.ip_address", vec![v(addr)])),
                bx(call_kw(
                    "ipaddress.ip_network",
                    vec![v(net)],
                    vec![("strict", v(V::Bool(false)))],
                )),
            ),
        }
    }

    fn date(&mut self) -> E {
        let y = *self.r.pick(&[1, 1970, 2000, 2020, 2024, 9999, 0, 10000]);
        let m = self.r.range(0, 13);
        let d = self.r.range(0, 32);
        let mut args = vec![v(V::Int(y)), v(V::Int(m)), v(V::Int(d))];
        if self.r.pct(60) {
            args.push(v(V::Int(self.r.range(0, 24))));
            args.push(v(V::Int(self.r.range(0, 60))));
            args.push(v(V::Int(self.r.range(0, 60))));
            if self.r.pct(30) {
                args.push(v(V::Int(self.r.range(0, 999_999))));
            }
        }
        // Mostly valid dates, so that arithmetic and formatting get exercised.
        if self.r.pct(70) {
            args[0] = v(V::Int(self.r.range(1990, 2030)));
            args[1] = v(V::Int(self.r.range(1, 12)));
            args[2] = v(V::Int(self.r.range(1, 28)));
        }
        call("datetime.datetime", args)
    }

    fn timedelta(&mut self) -> E {
        let mut kw = Vec::new();
        for unit in [
            "days",
            "seconds",
            "hours",
            "minutes",
            "microseconds",
            "weeks",
            "milliseconds",
        ] {
            if self.r.pct(25) {
                let x = if self.r.pct(80) {
                    V::Int(self.r.range(-100, 100))
                } else {
                    V::Float(self.r.range(-400, 400) as f64 / 8.0)
                };
                kw.push((unit, v(x)));
            }
        }
        call_kw("datetime.timedelta", vec![], kw)
    }

    fn f_datetime(&mut self) -> E {
        match self.r.below(10) {
            0 => self.date(),
            1 => call("str", vec![self.date()]),
            2 => E::Bin(BinOp::Add, bx(self.date()), bx(self.timedelta())),
            3 => E::Bin(BinOp::Sub, bx(self.date()), bx(self.date())),
            4 => {
                let fmtv = s(self.r.ps(&[
                    "%Y-%m-%d",
                    "%H:%M:%S",
                    "%a %b %d",
                    "%j",
                    "%%",
                    "%Y-%m-%dT%H:%M:%S.%fZ",
                    "%I %p",
                    "%y",
                    "%A %B",
                    "%d/%m/%Y %H:%M",
                    "%w",
                    "x",
                    "%",
                    "%Y%m%d",
                ]));
                meth(self.date(), "strftime", vec![v(fmtv)])
            }
            5 => meth(self.date(), "isoformat", vec![]),
            6 => {
                let t = self.timedelta();
                match self.r.below(4) {
                    0 => call("str", vec![t]),
                    1 => meth(t, "total_seconds", vec![]),
                    2 => E::Bin(BinOp::Mul, bx(t), bx(v(V::Int(self.r.range(-3, 3))))),
                    _ => t,
                }
            }
            7 => {
                let text = s(self.r.ps(&[
                    "2020-01-02",
                    "2020-01-02T03:04:05",
                    "2020-01-02 03:04:05.123456",
                    "2020-01-02T03:04:05+00:00",
                    "2020-13-01",
                    "20200102",
                    "2020-01-02T03:04:05Z",
                    "",
                    "2020-01-02T03",
                    "2020-02-30",
                ]));
                call("datetime.datetime.fromisoformat", vec![v(text)])
            }
            8 => {
                let (text, f) = *self.r.pick(&[
                    ("2020-01-02 03:04:05", "%Y-%m-%d %H:%M:%S"),
                    ("02/01/2020", "%d/%m/%Y"),
                    ("2020-01-02", "%Y-%m-%d %H"),
                    ("2020-01-02T03:04:05.123Z", "%Y-%m-%dT%H:%M:%S.%fZ"),
                    ("Jan 5 2021", "%b %d %Y"),
                    ("x", "%Y"),
                    ("2020-02-30", "%Y-%m-%d"),
                ]);
                call("datetime.datetime.strptime", vec![v(s(text)), v(s(f))])
            }
            _ => E::Cmp(
                *self.r.pick(&[CmpOp::Lt, CmpOp::Eq, CmpOp::Ge]),
                bx(self.date()),
                bx(self.date()),
            ),
        }
    }

    /// `collections.namedtuple(...)` as an expression: one of a few fixed class shapes.
    fn nt_class(&mut self) -> (E, usize) {
        let (name, fields, n, defaults): (&str, V, usize, Option<V>) = match self.r.below(4) {
            0 | 1 => ("Condition", s("category value"), 2, None),
            2 => (
                "Principal",
                V::List(vec![s("category"), s("value")]),
                2,
                None,
            ),
            _ => (
                "X",
                s("a, b c"),
                3,
                Some(V::List(vec![V::Int(1), V::Int(2)])),
            ),
        };
        let kw = match defaults {
            Some(d) => vec![("defaults", v(d))],
            None => vec![],
        };
        (
            call_kw("collections.namedtuple", vec![v(s(name)), v(fields)], kw),
            n,
        )
    }

    /// A namedtuple instance over mostly hashable items.
    fn nt(&mut self) -> E {
        let (class, n) = self.nt_class();
        let items: Vec<E> = (0..n)
            .map(|_| {
                if self.r.pct(85) {
                    v(self.key())
                } else {
                    v(self.value(1))
                }
            })
            .collect();
        E::Call(bx(class), items, vec![])
    }

    /// A set member whose CPython hash is known: `None` hashes by address in 3.11, so a
    /// set holding it has an order the runtime refuses to guess.
    fn addressless_key(&mut self) -> V {
        fn has_none(x: &V) -> bool {
            match x {
                V::None => true,
                V::Tuple(xs) => xs.iter().any(has_none),
                _ => false,
            }
        }
        loop {
            let k = self.key();
            if !has_none(&k) {
                return k;
            }
        }
    }

    /// A namedtuple instance that can be a set member with a known order.
    fn nt_member(&mut self) -> E {
        let (class, n) = self.nt_class();
        let items = (0..n).map(|_| v(self.addressless_key())).collect();
        E::Call(bx(class), items, vec![])
    }

    /// A tuple equal (or nearly) to a namedtuple's items, or another namedtuple.
    fn nt_peer(&mut self, x: &E) -> E {
        let E::Call(_, items, _) = x else {
            return self.nt();
        };
        let twin: Vec<V> = items
            .iter()
            .map(|e| match e {
                E::V(val) if self.r.pct(80) => val.clone(),
                E::V(val) => self.twin(val),
                _ => V::None,
            })
            .collect();
        match self.r.below(4) {
            0 | 1 => v(V::Tuple(twin)),
            2 => {
                let (class, _) = self.nt_class();
                E::Call(bx(class), twin.into_iter().map(v).collect(), vec![])
            }
            _ => v(self.value(2)),
        }
    }

    fn f_namedtuple(&mut self) -> E {
        let x = self.nt();
        match self.r.below(14) {
            0 => {
                // Construction with random positional and keyword arguments.
                let (class, _) = self.nt_class();
                let args = (0..self.r.below(4)).map(|_| v(self.key())).collect();
                let mut kw = Vec::new();
                for name in ["category", "value", "a", "c", "foo"] {
                    if self.r.pct(25) {
                        kw.push((name, v(self.key())));
                    }
                }
                E::Call(bx(class), args, kw)
            }
            1 => {
                let y = self.nt_peer(&x);
                let op = *self.r.pick(&[
                    CmpOp::Eq,
                    CmpOp::Ne,
                    CmpOp::Lt,
                    CmpOp::Le,
                    CmpOp::Gt,
                    CmpOp::Ge,
                ]);
                if self.r.pct(50) {
                    E::Cmp(op, bx(x), bx(y))
                } else {
                    E::Cmp(op, bx(y), bx(x))
                }
            }
            2 => {
                // Set order: namedtuples hash as the equal tuples.
                let mut items = vec![self.nt_member()];
                for _ in 0..self.r.below(5) {
                    items.push(if self.r.pct(60) {
                        self.nt_member()
                    } else {
                        v(self.addressless_key())
                    });
                }
                let set = E::SetDisp(items);
                call(if self.r.pct(50) { "repr" } else { "list" }, vec![set])
            }
            3 => {
                // A namedtuple and an equal tuple or namedtuple are one set member.
                let (k1, k2) = (self.addressless_key(), self.addressless_key());
                let (c1, _) = self.nt_class();
                let x = E::Call(bx(c1), vec![v(k1.clone()), v(k2.clone())], vec![]);
                let y = if self.r.pct(50) {
                    v(V::Tuple(vec![k1, k2]))
                } else {
                    let (c2, _) = self.nt_class();
                    E::Call(bx(c2), vec![v(k1), v(k2)], vec![])
                };
                let set = call("set", vec![E::Tuple(vec![x])]);
                let other = E::Tuple(vec![y, self.nt_member()]);
                call("repr", vec![meth(set, "union", vec![other])])
            }
            4 => {
                let i = self.index_value(3);
                E::Index(bx(x), bx(v(i)))
            }
            5 => {
                let lo = self.small_int(-3, 3);
                let step = if self.r.pct(30) {
                    Some(bx(self.small_int(-2, 2)))
                } else {
                    None
                };
                E::Slice(bx(x), [Some(bx(lo)), None, step])
            }
            6 => {
                let op = *self.r.pick(&[BinOp::Add, BinOp::Mul, BinOp::Sub]);
                let y = match self.r.below(3) {
                    0 => self.nt_peer(&x),
                    1 => v(V::Int(self.r.range(-1, 3))),
                    // A huge repetition count builds a result neither evaluator can encode
                    // (CPython's is capped at 2 GiB): keep counts small.
                    _ => match self.value(1) {
                        V::Int(n) if op == BinOp::Mul && n.unsigned_abs() > 64 => v(V::Int(n % 7)),
                        other => v(other),
                    },
                };
                if self.r.pct(50) {
                    E::Bin(op, bx(x), bx(y))
                } else {
                    E::Bin(op, bx(y), bx(x))
                }
            }
            7 => {
                let m = self.r.ps(&["_asdict", "count", "index", "_replace"]);
                match m {
                    "_replace" => {
                        let mut kw = Vec::new();
                        for name in ["category", "value", "b", "zz"] {
                            if self.r.pct(30) {
                                kw.push((name, v(self.key())));
                            }
                        }
                        E::Meth(bx(x), "_replace", vec![], kw)
                    }
                    "_asdict" => meth(x, "_asdict", vec![]),
                    _ => {
                        let needle = v(self.key());
                        meth(x, m, vec![needle])
                    }
                }
            }
            8 => {
                let name = self
                    .r
                    .ps(&["category", "value", "a", "c", "_fields", "foo"]);
                E::Attr(bx(x), name)
            }
            9 => {
                let (class, _) = self.nt_class();
                let items = if self.r.pct(70) {
                    v(V::List((0..self.r.below(4)).map(|_| self.key()).collect()))
                } else {
                    v(self.value(1))
                };
                meth(class, "_make", vec![items])
            }
            10 => {
                let arg = if self.r.pct(50) {
                    x
                } else {
                    E::DictDisp(vec![(v(s("k")), E::Tuple(vec![x, self.nt()]))])
                };
                call("json.dumps", vec![arg])
            }
            11 => {
                let spec = if self.r.pct(70) {
                    String::new()
                } else {
                    self.spec()
                };
                let conv = *self.r.pick(&[None, None, Some('r'), Some('s')]);
                E::FStr(vec![FPart::Lit("<".into()), FPart::Field(x, conv, spec)])
            }
            12 => {
                let items = vec![x, self.nt(), v(V::Tuple(vec![self.key(), self.key()]))];
                call("sorted", vec![E::Tuple(items)])
            }
            _ => {
                let f = self.r.ps(&["len", "bool", "tuple", "list", "str", "repr"]);
                call(f, vec![x])
            }
        }
    }

    /// The text of a finite Decimal the runtime represents (at most 38 digits).
    fn decimal_text(&mut self) -> String {
        match self.r.below(4) {
            0 => self.r.range(-1000, 1000).to_string(),
            1 => format!("{}.{}", self.r.range(-999, 999), self.r.range(0, 99_999)),
            2 => format!("{}E{}", self.r.range(-99, 99), self.r.range(-40, 40)),
            _ => self
                .r
                .ps(&[
                    "0",
                    "-0",
                    "0.00",
                    "1.50",
                    "2.5",
                    "-2.5",
                    "1E+3",
                    "1E-7",
                    "123E+30",
                    "9999999999999999999999999999",
                    "12345678901234567890123456789012345678",
                    "0.1",
                    "0.000001",
                    "100",
                    " 7 ",
                    "-7",
                    "3",
                    "9223372036854775807",
                ])
                .to_string(),
        }
    }

    fn decimal(&mut self) -> E {
        let t = self.decimal_text();
        call("decimal.Decimal", vec![v(V::Str(t))])
    }

    /// `decimal.Decimal` (what DynamoDB numbers are in the caching helpers) with the
    /// operators, builtins and conversions detections apply to numbers.
    fn f_decimal(&mut self) -> E {
        let d = self.decimal();
        let kind = self.r.below(5);
        let other = match kind {
            0 | 1 => self.decimal(),
            2 => v(self.num()),
            3 => v(V::Int(self.r.range(-5, 5))),
            _ => v(self.value(1)),
        };
        let swapped = self.r.pct(30);
        let (a, b) = if swapped { (other, d) } else { (d, other) };
        // printf-style `%` with a str or bytes on the left is outside the subset.
        let any_left = swapped && kind == 4;
        match self.r.below(17) {
            0..=5 => {
                let op = *self.r.pick(&[
                    BinOp::Add,
                    BinOp::Sub,
                    BinOp::Mul,
                    BinOp::Div,
                    BinOp::FloorDiv,
                    BinOp::Mod,
                ]);
                let op = if any_left && op == BinOp::Mod {
                    BinOp::Add
                } else {
                    op
                };
                E::Bin(op, bx(a), bx(b))
            }
            6 | 7 => {
                let op = *self.r.pick(&[
                    CmpOp::Eq,
                    CmpOp::Ne,
                    CmpOp::Lt,
                    CmpOp::Le,
                    CmpOp::Gt,
                    CmpOp::Ge,
                ]);
                E::Cmp(op, bx(a), bx(b))
            }
            8 => E::Neg(bx(self.decimal())),
            9 => {
                let f = self
                    .r
                    .ps(&["abs", "int", "float", "str", "repr", "bool", "round"]);
                call(f, vec![self.decimal()])
            }
            10 => call("divmod", vec![a, b]),
            11 => E::SetDisp(vec![a, b]),
            12 => E::DictDisp(vec![(a, v(V::Int(1))), (b, v(V::Int(2)))]),
            13 => call("json.dumps", vec![self.decimal()]),
            14 => {
                // Format specs of the subset the runtime formats Decimals with.
                let spec = if self.r.pct(50) {
                    String::new()
                } else {
                    let align = self.r.ps(&["", "<", ">", "^", "=", "*^", "0<"]);
                    let sign = self.r.ps(&["", "+", "-", " "]);
                    let width = self.r.ps(&["", "1", "8", "15"]);
                    let comma = self.r.ps(&["", ","]);
                    let tail = self.r.ps(&["", "f", ".0f", ".2f", ".5F", ".1f"]);
                    format!("{align}{sign}{width}{comma}{tail}")
                };
                let mut parts = vec![FPart::Field(self.decimal(), None, spec)];
                if self.r.pct(50) {
                    parts.insert(0, FPart::Lit(self.str_()));
                }
                E::FStr(parts)
            }
            15 => {
                let f = self
                    .r
                    .ps(&["math.floor", "math.ceil", "math.sqrt", "isinstance"]);
                if f == "isinstance" {
                    let t = self.type_name();
                    return call(f, vec![self.decimal(), t]);
                }
                call(f, vec![self.decimal()])
            }
            _ => {
                let x = match self.r.below(3) {
                    0 => V::Int(self.int()),
                    1 => V::Bool(self.r.pct(50)),
                    _ => V::Float(*self.r.pick(&[0.5, 1.5, -2.25, 1e22, 0.0, -0.0, 3.0])),
                };
                call("decimal.Decimal", vec![v(x)])
            }
        }
    }

    fn f_misc_stdlib(&mut self) -> E {
        let url = s(self.r.ps(&[
            "http://user:pw@Host.com:8080/p/a?q=1&r=2#frag",
            "https://example.com",
            "//x/y",
            "mailto:a@b",
            "http://[::1]:80/",
            "http://h:99999/",
            "http://h:x/",
            "ftp://a/b;p?q",
            "not a url",
            "",
            "HTTP://EXAMPLE.COM/%7Euser",
            "http://h/a b?c d",
        ]));
        let text = V::Str(self.str_());
        match self.r.below(14) {
            0 => call("urllib.parse.urlparse", vec![v(url)]),
            1 => E::Attr(
                bx(call("urllib.parse.urlparse", vec![v(url)])),
                self.r.ps(&[
                    "hostname", "port", "netloc", "path", "query", "scheme", "username",
                ]),
            ),
            2 => call(
                "urllib.parse.parse_qs",
                vec![v(s(self.r.ps(&[
                    "a=1&b=2&a=3",
                    "a",
                    "a=&b",
                    "x=%20y+z",
                    "",
                    "&&",
                    "a=1;b=2",
                ])))],
            ),
            3 => call(
                self.r.ps(&[
                    "urllib.parse.quote",
                    "urllib.parse.unquote",
                    "urllib.parse.quote_plus",
                    "urllib.parse.unquote_plus",
                ]),
                vec![v(if self.r.pct(50) {
                    text
                } else {
                    s(self.r.ps(&["a%20b", "%zz", "a+b", "%C3%A9", "%E9"]))
                })],
            ),
            4 => call(
                "base64.b64encode",
                vec![v(V::Bytes(self.str_().into_bytes()))],
            ),
            5 | 6 => call(
                self.r.ps(&["base64.b64decode", "base64.urlsafe_b64decode"]),
                vec![v(s(self.r.ps(&[
                    "YWJj",
                    "YWJ",
                    "YQ==",
                    "YQ",
                    "Y",
                    "",
                    "!!!!",
                    "YW Jj",
                    "-_-_",
                    "+/+/",
                    "YWJjZA===",
                    "é",
                ])))],
            ),
            7 | 8 => {
                let t = if self.r.pct(40) {
                    text
                } else {
                    s(self.r.ps(&[
                        "a b \"c d\"",
                        "a 'b",
                        "a\\ b",
                        "\"unterminated",
                        "x # comment",
                        "a\\",
                        "'a''b'",
                        "  ",
                        "a\"b\"c",
                        "\"\\\"\"",
                        "'\\'",
                        "é ü",
                    ]))
                };
                call("shlex.split", vec![v(t)])
            }
            _ => {
                let f = self.r.ps(&[
                    "math.floor",
                    "math.ceil",
                    "math.sqrt",
                    "math.log",
                    "math.log10",
                    "math.log2",
                    "math.exp",
                    "math.isnan",
                    "math.isinf",
                    "math.isfinite",
                    "math.fabs",
                ]);
                let x = if self.r.pct(90) {
                    self.num()
                } else {
                    self.atom()
                };
                if f == "math.log" && self.r.pct(30) {
                    call(f, vec![v(x), v(self.num())])
                } else {
                    call(f, vec![v(x)])
                }
            }
        }
    }
}
