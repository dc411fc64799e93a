//! `decimal.Decimal` for finite values under CPython's default context (28 digits,
//! ROUND_HALF_EVEN, Emax 999999, Emin -999999, traps on InvalidOperation, DivisionByZero and
//! Overflow).
//!
//! DynamoDB hands numbers to Python as `Decimal` (boto3's deserializer), so the caching
//! helpers return them. A value is a sign, a coefficient of at most 38 digits and an
//! exponent; every operation computes the exact result with a small big integer and rounds
//! it as the context does. What would trap in CPython (division by zero, NaN operands, an
//! exponent out of range, a quotient too large for `//`) and values ferrule does not
//! represent (NaN, infinities, coefficients past 38 digits) are refused, never approximated.

use std::any::Any;
use std::cmp::Ordering;

use crate::err::{PyErr, PyResult};
use crate::ops::unsupported;
use crate::value::{BinOp, Kwargs, PyObject, TypeObject, Value};

/// `getcontext().prec`.
const PREC: usize = 28;
/// `getcontext().Emax` / `Emin`.
const EMAX: i64 = 999_999;
const EMIN: i64 = -999_999;
/// The largest exponent gap ferrule aligns exactly (operands further apart are refused).
const MAX_SHIFT: i64 = 1_200;

/// A finite `decimal.Decimal`: `(-1)**neg * coeff * 10**exp`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decimal {
    pub neg: bool,
    pub coeff: u128,
    pub exp: i64,
}

/// An unsigned big integer, little-endian base 2**32 limbs without trailing zero limbs.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn from_u128(mut v: u128) -> Big {
        let mut limbs = Vec::new();
        while v != 0 {
            limbs.push(v as u32);
            v >>= 32;
        }
        Big(limbs)
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn trim(mut self) -> Big {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }

    fn to_u128(&self) -> Option<u128> {
        if self.0.len() > 4 {
            return None;
        }
        Some(
            self.0
                .iter()
                .rev()
                .fold(0u128, |acc, &l| (acc << 32) | l as u128),
        )
    }

    fn mul_small(&self, m: u32) -> Big {
        let mut carry = 0u64;
        let mut out = Vec::with_capacity(self.0.len() + 1);
        for &l in &self.0 {
            let p = l as u64 * m as u64 + carry;
            out.push(p as u32);
            carry = p >> 32;
        }
        if carry != 0 {
            out.push(carry as u32);
        }
        Big(out).trim()
    }

    fn mul(&self, other: &Big) -> Big {
        let mut out = vec![0u32; self.0.len() + other.0.len()];
        for (i, &a) in self.0.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in other.0.iter().enumerate() {
                let t = out[i + j] as u64 + a as u64 * b as u64 + carry;
                out[i + j] = t as u32;
                carry = t >> 32;
            }
            let mut k = i + other.0.len();
            while carry != 0 {
                let t = out[k] as u64 + carry;
                out[k] = t as u32;
                carry = t >> 32;
                k += 1;
            }
        }
        Big(out).trim()
    }

    fn mul_pow10(&self, mut n: u64) -> Big {
        let mut r = self.clone();
        while n >= 9 {
            r = r.mul_small(1_000_000_000);
            n -= 9;
        }
        r.mul_small(10u32.pow(n as u32))
    }

    fn mul_pow5(&self, mut n: u64) -> Big {
        let mut r = self.clone();
        while n >= 13 {
            r = r.mul_small(1_220_703_125);
            n -= 13;
        }
        r.mul_small(5u32.pow(n as u32))
    }

    fn add(&self, other: &Big) -> Big {
        let n = self.0.len().max(other.0.len());
        let mut out = Vec::with_capacity(n + 1);
        let mut carry = 0u64;
        for i in 0..n {
            let t =
                *self.0.get(i).unwrap_or(&0) as u64 + *other.0.get(i).unwrap_or(&0) as u64 + carry;
            out.push(t as u32);
            carry = t >> 32;
        }
        if carry != 0 {
            out.push(carry as u32);
        }
        Big(out).trim()
    }

    /// `self - other` for `self >= other`.
    fn sub(&self, other: &Big) -> Big {
        let mut out = Vec::with_capacity(self.0.len());
        let mut borrow = 0i64;
        for i in 0..self.0.len() {
            let mut t = self.0[i] as i64 - *other.0.get(i).unwrap_or(&0) as i64 - borrow;
            borrow = 0;
            if t < 0 {
                t += 1 << 32;
                borrow = 1;
            }
            out.push(t as u32);
        }
        Big(out).trim()
    }

    fn cmp(&self, other: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }

    fn divrem_small(&self, d: u32) -> (Big, u32) {
        let mut out = vec![0u32; self.0.len()];
        let mut rem = 0u64;
        for i in (0..self.0.len()).rev() {
            let cur = (rem << 32) | self.0[i] as u64;
            out[i] = (cur / d as u64) as u32;
            rem = cur % d as u64;
        }
        (Big(out).trim(), rem as u32)
    }

    fn bits(&self) -> usize {
        match self.0.last() {
            None => 0,
            Some(top) => self.0.len() * 32 - top.leading_zeros() as usize,
        }
    }

    fn bit(&self, i: usize) -> bool {
        self.0.get(i / 32).is_some_and(|l| (l >> (i % 32)) & 1 == 1)
    }

    /// `divmod(self, d)` for `d != 0`, by binary long division (operands are small).
    fn divrem(&self, d: &Big) -> (Big, Big) {
        let n = self.bits();
        let mut q = vec![0u32; self.0.len()];
        let mut r = Big(Vec::new());
        for i in (0..n).rev() {
            r = r.add(&r);
            if self.bit(i) {
                r = r.add(&Big(vec![1]));
            }
            if r.cmp(d) != Ordering::Less {
                r = r.sub(d);
                q[i / 32] |= 1 << (i % 32);
            }
        }
        (Big(q).trim(), r)
    }

    fn to_decimal_string(&self) -> String {
        if self.is_zero() {
            return "0".to_string();
        }
        let mut chunks = Vec::new();
        let mut v = self.clone();
        while !v.is_zero() {
            let (q, r) = v.divrem_small(1_000_000_000);
            chunks.push(r);
            v = q;
        }
        let mut s = chunks.pop().map(|c| c.to_string()).unwrap_or_default();
        for c in chunks.iter().rev() {
            s.push_str(&format!("{c:09}"));
        }
        s
    }
}

