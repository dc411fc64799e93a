//! Support for generated code: argument binding, locals, iteration, literals, exceptions
//! as values, and the control-flow signal of `try` bodies.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use crate::err::{ExcKind, ExcType, PyErr, PyResult};
use crate::value::{Dict, Key, Kwargs, Set, Value};

/// How a `try` body (compiled to a closure) ended.
pub enum Flow {
    Normal,
    Return(Value),
    Break,
    Continue,
}

/// A string literal of compiled code as a `Value`: built on first use in a thread, then
/// shared, as CPython keeps a code object's constants, instead of a new allocation per
/// evaluation. Sharing is not observable: strings are immutable and `is` compares them by
/// value (`Value::is`).
pub fn lit(s: &'static str) -> Value {
    thread_local! {
        static LITS: RefCell<std::collections::HashMap<(usize, usize), Value, AddrHash>> =
            const { RefCell::new(std::collections::HashMap::with_hasher(AddrHash)) };
    }
    // The literal's address and length identify it (equal literals may share storage).
    let key = (s.as_ptr() as usize, s.len());
    LITS.with(|m| {
        if let Some(v) = m.borrow().get(&key) {
            return v.clone();
        }
        let v = Value::from(s);
        m.borrow_mut().insert(key, v.clone());
        v
    })
}

/// Hashes `lit`'s keys (two machine words) with a multiply-rotate step: the keys are
/// addresses in the binary, not input data, so no protection against collisions is needed.
#[derive(Clone, Copy, Default)]
struct AddrHash;

impl std::hash::BuildHasher for AddrHash {
    type Hasher = AddrHasher;
    fn build_hasher(&self) -> AddrHasher {
        AddrHasher(0)
    }
}

struct AddrHasher(u64);

impl std::hash::Hasher for AddrHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A compiled function's signature.
pub struct Sig {
    pub name: &'static str,
    /// Positional parameters, then `*args`, then keyword-only, then `**kwargs`.
    pub params: &'static [&'static str],
    pub n_positional: usize,
    /// How many of the positional parameters are positional-only (before `/`).
    pub n_posonly: usize,
    pub varargs: bool,
    pub n_kwonly: usize,
    pub varkw: bool,
}

