//! Python's `set`/`frozenset` storage: CPython 3.11's open-addressing table
//! (Objects/setobject.c), reproduced slot for slot so that iteration, `repr` and `pop()`
//! visit elements in exactly CPython's order under `PYTHONHASHSEED=0`.
//!
//! The table is the storage itself (no shadow copy), so a set that is never iterated pays
//! only for hashing with CPython's hash instead of Rust's. Every operation that builds or
//! changes a set follows the C code path it mirrors (`set_add_entry`, `set_merge`,
//! `set_update_internal`, `set_intersection`, …), because the resulting order depends on the
//! path, not only on the elements.
//!
//! Elements whose CPython hash is address-based (`None`, NaN, functions, other objects) get
//! a stand-in hash consistent with equality; a set that ever held one is marked
//! order-unknown, and observing its order (iteration, `repr`, `pop`) raises `unsupported`.

use crate::err::PyResult;
use crate::pyhash::{self, PyHash};
use crate::value::{Dict, Key, Value};

const MINSIZE: usize = 8;
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;
/// The hash field of a deleted slot.
const DUMMY: i64 = -1;

#[derive(Clone)]
struct Slot {
    hash: i64,
    /// `None` with hash 0 is an unused slot, with hash -1 a dummy.
    key: Option<Key>,
}

const EMPTY: Slot = Slot { hash: 0, key: None };

/// A Python set: CPython's hash table with `fill`, `used` and the `pop()` finger.
#[derive(Clone)]
pub struct Set {
    table: Vec<Slot>,
    fill: usize,
    used: usize,
    finger: usize,
    /// False once the order may differ from CPython's (an address-hashed element).
    exact: bool,
}

impl Default for Set {
    fn default() -> Set {
        Set::new()
    }
}

fn key_eq(a: &Key, b: &Key) -> bool {
    match (a.value(), b.value()) {
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        _ => a == b,
    }
}

impl Set {
    pub fn new() -> Set {
        Set {
            table: vec![EMPTY; MINSIZE],
            fill: 0,
            used: 0,
            finger: 0,
            exact: true,
        }
    }

    fn mask(&self) -> usize {
        self.table.len() - 1
    }

    pub fn len(&self) -> usize {
        self.used
    }

    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    /// Whether iteration order is known to be CPython's.
    pub fn order_known(&self) -> bool {
        self.exact || self.used <= 1
    }

    /// Marks the order as not reproducible (results of operations not modelled exactly).
    pub fn mark_order_unknown(&mut self) {
        self.exact = false;
    }