/// An exact signed value `(-1)**neg * c * 10**e` in the middle of a computation.
struct Exact {
    neg: bool,
    c: Big,
    e: i64,
}

impl Exact {
    fn of(d: &Decimal) -> Exact {
        Exact {
            neg: d.neg,
            c: Big::from_u128(d.coeff),
            e: d.exp,
        }
    }

    /// The exact value of a finite float (`Decimal(f)`).
    fn of_float(f: f64) -> Exact {
        let bits = f.to_bits();
        let neg = bits >> 63 == 1;
        let biased = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1 << 52) - 1);
        let (mut m, mut k) = if biased == 0 {
            (frac, -1074)
        } else {
            (frac | (1 << 52), biased - 1075)
        };
        if m == 0 {
            return Exact {
                neg,
                c: Big(Vec::new()),
                e: 0,
            };
        }
        while m & 1 == 0 && k < 0 {
            m >>= 1;
            k += 1;
        }
        let c = Big::from_u128(m as u128);
        if k >= 0 {
            let mut c = c;
            for _ in 0..k {
                c = c.add(&c);
            }
            Exact { neg, c, e: 0 }
        } else {
            Exact {
                neg,
                c: c.mul_pow5((-k) as u64),
                e: k,
            }
        }
    }

    fn digits(&self) -> i64 {
        self.c.to_decimal_string().len() as i64
    }
}

/// Compares two exact values numerically (`-0 == 0`).
fn cmp_exact(a: &Exact, b: &Exact) -> PyResult<Ordering> {
    let sign = |x: &Exact| -> i8 {
        if x.c.is_zero() {
            0
        } else if x.neg {
            -1
        } else {
            1
        }
    };
    let (sa, sb) = (sign(a), sign(b));
    if sa != sb || sa == 0 {
        return Ok(sa.cmp(&sb));
    }
    // Same sign, both nonzero: compare magnitudes, then flip for negatives.
    let (adj_a, adj_b) = (a.e + a.digits(), b.e + b.digits());
    let mag = if adj_a != adj_b {
        adj_a.cmp(&adj_b)
    } else {
        let e = a.e.min(b.e);
        if a.e - e > MAX_SHIFT * 4 || b.e - e > MAX_SHIFT * 4 {
            return Err(unsupported("comparing Decimals this far apart"));
        }
        let x = a.c.mul_pow10((a.e - e) as u64);
        let y = b.c.mul_pow10((b.e - e) as u64);
        x.cmp(&y)
    };
    Ok(if sa < 0 { mag.reverse() } else { mag })
}

fn refuse_trap(what: &str) -> PyErr {
    unsupported(&format!("{what} (a decimal signal CPython raises)"))
}

