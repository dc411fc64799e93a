//! Python operators and protocols over [`Value`]: truthiness, comparison, membership,
//! arithmetic, indexing, attribute access, calls and iteration.

use std::cmp::Ordering;
use std::rc::Rc;

use crate::err::{ExcKind, PyErr, PyResult};
use crate::value::{BinOp, Key, Kwargs, Set, Value};

/// The comparison operators of Python expressions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Is,
    IsNot,
}

/// `bool(x)`.
pub fn truthy(v: &Value) -> PyResult<bool> {
    Ok(match v {
        Value::None => false,
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::Float(f) => *f != 0.0,
        Value::Str(s) => !s.is_empty(),
        Value::Bytes(b) => !b.is_empty(),
        Value::List(l) => !l.borrow().is_empty(),
        Value::Tuple(t) => !t.is_empty(),
        Value::Dict(d) => !d.borrow().is_empty(),
        Value::Set(s) => !s.borrow().is_empty(),
        Value::FrozenSet(s) => !s.is_empty(),
        Value::Func(_) => true,
        // A range's truth never overflows, unlike its `len()`.
        Value::Object(_) if crate::range::is_range(v) => v
            .downcast::<crate::range::Range>()
            .is_some_and(|r| !r.is_empty()),
        // A user class decides with `__bool__` before `__len__`.
        Value::Object(o) if o.as_any().is::<crate::class::Instance>() => o.truthy()?,
        Value::Object(o) => match o.len() {
            Some(n) => n? != 0,
            None => o.truthy()?,
        },
    })
}

fn is_instance(v: &Value) -> bool {
    v.downcast::<crate::class::Instance>().is_some()
}

/// `a == b` where a user `__eq__` may raise: its exception, not a refusal.
pub fn eq_checked(a: &Value, b: &Value) -> PyResult<bool> {
    if is_instance(a) || is_instance(b) {
        return crate::class::rich_compare(CmpOp::Eq, a, b).and_then(|r| truthy(&r));
    }
    crate::class::capture(|| eq(a, b))
}

/// `a == b`. User `__eq__` hooks run here too; an exception they raise cannot propagate
/// from this infallible form (see `class::capture`, `eq_checked`).
pub fn eq(a: &Value, b: &Value) -> bool {
    use Value::*;
    if is_instance(b) && !is_instance(a) {
        return match b {
            Object(o) => o.eq(a).unwrap_or(false),
            _ => false,
        };
    }
    match (a, b) {
        (None, None) => true,
        (Bool(x), Bool(y)) => x == y,
        (Int(x), Int(y)) => x == y,
        (Bool(x), Int(y)) | (Int(y), Bool(x)) => (*x as i64) == *y,
        (Float(x), Float(y)) => x == y,
        (Int(x), Float(y)) | (Float(y), Int(x)) => int_float_eq(*x, *y),
        (Bool(x), Float(y)) | (Float(y), Bool(x)) => (*x as i64 as f64) == *y,
        (Str(x), Str(y)) => x == y,
        (Bytes(x), Bytes(y)) => x == y,
        (List(x), List(y)) => std::rc::Rc::ptr_eq(x, y) || seq_eq(&x.borrow(), &y.borrow()),
        (Tuple(x), Tuple(y)) => seq_eq(x, y),
        (Dict(x), Dict(y)) => std::rc::Rc::ptr_eq(x, y) || dict_eq(&x.borrow(), &y.borrow()),
        (Set(x), Set(y)) => set_eq(&x.borrow(), &y.borrow()),
        (Set(x), FrozenSet(y)) | (FrozenSet(y), Set(x)) => set_eq(&x.borrow(), y),
        (FrozenSet(x), FrozenSet(y)) => set_eq(x, y),
        (Object(o), other) => match o.eq(other) {
            Some(r) => r,
            Option::None => match other {
                Object(p) => p.eq(a).unwrap_or_else(|| a.is(other)),
                _ => false,
            },
        },
        (other, Object(o)) => o.eq(other).unwrap_or(false),
        (Func(_), Func(_)) => a.is(b),
        _ => false,
    }
}

fn int_float_eq(i: i64, f: f64) -> bool {
    f.fract() == 0.0
        && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f)
        && (f as i64) == i
}

fn seq_eq(a: &[Value], b: &[Value]) -> bool {
    // CPython compares identical elements as equal before calling `==` (so nan in a list
    // equals itself).
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.is(y) || eq(x, y))
}

fn dict_eq(a: &crate::value::Dict, b: &crate::value::Dict) -> bool {
    a.len() == b.len()
        && a.iter().all(|(k, v)| match b.get(k) {
            Some(w) => v.is(w) || eq(v, w),
            None => false,
        })
}

fn set_eq(a: &crate::value::Set, b: &crate::value::Set) -> bool {
    a.len() == b.len() && a.iter().all(|k| b.contains(k))
}

/// `f(*args, **kwargs)` at a call site of compiled code: a compiled callee's frame is
/// exact (see `recursion`).
pub fn call_direct(f: &Value, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if let Value::Func(func) = f {
        if func.is_python() {
            crate::recursion::direct();
        }
    }
    call(f, args, kwargs)
}

/// `f(*args, **kwargs)`.
pub fn call(f: &Value, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    match f {
        Value::Func(func) if func.is_python() => {}
        _ => crate::recursion::native()?,
    }
    if crate::purity::active() {
        crate::purity::check_call(f)?;
    }
    if crate::class::is_class(f) {
        return crate::class::instantiate(f, args, kwargs);
    }
    match f {
        Value::Func(func) => func.call(args, kwargs),
        Value::Object(o) => o.call(args, kwargs),
        _ => Err(PyErr::type_error(format!(
            "'{}' object is not callable",
            f.type_name()
        ))),
    }
}

/// The refusal of an operation whose CPython result ferrule's runtime cannot reproduce (see
/// [`crate::err::refusal`]: it can be neither caught nor suppressed).
pub fn unsupported(what: &str) -> PyErr {
    crate::err::refusal(format!("ferrule runtime: {what} is not supported"))
}

/// `a <op> b` as a value: what a user comparison hook returned, else a bool.
pub fn compare_value(op: CmpOp, a: &Value, b: &Value) -> PyResult<Value> {
    if matches!(
        op,
        CmpOp::Eq | CmpOp::Ne | CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge
    ) && (is_instance(a) || is_instance(b))
    {
        return crate::class::rich_compare(op, a, b);
    }
    compare(op, a, b).map(Value::Bool)
}

/// `a <op> b` for the comparison operators (`in`/`is` included), as a condition.
/// Two function objects ferrule built separately from one native function (`str.lower`
/// read twice): CPython gives one object for a method descriptor and a new bound method per
/// read of a classmethod, which ferrule does not tell apart.
fn same_native_twice(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Func(x), Value::Func(y)) if !std::rc::Rc::ptr_eq(x, y) => {
            match (&x.call, &y.call) {
                (crate::value::FnBody::Native(f), crate::value::FnBody::Native(g)) => {
                    std::ptr::fn_addr_eq(*f, *g) && x.name == y.name
                }
                _ => false,
            }
        }
        _ => false,
    }
}

