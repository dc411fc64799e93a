//! `datetime`: `datetime`, `date`, `timedelta` and `timezone` with CPython 3.11's
//! arithmetic, printing, parsing (`strptime`, `fromisoformat`) and error messages.
//!
//! The runtime has no time zone database: a naive datetime is taken to be in UTC wherever
//! CPython would use the machine's local zone (`timestamp()`, `fromtimestamp()` and `now()`
//! without `tz`), which is what the oracle (run with `TZ=UTC`) does; the C library confirms
//! at each call that the local offset is zero, or the call is refused. `now()`,
//! `utcnow()` and `today()` read the real clock. `strftime` follows glibc for the
//! directives it supports and raises `NotImplementedError` for the others.

use std::any::Any;
use std::rc::Rc;

use crate::err::{ExcKind, PyErr, PyResult};
use crate::fmt::str_repr;
use crate::ops::unsupported;
use crate::stdlib::Args;
use crate::value::{BinOp, Kwargs, PyObject, TypeObject, Value};

const US_PER_SEC: i64 = 1_000_000;
const US_PER_DAY: i64 = 86_400 * US_PER_SEC;
const MAX_ORDINAL: i64 = 3_652_059;

/// Module attributes of `datetime`.
pub fn attr(name: &str) -> Option<Value> {
    Some(match name {
        "datetime" => datetime_type(),
        "date" => date_type(),
        "timedelta" => timedelta_type(),
        "timezone" => timezone_type(),
        "MINYEAR" => Value::Int(1),
        "MAXYEAR" => Value::Int(9999),
        _ => return None,
    })
}

fn datetime_type() -> Value {
    Value::object(TypeObject {
        name: "datetime",
        module: "datetime",
        check: |v| v.downcast::<DateTime>().is_some(),
        construct: Some(datetime),
        attr: Some(|n| {
            Some(match n {
                "now" => Value::func("now", now),
                "utcnow" => Value::func("utcnow", utcnow),
                "today" => Value::func("today", today),
                "strptime" => Value::func("strptime", strptime),
                "fromisoformat" => Value::func("fromisoformat", fromisoformat),
                "fromtimestamp" => Value::func("fromtimestamp", fromtimestamp),
                "utcfromtimestamp" => Value::func("utcfromtimestamp", utcfromtimestamp),
                "min" => Value::object(DateTime::naive(1, 0)),
                "max" => Value::object(DateTime::naive(MAX_ORDINAL, US_PER_DAY - 1)),
                _ => return None,
            })
        }),
    })
}

fn date_type() -> Value {
    Value::object(TypeObject {
        name: "date",
        module: "datetime",
        check: |v| v.downcast::<Date>().is_some() || v.downcast::<DateTime>().is_some(),
        construct: Some(date),
        attr: Some(|n| {
            Some(match n {
                "today" => Value::func("today", date_today),
                "fromisoformat" => Value::func("fromisoformat", date_fromisoformat),
                _ => return None,
            })
        }),
    })
}

fn timedelta_type() -> Value {
    Value::object(TypeObject {
        name: "timedelta",
        module: "datetime",
        check: |v| v.downcast::<TimeDelta>().is_some(),
        construct: Some(timedelta),
        attr: Some(|n| {
            Some(match n {
                "min" => Value::object(TimeDelta::from_us(-999_999_999 * US_PER_DAY as i128).ok()?),
                "max" => {
                    Value::object(TimeDelta::from_us(1_000_000_000 * US_PER_DAY as i128 - 1).ok()?)
                }
                "resolution" => Value::object(TimeDelta::from_us(1).ok()?),
                _ => return None,
            })
        }),
    })
}

fn timezone_type() -> Value {
    Value::object(TypeObject {
        name: "timezone",
        module: "datetime",
        check: |v| v.downcast::<TimeZone>().is_some(),
        construct: Some(timezone),
        attr: Some(|n| match n {
            "utc" => Some(Value::object(TimeZone::utc())),
            _ => None,
        }),
    })
}

// ---------------------------------------------------------------------------------------
// Calendar arithmetic (CPython's proleptic Gregorian ordinals: 0001-01-01 is day 1).

const DAYS_IN_MONTH: [i64; 13] = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAYS_BEFORE_MONTH: [i64; 13] = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    if m == 2 && is_leap(y) {
        29
    } else {
        DAYS_IN_MONTH[m as usize]
    }
}

fn ymd_to_ord(y: i64, m: i64, d: i64) -> i64 {
    let py = y - 1;
    py * 365 + py / 4 - py / 100
        + py / 400
        + DAYS_BEFORE_MONTH[m as usize]
        + (m > 2 && is_leap(y)) as i64
        + d
}

fn ord_to_ymd(n: i64) -> (i64, i64, i64) {
    let mut n = n - 1;
    let n400 = n.div_euclid(146_097);
    n = n.rem_euclid(146_097);
    let mut year = n400 * 400 + 1;
    let n100 = n / 36_524;
    n %= 36_524;
    let n4 = n / 1_461;
    n %= 1_461;
    let n1 = n / 365;
    n %= 365;
    year += n100 * 100 + n4 * 4 + n1;
    if n1 == 4 || n100 == 4 {
        return (year - 1, 12, 31);
    }
    let leap = n1 == 3 && (n4 != 24 || n100 == 3);
    let mut month = (n + 50) >> 5;
    let mut preceding = DAYS_BEFORE_MONTH[month as usize] + (month > 2 && leap) as i64;
    if preceding > n {
        month -= 1;
        preceding -= DAYS_IN_MONTH[month as usize] + (month == 2 && leap) as i64;
    }
    (year, month, n - preceding + 1)
}

fn check_date(y: i64, m: i64, d: i64) -> PyResult<()> {
    if !(1..=9999).contains(&y) {
        return Err(PyErr::value_error(format!("year {y} is out of range")));
    }
    if !(1..=12).contains(&m) {
        return Err(PyErr::value_error("month must be in 1..12"));
    }
    if d < 1 || d > days_in_month(y, m) {
        return Err(PyErr::value_error("day is out of range for month"));
    }
    Ok(())
}

fn check_time(h: i64, mi: i64, s: i64, us: i64) -> PyResult<()> {
    if !(0..=23).contains(&h) {
        return Err(PyErr::value_error("hour must be in 0..23"));
    }
    if !(0..=59).contains(&mi) {
        return Err(PyErr::value_error("minute must be in 0..59"));
    }
    if !(0..=59).contains(&s) {
        return Err(PyErr::value_error("second must be in 0..59"));
    }
    if !(0..=999_999).contains(&us) {
        return Err(PyErr::value_error("microsecond must be in 0..999999"));
    }
    Ok(())
}

fn overflow() -> PyErr {
    PyErr::new(ExcKind::OverflowError, "date value out of range")
}

// ---------------------------------------------------------------------------------------
// timedelta.

/// A `datetime.timedelta`, normalised as CPython does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeDelta {
    pub days: i64,
    pub seconds: i64,
    pub microseconds: i64,
}

impl TimeDelta {
    /// The timedelta of `us` microseconds; OverflowError beyond ±999999999 days.
    pub fn from_us(us: i128) -> PyResult<TimeDelta> {
        let day = US_PER_DAY as i128;
        let days = us.div_euclid(day);
        let rest = us.rem_euclid(day) as i64;
        if days.abs() > 999_999_999 {
            return Err(PyErr::new(
                ExcKind::OverflowError,
                format!("days={days}; must have magnitude <= 999999999"),
            ));
        }
        Ok(TimeDelta {
            days: days as i64,
            seconds: rest / US_PER_SEC,
            microseconds: rest % US_PER_SEC,
        })
    }

    /// The total length in microseconds.
    pub fn total_us(&self) -> i128 {
        self.days as i128 * US_PER_DAY as i128
            + self.seconds as i128 * US_PER_SEC as i128
            + self.microseconds as i128
    }

    fn total_seconds(&self) -> PyResult<f64> {
        let us = self.total_us();
        if us.unsigned_abs() > 1 << 53 {
            return Err(unsupported(
                "total_seconds() of timedeltas beyond 285 years",
            ));
        }
        Ok(us as f64 / 1e6)
    }
}

fn td_value(us: i128) -> PyResult<Value> {
    TimeDelta::from_us(us).map(Value::object)
}

/// Rounds `n / d` to the nearest integer, ties to even.
fn div_nearest(n: i128, d: i128) -> i128 {
    let (q, r) = (n.div_euclid(d), n.rem_euclid(d));
    let twice = 2 * r;
    if twice > d.abs() || (twice == d.abs() && q % 2 != 0) {
        q + d.signum()
    } else {
        q
    }
}