/// Rounds an exact result to the context (`Decimal._fix`), refusing what would trap or
/// leave the normal range.
fn fix(neg: bool, c: &Big, e: i64) -> PyResult<Decimal> {
    let s = c.to_decimal_string();
    if s == "0" {
        if !(EMIN..=EMAX).contains(&e) {
            return Err(refuse_trap("a Decimal zero with an exponent out of range"));
        }
        return Ok(Decimal {
            neg,
            coeff: 0,
            exp: e,
        });
    }
    let (mut coeff, mut exp) = if s.len() > PREC {
        let drop = s.len() - PREC;
        let kept: u128 = s[..PREC].parse().expect("digits");
        let first = s.as_bytes()[PREC];
        let rest = s[PREC + 1..].bytes().any(|b| b != b'0');
        let up = first > b'5' || (first == b'5' && (rest || kept % 2 == 1));
        (kept + u128::from(up), e + drop as i64)
    } else {
        (s.parse::<u128>().expect("digits"), e)
    };
    if coeff == 10u128.pow(PREC as u32) {
        coeff /= 10;
        exp += 1;
    }
    let adjusted = exp + ndigits(coeff) as i64 - 1;
    if !(EMIN..=EMAX).contains(&adjusted) {
        return Err(refuse_trap("a Decimal out of the context's exponent range"));
    }
    Ok(Decimal { neg, coeff, exp })
}

fn ndigits(c: u128) -> usize {
    if c == 0 {
        1
    } else {
        c.ilog10() as usize + 1
    }
}

impl Decimal {
    pub fn from_i64(i: i64) -> Decimal {
        Decimal {
            neg: i < 0,
            coeff: i.unsigned_abs() as u128,
            exp: 0,
        }
    }

    fn is_zero(&self) -> bool {
        self.coeff == 0
    }

    fn adjusted(&self) -> i64 {
        self.exp + ndigits(self.coeff) as i64 - 1
    }

    /// `str(d)`: the scientific string of the decimal specification.
    pub fn to_sci_string(&self) -> String {
        let digits = self.coeff.to_string();
        let leftdigits = self.exp + digits.len() as i64;
        let dotplace = if self.exp <= 0 && leftdigits > -6 {
            leftdigits
        } else {
            1
        };
        let (intpart, fracpart) = if dotplace <= 0 {
            (
                "0".to_string(),
                format!(".{}{}", "0".repeat((-dotplace) as usize), digits),
            )
        } else if dotplace as usize >= digits.len() {
            (
                format!("{digits}{}", "0".repeat(dotplace as usize - digits.len())),
                String::new(),
            )
        } else {
            (
                digits[..dotplace as usize].to_string(),
                format!(".{}", &digits[dotplace as usize..]),
            )
        };
        let exp = if leftdigits == dotplace {
            String::new()
        } else {
            format!("E{:+}", leftdigits - dotplace)
        };
        format!(
            "{}{intpart}{fracpart}{exp}",
            if self.neg { "-" } else { "" }
        )
    }

    /// Whether the value is an integer.
    pub fn is_integral(&self) -> bool {
        self.exp >= 0 || self.coeff == 0 || {
            let e = (-self.exp) as u32;
            e <= 38 && self.coeff.is_multiple_of(10u128.pow(e))
        }
    }

    /// The integer part, truncated toward zero (`int(d)`); `None` beyond 64 bits.
    pub fn trunc_i64(&self) -> Option<i64> {
        let mag: u128 = if self.exp >= 0 {
            if self.coeff == 0 {
                0
            } else {
                let p = 10u128.checked_pow(u32::try_from(self.exp).ok()?)?;
                self.coeff.checked_mul(p)?
            }
        } else if -self.exp > 38 {
            0
        } else {
            self.coeff / 10u128.pow((-self.exp) as u32)
        };
        let v = i128::try_from(mag).ok()?;
        i64::try_from(if self.neg { -v } else { v }).ok()
    }

    /// The value if it is an integer of 64 bits.
    pub fn as_i64(&self) -> Option<i64> {
        if self.is_integral() {
            self.trunc_i64()
        } else {
            None
        }
    }

    /// `float(d)`: CPython converts `str(d)`, correctly rounded.
    pub fn to_f64(&self) -> f64 {
        self.to_sci_string().parse().unwrap_or(f64::NAN)
    }

    /// `hash(d)` as CPython 3.11 computes it (equal to the hash of an equal int or float).
    pub fn py_hash(&self) -> i64 {
        const P: u128 = (1 << 61) - 1;
        let modpow = |mut b: u128, mut e: u128| {
            let mut acc = 1u128;
            b %= P;
            while e > 0 {
                if e & 1 == 1 {
                    acc = acc * b % P;
                }
                b = b * b % P;
                e >>= 1;
            }
            acc
        };
        let exp_hash = if self.exp >= 0 {
            modpow(10, self.exp as u128)
        } else {
            modpow(modpow(10, P - 2), (-self.exp) as u128)
        };
        let h = ((self.coeff % P) * exp_hash % P) as i64;
        let h = if self.neg { -h } else { h };
        if h == -1 {
            -2
        } else {
            h
        }
    }