pub fn compare(op: CmpOp, a: &Value, b: &Value) -> PyResult<bool> {
    crate::recursion::native()?;
    if matches!(
        op,
        CmpOp::Eq | CmpOp::Ne | CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge
    ) && (is_instance(a) || is_instance(b))
    {
        return crate::class::rich_compare(op, a, b).and_then(|r| truthy(&r));
    }
    if matches!(op, CmpOp::Eq | CmpOp::Ne | CmpOp::Is | CmpOp::IsNot) && same_native_twice(a, b) {
        return Err(unsupported(
            "comparing two reads of one builtin method (CPython's answer depends on whether it binds anew)",
        ));
    }
    match op {
        CmpOp::Eq => eq_checked(a, b),
        CmpOp::Ne => eq_checked(a, b).map(|r| !r),
        CmpOp::Is => Ok(a.is(b)),
        CmpOp::IsNot => Ok(!a.is(b)),
        CmpOp::In => contains(b, a),
        CmpOp::NotIn => contains(b, a).map(|r| !r),
        CmpOp::Lt => order(Ord4::Lt, a, b),
        CmpOp::Gt => order(Ord4::Gt, a, b),
        CmpOp::Le => order(Ord4::Le, a, b),
        CmpOp::Ge => order(Ord4::Ge, a, b),
    }
}

/// An ordering comparison operator.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ord4 {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Ord4 {
    fn symbol(self) -> &'static str {
        match self {
            Ord4::Lt => "<",
            Ord4::Le => "<=",
            Ord4::Gt => ">",
            Ord4::Ge => ">=",
        }
    }

    /// The operator with its operands exchanged (`a < b` is `b > a`).
    fn swapped(self) -> Ord4 {
        match self {
            Ord4::Lt => Ord4::Gt,
            Ord4::Le => Ord4::Ge,
            Ord4::Gt => Ord4::Lt,
            Ord4::Ge => Ord4::Le,
        }
    }

    fn test(self, o: Ordering) -> bool {
        match self {
            Ord4::Lt => o == Ordering::Less,
            Ord4::Le => o != Ordering::Greater,
            Ord4::Gt => o == Ordering::Greater,
            Ord4::Ge => o != Ordering::Less,
        }
    }
}

/// A number operand: bools take part in arithmetic as the ints 0 and 1.
#[derive(Clone, Copy)]
enum Num {
    I(i64),
    F(f64),
}

fn num(v: &Value) -> Option<Num> {
    match v {
        Value::Bool(b) => Some(Num::I(*b as i64)),
        Value::Int(i) => Some(Num::I(*i)),
        Value::Float(f) => Some(Num::F(*f)),
        _ => None,
    }
}

/// The integer value of an int or bool (Python's `__index__` for the core types).
pub fn as_index(v: &Value) -> Option<i64> {
    match v {
        Value::Bool(b) => Some(*b as i64),
        Value::Int(i) => Some(*i),
        _ => None,
    }
}

/// Compares an int with a float exactly, as CPython does; `None` when the float is nan.
pub fn cmp_int_float(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        });
    }
    // Every finite f64 below 2^127 in magnitude has an exact i128 integer part.
    if f.abs() >= 1.7e38 {
        return Some(if f > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        });
    }
    let t = f.trunc();
    let ti = t as i128;
    match (i as i128).cmp(&ti) {
        Ordering::Equal => {
            let frac = f - t;
            Some(if frac > 0.0 {
                Ordering::Less
            } else if frac < 0.0 {
                Ordering::Greater
            } else {
                Ordering::Equal
            })
        }
        o => Some(o),
    }
}

fn cmp_num(a: Num, b: Num) -> Option<Ordering> {
    match (a, b) {
        (Num::I(x), Num::I(y)) => Some(x.cmp(&y)),
        (Num::F(x), Num::F(y)) => x.partial_cmp(&y),
        (Num::I(x), Num::F(y)) => cmp_int_float(x, y),
        (Num::F(x), Num::I(y)) => cmp_int_float(y, x).map(Ordering::reverse),
    }
}

fn cmp_error(op: Ord4, a: &Value, b: &Value) -> PyErr {
    PyErr::type_error(format!(
        "'{}' not supported between instances of '{}' and '{}'",
        op.symbol(),
        a.type_name(),
        b.type_name()
    ))
}

fn seq_order(op: Ord4, x: &[Value], y: &[Value]) -> PyResult<bool> {
    for (p, q) in x.iter().zip(y) {
        if !(p.is(q) || eq(p, q)) {
            return order(op, p, q);
        }
    }
    Ok(op.test(x.len().cmp(&y.len())))
}

fn set_order(op: Ord4, x: &Set, y: &Set) -> bool {
    let sub = |a: &Set, b: &Set| a.len() <= b.len() && a.iter().all(|k| b.contains(k));
    match op {
        Ord4::Lt => x.len() < y.len() && sub(x, y),
        Ord4::Le => sub(x, y),
        Ord4::Gt => y.len() < x.len() && sub(y, x),
        Ord4::Ge => sub(y, x),
    }
}

fn object_order(op: Ord4, a: &Value, b: &Value) -> Option<PyResult<bool>> {
    // Objects provide `<` (and `==`); the other orderings derive from them as for the
    // total orders objects implement (datetimes, timedeltas, addresses).
    let lt_of = |x: &Value, y: &Value| -> Option<PyResult<bool>> {
        match x {
            Value::Object(o) => o.lt(y),
            _ => None,
        }
    };
    match op {
        Ord4::Lt => lt_of(a, b).or_else(|| lt_of_reflected(b, a)),
        Ord4::Gt => lt_of(b, a).or_else(|| lt_of_reflected(a, b)),
        Ord4::Le => object_order(Ord4::Lt, a, b).map(|r| r.map(|lt| lt || eq(a, b))),
        Ord4::Ge => object_order(Ord4::Gt, a, b).map(|r| r.map(|gt| gt || eq(a, b))),
    }
}

/// `x < y` answered by the object `x` when only `y < x` is known to it: objects implement
/// total orders, so `y > x` holds exactly when neither `x < y` nor `x == y` does.
fn lt_of_reflected(obj: &Value, other: &Value) -> Option<PyResult<bool>> {
    match obj {
        Value::Object(o) => o.lt(other).map(|r| r.map(|lt| !lt && !eq(obj, other))),
        _ => None,
    }
}

