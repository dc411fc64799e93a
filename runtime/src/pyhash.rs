//! CPython 3.11's `hash()` under `PYTHONHASHSEED=0`, which decides the iteration order of
//! sets (see [`crate::pyset`]).
//!
//! With seed 0 CPython's hash secret is all zeroes, so `str` and `bytes` hash with SipHash-1-3
//! keyed by zero over the object's buffer: for `str` the PEP 393 representation (latin-1
//! bytes, UCS-2 or UCS-4, little-endian on the x86-64 machines the oracle runs on).

use crate::value::Value;

/// `sys.hash_info.modulus`: 2**61 - 1.
const MODULUS: u64 = (1 << 61) - 1;
const HASH_BITS: u32 = 61;
const HASH_INF: i64 = 314_159;

/// A hash as CPython computes it, or a stand-in when CPython's value depends on an object's
/// address (`None`, a NaN, functions, other objects), which makes set order unknowable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PyHash {
    pub value: i64,
    /// False when `value` is only a stand-in consistent with equality.
    pub exact: bool,
}

impl PyHash {
    fn exact(value: i64) -> PyHash {
        PyHash { value, exact: true }
    }
    fn approx(value: i64) -> PyHash {
        PyHash {
            value: if value == -1 { -2 } else { value },
            exact: false,
        }
    }
}

/// `hash(v)` for a hashable value (callers check hashability first).
pub fn hash(v: &Value) -> PyHash {
    match v {
        Value::Bool(b) => PyHash::exact(*b as i64),
        Value::Int(i) => PyHash::exact(hash_int(*i)),
        Value::Float(f) => match hash_float(*f) {
            Some(h) => PyHash::exact(h),
            // NaN hashes by identity since 3.10.
            None => PyHash::approx(0x7ff8),
        },
        Value::Str(s) => PyHash::exact(cached_hash_str(s)),
        Value::Bytes(b) => PyHash::exact(hash_bytes(b)),
        Value::Object(o) if o.as_tuple().is_some() => {
            hash(&Value::tuple(o.as_tuple().unwrap_or_default().to_vec()))
        }
        Value::Tuple(items) => {
            let mut exact = true;
            let h = hash_tuple(items.iter().map(|it| {
                let h = hash(it);
                exact &= h.exact;
                h.value
            }));
            PyHash { value: h, exact }
        }
        Value::FrozenSet(s) => {
            // Conservative: a set that ever held an address-hashed element counts as one.
            let h = hash_frozenset(s.len(), s.hash_values());
            PyHash {
                value: h,
                exact: s.order_known(),
            }
        }
        // Address-based in CPython 3.11.
        Value::None => PyHash::approx(0x5f3759df),
        Value::Func(f) => PyHash::approx(std::rc::Rc::as_ptr(f) as *const u8 as usize as i64),
        Value::Object(o) => match o.exact_hash() {
            Some(h) => PyHash::exact(h),
            None => PyHash::approx(o.hash().unwrap_or(0) as i64),
        },
        // Unhashable; never stored in a set.
        Value::List(_) | Value::Dict(_) | Value::Set(_) => PyHash::approx(0),
    }
}