    fn cmp_value(&self, other: &Value) -> Option<PyResult<Ordering>> {
        let b = match other {
            Value::Float(f) if f.is_nan() => {
                return Some(Err(refuse_trap(
                    "an ordering comparison of a Decimal with NaN",
                )))
            }
            Value::Float(f) if f.is_infinite() => {
                return Some(Ok(if *f > 0.0 {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }))
            }
            Value::Float(f) => Exact::of_float(*f),
            _ => Exact::of(&operand(other)?),
        };
        Some(cmp_exact(&Exact::of(self), &b))
    }

    fn add(&self, other: &Decimal) -> PyResult<Decimal> {
        let e = self.exp.min(other.exp);
        if self.exp - e > MAX_SHIFT || other.exp - e > MAX_SHIFT {
            return Err(unsupported("adding Decimals of very different magnitudes"));
        }
        let a = Big::from_u128(self.coeff).mul_pow10((self.exp - e) as u64);
        let b = Big::from_u128(other.coeff).mul_pow10((other.exp - e) as u64);
        let (neg, c) = if self.neg == other.neg {
            (self.neg, a.add(&b))
        } else {
            match a.cmp(&b) {
                Ordering::Greater => (self.neg, a.sub(&b)),
                Ordering::Less => (other.neg, b.sub(&a)),
                // An exact zero is positive unless rounding toward -inf.
                Ordering::Equal => (false, Big(Vec::new())),
            }
        };
        fix(neg, &c, e)
    }

    fn negated(&self) -> Decimal {
        Decimal {
            neg: !self.neg,
            ..self.clone()
        }
    }

    fn mul(&self, other: &Decimal) -> PyResult<Decimal> {
        let c = Big::from_u128(self.coeff).mul(&Big::from_u128(other.coeff));
        fix(self.neg != other.neg, &c, self.exp + other.exp)
    }

    fn div(&self, other: &Decimal) -> PyResult<Decimal> {
        if other.is_zero() {
            return Err(refuse_trap("Decimal division by zero"));
        }
        let neg = self.neg != other.neg;
        if self.is_zero() {
            return fix(neg, &Big(Vec::new()), self.exp - other.exp);
        }
        let shift = ndigits(other.coeff) as i64 - ndigits(self.coeff) as i64 + PREC as i64 + 1;
        let mut exp = self.exp - other.exp - shift;
        let (a, b) = (Big::from_u128(self.coeff), Big::from_u128(other.coeff));
        let (mut q, r) = if shift >= 0 {
            a.mul_pow10(shift as u64).divrem(&b)
        } else {
            a.divrem(&b.mul_pow10((-shift) as u64))
        };
        if !r.is_zero() {
            // Inexact: a nonzero sticky digit makes the rounding see "more than half".
            if q.divrem_small(5).1 == 0 {
                q = q.add(&Big(vec![1]));
            }
        } else {
            let ideal = self.exp - other.exp;
            while exp < ideal {
                let (q10, r10) = q.divrem_small(10);
                if r10 != 0 {
                    break;
                }
                q = q10;
                exp += 1;
            }
        }
        fix(neg, &q, exp)
    }

    /// `Decimal._divide`: the integer quotient (toward zero) and the unrounded remainder.
    fn divide_int(&self, other: &Decimal) -> PyResult<(Decimal, Exact)> {
        if other.is_zero() {
            return Err(refuse_trap("Decimal integer division by zero"));
        }
        let neg = self.neg != other.neg;
        let ideal = self.exp.min(other.exp);
        let expdiff = self.adjusted() - other.adjusted();
        let rescaled =
            |d: &Decimal| Big::from_u128(d.coeff).mul_pow10((d.exp - ideal).min(MAX_SHIFT) as u64);
        if self.exp - ideal > MAX_SHIFT || other.exp - ideal > MAX_SHIFT {
            return Err(unsupported(
                "dividing Decimals of very different magnitudes",
            ));
        }
        if self.is_zero() || expdiff <= -2 {
            let q = Decimal {
                neg,
                coeff: 0,
                exp: 0,
            };
            let r = Exact {
                neg: self.neg,
                c: rescaled(self),
                e: ideal,
            };
            return Ok((q, r));
        }
        if expdiff <= PREC as i64 {
            let (q, r) = rescaled(self).divrem(&rescaled(other));
            if let Some(q) = q.to_u128().filter(|q| *q < 10u128.pow(PREC as u32)) {
                let r = Exact {
                    neg: self.neg,
                    c: r,
                    e: ideal,
                };
                return Ok((
                    Decimal {
                        neg,
                        coeff: q,
                        exp: 0,
                    },
                    r,
                ));
            }
        }
        Err(refuse_trap(
            "a Decimal integer quotient beyond the precision",
        ))
    }