/// The exact ratio of a finite float, if its parts fit in 128 bits.
fn float_ratio(f: f64) -> Option<(i128, i128)> {
    if !f.is_finite() {
        return None;
    }
    let bits = f.to_bits();
    let sign = if bits >> 63 == 1 { -1i128 } else { 1 };
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let mant = (bits & ((1 << 52) - 1)) as i128;
    let (mut num, mut e) = if exp == 0 {
        (mant, -1074)
    } else {
        (mant | (1 << 52), exp - 1075)
    };
    if num == 0 {
        return Some((0, 1));
    }
    while e < 0 && num % 2 == 0 {
        num /= 2;
        e += 1;
    }
    if e >= 0 {
        (e <= 60).then(|| (sign * (num << e), 1))
    } else {
        (-e <= 100).then(|| (sign * num, 1i128 << (-e)))
    }
}

/// `timedelta(days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0,
/// weeks=0)`, with CPython's exact handling of float arguments.
pub fn timedelta(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new(
        "timedelta",
        args,
        kwargs,
        &[
            "days",
            "seconds",
            "microseconds",
            "milliseconds",
            "minutes",
            "hours",
            "weeks",
        ],
        0,
    )?;
    // CPython accumulates in this order: us, ms, seconds, minutes, hours, days, weeks.
    let order: [(usize, i128); 7] = [
        (2, 1),
        (3, 1_000),
        (1, 1_000_000),
        (4, 60_000_000),
        (5, 3_600_000_000),
        (0, 86_400_000_000),
        (6, 604_800_000_000),
    ];
    let mut total: i128 = 0;
    let mut leftover = 0f64;
    for (idx, factor) in order {
        let Some(v) = a.get(idx) else { continue };
        match v {
            Value::Int(n) => total += *n as i128 * factor,
            Value::Bool(b) => total += *b as i128 * factor,
            Value::Float(f) => {
                if !f.is_finite() || f.abs() > 1e20 {
                    return Err(unsupported("timedelta of a huge or non-finite float"));
                }
                let int_part = f.trunc();
                let frac = f - int_part;
                total += int_part as i128 * factor;
                if frac != 0.0 {
                    let d = factor as f64 * frac;
                    let ip = d.trunc();
                    total += ip as i128;
                    leftover += d - ip;
                }
            }
            other => {
                return Err(PyErr::type_error(format!(
                    "unsupported type for timedelta {} component: {}",
                    a.fname_of(idx),
                    other.type_name()
                )))
            }
        }
    }
    if leftover != 0.0 {
        let mut whole = leftover.round();
        if (whole - leftover).abs() == 0.5 {
            let odd = (total & 1) as f64;
            whole = 2.0 * ((leftover + odd) * 0.5).round() - odd;
        }
        total += whole as i128;
    }
    td_value(total)
}

impl Args<'_> {
    fn fname_of(&self, idx: usize) -> &'static str {
        [
            "days",
            "seconds",
            "microseconds",
            "milliseconds",
            "minutes",
            "hours",
            "weeks",
        ]
        .get(idx)
        .copied()
        .unwrap_or("")
    }
}