/// Binds call arguments to parameters as CPython does, with its TypeError messages.
/// `defaults` has one entry per positional and keyword-only parameter.
pub fn bind<'a>(
    sig: &Sig,
    args: &'a [Value],
    kwargs: Kwargs,
    defaults: &[Option<Value>],
) -> PyResult<Cow<'a, [Value]>> {
    let np = sig.n_positional;
    // A positional call of exactly the parameters binds them as given (the common case):
    // the caller's slice is the binding, so nothing is allocated or cloned here.
    if args.len() == np && kwargs.is_empty() && !sig.varargs && !sig.varkw && sig.n_kwonly == 0 {
        return Ok(Cow::Borrowed(args));
    }
    let mut slots: Vec<Option<Value>> = vec![None; np];
    let mut extra_pos = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if i < np {
            slots[i] = Some(a.clone());
        } else if sig.varargs {
            extra_pos.push(a.clone());
        }
    }
    let kw_start = np + usize::from(sig.varargs);
    let kw_names = &sig.params[kw_start..kw_start + sig.n_kwonly];
    let mut kw_slots: Vec<Option<Value>> = vec![None; sig.n_kwonly];
    let mut extra_kw = Dict::default();
    for (name, v) in kwargs {
        if let Some(i) = sig.params[sig.n_posonly..np]
            .iter()
            .position(|p| p == name)
            .map(|i| i + sig.n_posonly)
        {
            if slots[i].is_some() {
                return Err(PyErr::type_error(format!(
                    "{}() got multiple values for argument '{}'",
                    sig.name, name
                )));
            }
            slots[i] = Some(v.clone());
        } else if let Some(i) = kw_names.iter().position(|p| p == name) {
            kw_slots[i] = Some(v.clone());
        } else if sig.varkw {
            extra_kw.insert(Key::from_str(name), v.clone());
        } else {
            let posonly: Vec<&str> = kwargs
                .iter()
                .map(|(k, _)| *k)
                .filter(|k| sig.params[..sig.n_posonly].contains(k))
                .collect();
            if !posonly.is_empty() {
                return Err(PyErr::type_error(format!(
                    "{}() got some positional-only arguments passed as keyword arguments: '{}'",
                    sig.name,
                    posonly.join(", ")
                )));
            }
            return Err(PyErr::type_error(format!(
                "{}() got an unexpected keyword argument '{}'",
                sig.name, name
            )));
        }
    }
    // CPython binds keyword arguments (and reports their errors) before it checks the
    // number of positional ones.
    if args.len() > np && !sig.varargs {
        let required = defaults[..np].iter().filter(|d| d.is_none()).count();
        let takes = if required == np {
            format!(
                "{} positional argument{}",
                np,
                if np == 1 { "" } else { "s" }
            )
        } else {
            format!("from {} to {} positional arguments", required, np)
        };
        let given = args.len();
        let kwonly_given = kw_slots.iter().filter(|s| s.is_some()).count();
        let kwonly_sig = if kwonly_given == 0 {
            String::new()
        } else {
            format!(
                " positional argument{} (and {} keyword-only argument{})",
                if given == 1 { "" } else { "s" },
                kwonly_given,
                if kwonly_given == 1 { "" } else { "s" }
            )
        };
        return Err(PyErr::type_error(format!(
            "{}() takes {} but {}{} {} given",
            sig.name,
            takes,
            given,
            kwonly_sig,
            if given == 1 && kwonly_given == 0 {
                "was"
            } else {
                "were"
            }
        )));
    }
    let mut missing = Vec::new();
    for (i, s) in slots.iter_mut().enumerate() {
        if s.is_none() {
            match &defaults[i] {
                Some(d) => *s = Some(d.clone()),
                None => missing.push(sig.params[i]),
            }
        }
    }
    if !missing.is_empty() {
        return Err(PyErr::type_error(format!(
            "{}() missing {} required positional argument{}: {}",
            sig.name,
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            quote_list(&missing)
        )));
    }
    let mut kw_missing = Vec::new();
    for (i, s) in kw_slots.iter_mut().enumerate() {
        if s.is_none() {
            match &defaults[np + i] {
                Some(d) => *s = Some(d.clone()),
                None => kw_missing.push(kw_names[i]),
            }
        }
    }
    if !kw_missing.is_empty() {
        return Err(PyErr::type_error(format!(
            "{}() missing {} required keyword-only argument{}: {}",
            sig.name,
            kw_missing.len(),
            if kw_missing.len() == 1 { "" } else { "s" },
            quote_list(&kw_missing)
        )));
    }
    let mut out: Vec<Value> = slots.into_iter().map(|s| s.unwrap_or_default()).collect();
    if sig.varargs {
        out.push(Value::tuple(extra_pos));
    }
    out.extend(kw_slots.into_iter().map(|s| s.unwrap_or_default()));
    if sig.varkw {
        out.push(Value::dict(extra_kw));
    }
    Ok(Cow::Owned(out))
}

pub(crate) fn quote_list(names: &[&str]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match q.len() {
        1 => q[0].clone(),
        2 => format!("{} and {}", q[0], q[1]),
        _ => format!("{}, and {}", q[..q.len() - 1].join(", "), q[q.len() - 1]),
    }
}

/// Reads a local variable: `UnboundLocalError` when it has no value yet.
pub fn local(v: &Option<Value>, name: &str) -> PyResult<Value> {
    match v {
        Some(v) => Ok(v.clone()),
        None => Err(PyErr::new(
            ExcKind::UnboundLocalError,
            format!(
                "cannot access local variable '{name}' where it is not associated with a value"
            ),
        )),
    }
}

/// Python iteration. Lists are walked by index, so appending during a loop is seen as in
/// CPython; dicts and sets raise if their size changes, as CPython does.
pub enum PyIter {
    List(Rc<RefCell<Vec<Value>>>, usize),
    Dict(Rc<RefCell<Dict>>, Vec<Value>, usize, usize),
    Set(Rc<RefCell<Set>>, Vec<Value>, usize, usize),
    Items(std::vec::IntoIter<Value>),
    /// An iterator object (`map`, a generator, `iter(x)`, what a user class's `__iter__`
    /// returned), advanced one item at a time: the loop body runs between two steps.
    Lazy(Value),
    /// A range, one int at a time (never materialised).
    Range(crate::range::RangeCursor),
}