    /// `self ** n` for a small positive int `n` (the exact power, rounded to the context);
    /// other exponents are refused.
    fn pow(&self, other: &Value, reflected: bool) -> PyResult<Decimal> {
        let refuse = || unsupported("this Decimal power");
        let other = operand(other).ok_or_else(refuse)?;
        let (base, exponent) = if reflected {
            (&other, self)
        } else {
            (self, &other)
        };
        let n = Some(exponent)
            .filter(|e| e.exp == 0)
            .and_then(|e| e.as_i64())
            .ok_or_else(refuse)?;
        if !(0..=200).contains(&n) || (n == 0 && base.is_zero()) {
            return Err(refuse());
        }
        if n == 0 {
            return Ok(Decimal::from_i64(1));
        }
        let neg = base.neg && n % 2 == 1;
        if base.is_zero() {
            return fix(neg, &Big(Vec::new()), 0);
        }
        let (exp, base) = (base.exp, Big::from_u128(base.coeff));
        let mut c = base.clone();
        for _ in 1..n {
            c = c.mul(&base);
        }
        fix(neg, &c, exp * n)
    }

    fn divmod(&self, other: &Decimal) -> PyResult<(Decimal, Decimal)> {
        let (q, r) = self.divide_int(other)?;
        Ok((q, fix(r.neg, &r.c, r.e)?))
    }

    /// `-d` (`Decimal.__neg__`): rounds to the context; a zero becomes positive.
    pub fn neg_op(&self) -> PyResult<Decimal> {
        let neg = !self.is_zero() && !self.neg;
        fix(neg, &Big::from_u128(self.coeff), self.exp)
    }

    /// `+d` (`Decimal.__pos__`).
    pub fn pos_op(&self) -> PyResult<Decimal> {
        let neg = !self.is_zero() && self.neg;
        fix(neg, &Big::from_u128(self.coeff), self.exp)
    }

    /// `abs(d)`.
    pub fn abs_op(&self) -> PyResult<Decimal> {
        fix(false, &Big::from_u128(self.coeff), self.exp)
    }

    /// `round(d)`: the nearest int, halves to even.
    pub fn round_i64(&self) -> PyResult<i64> {
        let t = self
            .trunc_i64()
            .ok_or_else(|| unsupported("ints beyond 64 bits"))?;
        if self.exp >= 0 {
            return Ok(t);
        }
        // The dropped fraction, compared with one half exactly.
        let frac = self.add(&Decimal::from_i64(t).negated())?;
        let twice = frac.abs_op()?.mul(&Decimal::from_i64(2))?;
        let away = match cmp_exact(&Exact::of(&twice), &Exact::of(&Decimal::from_i64(1)))? {
            Ordering::Greater => true,
            Ordering::Equal => t % 2 != 0,
            Ordering::Less => false,
        };
        Ok(if !away {
            t
        } else if self.neg {
            t - 1
        } else {
            t + 1
        })
    }

    /// `math.floor(d)` / `math.ceil(d)`.
    pub fn floor_ceil(&self, ceil: bool) -> PyResult<i64> {
        let t = self
            .trunc_i64()
            .ok_or_else(|| unsupported("ints beyond 64 bits"))?;
        if self.is_integral() {
            return Ok(t);
        }
        Ok(match (ceil, self.neg) {
            (false, true) => t - 1,
            (true, false) => t + 1,
            _ => t,
        })
    }