impl PyObject for TimeDelta {
    fn fixed_attributes(&self) -> Option<&str> {
        Some("datetime.timedelta")
    }
    fn type_name(&self) -> &str {
        "timedelta"
    }
    fn repr(&self) -> String {
        let mut parts = Vec::new();
        if self.days != 0 {
            parts.push(format!("days={}", self.days));
        }
        if self.seconds != 0 {
            parts.push(format!("seconds={}", self.seconds));
        }
        if self.microseconds != 0 {
            parts.push(format!("microseconds={}", self.microseconds));
        }
        if parts.is_empty() {
            parts.push("0".into());
        }
        format!("datetime.timedelta({})", parts.join(", "))
    }
    fn str(&self) -> String {
        let (h, rem) = (self.seconds / 3600, self.seconds % 3600);
        let (m, s) = (rem / 60, rem % 60);
        let mut out = String::new();
        if self.days != 0 {
            let plural = if self.days.abs() != 1 { "s" } else { "" };
            out.push_str(&format!("{} day{plural}, ", self.days));
        }
        out.push_str(&format!("{h}:{m:02}:{s:02}"));
        if self.microseconds != 0 {
            out.push_str(&format!(".{:06}", self.microseconds));
        }
        out
    }
    fn truthy(&self) -> PyResult<bool> {
        Ok(self.total_us() != 0)
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        match name {
            "days" => Ok(Value::Int(self.days)),
            "seconds" => Ok(Value::Int(self.seconds)),
            "microseconds" => Ok(Value::Int(self.microseconds)),
            _ => Err(PyErr::attribute_error(format!(
                "'datetime.timedelta' object has no attribute '{name}'"
            ))),
        }
    }
    fn has_method(&self, name: &str) -> bool {
        name == "total_seconds"
    }
    fn call_method(
        &self,
        _this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        match name {
            "total_seconds" => {
                Args::new("total_seconds", args, kwargs, &[], 0)?;
                Ok(Value::Float(self.total_seconds()?))
            }
            _ => Err(PyErr::attribute_error(format!(
                "'datetime.timedelta' object has no attribute '{name}'"
            ))),
        }
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        Some(other.downcast::<TimeDelta>().is_some_and(|o| o == self))
    }
    fn lt(&self, other: &Value) -> Option<PyResult<bool>> {
        other.downcast::<TimeDelta>().map(|o| Ok(self < o))
    }
    fn hash(&self) -> Option<u64> {
        Some(self.total_us() as u64)
    }
    fn binop(&self, op: BinOp, other: &Value, reflected: bool) -> Option<PyResult<Value>> {
        let me = self.total_us();
        if let Some(o) = other.downcast::<TimeDelta>() {
            let (a, b) = if reflected {
                (o.total_us(), me)
            } else {
                (me, o.total_us())
            };
            return Some(match op {
                BinOp::Add => td_value(a + b),
                BinOp::Sub => td_value(a - b),
                BinOp::Div => {
                    if b == 0 {
                        Err(PyErr::new(ExcKind::ZeroDivisionError, "division by zero"))
                    } else if a.unsigned_abs() > 1 << 53 || b.unsigned_abs() > 1 << 53 {
                        Err(unsupported("dividing timedeltas beyond 285 years"))
                    } else {
                        Ok(Value::Float(a as f64 / b as f64))
                    }
                }
                BinOp::FloorDiv => {
                    if b == 0 {
                        Err(PyErr::new(
                            ExcKind::ZeroDivisionError,
                            "integer division or modulo by zero",
                        ))
                    } else {
                        i64::try_from(a.div_euclid(b) - (a.rem_euclid(b) != 0 && b < 0) as i128)
                            .map(Value::Int)
                            .map_err(|_| unsupported("integers outside the 64-bit range"))
                    }
                }
                _ => return None,
            });
        }
        let n = match other {
            Value::Int(n) => Some(*n as i128),
            Value::Bool(b) => Some(*b as i128),
            _ => None,
        };
        match (op, other, n) {
            (BinOp::Mul, _, Some(n)) => Some(td_value(me * n)),
            (BinOp::Mul, Value::Float(f), _) => Some(match float_ratio(*f) {
                Some((num, den)) => match me.checked_mul(num) {
                    Some(p) => td_value(div_nearest(p, den)),
                    None => Err(unsupported("timedelta product out of range")),
                },
                None => Err(unsupported("timedelta times a non-finite float")),
            }),
            (BinOp::Div, _, Some(n)) if !reflected => Some(if n == 0 {
                Err(PyErr::new(ExcKind::ZeroDivisionError, "division by zero"))
            } else {
                td_value(div_nearest(me, n))
            }),
            (BinOp::Div, Value::Float(f), _) if !reflected => Some(match float_ratio(*f) {
                Some((0, _)) => Err(PyErr::new(ExcKind::ZeroDivisionError, "division by zero")),
                Some((num, den)) => match me.checked_mul(den) {
                    Some(p) => td_value(div_nearest(p, num)),
                    None => Err(unsupported("timedelta quotient out of range")),
                },
                None => Err(unsupported("timedelta divided by a non-finite float")),
            }),
            (BinOp::FloorDiv, _, Some(n)) if !reflected => Some(if n == 0 {
                Err(PyErr::new(
                    ExcKind::ZeroDivisionError,
                    "integer division or modulo by zero",
                ))
            } else {
                td_value(me.div_euclid(n) - (me.rem_euclid(n) != 0 && n < 0) as i128)
            }),
            _ => None,
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ---------------------------------------------------------------------------------------
// timezone.

/// A fixed-offset `datetime.timezone`.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeZone {
    /// The UTC offset in microseconds.
    pub offset_us: i64,
    pub name: Option<Rc<str>>,
    /// Whether this is dateutil's `tzlocal()` (in a UTC machine zone) or `tzoffset(None, s)` rather than a
    /// `datetime.timezone` (they print and name themselves differently).
    pub dateutil: bool,
}

impl TimeZone {
    /// `timezone.utc`.
    pub fn utc() -> TimeZone {
        TimeZone {
            offset_us: 0,
            name: None,
            dateutil: false,
        }
    }

    fn offset_td(&self) -> TimeDelta {
        TimeDelta::from_us(self.offset_us as i128).unwrap_or(TimeDelta {
            days: 0,
            seconds: 0,
            microseconds: 0,
        })
    }

    fn tzname(&self) -> String {
        if self.dateutil {
            // tzoffset(None, s).tzname() is None, printed as '' by %Z.
            return if self.offset_us == 0 {
                "UTC".into()
            } else {
                String::new()
            };
        }
        if let Some(n) = &self.name {
            return n.to_string();
        }
        if self.offset_us == 0 {
            return "UTC".into();
        }
        format!("UTC{}", format_offset(self.offset_us, ":"))
    }
}

/// `+HH<sep>MM[<sep>SS[.ffffff]]` as `utcoffset` is printed.
fn format_offset(off: i64, sep: &str) -> String {
    let sign = if off < 0 { '-' } else { '+' };
    let a = off.abs();
    let (h, m) = (a / 3_600_000_000, (a / 60_000_000) % 60);
    let (s, us) = ((a / US_PER_SEC) % 60, a % US_PER_SEC);
    let mut out = format!("{sign}{h:02}{sep}{m:02}");
    if s != 0 || us != 0 {
        out.push_str(&format!("{sep}{s:02}"));
        if us != 0 {
            out.push_str(&format!(".{us:06}"));
        }
    }
    out
}

/// `datetime.timezone(offset, name=None)`.
pub fn timezone(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("timezone", args, kwargs, &["offset", "name"], 1)?;
    let off = a.req(0);
    let Some(td) = off.downcast::<TimeDelta>() else {
        return Err(PyErr::type_error(format!(
            "timezone() argument 1 must be datetime.timedelta, not {}",
            off.type_name()
        )));
    };
    let us = td.total_us();
    if us.abs() >= US_PER_DAY as i128 {
        return Err(PyErr::value_error(format!(
            "offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), not {}.",
            td.repr()
        )));
    }
    let name = match a.get(1) {
        None => None,
        Some(Value::Str(s)) => Some(s.clone()),
        Some(v) => {
            return Err(PyErr::type_error(format!(
                "timezone() argument 2 must be str, not {}",
                v.type_name()
            )))
        }
    };
    Ok(Value::object(TimeZone {
        offset_us: us as i64,
        name,
        dateutil: false,
    }))
}

impl PyObject for TimeZone {
    fn fixed_attributes(&self) -> Option<&str> {
        Some("datetime.timezone")
    }
    fn type_name(&self) -> &str {
        "datetime.timezone"
    }
    fn repr(&self) -> String {
        if self.dateutil {
            return if self.offset_us == 0 {
                "tzlocal()".into()
            } else {
                format!("tzoffset(None, {})", self.offset_us / US_PER_SEC)
            };
        }
        if self.offset_us == 0 && self.name.is_none() {
            return "datetime.timezone.utc".into();
        }
        match &self.name {
            Some(n) => format!(
                "datetime.timezone({}, {})",
                self.offset_td().repr(),
                str_repr(n)
            ),
            None => format!("datetime.timezone({})", self.offset_td().repr()),
        }
    }
    fn str(&self) -> String {
        self.tzname()
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(name, "utcoffset" | "tzname" | "dst")
    }
    fn call_method(
        &self,
        _this: &Value,
        name: &str,
        args: &[Value],
        _kwargs: Kwargs,
    ) -> PyResult<Value> {
        if args.len() != 1 {
            return Err(PyErr::type_error(format!(
                "timezone.{name}() takes exactly one argument ({} given)",
                args.len()
            )));
        }
        match name {
            "utcoffset" => Ok(Value::object(self.offset_td())),
            "tzname" if self.dateutil && self.offset_us != 0 => Ok(Value::None),
            "tzname" => Ok(Value::str(self.tzname())),
            "dst" if self.dateutil => Ok(Value::object(TimeDelta::default())),
            "dst" => Ok(Value::None),
            _ => Err(PyErr::attribute_error(format!(
                "'datetime.timezone' object has no attribute '{name}'"
            ))),
        }
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        Some(
            other
                .downcast::<TimeZone>()
                .is_some_and(|o| o.offset_us == self.offset_us),
        )
    }
    fn hash(&self) -> Option<u64> {
        Some(self.offset_us as u64)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ---------------------------------------------------------------------------------------
// date and datetime.

/// A `datetime.date`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub ordinal: i64,
}

/// A `datetime.datetime`: a day ordinal, the microseconds into that day, and an optional
/// fixed-offset zone.
#[derive(Clone, Debug)]
pub struct DateTime {
    pub ordinal: i64,
    pub us: i64,
    pub tz: Option<TimeZone>,
}

impl DateTime {
    fn naive(ordinal: i64, us: i64) -> DateTime {
        DateTime {
            ordinal,
            us,
            tz: None,
        }
    }

    /// The naive UTC datetime `secs` seconds after the epoch, if within datetime's range.
    pub(crate) fn from_epoch_secs(secs: i64) -> Option<DateTime> {
        let epoch = (ymd_to_ord(1970, 1, 1) as i128 - 1) * US_PER_DAY as i128;
        DateTime::from_wall_us(epoch + secs as i128 * US_PER_SEC as i128, None).ok()
    }

    /// Microseconds since the Unix epoch, naive datetimes taken as UTC.
    pub(crate) fn epoch_us(&self) -> i128 {
        self.utc_us() - (ymd_to_ord(1970, 1, 1) as i128 - 1) * US_PER_DAY as i128
    }

    /// (year, month, day, hour, minute, second, weekday with Monday 0, day of the year).
    pub(crate) fn fields(&self) -> [i64; 8] {
        let (y, m, d) = self.ymd();
        let (hh, mm, ss, _) = self.hms();
        let weekday = (self.ordinal + 6) % 7;
        let yday = self.ordinal - ymd_to_ord(y, 1, 1) + 1;
        [y, m, d, hh, mm, ss, weekday, yday]
    }

    fn ymd(&self) -> (i64, i64, i64) {
        ord_to_ymd(self.ordinal)
    }

    fn hms(&self) -> (i64, i64, i64, i64) {
        let s = self.us / US_PER_SEC;
        (s / 3600, (s / 60) % 60, s % 60, self.us % US_PER_SEC)
    }

    /// Microseconds since 0001-01-01T00:00 of the wall time.
    fn wall_us(&self) -> i128 {
        (self.ordinal as i128 - 1) * US_PER_DAY as i128 + self.us as i128
    }

    /// Microseconds since 0001-01-01T00:00 UTC (naive datetimes taken as UTC).
    fn utc_us(&self) -> i128 {
        self.wall_us() - self.tz.as_ref().map_or(0, |t| t.offset_us as i128)
    }

    fn from_wall_us(us: i128, tz: Option<TimeZone>) -> PyResult<DateTime> {
        let day = US_PER_DAY as i128;
        let ordinal = us.div_euclid(day) + 1;
        if !(1..=MAX_ORDINAL as i128).contains(&ordinal) {
            return Err(overflow());
        }
        Ok(DateTime {
            ordinal: ordinal as i64,
            us: us.rem_euclid(day) as i64,
            tz,
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        y: i64,
        mo: i64,
        d: i64,
        h: i64,
        mi: i64,
        s: i64,
        us: i64,
        tz: Option<TimeZone>,
    ) -> PyResult<DateTime> {
        check_date(y, mo, d)?;
        check_time(h, mi, s, us)?;
        Ok(DateTime {
            ordinal: ymd_to_ord(y, mo, d),
            us: ((h * 60 + mi) * 60 + s) * US_PER_SEC + us,
            tz,
        })
    }

    fn isoformat(&self, sep: &str, timespec: &str) -> PyResult<String> {
        let (y, m, d) = self.ymd();
        let (hh, mm, ss, us) = self.hms();
        let time = match timespec {
            "auto" if us != 0 => format!("{hh:02}:{mm:02}:{ss:02}.{us:06}"),
            "auto" | "seconds" => format!("{hh:02}:{mm:02}:{ss:02}"),
            "microseconds" => format!("{hh:02}:{mm:02}:{ss:02}.{us:06}"),
            "milliseconds" => format!("{hh:02}:{mm:02}:{ss:02}.{:03}", us / 1000),
            "minutes" => format!("{hh:02}:{mm:02}"),
            "hours" => format!("{hh:02}"),
            _ => return Err(PyErr::value_error("Unknown timespec value")),
        };
        let mut out = format!("{y:04}-{m:02}-{d:02}{sep}{time}");
        if let Some(tz) = &self.tz {
            out.push_str(&format_offset(tz.offset_us, ":"));
        }
        Ok(out)
    }

    fn timestamp(&self) -> f64 {
        // Seconds between 0001-01-01 and 1970-01-01.
        let epoch = (ymd_to_ord(1970, 1, 1) as i128 - 1) * US_PER_DAY as i128;
        let us = self.utc_us() - epoch;
        // CPython computes (self - epoch).total_seconds(): a true division by 10**6.
        us as f64 / 1e6
    }

    fn replace(&self, kwargs: Kwargs, args: &[Value]) -> PyResult<DateTime> {
        if !args.is_empty() {
            return Err(unsupported("datetime.replace with positional arguments"));
        }
        let (mut y, mut mo, mut d) = self.ymd();
        let (mut h, mut mi, mut s, mut us) = self.hms();
        let mut tz = self.tz.clone();
        for (k, v) in kwargs {
            let int = || int_arg(v);
            match *k {
                "year" => y = int()?,
                "month" => mo = int()?,
                "day" => d = int()?,
                "hour" => h = int()?,
                "minute" => mi = int()?,
                "second" => s = int()?,
                "microsecond" => us = int()?,
                "tzinfo" => tz = tz_arg(v)?,
                _ => {
                    return Err(PyErr::type_error(format!(
                        "'{k}' is an invalid keyword argument for replace()"
                    )))
                }
            }
        }
        DateTime::new(y, mo, d, h, mi, s, us, tz)
    }

    pub(crate) fn strftime(&self, fmt: &str) -> PyResult<String> {
        let (y, m, d) = self.ymd();
        let (hh, mm, ss, us) = self.hms();
        let weekday = (self.ordinal + 6) % 7;
        let yday = self.ordinal - ymd_to_ord(y, 1, 1) + 1;
        strftime(
            fmt,
            y,
            m,
            d,
            hh,
            mm,
            ss,
            us,
            weekday,
            yday,
            self.tz.as_ref(),
        )
    }

    fn cmp_key(&self, other: &DateTime, op: &str) -> PyResult<(i128, i128)> {
        match (&self.tz, &other.tz) {
            (None, None) => Ok((self.wall_us(), other.wall_us())),
            (Some(_), Some(_)) => Ok((self.utc_us(), other.utc_us())),
            _ => Err(PyErr::type_error(format!(
                "can't {op} offset-naive and offset-aware datetimes"
            ))),
        }
    }
}

fn int_arg(v: &Value) -> PyResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        other => Err(PyErr::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            other.type_name()
        ))),
    }
}

fn tz_arg(v: &Value) -> PyResult<Option<TimeZone>> {
    match v {
        Value::None => Ok(None),
        _ => match v.downcast::<TimeZone>() {
            Some(t) => Ok(Some(t.clone())),
            None => Err(PyErr::type_error(format!(
                "tzinfo argument must be None or of a tzinfo subclass, not type '{}'",
                v.type_name()
            ))),
        },
    }
}

/// CPython converts between naive datetimes and timestamps in the machine's local zone,
/// the runtime in UTC: exact only where the local offset is zero. This checks with the C
/// library that it is zero at `secs` and a day either side (so that no transition makes
/// the local time ambiguous), and refuses otherwise.
pub(crate) fn require_utc_local(secs: i128) -> PyResult<()> {
    #[cfg(unix)]
    {
        for t in [secs - 86_400, secs, secs + 86_400] {
            let t = libc::time_t::try_from(t)
                .map_err(|_| unsupported("local time outside the C library's range"))?;
            // SAFETY: `tm` is a plain C struct that `localtime_r` fills; both pointers are
            // valid for the call.
            let ok = unsafe {
                let mut tm: libc::tm = std::mem::zeroed();
                !libc::localtime_r(&t, &mut tm).is_null() && tm.tm_gmtoff == 0
            };
            if !ok {
                return Err(unsupported(
                    "local time in a machine zone other than UTC (the runtime converts in UTC)",
                ));
            }
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        let _ = secs;
        Err(unsupported("local time without a C library"))
    }
}

/// `mktime(3)` as CPython calls it: the broken-down local time (year, month, day, hour,
/// minute, second) and `tm_isdst`, normalised by the C library in the machine's zone.
pub(crate) fn c_mktime(f: [i64; 6], isdst: i64) -> PyResult<i64> {
    #[cfg(unix)]
    {
        let field =
            |v: i64| libc::c_int::try_from(v).map_err(|_| unsupported("mktime of this time"));
        // SAFETY: `tm` is a plain C struct, fully initialised here; `mktime` only reads and
        // normalises it.
        let mut tm: libc::tm = unsafe { std::mem::zeroed() };
        tm.tm_year = field(f[0] - 1900)?;
        tm.tm_mon = field(f[1] - 1)?;
        tm.tm_mday = field(f[2])?;
        tm.tm_hour = field(f[3])?;
        tm.tm_min = field(f[4])?;
        tm.tm_sec = field(f[5])?;
        tm.tm_isdst = field(isdst.clamp(-1, 1))?;
        tm.tm_wday = -1;
        let t = unsafe { libc::mktime(&mut tm) };
        if t == -1 && tm.tm_wday == -1 {
            return Err(PyErr::new(
                crate::err::ExcKind::OverflowError,
                "mktime argument out of range",
            ));
        }
        Ok(t as i64)
    }
    #[cfg(not(unix))]
    {
        let _ = (f, isdst);
        Err(unsupported("mktime without a C library"))
    }
}

#[allow(clippy::too_many_arguments)]
fn strftime(
    fmt: &str,
    y: i64,
    m: i64,
    d: i64,
    hh: i64,
    mm: i64,
    ss: i64,
    us: i64,
    weekday: i64,
    yday: i64,
    tz: Option<&TimeZone>,
) -> PyResult<String> {
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    let h12 = if hh % 12 == 0 { 12 } else { hh % 12 };
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut nopad = false;
        if chars.peek() == Some(&'-') {
            nopad = true;
            chars.next();
        }
        let Some(dir) = chars.next() else {
            // glibc prints a lone trailing `%` as is.
            out.push('%');
            break;
        };
        let num = |v: i64, width: usize| -> String {
            if nopad {
                v.to_string()
            } else {
                format!("{v:0width$}")
            }
        };
        let sp = |v: i64| -> String {
            if nopad {
                v.to_string()
            } else {
                format!("{v:2}")
            }
        };
        let piece = match dir {
            'Y' => y.to_string(),
            'y' => num(y % 100, 2),
            'm' => num(m, 2),
            'd' => num(d, 2),
            'e' => sp(d),
            'H' => num(hh, 2),
            'k' => sp(hh),
            'I' => num(h12, 2),
            'l' => sp(h12),
            'M' => num(mm, 2),
            'S' => num(ss, 2),
            'f' => format!("{us:06}"),
            'j' => num(yday, 3),
            'p' => (if hh < 12 { "AM" } else { "PM" }).into(),
            'P' => (if hh < 12 { "am" } else { "pm" }).into(),
            'a' => DAY_NAMES[weekday as usize][..3].into(),
            'A' => DAY_NAMES[weekday as usize].into(),
            'b' | 'h' => MONTH_NAMES[(m - 1) as usize][..3].into(),
            'B' => MONTH_NAMES[(m - 1) as usize].into(),
            'u' => (weekday + 1).to_string(),
            'w' => ((weekday + 1) % 7).to_string(),
            'z' => tz.map_or(String::new(), |t| format_offset(t.offset_us, "")),
            'Z' => tz.map_or(String::new(), |t| t.tzname()),
            'F' => format!("{y}-{m:02}-{d:02}"),
            'D' | 'x' => format!("{m:02}/{d:02}/{:02}", y % 100),
            'T' | 'X' => format!("{hh:02}:{mm:02}:{ss:02}"),
            'R' => format!("{hh:02}:{mm:02}"),
            'r' => format!(
                "{h12:02}:{mm:02}:{ss:02} {}",
                if hh < 12 { "AM" } else { "PM" }
            ),
            'c' => format!(
                "{} {} {d:2} {hh:02}:{mm:02}:{ss:02} {y}",
                &DAY_NAMES[weekday as usize][..3],
                &MONTH_NAMES[(m - 1) as usize][..3]
            ),
            'n' => "\n".into(),
            't' => "\t".into(),
            '%' => "%".into(),
            // glibc's `%s`: `mktime(3)` of the fields in the machine's zone; a datetime's
            // tuple has `tm_isdst` -1 here (naive, or a fixed-offset zone).
            's' => c_mktime([y, m, d, hh, mm, ss], -1)?.to_string(),
            other => return Err(unsupported(&format!("strftime directive %{other}"))),
        };
        out.push_str(&piece);
    }
    Ok(out)
}

fn dt_args(fname: &'static str, args: &[Value], kwargs: Kwargs) -> PyResult<DateTime> {
    let a = Args::new(
        fname,
        args,
        kwargs,
        &[
            "year",
            "month",
            "day",
            "hour",
            "minute",
            "second",
            "microsecond",
            "tzinfo",
            "fold",
        ],
        3,
    )?;
    let g = |i: usize| -> PyResult<i64> { a.get(i).map_or(Ok(0), int_arg) };
    if g(8)? != 0 {
        return Err(unsupported("datetime fold=1"));
    }
    let tz = a.get(7).map_or(Ok(None), tz_arg)?;
    DateTime::new(g(0)?, g(1)?, g(2)?, g(3)?, g(4)?, g(5)?, g(6)?, tz)
}

/// `datetime.datetime(year, month, day, hour=0, minute=0, second=0, microsecond=0,
/// tzinfo=None)`.
pub fn datetime(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if args.len() < 3 && kwargs.is_empty() {
        let names = ["year", "month", "day"];
        return Err(PyErr::type_error(format!(
            "function missing required argument '{}' (pos {})",
            names[args.len()],
            args.len() + 1
        )));
    }
    dt_args("datetime", args, kwargs).map(Value::object)
}

/// `datetime.date(year, month, day)`.
pub fn date(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("date", args, kwargs, &["year", "month", "day"], 3)?;
    let (y, m, d) = (
        int_arg(&a.req(0))?,
        int_arg(&a.req(1))?,
        int_arg(&a.req(2))?,
    );
    check_date(y, m, d)?;
    Ok(Value::object(Date {
        ordinal: ymd_to_ord(y, m, d),
    }))
}

fn clock_us() -> PyResult<i128> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| unsupported("a clock before 1970"))?;
    let epoch = (ymd_to_ord(1970, 1, 1) as i128 - 1) * US_PER_DAY as i128;
    Ok(epoch + now.as_micros() as i128)
}