fn order(op: Ord4, a: &Value, b: &Value) -> PyResult<bool> {
    if is_instance(a) || is_instance(b) {
        let cmp = match op {
            Ord4::Lt => CmpOp::Lt,
            Ord4::Le => CmpOp::Le,
            Ord4::Gt => CmpOp::Gt,
            Ord4::Ge => CmpOp::Ge,
        };
        return crate::class::rich_compare(cmp, a, b).and_then(|r| truthy(&r));
    }
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        return Ok(cmp_num(x, y).is_some_and(|o| op.test(o)));
    }
    // Namedtuples order as the equal tuples, against tuples and each other. With a plain
    // tuple on the left, CPython asks the subclass on the right first, with the operands
    // swapped (`b > a` for `a < b`), which shows in the TypeError of incomparable items.
    if let (Some(x), Some(y)) = (a.tuple_items(), b.tuple_items()) {
        if matches!(a, Value::Tuple(_)) && matches!(b, Value::Object(_)) {
            return seq_order(op.swapped(), y, x);
        }
        return seq_order(op, x, y);
    }
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Ok(op.test(x.as_ref().cmp(y.as_ref()))),
        (Value::Bytes(x), Value::Bytes(y)) => Ok(op.test(x.as_ref().cmp(y.as_ref()))),
        (Value::List(x), Value::List(y)) => {
            let (x, y) = (x.borrow().clone(), y.borrow().clone());
            seq_order(op, &x, &y)
        }
        (Value::Tuple(x), Value::Tuple(y)) => seq_order(op, x, y),
        (Value::Set(x), Value::Set(y)) => Ok(set_order(op, &x.borrow(), &y.borrow())),
        (Value::Set(x), Value::FrozenSet(y)) => Ok(set_order(op, &x.borrow(), y)),
        (Value::FrozenSet(x), Value::Set(y)) => Ok(set_order(op, x, &y.borrow())),
        (Value::FrozenSet(x), Value::FrozenSet(y)) => Ok(set_order(op, x, y)),
        (Value::Object(_), _) | (_, Value::Object(_)) => match object_order(op, a, b) {
            Some(r) => r,
            None => Err(cmp_error(op, a, b)),
        },
        _ => Err(cmp_error(op, a, b)),
    }
}

/// `a < b`, with CPython's TypeError across incompatible types.
pub fn lt(a: &Value, b: &Value) -> PyResult<bool> {
    order(Ord4::Lt, a, b)
}

/// `a <= b`.
pub fn le(a: &Value, b: &Value) -> PyResult<bool> {
    order(Ord4::Le, a, b)
}

/// `a > b`.
pub fn gt(a: &Value, b: &Value) -> PyResult<bool> {
    order(Ord4::Gt, a, b)
}

/// `a >= b`.
pub fn ge(a: &Value, b: &Value) -> PyResult<bool> {
    order(Ord4::Ge, a, b)
}

/// A key for set and dict lookups: a `set` probe is looked up as the equal `frozenset`,
/// as CPython does for `set() in {frozenset()}`.
fn lookup_key(item: &Value) -> PyResult<Key> {
    match item {
        Value::Set(s) => Ok(Key::new(Value::FrozenSet(Rc::new(s.borrow().clone())))?),
        _ => Key::new(item.clone()),
    }
}

/// `item in container`.
pub fn contains(container: &Value, item: &Value) -> PyResult<bool> {
    match container {
        Value::Str(s) => match item {
            Value::Str(sub) => Ok(s.contains(sub.as_ref())),
            _ => Err(PyErr::type_error(format!(
                "'in <string>' requires string as left operand, not {}",
                item.type_name()
            ))),
        },
        Value::Bytes(b) => match item {
            Value::Bytes(sub) => Ok(bytes_find(b, sub, 0).is_some()),
            Value::Int(_) | Value::Bool(_) => {
                let n = as_index(item).unwrap_or(0);
                if !(0..256).contains(&n) {
                    return Err(PyErr::value_error("byte must be in range(0, 256)"));
                }
                Ok(b.contains(&(n as u8)))
            }
            _ => Err(PyErr::type_error(format!(
                "a bytes-like object is required, not '{}'",
                item.type_name()
            ))),
        },
        Value::List(l) => {
            let items = l.borrow().clone();
            seq_contains(&items, item)
        }
        Value::Tuple(t) => seq_contains(t, item),
        Value::Dict(d) => {
            // Only sets look a set up as a frozenset; dicts refuse it as unhashable.
            let k = Key::new(item.clone())?;
            crate::class::capture(|| d.borrow().contains_key(&k))
        }
        Value::Set(s) => {
            let k = lookup_key(item)?;
            crate::class::capture(|| s.borrow().contains(&k))
        }
        Value::FrozenSet(s) => {
            let k = lookup_key(item)?;
            crate::class::capture(|| s.contains(&k))
        }
        Value::Object(o) => {
            if let Some(r) = o.contains(item) {
                return r;
            }
            // An iterator is advanced only up to the first equal item (`x in gen` leaves
            // the rest of it for later).
            if o.is_iterator() {
                let mut found = false;
                crate::call::for_each(container, |x| {
                    found = x.is(item) || eq(&x, item);
                    Ok(!found)
                })?;
                return Ok(found);
            }
            if let Some(items) = o.iter() {
                return Ok(items?.iter().any(|x| x.is(item) || eq(x, item)));
            }
            Err(PyErr::type_error(format!(
                "argument of type '{}' is not iterable",
                o.type_name()
            )))
        }
        _ => Err(PyErr::type_error(format!(
            "argument of type '{}' is not iterable",
            container.type_name()
        ))),
    }
}