    /// `Decimal(s)`; strings CPython would reject or turn into NaN/Infinity are refused.
    pub fn parse(s: &str) -> PyResult<Decimal> {
        let bad = || {
            unsupported(&format!(
                "Decimal({}) of this string",
                crate::fmt::repr(&Value::str(s))
            ))
        };
        if !s.is_ascii() || s.bytes().any(|b| b == b'_' || (0x1c..=0x1f).contains(&b)) {
            return Err(bad());
        }
        let t = s.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'));
        let (neg, t) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let (mant, exp) = match t.find(['e', 'E']) {
            Some(i) => (&t[..i], Some(&t[i + 1..])),
            None => (t, None),
        };
        let (int, frac) = match mant.find('.') {
            Some(i) => (&mant[..i], &mant[i + 1..]),
            None => (mant, ""),
        };
        let all_digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
        if int.len() + frac.len() == 0 || !all_digits(int) || !all_digits(frac) {
            return Err(bad());
        }
        let mut e: i64 = 0;
        if let Some(x) = exp {
            let digits = x.strip_prefix(['+', '-']).unwrap_or(x);
            if digits.is_empty() || !all_digits(digits) || digits.len() > 7 {
                return Err(bad());
            }
            e = x.parse().map_err(|_| bad())?;
        }
        let coeff_digits = format!("{int}{frac}");
        let coeff_digits = coeff_digits.trim_start_matches('0');
        if coeff_digits.len() > 38 {
            return Err(unsupported("Decimals of more than 38 digits"));
        }
        let coeff: u128 = if coeff_digits.is_empty() {
            0
        } else {
            coeff_digits.parse().map_err(|_| bad())?
        };
        let d = Decimal {
            neg,
            coeff,
            exp: e - frac.len() as i64,
        };
        if !(EMIN - 40..=EMAX).contains(&d.exp) || d.adjusted() > EMAX {
            return Err(bad());
        }
        Ok(d)
    }

    /// `Decimal(f)`: the float's exact value.
    pub fn from_f64(f: f64) -> PyResult<Decimal> {
        if !f.is_finite() {
            return Err(unsupported("Decimal NaN and Infinity"));
        }
        let x = Exact::of_float(f);
        let coeff =
            x.c.to_u128()
                .filter(|c| ndigits(*c) <= 38)
                .ok_or_else(|| unsupported("Decimals of more than 38 digits"))?;
        Ok(Decimal {
            neg: x.neg,
            coeff,
            exp: x.e,
        })
    }
}

/// The subset of the format-spec mini-language ferrule formats Decimals with:
/// `[[fill]align][sign][width][,][.precision][f|F]`.
struct DecSpec {
    fill: char,
    align: char,
    sign: char,
    width: usize,
    comma: bool,
    precision: Option<usize>,
    fixed: bool,
}

fn parse_dec_spec(spec: &str) -> Option<DecSpec> {
    let c: Vec<char> = spec.chars().collect();
    let mut i = 0;
    let is_align = |ch: char| matches!(ch, '<' | '>' | '=' | '^');
    let (mut fill, mut align) = (' ', '>');
    if c.len() >= 2 && is_align(c[1]) {
        (fill, align) = (c[0], c[1]);
        i = 2;
    } else if !c.is_empty() && is_align(c[0]) {
        align = c[0];
        i = 1;
    }
    let mut sign = '-';
    if i < c.len() && matches!(c[i], '+' | '-' | ' ') {
        sign = c[i];
        i += 1;
    }
    // Zero padding (a leading `0` width), `z` and `#` are left to CPython alone.
    if i < c.len() && c[i] == '0' {
        return None;
    }
    let start = i;
    while i < c.len() && c[i].is_ascii_digit() {
        i += 1;
    }
    let width_text: String = c[start..i].iter().collect();
    if width_text.len() > 6 {
        return None;
    }
    let width = width_text.parse().unwrap_or(0);
    let mut comma = false;
    if i < c.len() && c[i] == ',' {
        comma = true;
        i += 1;
    }
    let mut precision = None;
    if i < c.len() && c[i] == '.' {
        let start = i + 1;
        i += 1;
        while i < c.len() && c[i].is_ascii_digit() {
            i += 1;
        }
        let text: String = c[start..i].iter().collect();
        if text.is_empty() || text.len() > 4 {
            return None;
        }
        precision = text.parse().ok();
    }
    let fixed = match c.get(i) {
        None => false,
        Some('f' | 'F') if i + 1 == c.len() => true,
        _ => return None,
    };
    // Without a type, a precision means significant digits ('g'), which is not modelled.
    if !fixed && precision.is_some() {
        return None;
    }
    Some(DecSpec {
        fill,
        align,
        sign,
        width,
        comma,
        precision,
        fixed,
    })
}

