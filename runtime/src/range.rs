//! `range` as CPython 3.11's range object (Objects/rangeobject.c): an immutable, lazy
//! sequence of integers with `len`, indexing, slicing (a range again), `in`, `index`,
//! `count`, `==` as sequences, hashing, `repr`, `reversed` and `.start`/`.stop`/`.step`.
//!
//! Bounds are `i64` like every ferrule int; a result CPython would compute with a wider int
//! (a slice whose bounds overflow) is refused. Lengths are computed in `i128`, so
//! `len(range(-2**63, 2**63 - 1))` raises CPython's OverflowError.

use std::any::Any;

use crate::err::{PyErr, PyResult};
use crate::ops::{self, as_index};
use crate::value::{Kwargs, PyObject, Value};

/// A range object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

impl Range {
    /// The number of items (CPython's `compute_range_length`), exact in `i128`.
    pub fn len128(&self) -> i128 {
        let (lo, hi, step) = (self.start as i128, self.stop as i128, self.step as i128);
        if step > 0 {
            if lo < hi {
                (hi - lo - 1) / step + 1
            } else {
                0
            }
        } else if lo > hi {
            (lo - hi - 1) / (-step) + 1
        } else {
            0
        }
    }

    /// `len(r)`: CPython's OverflowError beyond `sys.maxsize`.
    pub fn len(&self) -> PyResult<usize> {
        let n = self.len128();
        if n > i64::MAX as i128 {
            return Err(PyErr::new(
                crate::err::ExcKind::OverflowError,
                "Python int too large to convert to C ssize_t",
            ));
        }
        Ok(n as usize)
    }

    pub fn is_empty(&self) -> bool {
        self.len128() == 0
    }

    /// The `i`-th item (`0 <= i < len`).
    fn item(&self, i: i128) -> i64 {
        (self.start as i128 + i * self.step as i128) as i64
    }

    /// Whether the int `v` is an item.
    fn contains_int(&self, v: i64) -> bool {
        let (v, start, stop, step) = (
            v as i128,
            self.start as i128,
            self.stop as i128,
            self.step as i128,
        );
        let inside = if step > 0 {
            start <= v && v < stop
        } else {
            stop < v && v <= start
        };
        inside && (v - start) % step == 0
    }

    /// The position of the int `v`, if it is an item.
    fn index_of_int(&self, v: i64) -> Option<i128> {
        self.contains_int(v)
            .then(|| (v as i128 - self.start as i128) / self.step as i128)
    }

    /// `r[i]`.
    fn getitem_int(&self, i: i64) -> PyResult<Value> {
        let n = self.len128();
        let j = if i < 0 { i as i128 + n } else { i as i128 };
        if j < 0 || j >= n {
            return Err(PyErr::index_error("range object index out of range"));
        }
        Ok(Value::Int(self.item(j)))
    }

    /// `r[a:b:c]`: a range (CPython's `compute_slice`).
    fn getitem_slice(&self, sl: &ops::Slice) -> PyResult<Value> {
        let n = self.len128();
        let (lo, hi, st) = slice_indices(sl, n)?;
        let start = self.start as i128 + lo * self.step as i128;
        let stop = self.start as i128 + hi * self.step as i128;
        let step = self.step as i128 * st;
        let fit = |x: i128| i64::try_from(x).ok();
        match (fit(start), fit(stop), fit(step)) {
            (Some(start), Some(stop), Some(step)) => Ok(Value::object(Range { start, stop, step })),
            _ => Err(ops::unsupported(
                "a range slice whose bounds exceed 64-bit integers",
            )),
        }
    }

    /// The iterator CPython's `range_iter` returns (`range_iterator`, or
    /// `longrange_iterator` when the length or the last step do not fit a C long).
    pub fn iterator(&self, reversed: bool) -> Value {
        let n = self.len128();
        let long = n > i64::MAX as i128
            || (n > 0
                && if self.step > 0 {
                    (self.stop as i128) > i64::MAX as i128 - (self.step as i128 - 1)
                } else {
                    (self.stop as i128) < i64::MIN as i128 + (-1 - self.step as i128)
                });
        let name = if long {
            "longrange_iterator"
        } else {
            "range_iterator"
        };
        let r = self.clone();
        let mut i: i128 = 0;
        crate::iter::IterObj::value(name, move || {
            if i >= n {
                return Ok(None);
            }
            let k = if reversed { n - 1 - i } else { i };
            i += 1;
            Ok(Some(Value::Int(r.item(k))))
        })
    }