/// `item in seq` for a list or tuple: identity, then `==` element by element (stopping at
/// the first match, and at the first exception a user `__eq__` raises).
fn seq_contains(items: &[Value], item: &Value) -> PyResult<bool> {
    for x in items {
        if x.is(item) || eq_checked(x, item)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The first index of `needle` in `hay` at or after `from`.
pub fn bytes_find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return (from <= hay.len()).then_some(from);
    }
    if from >= hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn overflow(what: &str) -> PyErr {
    unsupported(&format!("{what} beyond 64-bit integers"))
}

fn op_error(op: BinOp, a: &Value, b: &Value, inplace: bool) -> PyErr {
    PyErr::type_error(format!(
        "unsupported operand type(s) for {}{}: '{}' and '{}'",
        op.symbol(),
        if inplace { "=" } else { "" },
        a.type_name(),
        b.type_name()
    ))
}

/// The largest sequence ferrule builds by repetition; beyond it CPython may raise
/// MemoryError or succeed, which ferrule does not model.
const MAX_REPEAT_BYTES: usize = 1 << 30;

fn repeat_count(n: &Value, item_size: usize, len: usize) -> PyResult<Option<usize>> {
    match as_index(n) {
        Some(n) => {
            let n = if n < 0 { 0 } else { n as u64 };
            let total = (len as u64)
                .saturating_mul(n)
                .saturating_mul(item_size as u64);
            if total > MAX_REPEAT_BYTES as u64 {
                return Err(unsupported("repeating a sequence to this size"));
            }
            Ok(Some(n as usize))
        }
        None => match n {
            Value::Object(_) => Ok(None),
            _ => Err(PyErr::type_error(format!(
                "can't multiply sequence by non-int of type '{}'",
                n.type_name()
            ))),
        },
    }
}

fn float_floordiv_mod(vx: f64, wx: f64) -> (f64, f64) {
    // CPython's float_divmod.
    let mut m = vx % wx;
    let mut div = (vx - m) / wx;
    if m != 0.0 {
        if (wx < 0.0) != (m < 0.0) {
            m += wx;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(wx);
    }
    let floordiv = if div != 0.0 {
        let mut fd = div.floor();
        if div - fd > 0.5 {
            fd += 1.0;
        }
        fd
    } else {
        0.0f64.copysign(vx / wx)
    };
    (floordiv, m)
}

fn is_odd_integer(x: f64) -> bool {
    x.is_finite() && x.fract() == 0.0 && (x % 2.0).abs() == 1.0
}

/// `float ** float` with CPython's special cases and errors.
pub fn float_pow(iv: f64, iw: f64) -> PyResult<Value> {
    if iw == 0.0 {
        return Ok(Value::Float(1.0));
    }
    if iv.is_nan() {
        return Ok(Value::Float(iv));
    }
    if iw.is_nan() {
        return Ok(Value::Float(if iv == 1.0 { 1.0 } else { iw }));
    }
    if iw.is_infinite() {
        let a = iv.abs();
        return Ok(Value::Float(if a == 1.0 {
            1.0
        } else if (iw > 0.0) == (a > 1.0) {
            iw.abs()
        } else {
            0.0
        }));
    }
    if iv.is_infinite() {
        let odd = is_odd_integer(iw);
        return Ok(Value::Float(if iw > 0.0 {
            if odd {
                iv
            } else {
                iv.abs()
            }
        } else if odd {
            0.0f64.copysign(iv)
        } else {
            0.0
        }));
    }
    if iv == 0.0 {
        if iw < 0.0 {
            return Err(PyErr::new(
                ExcKind::ZeroDivisionError,
                "0.0 cannot be raised to a negative power",
            ));
        }
        return Ok(Value::Float(if is_odd_integer(iw) { iv } else { 0.0 }));
    }
    let mut base = iv;
    let mut negate = false;
    if base < 0.0 {
        if iw != iw.floor() {
            return Err(unsupported("complex results of **"));
        }
        base = -base;
        negate = is_odd_integer(iw);
    }
    if base == 1.0 {
        return Ok(Value::Float(if negate { -1.0 } else { 1.0 }));
    }
    let r = base.powf(iw);
    if r.is_infinite() {
        return Err(PyErr::with_args(
            crate::err::ExcType::Builtin(ExcKind::OverflowError),
            vec![Value::Int(34), Value::str("Numerical result out of range")],
        ));
    }
    Ok(Value::Float(if negate { -r } else { r }))
}

fn int_pow(a: i64, b: i64) -> PyResult<Value> {
    if b < 0 {
        if a == 0 {
            return Err(PyErr::new(
                ExcKind::ZeroDivisionError,
                "0.0 cannot be raised to a negative power",
            ));
        }
        return float_pow(a as f64, b as f64);
    }
    match a {
        0 => return Ok(Value::Int(if b == 0 { 1 } else { 0 })),
        1 => return Ok(Value::Int(1)),
        -1 => return Ok(Value::Int(if b % 2 == 0 { 1 } else { -1 })),
        _ => {}
    }
    let e = u32::try_from(b).map_err(|_| overflow("**"))?;
    a.checked_pow(e)
        .map(Value::Int)
        .ok_or_else(|| overflow("**"))
}

/// The largest magnitude below which an int converts to float exactly.
const EXACT_FLOAT_INT: i64 = 1 << 53;

/// `a / b` for ints too large to convert to float exactly, correctly rounded as CPython's
/// `long_true_divide` does: the quotient is computed with at least 55 significant bits plus a
/// sticky bit, so the one rounding to 53 bits (in the u128 to f64 conversion) is exact.
fn int_true_divide(a: i64, b: i64) -> f64 {
    let (x, y) = (a.unsigned_abs() as u128, b.unsigned_abs() as u128);
    let bits = |v: u128| 128 - v.leading_zeros() as i32;
    let shift = (56 + bits(y) - bits(x)).max(0);
    let n = x << shift;
    let (q, r) = (n / y, n % y);
    let q = q | (r != 0) as u128;
    let mag = q as f64 * 2f64.powi(-shift);
    if (a < 0) != (b < 0) {
        -mag
    } else {
        mag
    }
}

fn int_to_float(i: i64) -> f64 {
    i as f64
}

fn num_binop(op: BinOp, x: Num, y: Num, bools: Option<(bool, bool)>) -> PyResult<Option<Value>> {
    use BinOp::*;
    let zde = |m: &str| PyErr::new(ExcKind::ZeroDivisionError, m);
    Ok(Some(match (x, y) {
        (Num::I(a), Num::I(b)) => match op {
            Add => Value::Int(a.checked_add(b).ok_or_else(|| overflow("+"))?),
            Sub => Value::Int(a.checked_sub(b).ok_or_else(|| overflow("-"))?),
            Mul => Value::Int(a.checked_mul(b).ok_or_else(|| overflow("*"))?),
            Div => {
                if b == 0 {
                    return Err(zde("division by zero"));
                }
                if a.unsigned_abs() > EXACT_FLOAT_INT as u64
                    || b.unsigned_abs() > EXACT_FLOAT_INT as u64
                {
                    Value::Float(int_true_divide(a, b))
                } else {
                    Value::Float(a as f64 / b as f64)
                }
            }
            FloorDiv => {
                if b == 0 {
                    return Err(zde("integer division or modulo by zero"));
                }
                let q = a.checked_div(b).ok_or_else(|| overflow("//"))?;
                Value::Int(if a % b != 0 && ((a < 0) != (b < 0)) {
                    q - 1
                } else {
                    q
                })
            }
            Mod => {
                if b == 0 {
                    return Err(zde("integer modulo by zero"));
                }
                // i64::MIN % -1 overflows in Rust but is 0.
                let r = a.checked_rem(b).unwrap_or(0);
                Value::Int(if r != 0 && ((r < 0) != (b < 0)) {
                    r + b
                } else {
                    r
                })
            }
            Pow => int_pow(a, b)?,
            BitAnd | BitOr | BitXor => {
                let r = match op {
                    BitAnd => a & b,
                    BitOr => a | b,
                    _ => a ^ b,
                };
                match bools {
                    Some((true, true)) => Value::Bool(r != 0),
                    _ => Value::Int(r),
                }
            }
            LShift => {
                if b < 0 {
                    return Err(PyErr::value_error("negative shift count"));
                }
                if a == 0 {
                    Value::Int(0)
                } else {
                    let s = u32::try_from(b)
                        .ok()
                        .filter(|s| *s < 64)
                        .ok_or_else(|| overflow("<<"))?;
                    let r = a
                        .checked_shl(s)
                        .filter(|r| (r >> s) == a)
                        .ok_or_else(|| overflow("<<"))?;
                    Value::Int(r)
                }
            }
            RShift => {
                if b < 0 {
                    return Err(PyErr::value_error("negative shift count"));
                }
                Value::Int(if b >= 64 {
                    if a < 0 {
                        -1
                    } else {
                        0
                    }
                } else {
                    a >> b
                })
            }
            MatMul => return Ok(None),
        },
        _ => {
            let (a, b) = match (x, y) {
                (Num::F(a), Num::F(b)) => (a, b),
                (Num::I(a), Num::F(b)) => (int_to_float(a), b),
                (Num::F(a), Num::I(b)) => (a, int_to_float(b)),
                (Num::I(_), Num::I(_)) => unreachable_pair()?,
            };
            match op {
                Add => Value::Float(a + b),
                Sub => Value::Float(a - b),
                Mul => Value::Float(a * b),
                Div => {
                    if b == 0.0 {
                        return Err(zde("float division by zero"));
                    }
                    Value::Float(a / b)
                }
                FloorDiv => {
                    if b == 0.0 {
                        return Err(zde("float floor division by zero"));
                    }
                    Value::Float(float_floordiv_mod(a, b).0)
                }
                Mod => {
                    if b == 0.0 {
                        return Err(zde("float modulo"));
                    }
                    Value::Float(float_floordiv_mod(a, b).1)
                }
                Pow => float_pow(a, b)?,
                _ => return Ok(None),
            }
        }
    }))
}

fn unreachable_pair() -> PyResult<(f64, f64)> {
    Err(unsupported("int pair in float arithmetic"))
}

/// `divmod(a, b)` for numbers.
pub fn divmod(a: &Value, b: &Value) -> PyResult<Value> {
    if crate::decimal::as_decimal(a).is_some() || crate::decimal::as_decimal(b).is_some() {
        if let Some(r) = crate::decimal::divmod(a, b) {
            return r;
        }
    }
    match (num(a), num(b)) {
        (Some(Num::I(x)), Some(Num::I(y))) => {
            if y == 0 {
                return Err(PyErr::new(
                    ExcKind::ZeroDivisionError,
                    "integer division or modulo by zero",
                ));
            }
            let q = binop(BinOp::FloorDiv, a, b)?;
            let r = binop(BinOp::Mod, a, b)?;
            let _ = x;
            Ok(Value::tuple(vec![q, r]))
        }
        (Some(x), Some(y)) => {
            let to_f = |n: Num| match n {
                Num::I(i) => int_to_float(i),
                Num::F(f) => f,
            };
            let (fx, fy) = (to_f(x), to_f(y));
            if fy == 0.0 {
                return Err(PyErr::new(ExcKind::ZeroDivisionError, "float divmod()"));
            }
            let (q, r) = float_floordiv_mod(fx, fy);
            Ok(Value::tuple(vec![Value::Float(q), Value::Float(r)]))
        }
        _ => Err(PyErr::type_error(format!(
            "unsupported operand type(s) for divmod(): '{}' and '{}'",
            a.type_name(),
            b.type_name()
        ))),
    }
}

fn set_of_ref(v: &Value) -> bool {
    matches!(v, Value::Set(_) | Value::FrozenSet(_))
}

/// `a <op> b` on two sets, along CPython's `set_or`/`set_and`/`set_sub`/`set_xor` paths.
fn set_binop(op: BinOp, a: &Value, x: &Set, b: &Value) -> Option<PyResult<Set>> {
    Some(match op {
        BinOp::BitOr => crate::pyset::union(a, x, std::slice::from_ref(b)),
        BinOp::BitAnd => crate::pyset::intersection(a, x, b),
        BinOp::Sub => crate::pyset::difference(a, x, b),
        BinOp::BitXor => crate::pyset::symmetric_difference(a, b),
        _ => return None,
    })
}

fn object_binop(op: BinOp, a: &Value, b: &Value) -> Option<PyResult<Value>> {
    if let Value::Object(o) = a {
        if let Some(r) = o.binop(op, b, false) {
            return Some(r);
        }
    }
    if let Value::Object(o) = b {
        if let Some(r) = o.binop(op, a, true) {
            return Some(r);
        }
    }
    None
}

fn binop_impl(op: BinOp, a: &Value, b: &Value, inplace: bool) -> PyResult<Value> {
    if is_instance(a) || is_instance(b) {
        if let Some(r) = crate::class::binop(op, a, b, inplace) {
            return r;
        }
    }
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        let bools = Some((matches!(a, Value::Bool(_)), matches!(b, Value::Bool(_))));
        if let Some(v) = num_binop(op, x, y, bools)? {
            return Ok(v);
        }
        return Err(op_error(op, a, b, inplace));
    }
    // `+` and `*` of a namedtuple are tuple.__add__ / tuple.__mul__, giving plain tuples.
    if matches!(op, BinOp::Add | BinOp::Mul) {
        let a_nt = matches!(a, Value::Object(_)) && a.tuple_items().is_some();
        let b_nt = matches!(b, Value::Object(_)) && b.tuple_items().is_some();
        let b_takes = match op {
            BinOp::Add => a.tuple_items().is_some(),
            _ => matches!(a, Value::Int(_) | Value::Bool(_)),
        };
        if a_nt || (b_nt && b_takes) {
            let b2 = if b_takes { b.plain_tuple() } else { b.clone() };
            return binop_impl(op, &a.plain_tuple(), &b2, inplace);
        }
    }
    if matches!(a, Value::Object(_)) || matches!(b, Value::Object(_)) {
        if let Some(r) = object_binop(op, a, b) {
            return r;
        }
    }
    let concat_err = |what: &str| {
        PyErr::type_error(format!(
            "can only concatenate {what} (not \"{}\") to {what}",
            b.type_name()
        ))
    };
    match (op, a) {
        (BinOp::Add, Value::Str(x)) => match b {
            Value::Str(y) => {
                let mut s = String::with_capacity(x.len() + y.len());
                s.push_str(x);
                s.push_str(y);
                Ok(Value::from(s))
            }
            _ => Err(concat_err("str")),
        },
        (BinOp::Add, Value::List(x)) => match b {
            Value::List(y) => {
                let mut v = x.borrow().clone();
                v.extend(y.borrow().iter().cloned());
                Ok(Value::list(v))
            }
            _ => Err(concat_err("list")),
        },
        (BinOp::Add, Value::Tuple(x)) => match b {
            Value::Tuple(y) => {
                let mut v = x.to_vec();
                v.extend(y.iter().cloned());
                Ok(Value::tuple(v))
            }
            _ => Err(concat_err("tuple")),
        },
        (BinOp::Add, Value::Bytes(x)) => match b {
            Value::Bytes(y) => {
                let mut v = x.to_vec();
                v.extend_from_slice(y);
                Ok(Value::Bytes(v.into()))
            }
            _ => Err(PyErr::type_error(format!(
                "can't concat {} to bytes",
                b.type_name()
            ))),
        },
        (BinOp::Mul, Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_)) => {
            repeat(a, b, inplace)
        }
        (BinOp::Mul, Value::Int(_) | Value::Bool(_))
            if matches!(
                b,
                Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_)
            ) =>
        {
            repeat(b, a, inplace)
        }
        // CPython tries the sequence's repeat with the other operand as the count.
        (BinOp::Mul, x)
            if (!matches!(x, Value::Object(_)) || crate::decimal::as_decimal(x).is_some())
                && matches!(
                    b,
                    Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_)
                ) =>
        {
            repeat(b, a, inplace)
        }
        (BinOp::BitOr, Value::Dict(x)) => match b {
            Value::Dict(y) => {
                let mut d = x.borrow().clone();
                for (k, v) in y.borrow().iter() {
                    d.insert(k.clone(), v.clone());
                }
                let out = Value::dict(d);
                // `defaultdict | dict` is a defaultdict with the left operand's factory.
                if let (Some(f), Value::Dict(o)) =
                    (crate::stdlib::collections::default_factory(x), &out)
                {
                    crate::stdlib::collections::register_defaultdict(o, f);
                } else if crate::stdlib::collections::default_factory(y).is_some() {
                    return Err(unsupported("`dict | defaultdict`"));
                }
                Ok(out)
            }
            _ => Err(op_error(op, a, b, inplace)),
        },
        (_, Value::Set(_) | Value::FrozenSet(_)) if set_of_ref(b) => {
            // Both operands are only read, so borrowing them (even the same one) is safe.
            match crate::pyset::with_set(a, |x| set_binop(op, a, x, b)).flatten() {
                Some(r) => Ok(if matches!(a, Value::Set(_)) {
                    Value::set(r?)
                } else {
                    Value::FrozenSet(Rc::new(r?))
                }),
                None => Err(op_error(op, a, b, inplace)),
            }
        }
        (_, Value::Set(_) | Value::FrozenSet(_)) => Err(op_error(op, a, b, inplace)),
        (BinOp::Mod, Value::Str(_) | Value::Bytes(_)) => Err(unsupported("%-formatting")),
        _ => Err(op_error(op, a, b, inplace)),
    }
}