/// `datetime.datetime.now(tz=None)` (the real clock; local time must be UTC).
pub fn now(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("now", args, kwargs, &["tz"], 0)?;
    let tz = a.get(0).map_or(Ok(None), tz_arg)?;
    let off = tz.as_ref().map_or(0, |t| t.offset_us as i128);
    let clock = if tz.is_none() {
        local_clock_us()?
    } else {
        clock_us()?
    };
    DateTime::from_wall_us(clock + off, tz).map(Value::object)
}

/// `datetime.datetime.utcnow()`.
pub fn utcnow(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    Args::new("utcnow", args, kwargs, &[], 0)?;
    DateTime::from_wall_us(clock_us()?, None).map(Value::object)
}

/// The clock as local wall time (microseconds since 0001-01-01), refused unless the
/// machine zone is UTC now.
fn local_clock_us() -> PyResult<i128> {
    let clock = clock_us()?;
    let epoch = (ymd_to_ord(1970, 1, 1) as i128 - 1) * US_PER_DAY as i128;
    require_utc_local((clock - epoch).div_euclid(US_PER_SEC as i128))?;
    Ok(clock)
}

/// `datetime.datetime.today()`.
pub fn today(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    Args::new("today", args, kwargs, &[], 0)?;
    DateTime::from_wall_us(local_clock_us()?, None).map(Value::object)
}

