//! Lazy iterators: what `iter()`, `map()`, `filter()`, `zip()`, `enumerate()` and
//! `reversed()` return in CPython.
//!
//! An [`IterObj`] is an object whose `__next__` is a closure over its state, so laziness is
//! exactly CPython's: nothing is computed before `next()` asks for it (side effects and
//! exceptions happen in the same order), a partly consumed iterator goes on where it stopped,
//! and `iter(it) is it`. `for` loops and [`crate::call::PyIter`] advance such objects one
//! item at a time through [`PyObject::next`](crate::value::PyObject::next).

use std::any::Any;
use std::cell::RefCell;

use crate::call::PyIter;
use crate::err::{ExcKind, PyErr, PyResult};
use crate::value::{PyObject, Value};

type NextFn = Box<dyn FnMut() -> PyResult<Option<Value>>>;

/// A CPython iterator object (`list_iterator`, `map`, `zip`, …).
pub struct IterObj {
    type_name: &'static str,
    /// `None` once exhausted (CPython drops the source then, and every later `next` stops).
    next: RefCell<Option<NextFn>>,
}

impl IterObj {
    /// An iterator named `type_name` whose items come from `next`, as a value.
    pub fn value(
        type_name: &'static str,
        next: impl FnMut() -> PyResult<Option<Value>> + 'static,
    ) -> Value {
        Value::object(IterObj {
            type_name,
            next: RefCell::new(Some(Box::new(next))),
        })
    }

    fn advance(&self) -> PyResult<Option<Value>> {
        // The closure may call back into this iterator (a `map` whose function calls
        // `next` on it): CPython raises "generator already executing" only for generators;
        // for these objects the inner call sees the state as it is, which a moved-out
        // closure models as exhausted. Refuse instead of guessing.
        let Ok(mut slot) = self.next.try_borrow_mut() else {
            return Err(crate::ops::unsupported(
                "an iterator advanced from inside its own step",
            ));
        };
        let Some(mut f) = slot.take() else {
            return Ok(None);
        };
        drop(slot);
        let r = f();
        if let Ok(Some(_)) = &r {
            *self.next.borrow_mut() = Some(f);
        }
        r
    }
}

impl PyObject for IterObj {
    fn type_name(&self) -> &str {
        self.type_name
    }
    fn repr_exact(&self) -> bool {
        false
    }
    fn repr(&self) -> String {
        format!("<{} object>", self.type_name)
    }
    fn is_iterator(&self) -> bool {
        true
    }
    fn next(&self) -> Option<PyResult<Option<Value>>> {
        Some(self.advance())
    }
    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        let mut out = Vec::new();
        loop {
            match self.advance() {
                Ok(Some(v)) => out.push(v),
                Ok(None) => return Some(Ok(out)),
                Err(e) => return Some(Err(e)),
            }
        }
    }
    fn hash(&self) -> Option<u64> {
        Some(self as *const IterObj as usize as u64)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The name CPython gives the iterator of a builtin value (`type(iter(x)).__name__`).
fn iterator_type_name(v: &Value) -> &'static str {
    match v {
        Value::List(_) => "list_iterator",
        Value::Tuple(_) => "tuple_iterator",
        Value::Str(s) if s.is_ascii() => "str_ascii_iterator",
        Value::Str(_) => "str_iterator",
        Value::Bytes(_) => "bytes_iterator",
        Value::Dict(_) => "dict_keyiterator",
        Value::Set(_) | Value::FrozenSet(_) => "set_iterator",
        _ => "iterator",
    }
}

/// Whether `v` is an iterator (has `__next__`): iterating it consumes it.
pub fn is_iterator(v: &Value) -> bool {
    matches!(v, Value::Object(o) if o.is_iterator())
}

/// `iter(v)`: `v` itself for an iterator, else a fresh iterator over it.
pub fn iter(v: &Value) -> PyResult<Value> {
    // A user class's `__iter__` (or `__getitem__`) decides, even on an iterator; one with
    // only `__next__` is not iterable.
    if let Value::Object(o) = v {
        if let Some(it) = o.iterator() {
            return it;
        }
    }
    if is_iterator(v) && v.downcast::<crate::class::Instance>().is_none() {
        return Ok(v.clone());
    }
    let name = match v {
        Value::Object(_) => {
            // Objects ferrule models by their items (events, immutable lists, …): CPython's
            // iterator type names for them are not modelled, so refuse `type()` of it by
            // naming it plainly; iteration itself is exact.
            "iterator"
        }
        other => iterator_type_name(other),
    };
    let mut it = PyIter::new(v)?;
    Ok(IterObj::value(name, move || it.next()))
}

/// `next(it)`: the next item, or `StopIteration`.
pub fn next(it: &Value) -> PyResult<Option<Value>> {
    match it {
        Value::Object(o) => match o.next() {
            Some(r) => r,
            None => Err(not_an_iterator(it)),
        },
        _ => Err(not_an_iterator(it)),
    }
}

fn not_an_iterator(v: &Value) -> PyErr {
    PyErr::type_error(format!("'{}' object is not an iterator", v.type_name()))
}

/// `StopIteration` with no value.
pub fn stop_iteration() -> PyErr {
    PyErr::with_args(
        crate::err::ExcType::Builtin(ExcKind::StopIteration),
        Vec::new(),
    )
}