/// CPython's error for a sequence repeated by an operand without `__index__`.
fn non_int_count(n: &Value) -> PyErr {
    PyErr::type_error(format!(
        "can't multiply sequence by non-int of type '{}'",
        n.type_name()
    ))
}

fn repeat_vec(items: &[Value], count: usize) -> Vec<Value> {
    let mut out = Vec::with_capacity(items.len() * count);
    for _ in 0..count {
        out.extend(items.iter().cloned());
    }
    out
}

fn repeat(seq: &Value, n: &Value, inplace: bool) -> PyResult<Value> {
    let (len, size) = match seq {
        Value::Str(s) => (s.len(), 1),
        Value::Bytes(b) => (b.len(), 1),
        Value::List(l) => (l.borrow().len(), std::mem::size_of::<Value>()),
        Value::Tuple(t) => (t.len(), std::mem::size_of::<Value>()),
        _ => (0, 1),
    };
    let count = match repeat_count(n, size, len)? {
        Some(c) => c,
        None => {
            return match object_binop(BinOp::Mul, seq, n) {
                Some(r) => r,
                None if crate::decimal::as_decimal(n).is_some() => Err(non_int_count(n)),
                None => Err(op_error(BinOp::Mul, seq, n, inplace)),
            }
        }
    };
    Ok(match seq {
        Value::Str(s) => Value::from(s.repeat(count)),
        Value::Bytes(b) => Value::Bytes(b.repeat(count).into()),
        Value::List(l) => Value::list(repeat_vec(&l.borrow(), count)),
        Value::Tuple(t) => Value::tuple(repeat_vec(t, count)),
        _ => return Err(op_error(BinOp::Mul, seq, n, inplace)),
    })
}