    /// A step-by-step cursor over the items, for `for` loops.
    pub fn cursor(&self) -> RangeCursor {
        RangeCursor {
            next: self.start as i128,
            step: self.step as i128,
            left: self.len128(),
        }
    }
}

/// The state of a `for` loop over a range.
pub struct RangeCursor {
    next: i128,
    step: i128,
    left: i128,
}

impl Iterator for RangeCursor {
    type Item = Value;
    fn next(&mut self) -> Option<Value> {
        if self.left <= 0 {
            return None;
        }
        let v = self.next as i64;
        self.left -= 1;
        self.next += self.step;
        Some(Value::Int(v))
    }
}

/// `slice.indices(n)` for a sequence of `n` items, in `i128` (CPython's
/// `_PySlice_GetLongIndices`): (start, stop, step) where the selected positions are
/// `start, start + step, …` before `stop`.
fn slice_indices(sl: &ops::Slice, n: i128) -> PyResult<(i128, i128, i128)> {
    let step = sl.step.unwrap_or(1) as i128;
    if step == 0 {
        return Err(PyErr::value_error("slice step cannot be zero"));
    }
    let (lower, upper) = if step < 0 { (-1, n - 1) } else { (0, n) };
    let clamp = |v: Option<i64>, default: i128| -> i128 {
        match v {
            None => default,
            Some(x) => {
                let mut x = x as i128;
                if x < 0 {
                    x += n;
                    if x < lower {
                        x = lower;
                    }
                } else if x > upper {
                    x = upper;
                }
                x
            }
        }
    };
    let start = clamp(sl.start, if step < 0 { upper } else { lower });
    let stop = clamp(sl.stop, if step < 0 { lower } else { upper });
    Ok((start, stop, step))
}

/// `range(stop)` / `range(start, stop[, step])`.
pub fn range(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(PyErr::type_error("range() takes no keyword arguments"));
    }
    if args.is_empty() {
        return Err(PyErr::type_error(
            "range expected at least 1 argument, got 0",
        ));
    }
    if args.len() > 3 {
        return Err(PyErr::type_error(format!(
            "range expected at most 3 arguments, got {}",
            args.len()
        )));
    }
    let nums: Vec<i64> = args
        .iter()
        .map(crate::methods::int_arg)
        .collect::<PyResult<_>>()?;
    let (start, stop, step) = match nums.as_slice() {
        [b] => (0, *b, 1),
        [a, b] => (*a, *b, 1),
        [a, b, c] => (*a, *b, *c),
        _ => (0, 0, 1),
    };
    if step == 0 {
        return Err(PyErr::value_error("range() arg 3 must not be zero"));
    }
    Ok(Value::object(Range { start, stop, step }))
}

/// Whether `v` is a range object.
pub fn is_range(v: &Value) -> bool {
    v.downcast::<Range>().is_some()
}

/// Items of a range compared with `==` one by one, as CPython's `_PySequence_IterSearch`
/// does for a value that is not an int: (position of the first equal item, how many).
fn search(r: &Range, x: &Value, first_only: bool) -> PyResult<(Option<i128>, i128)> {
    // An int-like float or Decimal equals exactly one int; other core values equal none.
    if let Value::Float(f) = x {
        if f.fract() == 0.0 && f.is_finite() && f.abs() < 9.2e18 {
            let pos = r.index_of_int(*f as i64);
            return Ok((pos, pos.map_or(0, |_| 1)));
        }
        return Ok((None, 0));
    }
    if !matches!(x, Value::Object(_)) {
        return Ok((None, 0));
    }
    const MAX_SCAN: i128 = 1 << 24;
    let n = r.len128();
    if n > MAX_SCAN {
        return Err(ops::unsupported(
            "searching a range this long for a value that is not an int",
        ));
    }
    let (mut first, mut count) = (None, 0);
    for i in 0..n {
        if ops::eq(&Value::Int(r.item(i)), x) {
            first.get_or_insert(i);
            count += 1;
            if first_only {
                break;
            }
        }
    }
    Ok((first, count))
}