impl Decimal {
    /// `format(d, spec)` as `Decimal.__format__` computes it (exact digits, halves to even),
    /// for the subset [`parse_dec_spec`] accepts; `None` for other specs.
    fn format_spec(&self, spec: &str) -> Option<String> {
        let sp = parse_dec_spec(spec)?;
        // The digits and exponent after rounding to the precision (`_rescale`).
        let (mut digits, mut exp) = (self.coeff.to_string(), self.exp);
        if let (true, Some(p)) = (sp.fixed, sp.precision) {
            let target = -(p as i64);
            if exp > target {
                if exp - target > 1000 {
                    return None;
                }
                if self.coeff != 0 {
                    digits.push_str(&"0".repeat((exp - target) as usize));
                }
                exp = target;
            } else if exp < target {
                let drop = (target - exp) as usize;
                let (kept, gone) = if drop >= digits.len() {
                    (
                        String::new(),
                        format!("{}{digits}", "0".repeat(drop - digits.len())),
                    )
                } else {
                    let k = digits.len() - drop;
                    (digits[..k].to_string(), digits[k..].to_string())
                };
                let first = gone.as_bytes()[0];
                let rest = gone[1..].bytes().any(|b| b != b'0');
                let last_odd = kept.bytes().last().is_some_and(|b| (b - b'0') % 2 == 1);
                let up = first > b'5' || (first == b'5' && (rest || last_odd));
                let mut kept = if kept.is_empty() {
                    "0".to_string()
                } else {
                    kept
                };
                if up {
                    kept = Big::from_u128(0)
                        .add(&decimal_big(&kept)?)
                        .add(&Big(vec![1]))
                        .to_decimal_string();
                }
                digits = kept.trim_start_matches('0').to_string();
                if digits.is_empty() {
                    digits = "0".to_string();
                }
                exp = target;
            }
        }
        let zero = digits.bytes().all(|b| b == b'0');
        if zero && exp > 0 && sp.fixed {
            digits = "0".to_string();
            exp = 0;
        }
        let leftdigits = exp + digits.len() as i64;
        let dotplace = if sp.fixed || (exp <= 0 && leftdigits > -6) {
            leftdigits
        } else {
            1
        };
        let (intpart, fracpart) = if dotplace < 0 {
            (
                "0".to_string(),
                format!("{}{digits}", "0".repeat((-dotplace) as usize)),
            )
        } else if dotplace as usize > digits.len() {
            if dotplace > 10_000 {
                return None;
            }
            (
                format!("{digits}{}", "0".repeat(dotplace as usize - digits.len())),
                String::new(),
            )
        } else {
            let (a, b) = digits.split_at(dotplace as usize);
            (
                if a.is_empty() { "0" } else { a }.to_string(),
                b.to_string(),
            )
        };
        let e = leftdigits - dotplace;
        let mut tail = if fracpart.is_empty() {
            String::new()
        } else {
            format!(".{fracpart}")
        };
        if e != 0 {
            tail.push_str(&format!("E{e:+}"));
        }
        let intpart = if sp.comma {
            let d: Vec<char> = intpart.chars().collect();
            let mut out = String::new();
            for (k, ch) in d.iter().enumerate() {
                if k > 0 && (d.len() - k).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(*ch);
            }
            out
        } else {
            intpart
        };
        let sign = if self.neg {
            "-"
        } else {
            match sp.sign {
                '+' => "+",
                ' ' => " ",
                _ => "",
            }
        };
        let body = format!("{intpart}{tail}");
        let len = sign.chars().count() + body.chars().count();
        let pad = sp.width.saturating_sub(len);
        let rep = |n: usize| std::iter::repeat_n(sp.fill, n).collect::<String>();
        Some(match sp.align {
            '<' => format!("{sign}{body}{}", rep(pad)),
            '^' => format!("{}{sign}{body}{}", rep(pad / 2), rep(pad - pad / 2)),
            '=' => format!("{sign}{}{body}", rep(pad)),
            _ => format!("{}{sign}{body}", rep(pad)),
        })
    }
}

fn decimal_big(digits: &str) -> Option<Big> {
    let mut b = Big(Vec::new());
    for ch in digits.bytes() {
        b = b.mul_small(10).add(&Big::from_u128((ch - b'0') as u128));
    }
    Some(b)
}

/// An int, bool or Decimal operand as a Decimal (what `Decimal`'s operators accept).
fn operand(v: &Value) -> Option<Decimal> {
    match v {
        Value::Int(i) => Some(Decimal::from_i64(*i)),
        Value::Bool(b) => Some(Decimal::from_i64(*b as i64)),
        _ => v.downcast::<Decimal>().cloned(),
    }
}

/// The Decimal in `v`, if it is one.
pub fn as_decimal(v: &Value) -> Option<&Decimal> {
    v.downcast::<Decimal>()
}

/// `divmod(a, b)` when either operand is a Decimal; `None` if the other is not an int,
/// bool or Decimal.
pub fn divmod(a: &Value, b: &Value) -> Option<PyResult<Value>> {
    let (x, y) = (operand(a)?, operand(b)?);
    Some(
        x.divmod(&y)
            .map(|(q, r)| Value::tuple(vec![q.into(), r.into()])),
    )
}

impl From<Decimal> for Value {
    fn from(d: Decimal) -> Value {
        Value::object(d)
    }
}