/// `hash(int)`: the value modulo 2**61 - 1 with the sign kept; -1 becomes -2.
pub fn hash_int(i: i64) -> i64 {
    let a = (i.unsigned_abs() % MODULUS) as i64;
    let h = if i < 0 { -a } else { a };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `frexp`: `v == m * 2**e` with `0.5 <= |m| < 1` (for finite, non-zero `v`).
fn frexp(v: f64) -> (f64, i32) {
    if v == 0.0 || !v.is_finite() {
        return (v, 0);
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp(v * f64::from_bits(0x4350000000000000)); // 2**54
        return (m, e - 54);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

/// `_Py_HashDouble`; `None` for a NaN (hashed by identity).
pub fn hash_float(v: f64) -> Option<i64> {
    if v.is_nan() {
        return None;
    }
    if v.is_infinite() {
        return Some(if v > 0.0 { HASH_INF } else { -HASH_INF });
    }
    let (mut m, mut e) = frexp(v);
    let mut sign: i64 = 1;
    if m < 0.0 {
        sign = -1;
        m = -m;
    }
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | (x >> (HASH_BITS - 28));
        m *= 268_435_456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let bits = HASH_BITS as i32;
    let e = if e >= 0 {
        e % bits
    } else {
        bits - 1 - ((-1 - e) % bits)
    } as u32;
    x = ((x << e) & MODULUS) | (x >> (HASH_BITS - e));
    let x = (x as i64).wrapping_mul(sign);
    Some(if x == -1 { -2 } else { x })
}

/// SipHash-1-3 with the key (0, 0), as CPython's `siphash13`.
fn siphash13(data: &[u8]) -> u64 {
    let mut v0: u64 = 0x736f6d6570736575;
    let mut v1: u64 = 0x646f72616e646f6d;
    let mut v2: u64 = 0x6c7967656e657261;
    let mut v3: u64 = 0x7465646279746573;
    #[inline(always)]
    fn round(v0: &mut u64, v1: &mut u64, v2: &mut u64, v3: &mut u64) {
        *v0 = v0.wrapping_add(*v1);
        *v2 = v2.wrapping_add(*v3);
        *v1 = v1.rotate_left(13) ^ *v0;
        *v3 = v3.rotate_left(16) ^ *v2;
        *v0 = v0.rotate_left(32);
        *v2 = v2.wrapping_add(*v1);
        *v0 = v0.wrapping_add(*v3);
        *v1 = v1.rotate_left(17) ^ *v2;
        *v3 = v3.rotate_left(21) ^ *v0;
        *v2 = v2.rotate_left(32);
    }
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let mi = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        v3 ^= mi;
        round(&mut v0, &mut v1, &mut v2, &mut v3);
        v0 ^= mi;
    }
    let mut t = [0u8; 8];
    let rest = chunks.remainder();
    t[..rest.len()].copy_from_slice(rest);
    let b = ((data.len() as u64) << 56) | u64::from_le_bytes(t);
    v3 ^= b;
    round(&mut v0, &mut v1, &mut v2, &mut v3);
    v0 ^= b;
    v2 ^= 0xff;
    round(&mut v0, &mut v1, &mut v2, &mut v3);
    round(&mut v0, &mut v1, &mut v2, &mut v3);
    round(&mut v0, &mut v1, &mut v2, &mut v3);
    (v0 ^ v1) ^ (v2 ^ v3)
}

/// `_Py_HashBytes`: 0 for an empty buffer, -1 becomes -2.
pub fn hash_bytes(data: &[u8]) -> i64 {
    if data.is_empty() {
        return 0;
    }
    let h = siphash13(data) as i64;
    if h == -1 {
        -2
    } else {
        h
    }
}

/// How many strings [`STR_HASHES`] remembers: a power of two.
const STR_HASH_SLOTS: usize = 512;

/// Strings longer than this (in UTF-8 bytes) are hashed afresh, so that the cache never keeps
/// more than about 2 MiB of strings alive.
const STR_HASH_MAX_LEN: usize = 4096;

/// One remembered string and its hash.
type StrHashSlot = Option<(std::rc::Rc<str>, i64)>;

thread_local! {
    /// The hashes of recently hashed strings, direct-mapped by address. CPython caches a
    /// str's hash in the object; `Value::Str` has no room for it, so the cache holds a
    /// reference to each string it remembers: while an entry exists its string cannot be
    /// freed, so no other string can have its address, and an address match is the very
    /// same (immutable) string. Dict lookups with the same key object (a module's string
    /// constant, a key read from the event) then skip SipHash.
    static STR_HASHES: std::cell::RefCell<Vec<StrHashSlot>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// [`hash_str`] of `s`, remembered per string object (see [`STR_HASHES`]).
fn cached_hash_str(s: &std::rc::Rc<str>) -> i64 {
    if s.is_empty() || s.len() > STR_HASH_MAX_LEN {
        return hash_str(s);
    }
    let addr = std::rc::Rc::as_ptr(s) as *const u8 as usize;
    // Allocations are at least 8-byte aligned; the higher bits spread neighbours apart.
    let slot = ((addr >> 3) ^ (addr >> 12)) & (STR_HASH_SLOTS - 1);
    STR_HASHES
        .try_with(|cache| {
            let Ok(mut cache) = cache.try_borrow_mut() else {
                return hash_str(s);
            };
            if cache.is_empty() {
                cache.resize(STR_HASH_SLOTS, None);
            }
            if let Some((known, h)) = &cache[slot] {
                if std::rc::Rc::ptr_eq(known, s) {
                    return *h;
                }
            }
            let h = hash_str(s);
            // The entry replaced drops a string reference, which runs no Python code.
            cache[slot] = Some((s.clone(), h));
            h
        })
        // During thread teardown, after the cache was destroyed.
        .unwrap_or_else(|_| hash_str(s))
}

/// `hash(str)` over the PEP 393 buffer.
pub fn hash_str(s: &str) -> i64 {
    if s.is_ascii() {
        return hash_bytes(s.as_bytes());
    }
    let max = s.chars().map(|c| c as u32).max().unwrap_or(0);
    let mut buf = Vec::with_capacity(s.len() * 2);
    if max < 0x100 {
        buf.extend(s.chars().map(|c| c as u8));
    } else if max < 0x10000 {
        for c in s.chars() {
            buf.extend_from_slice(&(c as u16).to_le_bytes());
        }
    } else {
        for c in s.chars() {
            buf.extend_from_slice(&(c as u32).to_le_bytes());
        }
    }
    hash_bytes(&buf)
}

const XXPRIME_1: u64 = 11400714785074694791;
const XXPRIME_2: u64 = 14029467366897019727;
const XXPRIME_5: u64 = 2870177450012600261;

/// 3.11's xxHash-based `tuplehash` over the items' hashes.
pub fn hash_tuple(items: impl ExactSizeIterator<Item = i64>) -> i64 {
    let len = items.len() as u64;
    let mut acc = XXPRIME_5;
    for lane in items {
        acc = acc.wrapping_add((lane as u64).wrapping_mul(XXPRIME_2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(XXPRIME_1);
    }
    acc = acc.wrapping_add(len ^ (XXPRIME_5 ^ 3527539));
    if acc == u64::MAX {
        1546275796
    } else {
        acc as i64
    }
}

fn shuffle_bits(h: u64) -> u64 {
    ((h ^ 89869747) ^ (h << 16)).wrapping_mul(3644798167)
}

/// `frozenset_hash`: order-independent over the elements' hashes.
pub fn hash_frozenset(len: usize, hashes: impl Iterator<Item = i64>) -> i64 {
    let mut h: u64 = 0;
    for x in hashes {
        h ^= shuffle_bits(x as u64);
    }
    h ^= (len as u64 + 1).wrapping_mul(1927868237);
    h ^= (h >> 11) ^ (h >> 25);
    h = h.wrapping_mul(69069).wrapping_add(907133923);
    if h == u64::MAX {
        590923713
    } else {
        h as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // From `PYTHONHASHSEED=0 python3.11 -c 'print(hash(...))'`.
        assert_eq!(hash_str("a"), 4644417185603328019);
        assert_eq!(hash_str(""), 0);
        assert_eq!(hash_bytes(b"a"), 4644417185603328019);
        assert_eq!(hash_int(-1), -2);
        assert_eq!(hash_int(i64::MIN), -(((1u64 << 63) % MODULUS) as i64));
        assert_eq!(hash_float(1.0), Some(1));
        assert_eq!(hash_float(-1.0), Some(-2));
        assert_eq!(hash_float(f64::INFINITY), Some(314159));
        assert_eq!(hash_float(0.5), Some(1152921504606846976));
        assert_eq!(hash_tuple([].into_iter()), 5740354900026072187);
    }
}