    /// The elements in table order, for uses that do not depend on the order (`len`,
    /// membership, equality, hashing).
    pub fn iter(&self) -> impl Iterator<Item = &Key> + '_ {
        self.table.iter().filter_map(|s| s.key.as_ref())
    }

    /// The elements in CPython's iteration order; `unsupported` when that order is unknown.
    pub fn ordered(&self) -> PyResult<impl Iterator<Item = &Key> + '_> {
        self.check_order()?;
        Ok(self.iter())
    }

    /// `unsupported` when this set's iteration order cannot be reproduced.
    pub fn check_order(&self) -> PyResult<()> {
        // A set of at most one element has only one order.
        if self.exact || self.used <= 1 {
            Ok(())
        } else {
            Err(crate::ops::unsupported(
                "the iteration order of this set (CPython's depends on object addresses or \
                 on interpreter state here)",
            ))
        }
    }

    /// The stored hashes of the elements (for `frozenset_hash`).
    pub fn hash_values(&self) -> impl Iterator<Item = i64> + '_ {
        self.table
            .iter()
            .filter(|s| s.key.is_some())
            .map(|s| s.hash)
    }

    fn entries(&self) -> impl Iterator<Item = (&Key, PyHash)> + '_ {
        let exact = self.exact;
        self.table.iter().filter_map(move |s| {
            s.key.as_ref().map(|k| {
                (
                    k,
                    PyHash {
                        value: s.hash,
                        exact,
                    },
                )
            })
        })
    }

    /// `set_lookkey`: the slot holding `key`.
    fn lookup(&self, key: &Key, hash: i64) -> Option<usize> {
        let mask = self.mask();
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        loop {
            let probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            for idx in i..=i + probes {
                let e = &self.table[idx];
                match &e.key {
                    None if e.hash == 0 => return None,
                    Some(k) if e.hash == hash && key_eq(k, key) => return Some(idx),
                    _ => {}
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
    }

    fn contains_entry(&self, key: &Key, hash: i64) -> bool {
        self.lookup(key, hash).is_some()
    }

    /// `key in s`.
    pub fn contains(&self, key: &Key) -> bool {
        self.contains_entry(key, pyhash::hash(key.value()).value)
    }

    /// `set_add_entry`; true when the key was not present.
    fn add_entry(&mut self, key: Key, h: PyHash) -> bool {
        let hash = h.value;
        let mask = self.mask();
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        let mut freeslot = None;
        let unused = 'probe: loop {
            let probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            for idx in i..=i + probes {
                let e = &self.table[idx];
                match &e.key {
                    None if e.hash == 0 => break 'probe idx,
                    Some(k) if e.hash == hash && key_eq(k, &key) => return false,
                    None => freeslot = Some(idx),
                    Some(_) => {}
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        };
        self.exact &= h.exact;
        self.used += 1;
        if let Some(f) = freeslot {
            self.table[f] = Slot {
                hash,
                key: Some(key),
            };
            return true;
        }
        self.fill += 1;
        self.table[unused] = Slot {
            hash,
            key: Some(key),
        };
        if self.fill * 5 >= mask * 3 {
            self.resize(if self.used > 50000 {
                self.used * 2
            } else {
                self.used * 4
            });
        }
        true
    }

    /// `set_add_key` (`s.add(x)`, `BUILD_SET`, `SET_ADD`); true when newly added.
    pub fn insert(&mut self, key: Key) -> bool {
        let h = pyhash::hash(key.value());
        self.add_entry(key, h)
    }

    fn insert_clean(table: &mut [Slot], key: Key, hash: i64) {
        let mask = table.len() - 1;
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        loop {
            if table[i].key.is_none() {
                table[i] = Slot {
                    hash,
                    key: Some(key),
                };
                return;
            }
            if i + LINEAR_PROBES <= mask {
                if let Some(e) = table[i + 1..=i + LINEAR_PROBES]
                    .iter_mut()
                    .find(|e| e.key.is_none())
                {
                    *e = Slot {
                        hash,
                        key: Some(key),
                    };
                    return;
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
    }

    /// `set_table_resize`.
    fn resize(&mut self, minused: usize) {
        let mut newsize = MINSIZE;
        while newsize <= minused {
            newsize <<= 1;
        }
        if newsize == MINSIZE && self.table.len() == MINSIZE && self.fill == self.used {
            return;
        }
        let old = std::mem::replace(&mut self.table, vec![EMPTY; newsize]);
        self.fill = self.used;
        for s in old {
            if let Some(k) = s.key {
                Set::insert_clean(&mut self.table, k, s.hash);
            }
        }
    }

    /// `set_discard_entry`; true when found.
    fn discard_entry(&mut self, key: &Key, hash: i64) -> bool {
        match self.lookup(key, hash) {
            Some(i) => {
                self.table[i] = Slot {
                    hash: DUMMY,
                    key: None,
                };
                self.used -= 1;
                true
            }
            None => false,
        }
    }

    /// `s.discard(x)`; true when found.
    pub fn remove(&mut self, key: &Key) -> bool {
        self.discard_entry(key, pyhash::hash(key.value()).value)
    }

    /// `s.pop()`: the first element at or after the finger; `Ok(None)` when empty.
    pub fn pop(&mut self) -> PyResult<Option<Key>> {
        if self.used == 0 {
            return Ok(None);
        }
        self.check_order()?;
        let mask = self.mask();
        let mut i = self.finger & mask;
        while self.table[i].key.is_none() {
            i += 1;
            if i > mask {
                i = 0;
            }
        }
        let key = self.table[i].key.take();
        self.table[i].hash = DUMMY;
        self.used -= 1;
        self.finger = i + 1;
        Ok(key)
    }

    /// `s.clear()`: back to an empty minimum-size table (the finger stays).
    pub fn clear(&mut self) {
        self.table = vec![EMPTY; MINSIZE];
        self.fill = 0;
        self.used = 0;
        self.exact = true;
    }

    /// `set_merge`: add every element of another set.
    pub fn merge(&mut self, other: &Set) {
        if other.used == 0 {
            return;
        }
        self.exact &= other.exact;
        if (self.fill + other.used) * 5 >= self.mask() * 3 {
            self.resize((self.used + other.used) * 2);
        }
        if self.fill == 0 && self.mask() == other.mask() && other.fill == other.used {
            self.table = other.table.clone();
            self.fill = other.fill;
            self.used = other.used;
            return;
        }
        if self.fill == 0 {
            self.fill = other.used;
            self.used = other.used;
            for s in &other.table {
                if let Some(k) = &s.key {
                    Set::insert_clean(&mut self.table, k.clone(), s.hash);
                }
            }
            return;
        }
        for (k, h) in other.entries() {
            self.add_entry(k.clone(), h);
        }
    }

    /// The dict branch of `set_update_internal`: one resize up front, then the keys in
    /// dict order.
    pub fn update_dict(&mut self, d: &Dict) {
        let n = d.len();
        if (self.fill + n) * 5 >= self.mask() * 3 {
            self.resize((self.used + n) * 2);
        }
        for k in d.keys() {
            self.insert(k.clone());
        }
    }

    /// `set_copy` / `make_new_set(type, so)`.
    pub fn copy(&self) -> Set {
        let mut r = Set::new();
        r.merge(self);
        r
    }

    /// `set_difference_update_internal` tail: drop dummies when more than a quarter.
    fn purge_dummies(&mut self) {
        if self.fill - self.used > self.mask() / 4 {
            self.resize(if self.used > 50000 {
                self.used * 2
            } else {
                self.used * 4
            });
        }
    }
}

impl FromIterator<Key> for Set {
    /// Adds in order, as `BUILD_SET` and `set(iterable)` over a non-set iterable do.
    fn from_iter<I: IntoIterator<Item = Key>>(iter: I) -> Set {
        let mut s = Set::new();
        for k in iter {
            s.insert(k);
        }
        s
    }
}

impl Extend<Key> for Set {
    fn extend<I: IntoIterator<Item = Key>>(&mut self, iter: I) {
        for k in iter {
            self.insert(k);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Operations on values, following the C functions of the same names.

/// Runs `f` on the set inside a `set`/`frozenset` value.
pub fn with_set<R>(v: &Value, f: impl FnOnce(&Set) -> R) -> Option<R> {
    match v {
        Value::Set(s) => Some(f(&s.borrow())),
        Value::FrozenSet(s) => Some(f(s)),
        _ => None,
    }
}

/// `set_update_internal(so, other)`; `other` must not be `so` itself.
pub fn update_internal(so: &mut Set, other: &Value) -> PyResult<()> {
    match other {
        Value::Set(s) => so.merge(&s.borrow()),
        Value::FrozenSet(s) => so.merge(s),
        Value::Dict(d) => so.update_dict(&d.borrow()),
        _ => crate::call::for_each(other, |v| {
            so.insert(Key::new(v)?);
            Ok(true)
        })?,
    }
    Ok(())
}

/// `make_new_set(type, iterable)`: `set(x)`, `frozenset(x)`.
pub fn from_value(other: &Value) -> PyResult<Set> {
    let mut s = Set::new();
    update_internal(&mut s, other)?;
    Ok(s)
}

/// `set_union` (`a.union(*others)`, `a | b`).
pub fn union(so_v: &Value, so: &Set, others: &[Value]) -> PyResult<Set> {
    let mut r = so.copy();
    for o in others {
        if so_v.is(o) {
            continue;
        }
        update_internal(&mut r, o)?;
    }
    Ok(r)
}

/// `set_intersection(so, other)`.
pub fn intersection(so_v: &Value, so: &Set, other: &Value) -> PyResult<Set> {
    if so_v.is(other) {
        return Ok(so.copy());
    }
    let mut result = Set::new();
    let was_set = with_set(other, |o| {
        let (big, small) = if o.len() > so.len() { (o, so) } else { (so, o) };
        for (k, h) in small.entries() {
            if big.contains_entry(k, h.value) {
                result.add_entry(k.clone(), h);
            }
        }
    });
    if was_set.is_some() {
        return Ok(result);
    }
    crate::call::for_each(other, |v| {
        let k = Key::new(v)?;
        let h = pyhash::hash(k.value());
        if so.contains_entry(&k, h.value) {
            result.add_entry(k, h);
            if result.len() >= so.len() {
                return Ok(false);
            }
        }
        Ok(true)
    })?;
    Ok(result)
}

/// `set_intersection_multi`.
pub fn intersection_multi(so_v: &Value, so: &Set, others: &[Value]) -> PyResult<Set> {
    let mut acc: Option<Set> = None;
    for o in others {
        acc = Some(match &acc {
            None => intersection(so_v, so, o)?,
            // The running result is a fresh object, never identical to an argument.
            Some(r) => intersection(&Value::None, r, o)?,
        });
    }
    Ok(acc.unwrap_or_else(|| so.copy()))
}

/// `set_intersection_update` (`&=`): the intersection's table replaces ours, the finger
/// stays (`set_swap_bodies`).
pub fn intersection_update(so: &mut Set, result: Set) {
    let finger = so.finger;
    *so = result;
    so.finger = finger;
}

/// `set_difference_update_internal(so, other)`; `same` when `other` is `so` itself.
pub fn difference_update(so: &mut Set, other: &Value, same: bool) -> PyResult<()> {
    if same {
        so.clear();
        return Ok(());
    }
    let handled = with_set(other, |o| {
        if (o.len() >> 3) > so.len() {
            let small = intersection(&Value::None, so, other)?;
            for (k, h) in small.entries() {
                so.discard_entry(k, h.value);
            }
        } else {
            for (k, h) in o.entries() {
                so.discard_entry(k, h.value);
            }
        }
        Ok::<(), crate::err::PyErr>(())
    });
    match handled {
        Some(r) => r?,
        None => crate::call::for_each(other, |v| {
            let k = Key::new(v)?;
            so.remove(&k);
            Ok(true)
        })?,
    }
    so.purge_dummies();
    Ok(())
}

/// `set_difference(so, other)` (`a - b`, `a.difference(b)`).
pub fn difference(so_v: &Value, so: &Set, other: &Value) -> PyResult<Set> {
    let other_size = match other {
        Value::Set(s) => s.borrow().len(),
        Value::FrozenSet(s) => s.len(),
        Value::Dict(d) => d.borrow().len(),
        _ => usize::MAX,
    };
    if other_size == usize::MAX || (so.len() >> 2) > other_size {
        let mut r = so.copy();
        difference_update(&mut r, other, false)?;
        return Ok(r);
    }
    let _ = so_v;
    let mut result = Set::new();
    for (k, h) in so.entries() {
        let found = match other {
            Value::Dict(d) => d.borrow().contains_key(k),
            _ => with_set(other, |o| o.contains_entry(k, h.value)).unwrap_or(false),
        };
        if !found {
            result.add_entry(k.clone(), h);
        }
    }
    Ok(result)
}

/// `set_difference_multi`.
pub fn difference_multi(so_v: &Value, so: &Set, others: &[Value]) -> PyResult<Set> {
    let Some((first, rest)) = others.split_first() else {
        return Ok(so.copy());
    };
    let mut r = difference(so_v, so, first)?;
    for o in rest {
        difference_update(&mut r, o, false)?;
    }
    Ok(r)
}

/// `set_symmetric_difference_update(so, other)`; `same` when `other` is `so` itself.
pub fn symmetric_difference_update(so: &mut Set, other: &Value, same: bool) -> PyResult<()> {
    if same {
        so.clear();
        return Ok(());
    }
    let step = |so: &mut Set, k: &Key, h: PyHash| {
        if !so.discard_entry(k, h.value) {
            so.add_entry(k.clone(), h);
        }
    };
    match other {
        Value::Dict(d) => {
            for k in d.borrow().keys() {
                step(so, k, pyhash::hash(k.value()));
            }
        }
        Value::Set(s) => {
            for (k, h) in s.borrow().entries() {
                step(so, k, h);
            }
        }
        Value::FrozenSet(s) => {
            for (k, h) in s.entries() {
                step(so, k, h);
            }
        }
        _ => {
            let o = from_value(other)?;
            for (k, h) in o.entries() {
                step(so, k, h);
            }
        }
    }
    Ok(())
}

/// `set_symmetric_difference(so, other)`: built from `other`, then updated with `so`.
pub fn symmetric_difference(so_v: &Value, other: &Value) -> PyResult<Set> {
    let mut r = from_value(other)?;
    symmetric_difference_update(&mut r, so_v, false)?;
    Ok(r)
}