/// `datetime.date.today()`.
pub fn date_today(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    Args::new("today", args, kwargs, &[], 0)?;
    let dt = DateTime::from_wall_us(local_clock_us()?, None)?;
    Ok(Value::object(Date {
        ordinal: dt.ordinal,
    }))
}

fn from_ts(ts: &Value, tz: Option<TimeZone>) -> PyResult<DateTime> {
    let (secs, us): (i128, i128) = match ts {
        Value::Int(i) => (*i as i128, 0),
        Value::Bool(b) => (*b as i128, 0),
        Value::Float(f) => {
            if f.is_nan() {
                return Err(PyErr::value_error("Invalid value NaN (not a number)"));
            }
            if !f.is_finite() || f.abs() > 1e15 {
                return Err(PyErr::new(
                    ExcKind::OverflowError,
                    "timestamp out of range for platform time_t",
                ));
            }
            let ip = f.trunc();
            let mut frac = ((f - ip) * 1e6).round_ties_even();
            let mut ip = ip as i128;
            if frac >= 1e6 {
                frac -= 1e6;
                ip += 1;
            } else if frac < 0.0 {
                frac += 1e6;
                ip -= 1;
            }
            (ip, frac as i128)
        }
        other => {
            return Err(PyErr::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                other.type_name()
            )))
        }
    };
    let epoch = (ymd_to_ord(1970, 1, 1) as i128 - 1) * US_PER_DAY as i128;
    let wall =
        epoch + secs * US_PER_SEC as i128 + us + tz.as_ref().map_or(0, |t| t.offset_us as i128);
    let day = US_PER_DAY as i128;
    let ord = wall.div_euclid(day) + 1;
    if !(1..=MAX_ORDINAL as i128).contains(&ord) {
        let year = if ord < 1 {
            0
        } else {
            ord_to_ymd(MAX_ORDINAL).0 + 1
        };
        return Err(PyErr::value_error(format!("year {year} is out of range")));
    }
    DateTime::from_wall_us(wall, tz)
}

/// `datetime.datetime.fromtimestamp(ts, tz=None)` (local time must be UTC).
pub fn fromtimestamp(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("fromtimestamp", args, kwargs, &["timestamp", "tz"], 1)?;
    let tz = a.get(1).map_or(Ok(None), tz_arg)?;
    let local = tz.is_none();
    let dt = from_ts(&a.req(0), tz)?;
    if local {
        require_utc_local(dt.epoch_us().div_euclid(US_PER_SEC as i128))?;
    }
    Ok(Value::object(dt))
}

/// `datetime.datetime.utcfromtimestamp(ts)`.
pub fn utcfromtimestamp(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("utcfromtimestamp", args, kwargs, &["timestamp"], 1)?;
    from_ts(&a.req(0), None).map(Value::object)
}

// ---------------------------------------------------------------------------------------
// fromisoformat (CPython 3.11's grammar, digits strictly ASCII as in the C implementation).

fn digits(s: &[char], from: usize, n: usize) -> Option<i64> {
    let part = s.get(from..from + n)?;
    if !part.iter().all(|c| c.is_ascii_digit()) {
        return None;
    }
    part.iter().collect::<String>().parse().ok()
}

fn iso_separator(s: &[char]) -> Option<usize> {
    let n = s.len();
    if n == 7 {
        return Some(7);
    }
    if s[4] == '-' {
        if s[5] == 'W' {
            if n > 8 && s[8] == '-' {
                if n == 9 {
                    return None;
                }
                if n > 10 && s[10].is_ascii_digit() {
                    return Some(8);
                }
                return Some(10);
            }
            return Some(8);
        }
        Some(10)
    } else if s[4] == 'W' {
        let mut idx = 7;
        while idx < n && s[idx].is_ascii_digit() {
            idx += 1;
        }
        if idx < 9 {
            return Some(idx);
        }
        Some(if idx % 2 == 0 { 7 } else { 8 })
    } else {
        Some(8)
    }
}