/// `a <op> b` for arithmetic and bitwise operators.
pub fn binop(op: BinOp, a: &Value, b: &Value) -> PyResult<Value> {
    binop_impl(op, a, b, false)
}

/// `a <op>= b`: in place for lists (`+=` extends), sets and dicts (`|=`), else `binop`.
pub fn inplace(op: BinOp, a: &Value, b: &Value) -> PyResult<Value> {
    if is_instance(a) || is_instance(b) {
        return binop_impl(op, a, b, true);
    }
    match (op, a) {
        (BinOp::Add, Value::List(l)) => {
            let items = iter(b)?;
            l.borrow_mut().extend(items);
            Ok(a.clone())
        }
        (BinOp::Mul, Value::List(l)) => {
            let len = l.borrow().len();
            let count = match repeat_count(b, std::mem::size_of::<Value>(), len)? {
                Some(c) => c,
                None if crate::decimal::as_decimal(b).is_some() => return Err(non_int_count(b)),
                None => return Err(op_error(op, a, b, true)),
            };
            let items = repeat_vec(&l.borrow(), count);
            *l.borrow_mut() = items;
            Ok(a.clone())
        }
        (BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor, Value::Set(s)) => {
            if !set_of_ref(b) {
                return Err(op_error(op, a, b, true));
            }
            // In place, as `set_ior`/`set_iand`/`set_isub`/`set_ixor` (the finger stays).
            let same = a.is(b);
            let mut x = std::mem::take(&mut *s.borrow_mut());
            let r = match op {
                BinOp::BitOr if same => Ok(()),
                BinOp::BitOr => crate::pyset::update_internal(&mut x, b),
                BinOp::BitAnd => {
                    let frozen = Value::FrozenSet(Rc::new(x.clone()));
                    let other = if same { &frozen } else { b };
                    crate::pyset::intersection(&frozen, &x, other)
                        .map(|r| crate::pyset::intersection_update(&mut x, r))
                }
                BinOp::Sub => crate::pyset::difference_update(&mut x, b, same),
                _ => crate::pyset::symmetric_difference_update(&mut x, b, same),
            };
            *s.borrow_mut() = x;
            r?;
            Ok(a.clone())
        }
        (BinOp::BitOr, Value::Dict(d)) => {
            let pairs = crate::methods::mapping_or_pairs(b)?;
            let mut d = d.borrow_mut();
            for (k, v) in pairs {
                d.insert(k, v);
            }
            drop(d);
            Ok(a.clone())
        }
        _ => binop_impl(op, a, b, true),
    }
}

fn unary_error(sym: &str, v: &Value) -> PyErr {
    PyErr::type_error(format!(
        "bad operand type for unary {sym}: '{}'",
        v.type_name()
    ))
}

/// `-x`.
pub fn neg(v: &Value) -> PyResult<Value> {
    match v {
        Value::Bool(b) => Ok(Value::Int(-(*b as i64))),
        Value::Int(i) => i
            .checked_neg()
            .map(Value::Int)
            .ok_or_else(|| overflow("unary -")),
        Value::Float(f) => Ok(Value::Float(-f)),
        Value::Object(_) if is_instance(v) => {
            crate::class::unary("__neg__", v).unwrap_or_else(|| Err(unary_error("-", v)))
        }
        Value::Object(_) => match crate::decimal::as_decimal(v) {
            Some(d) => d.neg_op().map(Value::from),
            None => Err(unsupported("unary - on objects")),
        },
        _ => Err(unary_error("-", v)),
    }
}

/// `+x`.
pub fn pos(v: &Value) -> PyResult<Value> {
    match v {
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Int(_) | Value::Float(_) => Ok(v.clone()),
        Value::Object(_) if is_instance(v) => {
            crate::class::unary("__pos__", v).unwrap_or_else(|| Err(unary_error("+", v)))
        }
        Value::Object(_) => match crate::decimal::as_decimal(v) {
            Some(d) => d.pos_op().map(Value::from),
            None => Err(unsupported("unary + on objects")),
        },
        _ => Err(unary_error("+", v)),
    }
}

/// `~x`.
pub fn invert(v: &Value) -> PyResult<Value> {
    match v {
        Value::Bool(b) => Ok(Value::Int(!(*b as i64))),
        Value::Int(i) => Ok(Value::Int(!i)),
        Value::Object(_) if is_instance(v) => {
            crate::class::unary("__invert__", v).unwrap_or_else(|| Err(unary_error("~", v)))
        }
        Value::Object(_) if crate::decimal::as_decimal(v).is_some() => Err(unary_error("~", v)),
        Value::Object(_) => Err(unsupported("unary ~ on objects")),
        _ => Err(unary_error("~", v)),
    }
}

/// A `slice` object: what `obj[lo:hi:step]` passes to an object's `getitem` hook.
#[derive(Clone, Debug)]
pub struct Slice {
    pub start: Option<i64>,
    pub stop: Option<i64>,
    pub step: Option<i64>,
}