impl PyIter {
    pub fn new(v: &Value) -> PyResult<PyIter> {
        Ok(match v {
            Value::List(l) => PyIter::List(l.clone(), 0),
            Value::Dict(d) => {
                let keys: Vec<Value> = d.borrow().keys().map(|k| k.value().clone()).collect();
                let n = keys.len();
                PyIter::Dict(d.clone(), keys, 0, n)
            }
            Value::Set(s) => {
                let items: Vec<Value> = s.borrow().ordered()?.map(|k| k.value().clone()).collect();
                let n = items.len();
                PyIter::Set(s.clone(), items, 0, n)
            }
            // A range is walked one int at a time, never materialised.
            Value::Object(_) if crate::range::is_range(v) => {
                match v.downcast::<crate::range::Range>() {
                    Some(r) => PyIter::Range(r.cursor()),
                    None => PyIter::Items(Vec::new().into_iter()),
                }
            }
            // `iter(x)` first (a user `__iter__`, even on an object that is its own
            // iterator), as CPython's `for` does.
            Value::Object(o) => match o.iterator() {
                Some(it) => PyIter::Lazy(it?),
                None if o.is_iterator() && v.downcast::<crate::class::Instance>().is_none() => {
                    PyIter::Lazy(v.clone())
                }
                None => PyIter::Items(crate::ops::iter(v)?.into_iter()),
            },
            other => PyIter::Items(crate::ops::iter(other)?.into_iter()),
        })
    }

    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> PyResult<Option<Value>> {
        match self {
            PyIter::List(l, i) => {
                let item = l.borrow().get(*i).cloned();
                *i += 1;
                Ok(item)
            }
            PyIter::Dict(d, keys, i, n) => {
                if d.borrow().len() != *n {
                    return Err(PyErr::new(
                        ExcKind::RuntimeError,
                        "dictionary changed size during iteration",
                    ));
                }
                let item = keys.get(*i).cloned();
                *i += 1;
                Ok(item)
            }
            PyIter::Set(s, items, i, n) => {
                if s.borrow().len() != *n {
                    return Err(PyErr::new(
                        ExcKind::RuntimeError,
                        "Set changed size during iteration",
                    ));
                }
                let item = items.get(*i).cloned();
                *i += 1;
                Ok(item)
            }
            PyIter::Items(it) => Ok(it.next()),
            PyIter::Lazy(v) => crate::iter::next(v),
            PyIter::Range(r) => Ok(r.next()),
        }
    }
}

/// `{a, b}`.
pub fn make_set(items: Vec<Value>) -> PyResult<Value> {
    let mut s = Set::new();
    for v in items {
        s.insert(Key::new(v)?);
    }
    Ok(Value::set(s))
}

/// `{1, 2, 3}`: a display of more than two constants, which CPython compiles to an empty
/// set updated from a frozenset constant (`BUILD_SET 0; LOAD_CONST; SET_UPDATE`).
pub fn make_set_folded(items: Vec<Value>) -> PyResult<Value> {
    let constant = frozenset_constant(items)?;
    let mut s = Set::new();
    s.merge(&constant);
    Ok(Value::set(s))
}

/// `for x in {1, 2, 3}`: the display becomes a frozenset constant, iterated as built.
pub fn make_frozenset_folded(items: Vec<Value>) -> PyResult<Value> {
    Ok(Value::FrozenSet(Rc::new(frozenset_constant(items)?)))
}