impl PyObject for Decimal {
    fn fixed_attributes(&self) -> Option<&str> {
        Some("decimal.Decimal")
    }
    fn type_name(&self) -> &str {
        "decimal.Decimal"
    }
    fn repr(&self) -> String {
        format!("Decimal('{}')", self.to_sci_string())
    }
    fn str(&self) -> String {
        self.to_sci_string()
    }
    fn truthy(&self) -> PyResult<bool> {
        Ok(!self.is_zero())
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        Err(unsupported(&format!("Decimal attribute `{name}`")))
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        match other {
            // `==` with NaN is quiet: False.
            Value::Float(f) if f.is_nan() => Some(false),
            // Operands whose exact comparison ferrule refuses cannot be equal (their
            // magnitudes differ by more than the shift limit).
            _ => crate::err::probe(|| self.cmp_value(other))
                .map(|r| r.map(|o| o == Ordering::Equal).unwrap_or(false)),
        }
    }
    fn lt(&self, other: &Value) -> Option<PyResult<bool>> {
        self.cmp_value(other)
            .map(|r| r.map(|o| o == Ordering::Less))
    }
    fn hash(&self) -> Option<u64> {
        Some(self.py_hash() as u64)
    }
    fn exact_hash(&self) -> Option<i64> {
        Some(self.py_hash())
    }
    fn binop(&self, op: BinOp, other: &Value, reflected: bool) -> Option<PyResult<Value>> {
        let o = operand(other)?;
        let (a, b) = if reflected { (&o, self) } else { (self, &o) };
        let r = match op {
            BinOp::Add => a.add(b),
            BinOp::Sub => a.add(&b.negated()),
            BinOp::Mul => a.mul(b),
            BinOp::Div => a.div(b),
            BinOp::FloorDiv => a.divide_int(b).map(|(q, _)| q),
            BinOp::Mod => a.divmod(b).map(|(_, r)| r),
            BinOp::Pow => self.pow(other, reflected),
            _ => return None,
        };
        Some(r.map(Value::from))
    }
    fn format(&self, spec: &str) -> Option<PyResult<String>> {
        Some(if spec.is_empty() {
            Ok(self.to_sci_string())
        } else {
            self.format_spec(spec)
                .ok_or_else(|| unsupported("this format spec for Decimal"))
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `decimal.Decimal(value="0")`.
pub fn decimal_new(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if !kwargs.is_empty() || args.len() > 1 {
        return Err(unsupported("this call of Decimal()"));
    }
    let Some(v) = args.first() else {
        return Ok(Decimal::from_i64(0).into());
    };
    let d = match v {
        Value::Int(i) => Decimal::from_i64(*i),
        Value::Bool(b) => Decimal::from_i64(*b as i64),
        Value::Float(f) => Decimal::from_f64(*f)?,
        Value::Str(s) => Decimal::parse(s)?,
        Value::None
        | Value::Bytes(_)
        | Value::Dict(_)
        | Value::Set(_)
        | Value::FrozenSet(_)
        | Value::Func(_) => {
            return Err(PyErr::type_error(format!(
                "conversion from {} to Decimal is not supported",
                v.type_name()
            )))
        }
        _ => match as_decimal(v) {
            Some(d) => d.clone(),
            None => return Err(unsupported("Decimal() of this value")),
        },
    };
    Ok(d.into())
}

fn is_decimal(v: &Value) -> bool {
    as_decimal(v).is_some()
}

/// The module `decimal`: only `Decimal`.
pub fn attr(name: &str) -> Option<Value> {
    match name {
        "Decimal" => Some(Value::object(TypeObject {
            name: "Decimal",
            module: "decimal",
            check: is_decimal,
            construct: Some(decimal_new),
            attr: None,
        })),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).expect("parse")
    }

    #[test]
    fn strings_and_division() {
        assert_eq!(d("1e3").to_sci_string(), "1E+3");
        assert_eq!(d("0.000001").to_sci_string(), "0.000001");
        assert_eq!(d("1E-7").to_sci_string(), "1E-7");
        assert_eq!(d("123E+30").to_sci_string(), "1.23E+32");
        assert_eq!(
            d("1").div(&d("3")).unwrap().to_sci_string(),
            "0.3333333333333333333333333333"
        );
        assert_eq!(
            d("2").div(&d("3")).unwrap().to_sci_string(),
            "0.6666666666666666666666666667"
        );
        assert_eq!(d("100").div(&d("10")).unwrap().to_sci_string(), "10");
        assert_eq!(
            d("1E+30").add(&d("1")).unwrap().to_sci_string(),
            "1.000000000000000000000000000E+30"
        );
        assert_eq!(
            d("2.5").py_hash(),
            crate::pyhash::hash(&Value::Float(2.5)).value
        );
    }
}