impl PyObject for Range {
    fn fixed_attributes(&self) -> Option<&str> {
        Some("range")
    }
    fn type_name(&self) -> &str {
        "range"
    }
    fn repr(&self) -> String {
        if self.step == 1 {
            format!("range({}, {})", self.start, self.stop)
        } else {
            format!("range({}, {}, {})", self.start, self.stop, self.step)
        }
    }
    fn len(&self) -> Option<PyResult<usize>> {
        Some(Range::len(self))
    }
    fn truthy(&self) -> PyResult<bool> {
        Ok(!self.is_empty())
    }
    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        const MAX: i128 = 1 << 26;
        if self.len128() > MAX {
            return Some(Err(ops::unsupported("materialising a range this long")));
        }
        Some(Ok(self.cursor().collect()))
    }
    fn is_sequence(&self) -> bool {
        true
    }
    fn getitem(&self, key: &Value) -> Option<PyResult<Value>> {
        if let Some(sl) = key.downcast::<ops::Slice>() {
            return Some(self.getitem_slice(sl));
        }
        Some(match as_index(key) {
            Some(i) => self.getitem_int(i),
            None => Err(PyErr::type_error(format!(
                "range indices must be integers or slices, not {}",
                key.type_name()
            ))),
        })
    }
    fn contains(&self, item: &Value) -> Option<PyResult<bool>> {
        if let Value::Int(_) | Value::Bool(_) = item {
            return Some(Ok(self.contains_int(as_index(item).unwrap_or(0))));
        }
        Some(search(self, item, true).map(|(pos, _)| pos.is_some()))
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        let o = other.downcast::<Range>()?;
        let (n, m) = (self.len128(), o.len128());
        Some(n == m && (n == 0 || (self.start == o.start && (n == 1 || self.step == o.step))))
    }
    fn hash(&self) -> Option<u64> {
        Some(self.exact_hash().unwrap_or(0x5f37) as u64)
    }
    fn exact_hash(&self) -> Option<i64> {
        // hash((len, start, step)) with None for what does not matter; None hashes by
        // address in CPython 3.11, so only ranges of two or more items have a known hash.
        let n = self.len128();
        if n < 2 {
            return None;
        }
        let n = i64::try_from(n).ok()?;
        Some(crate::pyhash::hash_tuple(
            [n, self.start, self.step]
                .into_iter()
                .map(crate::pyhash::hash_int),
        ))
    }
    fn getattr(&self, this: &Value, name: &str) -> PyResult<Value> {
        match name {
            "start" => Ok(Value::Int(self.start)),
            "stop" => Ok(Value::Int(self.stop)),
            "step" => Ok(Value::Int(self.step)),
            "index" | "count" => {
                let (this, m) = (this.clone(), name.to_string());
                Ok(Value::closure(name, move |a, k| {
                    ops::call_method(&this, &m, a, k)
                }))
            }
            _ => Err(PyErr::attribute_error(format!(
                "'range' object has no attribute '{name}'"
            ))),
        }
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(name, "index" | "count")
    }
    fn call_method(
        &self,
        this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        match name {
            "index" | "count" => {
                if !kwargs.is_empty() {
                    return Err(PyErr::type_error(format!(
                        "range.{name}() takes no keyword arguments"
                    )));
                }
                if args.len() != 1 {
                    return Err(PyErr::type_error(format!(
                        "range.{name}() takes exactly one argument ({} given)",
                        args.len()
                    )));
                }
                let x = &args[0];
                if let Value::Int(_) | Value::Bool(_) = x {
                    let v = as_index(x).unwrap_or(0);
                    return if name == "count" {
                        Ok(Value::Int(self.contains_int(v) as i64))
                    } else {
                        match self.index_of_int(v) {
                            Some(i) => Ok(Value::Int(i as i64)),
                            None => Err(PyErr::value_error(format!(
                                "{} is not in range",
                                crate::fmt::repr(x)
                            ))),
                        }
                    };
                }
                let (first, count) = search(self, x, name == "index")?;
                if name == "count" {
                    Ok(Value::Int(count as i64))
                } else {
                    match first {
                        Some(i) => Ok(Value::Int(i as i64)),
                        None => Err(PyErr::value_error("sequence.index(x): x not in sequence")),
                    }
                }
            }
            _ => {
                let f = self.getattr(this, name)?;
                ops::call(&f, args, kwargs)
            }
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
