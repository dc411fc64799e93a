//! `dateutil.parser.parse` for the unambiguous ISO 8601 / RFC 3339 forms
//! (`YYYY-MM-DD`, optionally `[T ]HH:MM[:SS[.fraction]]`, optionally `Z` or `±HH[:MM]`),
//! with python-dateutil 2.9's results on a machine whose zone is UTC (as the oracle's):
//! naive without a zone, `tzlocal()` for a zero offset, `tzoffset(None, seconds)` otherwise. Everything else dateutil would guess about (and its
//! `ParserError`s) raises `NotImplementedError`.

use crate::err::{PyErr, PyResult};
use crate::ops::unsupported;
use crate::stdlib::datetime::{DateTime, TimeZone};
use crate::value::{Kwargs, Value};

/// Module attributes of `dateutil.parser`.
pub fn attr(name: &str) -> Option<Value> {
    match name {
        "parse" | "isoparse" => Some(Value::func("parse", parse)),
        _ => None,
    }
}

fn digits(s: &[u8], from: usize, n: usize) -> Option<i64> {
    let part = s.get(from..from + n)?;
    if !part.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(part).ok()?.parse().ok()
}

/// Year, month, day, [hour, minute, second, microsecond] and the UTC offset in seconds.
type Parsed = (i64, i64, i64, [i64; 4], Option<i64>);

/// Parses the supported forms; `None` for anything else.
pub(crate) fn parse_iso(text: &str) -> Option<Parsed> {
    let s = text.as_bytes();
    let (y, mo, d) = (digits(s, 0, 4)?, digits(s, 5, 2)?, digits(s, 8, 2)?);
    if s.get(4) != Some(&b'-') || s.get(7) != Some(&b'-') {
        return None;
    }
    if s.len() == 10 {
        return Some((y, mo, d, [0; 4], None));
    }
    if !matches!(s.get(10), Some(b'T') | Some(b' ')) {
        return None;
    }
    let (h, mi) = (digits(s, 11, 2)?, digits(s, 14, 2)?);
    if s.get(13) != Some(&b':') {
        return None;
    }
    let mut pos = 16;
    let mut sec = 0;
    let mut us = 0;
    if s.get(pos) == Some(&b':') {
        sec = digits(s, pos + 1, 2)?;
        pos += 3;
        if s.get(pos) == Some(&b'.') {
            let start = pos + 1;
            let mut end = start;
            while end < s.len() && s[end].is_ascii_digit() {
                end += 1;
            }
            if end == start {
                return None;
            }
            let frac = std::str::from_utf8(&s[start..end.min(start + 6)]).ok()?;
            us = format!("{frac:0<6}").parse().ok()?;
            pos = end;
        }
    }
    let offset = match s.get(pos) {
        None => None,
        Some(b'Z') if pos + 1 == s.len() => Some(0),
        Some(sign @ (b'+' | b'-')) => {
            let oh = digits(s, pos + 1, 2)?;
            let rest = &s[pos + 3..];
            let om = match rest {
                [] => 0,
                [b':', a, b] | [a, b] => digits(&[*a, *b], 0, 2)?,
                _ => return None,
            };
            let secs = oh * 3600 + om * 60;
            Some(if *sign == b'-' { -secs } else { secs })
        }
        _ => return None,
    };
    Some((y, mo, d, [h, mi, sec, us], offset))
}

/// `PantherEvent.event_time_epoch()` for a string `p_event_time`:
/// `int(dateutil.parser.parse(text + " UTC").timestamp())`, or 0 on dateutil's ParserError.
/// dateutil rejects a date alone or a time already carrying a zone when " UTC" follows (as
/// measured with python-dateutil 2.9); other strings are not modelled.
pub fn event_time_epoch(text: &str) -> PyResult<Value> {
    let has_time = text.len() > 10;
    match parse_iso(text) {
        Some((_, _, _, _, Some(_)))
            if text.ends_with('Z')
                || text.as_bytes().get(text.len().wrapping_sub(3)) == Some(&b':') =>
        {
            Ok(Value::Int(0))
        }
        Some((_, _, _, _, None)) if !has_time => Ok(Value::Int(0)),
        Some((y, mo, d, t, None)) => {
            let dt = DateTime::new(y, mo, d, t[0], t[1], t[2], t[3], None)
                .map_err(|_| unsupported("dateutil ParserError for out-of-range fields"))?;
            let us = dt.epoch_us();
            // `int(timestamp())` truncates toward zero.
            let secs = us / 1_000_000;
            Ok(Value::Int(secs as i64))
        }
        _ => Err(unsupported(
            "event_time_epoch() on a p_event_time dateutil may parse differently",
        )),
    }
}

/// `dateutil.parser.parse(timestr)`.
pub fn parse(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if !kwargs.is_empty() || args.len() != 1 {
        return Err(unsupported("dateutil.parser.parse options"));
    }
    let text = match &args[0] {
        Value::Str(s) => s.clone(),
        other => {
            return Err(PyErr::type_error(format!(
                "Parser must be a string or character stream, not {}",
                other.type_name()
            )))
        }
    };
    let Some((y, mo, d, t, off)) = parse_iso(&text) else {
        return Err(unsupported(
            "dateutil.parser.parse of a non-ISO 8601 string",
        ));
    };
    let tz = off.map(|secs| TimeZone {
        offset_us: secs * 1_000_000,
        name: None,
        dateutil: true,
    });
    // dateutil reports invalid fields as its own ParserError, which is not modelled.
    DateTime::new(y, mo, d, t[0], t[1], t[2], t[3], tz)
        .map(Value::object)
        .map_err(|_| unsupported("dateutil ParserError for out-of-range fields"))
}