impl Slice {
    /// The slice of bounds that must be ints (or bools) or None.
    pub fn new(lo: Option<&Value>, hi: Option<&Value>, step: Option<&Value>) -> PyResult<Slice> {
        let bound = |v: Option<&Value>| -> PyResult<Option<i64>> {
            match v {
                None | Some(Value::None) => Ok(None),
                Some(x) => as_index(x).map(Some).ok_or_else(|| {
                    PyErr::type_error(
                        "slice indices must be integers or None or have an __index__ method",
                    )
                }),
            }
        };
        Ok(Slice {
            start: bound(lo)?,
            stop: bound(hi)?,
            step: bound(step)?,
        })
    }

    /// The indices the slice selects in a sequence of `len` items (`slice.indices`).
    pub fn indices(&self, len: usize) -> PyResult<Vec<usize>> {
        let step = self.step.unwrap_or(1);
        if step == 0 {
            return Err(PyErr::value_error("slice step cannot be zero"));
        }
        let len = len as i64;
        let adjust = |v: Option<i64>, default: i64, lo: i64, hi: i64| -> i64 {
            match v {
                None => default,
                Some(mut x) => {
                    if x < 0 {
                        x += len;
                        if x < lo {
                            x = lo;
                        }
                    } else if x > hi {
                        x = hi;
                    }
                    x
                }
            }
        };
        let mut out = Vec::new();
        if step > 0 {
            let start = adjust(self.start, 0, 0, len);
            let stop = adjust(self.stop, len, 0, len);
            let mut i = start;
            while i < stop {
                out.push(i as usize);
                i = match i.checked_add(step) {
                    Some(n) => n,
                    None => break,
                };
            }
        } else {
            let start = adjust(self.start, len - 1, -1, len - 1);
            let stop = adjust(self.stop, -1, -1, len - 1);
            let mut i = start;
            while i > stop {
                out.push(i as usize);
                i = match i.checked_add(step) {
                    Some(n) => n,
                    None => break,
                };
            }
        }
        Ok(out)
    }
}