/// Parses an ISO date; `Ok(None)` means "invalid isoformat string", errors are range
/// errors raised by the constructor.
fn iso_date(s: &[char]) -> PyResult<Option<(i64, i64, i64)>> {
    if !matches!(s.len(), 7 | 8 | 10) {
        return Ok(None);
    }
    let Some(year) = digits(s, 0, 4) else {
        return Ok(None);
    };
    let has_sep = s[4] == '-';
    let mut pos = 4 + has_sep as usize;
    if s.get(pos) == Some(&'W') {
        pos += 1;
        let Some(week) = digits(s, pos, 2) else {
            return Ok(None);
        };
        pos += 2;
        let mut day = 1;
        if s.len() > pos {
            if (s[pos] == '-') != has_sep {
                return Ok(None);
            }
            pos += has_sep as usize;
            let Some(dn) = digits(s, pos, 1) else {
                return Ok(None);
            };
            day = dn;
        }
        // The C implementation reports invalid weeks as an invalid string.
        if !(1..=9999).contains(&year) || !(1..8).contains(&day) {
            return Ok(None);
        }
        if !(1..53).contains(&week) {
            let first = ymd_to_ord(year, 1, 1) % 7;
            if !(week == 53 && (first == 4 || (first == 3 && is_leap(year)))) {
                return Ok(None);
            }
        }
        let first_day = ymd_to_ord(year, 1, 1);
        let first_weekday = (first_day + 6) % 7;
        let mut week1monday = first_day - first_weekday;
        if first_weekday > 3 {
            week1monday += 7;
        }
        let ord = week1monday + (week - 1) * 7 + (day - 1);
        if !(1..=MAX_ORDINAL).contains(&ord) {
            return Err(overflow());
        }
        return Ok(Some(ord_to_ymd(ord)));
    }
    let Some(month) = digits(s, pos, 2) else {
        return Ok(None);
    };
    pos += 2;
    if (s.get(pos) == Some(&'-')) != has_sep {
        return Ok(None);
    }
    pos += has_sep as usize;
    let Some(day) = digits(s, pos, 2) else {
        return Ok(None);
    };
    Ok(Some((year, month, day)))
}

fn hh_mm_ss_ff(s: &[char]) -> Option<[i64; 4]> {
    let n = s.len();
    let mut comps = [0i64; 4];
    let mut pos = 0;
    let mut has_sep = false;
    for (comp, slot) in comps.iter_mut().enumerate().take(3) {
        if n - pos < 2 {
            return None;
        }
        *slot = digits(s, pos, 2)?;
        pos += 2;
        let next = s.get(pos);
        if comp == 0 {
            has_sep = next == Some(&':');
        }
        if next.is_none() || comp >= 2 {
            break;
        }
        if has_sep && next != Some(&':') {
            return None;
        }
        pos += has_sep as usize;
    }
    if pos < n {
        if s[pos] != '.' && s[pos] != ',' {
            return None;
        }
        pos += 1;
        let rem = n - pos;
        let take = rem.min(6);
        if take == 0 {
            return None;
        }
        let mut f = digits(s, pos, take)?;
        for _ in take..6 {
            f *= 10;
        }
        comps[3] = f;
        if !s[pos + take..].iter().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    Some(comps)
}

type IsoTime = ([i64; 4], Option<TimeZone>);

/// Parses an ISO time; `Ok(None)` means an invalid string.
fn iso_time(s: &[char]) -> PyResult<Option<IsoTime>> {
    let r = (|| -> Option<Result<IsoTime, PyErr>> {
        if s.len() < 2 {
            return None;
        }
        let find = |c: char| s.iter().position(|x| *x == c).map(|p| p + 1);
        let tz_pos = find('-')
            .or_else(|| find('+'))
            .or_else(|| find('Z'))
            .unwrap_or(0);
        let time = if tz_pos > 0 { &s[..tz_pos - 1] } else { s };
        let comps = hh_mm_ss_ff(time)?;
        let tz = if tz_pos == s.len() && s[s.len() - 1] == 'Z' {
            Some(TimeZone::utc())
        } else if tz_pos > 0 {
            let tzs = &s[tz_pos..];
            if matches!(tzs.len(), 0 | 1 | 3) {
                return None;
            }
            let t = hh_mm_ss_ff(tzs)?;
            let off = ((t[0] * 60 + t[1]) * 60 + t[2]) * US_PER_SEC + t[3];
            let sign = if s[tz_pos - 1] == '-' { -1 } else { 1 };
            if off >= US_PER_DAY {
                let td = TimeDelta::from_us((sign * off) as i128).ok()?;
                return Some(Err(PyErr::value_error(format!(
                "offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), not {}.",
                td.repr()
            ))));
            }
            Some(TimeZone {
                offset_us: sign * off,
                name: None,
                dateutil: false,
            })
        } else {
            None
        };
        Some(Ok((comps, tz)))
    })();
    match r {
        None => Ok(None),
        Some(Ok(t)) => Ok(Some(t)),
        Some(Err(e)) => Err(e),
    }
}

/// `datetime.datetime.fromisoformat(s)`.
pub fn fromisoformat(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("fromisoformat", args, kwargs, &["date_string"], 1)?;
    let Value::Str(text) = a.req(0) else {
        return Err(PyErr::type_error("fromisoformat: argument must be str"));
    };
    let invalid = || PyErr::value_error(format!("Invalid isoformat string: {}", str_repr(&text)));
    let s: Vec<char> = text.chars().collect();
    if s.len() < 7 {
        return Err(invalid());
    }
    let sep = iso_separator(&s).ok_or_else(invalid)?;
    let dstr = &s[..sep.min(s.len())];
    let (y, m, d) = iso_date(dstr)?.ok_or_else(invalid)?;
    let (t, tz) = if sep >= s.len() {
        ([0; 4], None)
    } else {
        iso_time(&s[sep + 1..])?.ok_or_else(invalid)?
    };
    DateTime::new(y, m, d, t[0], t[1], t[2], t[3], tz).map(Value::object)
}

/// `datetime.date.fromisoformat(s)`.
pub fn date_fromisoformat(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("fromisoformat", args, kwargs, &["date_string"], 1)?;
    let Value::Str(text) = a.req(0) else {
        return Err(PyErr::type_error("fromisoformat: argument must be str"));
    };
    let invalid = || PyErr::value_error(format!("Invalid isoformat string: {}", str_repr(&text)));
    let s: Vec<char> = text.chars().collect();
    let (y, m, d) = iso_date(&s)?.ok_or_else(invalid)?;
    check_date(y, m, d)?;
    Ok(Value::object(Date {
        ordinal: ymd_to_ord(y, m, d),
    }))
}

// ---------------------------------------------------------------------------------------
// strptime (CPython's `_strptime`, run through this crate's `re`).

fn strptime_regex(fmt: &str) -> PyResult<String> {
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    let bad = |d: &str| {
        PyErr::value_error(format!(
            "'{d}' is a bad directive in format {}",
            str_repr(fmt)
        ))
    };
    while let Some(c) = chars.next() {
        if c == '%' {
            let Some(d) = chars.next() else {
                return Err(PyErr::value_error(format!(
                    "stray % in format {}",
                    str_repr(fmt)
                )));
            };
            let pat = match d {
                'd' => r"(?P<d>3[01]|[12]\d|0[1-9]|[1-9]| [1-9])",
                'f' => r"(?P<f>[0-9]{1,6})",
                'H' => r"(?P<H>2[0-3]|[0-1]\d|\d)",
                'I' => r"(?P<I>1[0-2]|0[1-9]|[1-9])",
                'j' => r"(?P<j>36[0-6]|3[0-5]\d|[12]\d\d|0[1-9]\d|00[1-9]|[1-9]\d|0[1-9]|[1-9])",
                'm' => r"(?P<m>1[0-2]|0[1-9]|[1-9])",
                'M' => r"(?P<M>[0-5]\d|\d)",
                'S' => r"(?P<S>6[0-1]|[0-5]\d|\d)",
                'w' => r"(?P<w>[0-6])",
                'u' => r"(?P<u>[1-7])",
                'y' => r"(?P<y>\d\d)",
                'Y' => r"(?P<Y>\d\d\d\d)",
                'z' => r"(?P<z>[+-]\d\d:?[0-5]\d(:?[0-5]\d(\.\d{1,6})?)?|(?-i:Z))",
                'A' => "(?P<A>monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
                'a' => "(?P<a>mon|tue|wed|thu|fri|sat|sun)",
                'B' => "(?P<B>january|february|march|april|may|june|july|august|september|october|november|december)",
                'b' => "(?P<b>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
                'p' => "(?P<p>am|pm)",
                'Z' => "(?P<Z>utc|gmt)",
                '%' => "%",
                _ if "cxXGUWVC".contains(d) => {
                    return Err(unsupported(&format!("strptime directive %{d}")))
                }
                _ => return Err(bad(&d.to_string())),
            };
            if pat.starts_with("(?P<") {
                let name = &pat[4..5];
                if out.contains(&format!("(?P<{name}>")) {
                    return Err(unsupported("strptime formats repeating a directive"));
                }
            }
            out.push_str(pat);
        } else if c.is_whitespace() {
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            out.push_str(r"\s+");
        } else {
            let mut buf = [0u8; 4];
            let escaped = crate::stdlib::re::escape(&[Value::str(&*c.encode_utf8(&mut buf))], &[])?;
            out.push_str(&crate::fmt::str(&escaped));
        }
    }
    Ok(out)
}

/// `strptime_regex` of a format, kept per thread as `_strptime`'s own cache keeps it: the
/// translation is a pure function of the format. Only translations are kept, so an error
/// (or a refusal) is made afresh by every call, as before.
fn strptime_regex_cached(fmt: &str) -> PyResult<Rc<str>> {
    thread_local! {
        static CACHE: std::cell::RefCell<crate::value::NameMap<String, Rc<str>>> =
            std::cell::RefCell::new(crate::value::NameMap::default());
    }
    if let Some(r) = CACHE.with(|c| c.borrow().get(fmt).cloned()) {
        return Ok(r);
    }
    let r: Rc<str> = Rc::from(strptime_regex(fmt)?);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        // Bounded, as formats may be computed from event data.
        if c.len() >= 256 {
            c.clear();
        }
        c.insert(fmt.to_string(), r.clone());
    });
    Ok(r)
}