/// A frozenset constant as CPython's compiler leaves it: built from the items in source
/// order, then rebuilt from that set's iteration order when constants are merged
/// (`merge_consts_recursive`), and rebuilt once more when interning replaces one of its
/// identifier-like strings by an equal string interned earlier in the process
/// (`intern_string_constants`). Whether that happens depends on what the process ran
/// before, so when the third build would order differently the order is unknown.
fn frozenset_constant(items: Vec<Value>) -> PyResult<Set> {
    let first: Set = items.into_iter().map(Key::new).collect::<PyResult<_>>()?;
    let mut second: Set = first.iter().cloned().collect();
    let name_like = |k: &Key| {
        k.value().as_str().is_some_and(|s| {
            !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
    };
    if second.iter().any(name_like) {
        let third: Set = second.iter().cloned().collect();
        let same = second
            .iter()
            .zip(third.iter())
            .all(|(a, b)| a.value().is(b.value()));
        if !same {
            second.mark_order_unknown();
        }
    }
    Ok(second)
}

/// A set display whose construction path ferrule does not model (constant folding of
/// operators): its elements are right, its iteration order is refused.
pub fn make_set_unknown_order(items: Vec<Value>) -> PyResult<Value> {
    let mut s: Set = items.into_iter().map(Key::new).collect::<PyResult<_>>()?;
    s.mark_order_unknown();
    Ok(Value::set(s))
}

/// An empty dict to fill with [`dict_set`].
pub fn new_dict() -> Value {
    Value::dict(Dict::default())
}

/// `d[k] = v` on a dict being built (a later duplicate key keeps the first key's place).
pub fn dict_set(d: &Value, k: Value, v: Value) -> PyResult<()> {
    if let Value::Dict(d) = d {
        d.borrow_mut().insert(Key::new(k)?, v);
    }
    Ok(())
}

/// `{**m}` inside a dict display.
pub fn dict_spread(d: &Value, m: &Value) -> PyResult<()> {
    let Value::Dict(target) = d else {
        return Ok(());
    };
    match m {
        Value::Dict(src) => {
            let items: Vec<(Key, Value)> = src
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            target.borrow_mut().extend(items);
            Ok(())
        }
        Value::Object(o) if o.is_mapping() => {
            for k in crate::ops::iter(m)? {
                let v = crate::ops::getitem(m, &k)?;
                target.borrow_mut().insert(Key::new(k)?, v);
            }
            Ok(())
        }
        other => Err(PyErr::type_error(format!(
            "'{}' object is not a mapping",
            other.type_name()
        ))),
    }
}

/// A variable captured by a nested function or lambda (a cell variable of its function, a
/// free variable of the inner one): one shared, rebindable slot, as CPython's cells.
pub type Cell = Rc<RefCell<Option<Value>>>;

/// A cell holding `v` (a parameter) or nothing yet.
pub fn new_cell(v: Option<Value>) -> Cell {
    Rc::new(RefCell::new(v))
}

/// Reads a cell: `UnboundLocalError` in the function that owns it, `NameError` in a
/// function that captured it (a free variable), as CPython 3.11 words them.
pub fn cell_get(c: &Cell, name: &str, free: bool) -> PyResult<Value> {
    match &*c.borrow() {
        Some(v) => Ok(v.clone()),
        None if free => Err(PyErr::new(
            ExcKind::NameError,
            format!(
                "cannot access free variable '{name}' where it is not associated with a value in enclosing scope"
            ),
        )),
        None => local(&None, name),
    }
}

/// Binds a cell.
pub fn cell_set(c: &Cell, v: Value) {
    *c.borrow_mut() = Some(v);
}

/// `del x` of a local (`local` = its current value): unbound afterwards.
pub fn del_local(v: &mut Option<Value>, name: &str) -> PyResult<()> {
    match v.take() {
        Some(_) => Ok(()),
        None => local(&None, name).map(|_| ()),
    }
}

/// `del x` of a cell variable.
pub fn del_cell(c: &Cell, name: &str, free: bool) -> PyResult<()> {
    cell_get(c, name, free)?;
    *c.borrow_mut() = None;
    Ok(())
}

/// Visits the items of an iterable one at a time, as CPython's C consumers (`PyIter_Next`)
/// do: an iterator (a generator, `map`…) is advanced only as far as `f` asks (`f` returns
/// whether to go on), so side effects, exceptions part-way and infinite iterators behave
/// as in CPython.
pub fn for_each(v: &Value, mut f: impl FnMut(Value) -> PyResult<bool>) -> PyResult<()> {
    let mut it = PyIter::new(v)?;
    while let Some(x) = it.next()? {
        if !f(x)? {
            break;
        }
    }
    Ok(())
}

/// The items of an iterator, consuming at most `max` of them (unpacking stops one item
/// past the targets, as CPython's `unpack_iterable` does).
fn take_items(mut it: PyIter, max: Option<usize>) -> PyResult<Vec<Value>> {
    let mut out = Vec::new();
    while max.is_none_or(|m| out.len() < m) {
        match it.next()? {
            Some(x) => out.push(x),
            None => break,
        }
    }
    Ok(out)
}

/// `a, *b, c = v`: `before` items, a list of the rest, `after` items.
pub fn unpack_star(v: &Value, before: usize, after: usize) -> PyResult<Vec<Value>> {
    let items = match v {
        Value::Tuple(t) => t.to_vec(),
        Value::List(l) => l.borrow().clone(),
        other => match PyIter::new(other) {
            Ok(it) => take_items(it, None)?,
            Err(e) if !e.is_refusal() && is_not_iterable(&e, other) => {
                return Err(PyErr::type_error(format!(
                    "cannot unpack non-iterable {} object",
                    other.type_name()
                )))
            }
            Err(e) => return Err(e),
        },
    };
    if items.len() < before + after {
        return Err(PyErr::value_error(format!(
            "not enough values to unpack (expected at least {}, got {})",
            before + after,
            items.len()
        )));
    }
    let mut out: Vec<Value> = items[..before].to_vec();
    out.push(Value::list(items[before..items.len() - after].to_vec()));
    out.extend(items[items.len() - after..].iter().cloned());
    Ok(out)
}

/// `[*a, b]`, `(*a,)`, `{*a}`: the items `*a` spreads.
pub fn star_items(v: &Value) -> PyResult<Vec<Value>> {
    match PyIter::new(v) {
        Ok(it) => take_items(it, None),
        Err(e) if !e.is_refusal() && is_not_iterable(&e, v) => Err(PyErr::type_error(format!(
            "Value after * must be an iterable, not {}",
            v.type_name()
        ))),
        Err(e) => Err(e),
    }
}

/// The bounds of `l[lo:hi]` for assignment and deletion (step 1), clamped as CPython's
/// `list_ass_slice` does.
fn simple_bounds(sl: &crate::ops::Slice, len: usize) -> (usize, usize) {
    let len = len as i64;
    let norm = |v: i64| {
        let v = if v < 0 { v + len } else { v };
        v.clamp(0, len)
    };
    let lo = sl.start.map_or(0, norm);
    let hi = sl.stop.map_or(len, norm).max(lo);
    (lo as usize, hi as usize)
}

/// `obj[lo:hi:step] = value`.
pub fn set_slice(
    obj: &Value,
    lo: Option<&Value>,
    hi: Option<&Value>,
    step: Option<&Value>,
    value: Value,
) -> PyResult<()> {
    let sl = crate::ops::Slice::new(lo, hi, step)?;
    set_slice_with(obj, &sl, value)
}

/// `obj[slice] = value` for a slice object.
pub fn set_slice_with(obj: &Value, sl: &crate::ops::Slice, value: Value) -> PyResult<()> {
    let Value::List(l) = obj else {
        return Err(match obj {
            Value::Dict(_) => PyErr::type_error("unhashable type: 'slice'"),
            Value::Object(_) => crate::ops::unsupported(&format!(
                "slice assignment to a '{}' object",
                obj.type_name()
            )),
            _ => PyErr::type_error(format!(
                "'{}' object does not support item assignment",
                obj.type_name()
            )),
        });
    };
    let step = sl.step.unwrap_or(1);
    if step == 1 {
        let items = match &value {
            Value::List(v) => v.borrow().clone(),
            Value::Tuple(t) => t.to_vec(),
            other => match PyIter::new(other) {
                Ok(it) => take_items(it, None)?,
                Err(e) if !e.is_refusal() && is_not_iterable(&e, other) => {
                    return Err(PyErr::type_error("can only assign an iterable"))
                }
                Err(e) => return Err(e),
            },
        };
        let mut l = l.borrow_mut();
        let (lo, hi) = simple_bounds(sl, l.len());
        l.splice(lo..hi, items);
        return Ok(());
    }
    let items = match &value {
        Value::List(v) => v.borrow().clone(),
        Value::Tuple(t) => t.to_vec(),
        other => match PyIter::new(other) {
            Ok(it) => take_items(it, None)?,
            Err(e) if !e.is_refusal() && is_not_iterable(&e, other) => {
                return Err(PyErr::type_error("must assign iterable to extended slice"))
            }
            Err(e) => return Err(e),
        },
    };
    let idx = sl.indices(l.borrow().len())?;
    if idx.len() != items.len() {
        return Err(PyErr::value_error(format!(
            "attempt to assign sequence of size {} to extended slice of size {}",
            items.len(),
            idx.len()
        )));
    }
    let mut l = l.borrow_mut();
    for (i, v) in idx.into_iter().zip(items) {
        l[i] = v;
    }
    Ok(())
}

/// `del obj[lo:hi:step]`.
pub fn del_slice(
    obj: &Value,
    lo: Option<&Value>,
    hi: Option<&Value>,
    step: Option<&Value>,
) -> PyResult<()> {
    let sl = crate::ops::Slice::new(lo, hi, step)?;
    del_slice_with(obj, &sl)
}

fn del_slice_with(obj: &Value, sl: &crate::ops::Slice) -> PyResult<()> {
    let Value::List(l) = obj else {
        return Err(match obj {
            Value::Dict(_) => PyErr::type_error("unhashable type: 'slice'"),
            Value::Object(_) => crate::ops::unsupported(&format!(
                "slice deletion from a '{}' object",
                obj.type_name()
            )),
            _ => PyErr::type_error(format!(
                "'{}' object doesn't support item deletion",
                obj.type_name()
            )),
        });
    };
    let step = sl.step.unwrap_or(1);
    let mut l = l.borrow_mut();
    if step == 1 {
        let (lo, hi) = simple_bounds(sl, l.len());
        l.drain(lo..hi);
        return Ok(());
    }
    let mut idx = sl.indices(l.len())?;
    idx.sort_unstable();
    for i in idx.into_iter().rev() {
        l.remove(i);
    }
    Ok(())
}

/// `del obj[key]`.
pub fn del_item(obj: &Value, key: &Value) -> PyResult<()> {
    if let Some(sl) = key.downcast::<crate::ops::Slice>() {
        return del_slice_with(obj, sl);
    }
    match obj {
        Value::List(l) => {
            let i = crate::ops::as_index(key).ok_or_else(|| {
                PyErr::type_error(format!(
                    "list indices must be integers or slices, not {}",
                    key.type_name()
                ))
            })?;
            let mut l = l.borrow_mut();
            let j = crate::ops::norm_index(i, l.len())
                .ok_or_else(|| PyErr::index_error("list assignment index out of range"))?;
            l.remove(j);
            Ok(())
        }
        Value::Dict(d) => {
            let k = Key::new(key.clone())?;
            match d.borrow_mut().shift_remove(&k) {
                Some(_) => Ok(()),
                None => Err(PyErr::with_args(
                    ExcType::Builtin(ExcKind::KeyError),
                    vec![key.clone()],
                )),
            }
        }
        Value::Object(o) => match o.delitem(key) {
            Some(r) => r,
            None if o.has_method("__delitem__") => o
                .call_method(obj, "__delitem__", std::slice::from_ref(key), &[])
                .map(|_| ()),
            None => Err(crate::ops::unsupported(&format!(
                "item deletion from a '{}' object",
                obj.type_name()
            ))),
        },
        _ => Err(PyErr::type_error(format!(
            "'{}' object doesn't support item deletion",
            obj.type_name()
        ))),
    }
}

/// `a, b = v`.
pub fn unpack(v: &Value, n: usize) -> PyResult<Vec<Value>> {
    let items = match v {
        // An iterator or a user iterable: at most n + 1 items are taken, as CPython does.
        Value::Object(o) if o.is_iterator() || v.downcast::<crate::class::Instance>().is_some() => {
            match PyIter::new(v) {
                Ok(it) => take_items(it, Some(n + 1))?,
                Err(e) if !e.is_refusal() && is_not_iterable(&e, v) => {
                    return Err(PyErr::type_error(format!(
                        "cannot unpack non-iterable {} object",
                        v.type_name()
                    )))
                }
                Err(e) => return Err(e),
            }
        }
        Value::Tuple(t) => t.to_vec(),
        Value::List(l) => l.borrow().clone(),
        other => match crate::ops::iter(other) {
            Ok(items) => items,
            // Only "not iterable" becomes the unpacking error; what an iterator raised
            // (and a refusal) propagates.
            Err(e) if e.is_refusal() || !is_not_iterable(&e, other) => return Err(e),
            Err(_) => {
                return Err(PyErr::type_error(format!(
                    "cannot unpack non-iterable {} object",
                    other.type_name()
                )))
            }
        },
    };
    if items.len() < n {
        return Err(PyErr::value_error(format!(
            "not enough values to unpack (expected {}, got {})",
            n,
            items.len()
        )));
    }
    if items.len() > n {
        return Err(PyErr::value_error(format!(
            "too many values to unpack (expected {n})"
        )));
    }
    Ok(items)
}

/// `f(*xs)`.
pub fn star_args(v: &Value) -> PyResult<Vec<Value>> {
    crate::ops::iter(v).map_err(|e| {
        if e.is_refusal() || !is_not_iterable(&e, v) {
            return e;
        }
        PyErr::type_error(format!(
            "Value after * must be an iterable, not {}",
            v.type_name()
        ))
    })
}

/// Whether `e` is the "not iterable" TypeError `ops::iter` gives for `v` itself.
fn is_not_iterable(e: &PyErr, v: &Value) -> bool {
    e.matches(ExcKind::TypeError) && e.str() == crate::ops::not_iterable(v).str()
}

/// `f(**d)`.
pub fn star_kwargs(v: &Value) -> PyResult<Vec<(String, Value)>> {
    let mut out = Vec::new();
    for k in crate::ops::iter(v)? {
        let Value::Str(name) = &k else {
            return Err(PyErr::type_error("keywords must be strings"));
        };
        let val = crate::ops::getitem(v, &k)?;
        out.push((name.to_string(), val));
    }
    Ok(out)
}

/// A builtin by name (`len`, `str`…), as a value.
pub fn builtin(name: &str) -> PyResult<Value> {
    crate::builtins::lookup(name)
        .ok_or_else(|| PyErr::new(ExcKind::NameError, format!("name '{name}' is not defined")))
}

pub use crate::exc::{
    builtin_exc, exc_matches, exc_value, raise, ExcClassObj, ExcInstance, Handling,
};

/// Whether `v` is an exception class (`ValueError`, a helper's exception class).
pub fn is_exception_class(v: &Value) -> bool {
    crate::exc::exc_type_of(v).is_some()
}

/// Whether `v` is an exception instance (`ValueError("x")`, an `except … as e` value).
pub fn is_exception_instance(v: &Value) -> bool {
    crate::exc::is_exception_object(v)
}

/// `obj.name = value`.
pub fn setattr(obj: &Value, name: &str, value: Value) -> PyResult<()> {
    if crate::purity::active() {
        return Err(crate::purity::refusal());
    }
    match obj {
        Value::Object(o) => match o.fixed_attributes() {
            Some(tp) => Err(no_new_attribute(obj, tp, name)),
            None => o.setattr(name, value),
        },
        // A function written in Python (or a library's, which CPython writes in Python)
        // takes new attributes.
        Value::Func(f) if !f.builtin => Err(crate::ops::unsupported(&format!(
            "setting the attribute `{name}` of a function"
        ))),
        _ => Err(no_new_attribute(obj, obj.type_name(), name)),
    }
}

/// `obj.name = v` on an object whose type (named `tp` as CPython's messages name it) takes
/// no new attribute: CPython's AttributeError when `obj` has no attribute `name`; refused
/// when it has one, since CPython then words the error by the kind of attribute (a method is
/// "read-only", a data descriptor "not writable", `__class__` a TypeError).
pub fn no_new_attribute(obj: &Value, tp: &str, name: &str) -> PyErr {
    let refused = || {
        crate::ops::unsupported(&format!(
            "changing the existing attribute `{name}` of a `{tp}` object"
        ))
    };
    if name.starts_with("__") && name.ends_with("__") {
        return refused();
    }
    match crate::ops::hasattr(obj, name) {
        Ok(false) => PyErr::attribute_error(format!("'{tp}' object has no attribute '{name}'")),
        Err(e) if e.is_refusal() => e,
        Ok(true) | Err(_) => refused(),
    }
}

/// `del obj.name`: a user instance's own `__delattr__`, property deleter or dict entry;
/// other objects' attribute deletion is not modelled (refused).
pub fn delattr(obj: &Value, name: &str) -> PyResult<()> {
    if crate::purity::active() {
        return Err(crate::purity::refusal());
    }
    crate::ops::delattr(obj, name)
}