impl crate::value::PyObject for Slice {
    fn fixed_attributes(&self) -> Option<&str> {
        Some("slice")
    }
    fn type_name(&self) -> &str {
        "slice"
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        let f = |b: Option<i64>| b.map_or(Value::None, Value::Int);
        match name {
            "start" => Ok(f(self.start)),
            "stop" => Ok(f(self.stop)),
            "step" => Ok(f(self.step)),
            _ => Err(unsupported(&format!("slice.{name}"))),
        }
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        Some(
            other
                .downcast::<Slice>()
                .is_some_and(|o| (o.start, o.stop, o.step) == (self.start, self.stop, self.step)),
        )
    }
    fn repr(&self) -> String {
        let f = |b: Option<i64>| b.map_or_else(|| "None".to_string(), |i| i.to_string());
        format!(
            "slice({}, {}, {})",
            f(self.start),
            f(self.stop),
            f(self.step)
        )
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Resolves a possibly negative index into `0..len`, or `None` when out of range.
pub fn norm_index(i: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let j = if i < 0 { i + len } else { i };
    (0..len).contains(&j).then_some(j as usize)
}

/// `obj[key]`.
pub fn getitem(obj: &Value, key: &Value) -> PyResult<Value> {
    if let Some(sl) = key.downcast::<Slice>() {
        return slice_with(obj, sl);
    }
    match obj {
        Value::List(l) => {
            let i = as_index(key).ok_or_else(|| {
                PyErr::type_error(format!(
                    "list indices must be integers or slices, not {}",
                    key.type_name()
                ))
            })?;
            let l = l.borrow();
            norm_index(i, l.len())
                .map(|j| l[j].clone())
                .ok_or_else(|| PyErr::index_error("list index out of range"))
        }
        Value::Tuple(t) => {
            let i = as_index(key).ok_or_else(|| {
                PyErr::type_error(format!(
                    "tuple indices must be integers or slices, not {}",
                    key.type_name()
                ))
            })?;
            norm_index(i, t.len())
                .map(|j| t[j].clone())
                .ok_or_else(|| PyErr::index_error("tuple index out of range"))
        }
        Value::Str(s) => {
            let i = as_index(key).ok_or_else(|| {
                PyErr::type_error(format!(
                    "string indices must be integers, not '{}'",
                    key.type_name()
                ))
            })?;
            let n = if i < 0 { s.chars().count() } else { 0 };
            let j = if i < 0 { i + n as i64 } else { i };
            if j < 0 {
                return Err(PyErr::index_error("string index out of range"));
            }
            s.chars()
                .nth(j as usize)
                .map(|c| Value::from(c.to_string()))
                .ok_or_else(|| PyErr::index_error("string index out of range"))
        }
        Value::Bytes(b) => {
            let i = as_index(key).ok_or_else(|| {
                PyErr::type_error(format!(
                    "byte indices must be integers or slices, not {}",
                    key.type_name()
                ))
            })?;
            norm_index(i, b.len())
                .map(|j| Value::Int(b[j] as i64))
                .ok_or_else(|| PyErr::index_error("index out of range"))
        }
        Value::Dict(d) => {
            let k = Key::new(key.clone())?;
            // A user `__eq__`/`__hash__` may raise during the lookup.
            let found = crate::class::capture(|| d.borrow().get(&k).cloned())?;
            match found {
                Some(v) => Ok(v),
                // `defaultdict.__missing__`.
                None => crate::stdlib::collections::missing(d, key)
                    .unwrap_or_else(|| Err(PyErr::key_error(key.clone()))),
            }
        }
        Value::Object(o) => match o.getitem(key) {
            Some(r) => r,
            None => Err(PyErr::type_error(format!(
                "'{}' object is not subscriptable",
                o.type_name()
            ))),
        },
        _ => Err(PyErr::type_error(format!(
            "'{}' object is not subscriptable",
            obj.type_name()
        ))),
    }
}

/// `obj[key] = value`.
pub fn setitem(obj: &Value, key: &Value, value: Value) -> PyResult<()> {
    if let (Some(sl), Value::List(_)) = (key.downcast::<Slice>(), obj) {
        return crate::call::set_slice_with(obj, sl, value);
    }
    match obj {
        Value::List(l) => {
            let i = as_index(key).ok_or_else(|| {
                PyErr::type_error(format!(
                    "list indices must be integers or slices, not {}",
                    key.type_name()
                ))
            })?;
            let mut l = l.borrow_mut();
            let j = norm_index(i, l.len())
                .ok_or_else(|| PyErr::index_error("list assignment index out of range"))?;
            l[j] = value;
            Ok(())
        }
        Value::Dict(d) => {
            let k = Key::new(key.clone())?;
            crate::class::capture(|| {
                d.borrow_mut().insert(k, value);
            })
        }
        Value::Object(o) if o.has_method("__setitem__") => o
            .call_method(obj, "__setitem__", &[key.clone(), value], &[])
            .map(|_| ()),
        Value::Object(o) => match o.setitem(key, value) {
            Some(r) => r,
            None => Err(PyErr::type_error(format!(
                "'{}' object does not support item assignment",
                obj.type_name()
            ))),
        },
        _ => Err(PyErr::type_error(format!(
            "'{}' object does not support item assignment",
            obj.type_name()
        ))),
    }
}

/// `del obj.name`.
pub fn delattr(obj: &Value, name: &str) -> PyResult<()> {
    match obj {
        Value::Object(o) if obj.downcast::<crate::class::Instance>().is_some() => o.delattr(name),
        Value::Object(_) => Err(unsupported(&format!(
            "deleting an attribute of a '{}' object",
            obj.type_name()
        ))),
        // Nothing adds attributes to these (see `call::setattr`), so only an existing one
        // could be deleted, and CPython words that error by its kind.
        _ => Err(crate::call::no_new_attribute(obj, obj.type_name(), name)),
    }
}

fn slice_with(obj: &Value, sl: &Slice) -> PyResult<Value> {
    match obj {
        Value::Str(s) => {
            if s.is_ascii() {
                let idx = sl.indices(s.len())?;
                let b = s.as_bytes();
                let out: String = idx.iter().map(|&i| b[i] as char).collect();
                return Ok(Value::from(out));
            }
            let chars: Vec<char> = s.chars().collect();
            let idx = sl.indices(chars.len())?;
            Ok(Value::from(
                idx.iter().map(|&i| chars[i]).collect::<String>(),
            ))
        }
        Value::List(l) => {
            let l = l.borrow();
            let idx = sl.indices(l.len())?;
            Ok(Value::list(idx.iter().map(|&i| l[i].clone()).collect()))
        }
        Value::Tuple(t) => {
            let idx = sl.indices(t.len())?;
            Ok(Value::tuple(idx.iter().map(|&i| t[i].clone()).collect()))
        }
        Value::Bytes(b) => {
            let idx = sl.indices(b.len())?;
            Ok(Value::Bytes(
                idx.iter().map(|&i| b[i]).collect::<Vec<u8>>().into(),
            ))
        }
        Value::Object(o) => match o.getitem(&Value::object(sl.clone())) {
            Some(r) => r,
            None => Err(PyErr::type_error(format!(
                "'{}' object is not subscriptable",
                o.type_name()
            ))),
        },
        Value::Dict(_) => Err(PyErr::type_error("unhashable type: 'slice'")),
        _ => Err(PyErr::type_error(format!(
            "'{}' object is not subscriptable",
            obj.type_name()
        ))),
    }
}

/// `obj[lo:hi:step]` (each bound may be absent).
pub fn slice(
    obj: &Value,
    lo: Option<&Value>,
    hi: Option<&Value>,
    step: Option<&Value>,
) -> PyResult<Value> {
    // panther_core's ImmutableList slices its tuple, giving a plain tuple.
    if let Some(il) = obj.downcast::<crate::event::ImmutableList>() {
        return il.slice(lo, hi, step);
    }
    if !matches!(
        obj,
        Value::Str(_)
            | Value::List(_)
            | Value::Tuple(_)
            | Value::Bytes(_)
            | Value::Object(_)
            | Value::Dict(_)
    ) {
        return Err(PyErr::type_error(format!(
            "'{}' object is not subscriptable",
            obj.type_name()
        )));
    }
    let sl = Slice::new(lo, hi, step)?;
    slice_with(obj, &sl)
}

/// `obj.name` (attribute read, not a method call).
pub fn getattr(obj: &Value, name: &str) -> PyResult<Value> {
    match obj {
        Value::Object(o) => o.getattr(obj, name),
        Value::Func(f) if name == "__name__" => Ok(Value::Str(f.name.clone())),
        Value::Dict(d) if name == "default_factory" => {
            crate::stdlib::collections::default_factory(d).ok_or_else(|| {
                PyErr::attribute_error("'dict' object has no attribute 'default_factory'")
            })
        }
        _ => crate::methods::bound_method(obj, name).ok_or_else(|| {
            PyErr::attribute_error(format!(
                "'{}' object has no attribute '{}'",
                obj.type_name(),
                name
            ))
        }),
    }
}

/// `hasattr(obj, name)`: only an AttributeError means "no"; any other exception
/// propagates, as in CPython.
pub fn hasattr(obj: &Value, name: &str) -> PyResult<bool> {
    if let Value::Object(o) = obj {
        if o.has_method(name) {
            return Ok(true);
        }
    }
    match getattr(obj, name) {
        Ok(_) => Ok(true),
        Err(e) if e.matches(ExcKind::AttributeError) => Ok(false),
        Err(e) => Err(e),
    }
}

/// `obj.name(*args, **kwargs)`: methods of built-in types, then object methods.
pub fn call_method(obj: &Value, name: &str, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    crate::recursion::native()?;
    match obj {
        Value::Object(o) => o.call_method(obj, name, args, kwargs),
        _ => crate::methods::call_method(obj, name, args, kwargs),
    }
}

/// The items `for x in obj` visits, materialised (detections never iterate infinitely).
pub fn iter(obj: &Value) -> PyResult<Vec<Value>> {
    match obj {
        Value::Str(s) => Ok(s.chars().map(|c| Value::from(c.to_string())).collect()),
        Value::Bytes(b) => Ok(b.iter().map(|&c| Value::Int(c as i64)).collect()),
        Value::List(l) => Ok(l.borrow().clone()),
        Value::Tuple(t) => Ok(t.to_vec()),
        Value::Dict(d) => Ok(d.borrow().keys().map(|k| k.value().clone()).collect()),
        Value::Set(s) => Ok(s.borrow().ordered()?.map(|k| k.value().clone()).collect()),
        Value::FrozenSet(s) => Ok(s.ordered()?.map(|k| k.value().clone()).collect()),
        Value::Object(o) => match o.iter() {
            Some(r) => r,
            None => Err(not_iterable(obj)),
        },
        _ => Err(not_iterable(obj)),
    }
}

/// The elements of a set whose CPython order is unknown (see pyset.rs), in table order,
/// for builtins whose result cannot depend on that order; `None` for any other value.
pub fn unordered_set_items(obj: &Value) -> Option<Vec<Value>> {
    crate::pyset::with_set(obj, |s| {
        (!s.order_known()).then(|| s.iter().map(|k| k.value().clone()).collect())
    })
    .flatten()
}

/// `TypeError: 'int' object is not iterable`.
pub fn not_iterable(obj: &Value) -> PyErr {
    PyErr::type_error(format!("'{}' object is not iterable", obj.type_name()))
}

/// `len(obj)`.
pub fn len(obj: &Value) -> PyResult<usize> {
    match obj {
        Value::Str(s) => Ok(s.chars().count()),
        Value::Bytes(b) => Ok(b.len()),
        Value::List(l) => Ok(l.borrow().len()),
        Value::Tuple(t) => Ok(t.len()),
        Value::Dict(d) => Ok(d.borrow().len()),
        Value::Set(s) => Ok(s.borrow().len()),
        Value::FrozenSet(s) => Ok(s.len()),
        Value::Object(o) => match o.len() {
            Some(r) => r,
            None => Err(PyErr::type_error(format!(
                "object of type '{}' has no len()",
                o.type_name()
            ))),
        },
        _ => Err(PyErr::type_error(format!(
            "object of type '{}' has no len()",
            obj.type_name()
        ))),
    }
}