/// `datetime.datetime.strptime(date_string, format)`.
pub fn strptime(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new("strptime", args, kwargs, &["date_string", "format"], 2)?;
    let (data, fmt) = match (a.req(0), a.req(1)) {
        (Value::Str(d), Value::Str(f)) => (d, f),
        (Value::Str(_), f) => {
            return Err(PyErr::type_error(format!(
                "strptime() argument 2 must be str, not {}",
                f.type_name()
            )))
        }
        (d, _) => {
            return Err(PyErr::type_error(format!(
                "strptime() argument 1 must be str, not {}",
                d.type_name()
            )))
        }
    };
    let regex = strptime_regex_cached(&fmt)?;
    let m = crate::stdlib::re::match_(
        &[
            Value::Str(regex),
            Value::Str(data.clone()),
            Value::Int(crate::stdlib::re::I),
        ],
        &[],
    )?;
    if m.is_none() {
        return Err(PyErr::value_error(format!(
            "time data {} does not match format {}",
            str_repr(&data),
            str_repr(&fmt)
        )));
    }
    let end = crate::ops::call_method(&m, "end", &[], &[])?;
    let n = data.chars().count() as i64;
    if let Value::Int(e) = end {
        if e != n {
            let rest: String = data.chars().skip(e as usize).collect();
            return Err(PyErr::value_error(format!(
                "unconverted data remains: {rest}"
            )));
        }
    }
    let gd = crate::ops::call_method(&m, "groupdict", &[], &[])?;
    let Value::Dict(gd) = gd else {
        return Err(unsupported("strptime"));
    };
    let gd = gd.borrow();
    let get = |k: &str| -> Option<String> {
        gd.get(&crate::value::Key::from_str(k))
            .and_then(|v| v.as_str().map(str::to_string))
    };
    let num = |k: &str| -> Option<i64> { get(k).and_then(|s| s.trim().parse().ok()) };
    let mut year = 1900;
    if let Some(y) = num("y") {
        year = if y <= 68 { y + 2000 } else { y + 1900 };
    }
    if let Some(y) = num("Y") {
        year = y;
    }
    let mut month = 1;
    if let Some(mo) = num("m") {
        month = mo;
    }
    let lower = |k: &str| get(k).map(|s| s.to_lowercase());
    if let Some(b) = lower("B") {
        month = MONTH_NAMES
            .iter()
            .position(|n| n.to_lowercase() == b)
            .unwrap_or(0) as i64
            + 1;
    }
    if let Some(b) = lower("b") {
        month = MONTH_NAMES
            .iter()
            .position(|n| n[..3].to_lowercase() == b)
            .unwrap_or(0) as i64
            + 1;
    }
    let mut day = num("d").unwrap_or(1);
    let mut hour = num("H").unwrap_or(0);
    if let Some(i) = num("I") {
        let pm = lower("p").as_deref() == Some("pm");
        hour = match (i, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
    }
    let minute = num("M").unwrap_or(0);
    let second = num("S").unwrap_or(0);
    let mut fraction = 0;
    if let Some(f) = get("f") {
        let padded = format!("{f:0<6}");
        fraction = padded.parse().unwrap_or(0);
    }
    let mut tz = None;
    if let Some(z) = get("z") {
        if z == "Z" {
            tz = Some(TimeZone::utc());
        } else {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let body: String = z[1..].chars().filter(|c| *c != ':').collect();
            let (hh, rest) = body.split_at(2);
            let (mm, rest) = rest.split_at(2);
            let (ss, frac) = if rest.len() >= 2 {
                rest.split_at(2)
            } else {
                ("0", "")
            };
            let frac = frac.trim_start_matches('.');
            let us: i64 = if frac.is_empty() {
                0
            } else {
                format!("{frac:0<6}").parse().unwrap_or(0)
            };
            let off = ((hh.parse::<i64>().unwrap_or(0) * 60 + mm.parse::<i64>().unwrap_or(0)) * 60
                + ss.parse::<i64>().unwrap_or(0))
                * US_PER_SEC
                + us;
            tz = Some(TimeZone {
                offset_us: sign * off,
                name: get("Z").map(|s| Rc::from(s.as_str())),
                dateutil: false,
            });
        }
    }
    if let Some(j) = num("j") {
        if num("m").is_none() && get("b").is_none() && get("B").is_none() && num("d").is_none() {
            let ord = ymd_to_ord(year, 1, 1) + j - 1;
            let (y2, m2, d2) = ord_to_ymd(ord);
            if y2 != year {
                return Err(unsupported("strptime %j past the end of the year"));
            }
            month = m2;
            day = d2;
        }
    }
    if get("w").is_some() || get("u").is_some() || get("a").is_some() || get("A").is_some() {
        // The weekday only matters with %U/%W, which are not supported.
    }
    if month == 2 && day == 29 && num("Y").is_none() && num("y").is_none() {
        return Err(unsupported("strptime of Feb 29 without a year"));
    }
    DateTime::new(year, month, day, hour, minute, second, fraction, tz).map(Value::object)
}

// ---------------------------------------------------------------------------------------
// Python objects for date and datetime.

impl PyObject for DateTime {
    fn fixed_attributes(&self) -> Option<&str> {
        Some("datetime.datetime")
    }
    fn type_name(&self) -> &str {
        "datetime"
    }
    fn repr(&self) -> String {
        let (y, m, d) = self.ymd();
        let (hh, mm, ss, us) = self.hms();
        let mut parts = vec![y, m, d, hh, mm, ss, us];
        for _ in 0..2 {
            if parts.last() == Some(&0) {
                parts.pop();
            }
        }
        let body: Vec<String> = parts.iter().map(i64::to_string).collect();
        match &self.tz {
            Some(tz) => format!(
                "datetime.datetime({}, tzinfo={})",
                body.join(", "),
                tz.repr()
            ),
            None => format!("datetime.datetime({})", body.join(", ")),
        }
    }
    fn str(&self) -> String {
        self.isoformat(" ", "auto").unwrap_or_default()
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        let (y, m, d) = self.ymd();
        let (hh, mm, ss, us) = self.hms();
        Ok(match name {
            "year" => Value::Int(y),
            "month" => Value::Int(m),
            "day" => Value::Int(d),
            "hour" => Value::Int(hh),
            "minute" => Value::Int(mm),
            "second" => Value::Int(ss),
            "microsecond" => Value::Int(us),
            "tzinfo" => self.tz.clone().map_or(Value::None, Value::object),
            "fold" => Value::Int(0),
            _ => {
                return Err(PyErr::attribute_error(format!(
                    "'datetime.datetime' object has no attribute '{name}'"
                )))
            }
        })
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "strftime"
                | "isoformat"
                | "timestamp"
                | "timetuple"
                | "date"
                | "replace"
                | "astimezone"
                | "utcoffset"
                | "tzname"
                | "weekday"
                | "isoweekday"
                | "toordinal"
        )
    }
    fn call_method(
        &self,
        _this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        match name {
            "strftime" => {
                let a = Args::new("strftime", args, kwargs, &["format"], 1)?;
                match a.req(0) {
                    Value::Str(f) => Ok(Value::str(self.strftime(&f)?)),
                    v => Err(PyErr::type_error(format!(
                        "strftime() argument 1 must be str, not {}",
                        v.type_name()
                    ))),
                }
            }
            "isoformat" => {
                let a = Args::new("isoformat", args, kwargs, &["sep", "timespec"], 0)?;
                let sep = a.get(0).and_then(Value::as_str).unwrap_or("T").to_string();
                let spec = a
                    .get(1)
                    .and_then(Value::as_str)
                    .unwrap_or("auto")
                    .to_string();
                if sep.chars().count() != 1 {
                    return Err(PyErr::type_error(
                        "isoformat() argument 1 must be a unicode character",
                    ));
                }
                Ok(Value::str(self.isoformat(&sep, &spec)?))
            }
            "timestamp" => {
                Args::new("timestamp", args, kwargs, &[], 0)?;
                if self.tz.is_none() {
                    require_utc_local(self.epoch_us().div_euclid(US_PER_SEC as i128))?;
                }
                Ok(Value::Float(self.timestamp()))
            }
            "timetuple" => {
                Args::new("timetuple", args, kwargs, &[], 0)?;
                // `dst()` is None for naive datetimes and `datetime.timezone`, a zero
                // timedelta for dateutil's zones (the machine zone being UTC).
                let isdst = match &self.tz {
                    Some(tz) if tz.dateutil => 0,
                    _ => -1,
                };
                Ok(Value::object(crate::stdlib::time::StructTime {
                    dt: self.clone(),
                    isdst,
                    utc: false,
                }))
            }
            "date" => {
                Args::new("date", args, kwargs, &[], 0)?;
                Ok(Value::object(Date {
                    ordinal: self.ordinal,
                }))
            }
            "replace" => self.replace(kwargs, args).map(Value::object),
            "astimezone" => {
                let a = Args::new("astimezone", args, kwargs, &["tz"], 0)?;
                let Some(tz) = a.get(0).map_or(Ok(None), tz_arg)? else {
                    return Err(unsupported("astimezone() without a zone"));
                };
                let utc = self.utc_us();
                DateTime::from_wall_us(utc + tz.offset_us as i128, Some(tz)).map(Value::object)
            }
            "utcoffset" => Ok(self
                .tz
                .as_ref()
                .map_or(Value::None, |t| Value::object(t.offset_td()))),
            "tzname" => Ok(match &self.tz {
                None => Value::None,
                Some(t) if t.dateutil && t.offset_us != 0 => Value::None,
                Some(t) => Value::str(t.tzname()),
            }),
            "weekday" => Ok(Value::Int((self.ordinal + 6) % 7)),
            "isoweekday" => Ok(Value::Int((self.ordinal + 6) % 7 + 1)),
            "toordinal" => Ok(Value::Int(self.ordinal)),
            _ => Err(PyErr::attribute_error(format!(
                "'datetime.datetime' object has no attribute '{name}'"
            ))),
        }
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        if let Some(o) = other.downcast::<DateTime>() {
            return Some(match (&self.tz, &o.tz) {
                (None, None) => self.wall_us() == o.wall_us(),
                (Some(_), Some(_)) => self.utc_us() == o.utc_us(),
                _ => false,
            });
        }
        if other.downcast::<Date>().is_some() {
            return Some(false);
        }
        None
    }
    fn lt(&self, other: &Value) -> Option<PyResult<bool>> {
        if let Some(o) = other.downcast::<DateTime>() {
            return Some(self.cmp_key(o, "compare").map(|(a, b)| a < b));
        }
        if other.downcast::<Date>().is_some() {
            return Some(Err(PyErr::type_error(
                "can't compare datetime.datetime to datetime.date",
            )));
        }
        None
    }
    fn hash(&self) -> Option<u64> {
        Some(self.utc_us() as u64)
    }
    fn binop(&self, op: BinOp, other: &Value, reflected: bool) -> Option<PyResult<Value>> {
        if let Some(td) = other.downcast::<TimeDelta>() {
            return match (op, reflected) {
                (BinOp::Add, _) => Some(
                    DateTime::from_wall_us(self.wall_us() + td.total_us(), self.tz.clone())
                        .map(Value::object),
                ),
                (BinOp::Sub, false) => Some(
                    DateTime::from_wall_us(self.wall_us() - td.total_us(), self.tz.clone())
                        .map(Value::object),
                ),
                _ => None,
            };
        }
        if let (BinOp::Sub, Some(o)) = (op, other.downcast::<DateTime>()) {
            let (a, b) = if reflected { (o, self) } else { (self, o) };
            return Some(a.cmp_key(b, "subtract").and_then(|(x, y)| td_value(x - y)));
        }
        None
    }
    fn format(&self, spec: &str) -> Option<PyResult<String>> {
        Some(if spec.is_empty() {
            Ok(PyObject::str(self))
        } else {
            self.strftime(spec)
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl PyObject for Date {
    fn fixed_attributes(&self) -> Option<&str> {
        Some("datetime.date")
    }
    fn type_name(&self) -> &str {
        "date"
    }
    fn repr(&self) -> String {
        let (y, m, d) = ord_to_ymd(self.ordinal);
        format!("datetime.date({y}, {m}, {d})")
    }
    fn str(&self) -> String {
        let (y, m, d) = ord_to_ymd(self.ordinal);
        format!("{y:04}-{m:02}-{d:02}")
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        let (y, m, d) = ord_to_ymd(self.ordinal);
        Ok(match name {
            "year" => Value::Int(y),
            "month" => Value::Int(m),
            "day" => Value::Int(d),
            _ => {
                return Err(PyErr::attribute_error(format!(
                    "'datetime.date' object has no attribute '{name}'"
                )))
            }
        })
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "strftime" | "isoformat" | "weekday" | "isoweekday" | "toordinal"
        )
    }
    fn call_method(
        &self,
        _this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        let (y, m, d) = ord_to_ymd(self.ordinal);
        match name {
            "strftime" => {
                let a = Args::new("strftime", args, kwargs, &["format"], 1)?;
                let Value::Str(f) = a.req(0) else {
                    return Err(PyErr::type_error("strftime() argument 1 must be str"));
                };
                let wd = (self.ordinal + 6) % 7;
                let yday = self.ordinal - ymd_to_ord(y, 1, 1) + 1;
                Ok(Value::str(strftime(
                    &f, y, m, d, 0, 0, 0, 0, wd, yday, None,
                )?))
            }
            "isoformat" => Ok(Value::str(PyObject::str(self))),
            "weekday" => Ok(Value::Int((self.ordinal + 6) % 7)),
            "isoweekday" => Ok(Value::Int((self.ordinal + 6) % 7 + 1)),
            "toordinal" => Ok(Value::Int(self.ordinal)),
            _ => Err(PyErr::attribute_error(format!(
                "'datetime.date' object has no attribute '{name}'"
            ))),
        }
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        if let Some(o) = other.downcast::<Date>() {
            return Some(o.ordinal == self.ordinal);
        }
        if other.downcast::<DateTime>().is_some() {
            return Some(false);
        }
        None
    }
    fn lt(&self, other: &Value) -> Option<PyResult<bool>> {
        if let Some(o) = other.downcast::<Date>() {
            return Some(Ok(self.ordinal < o.ordinal));
        }
        if other.downcast::<DateTime>().is_some() {
            return Some(Err(PyErr::type_error(
                "can't compare datetime.date to datetime.datetime",
            )));
        }
        None
    }
    fn hash(&self) -> Option<u64> {
        Some(self.ordinal as u64)
    }
    fn binop(&self, op: BinOp, other: &Value, reflected: bool) -> Option<PyResult<Value>> {
        if let Some(td) = other.downcast::<TimeDelta>() {
            let ord = match (op, reflected) {
                (BinOp::Add, _) => self.ordinal + td.days,
                (BinOp::Sub, false) => self.ordinal - td.days,
                _ => return None,
            };
            return Some(if (1..=MAX_ORDINAL).contains(&ord) {
                Ok(Value::object(Date { ordinal: ord }))
            } else {
                Err(overflow())
            });
        }
        if let (BinOp::Sub, Some(o)) = (op, other.downcast::<Date>()) {
            let (a, b) = if reflected { (o, self) } else { (self, o) };
            return Some(td_value(
                (a.ordinal - b.ordinal) as i128 * US_PER_DAY as i128,
            ));
        }
        None
    }
    fn format(&self, spec: &str) -> Option<PyResult<String>> {
        Some(if spec.is_empty() {
            Ok(PyObject::str(self))
        } else {
            let (y, m, d) = ord_to_ymd(self.ordinal);
            let wd = (self.ordinal + 6) % 7;
            let yday = self.ordinal - ymd_to_ord(y, 1, 1) + 1;
            strftime(spec, y, m, d, 0, 0, 0, 0, wd, yday, None)
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
