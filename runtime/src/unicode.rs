//! Unicode properties and case mappings exactly as CPython 3.11 defines them.
//!
//! The tables in `unicode_tables.rs` are generated from CPython 3.11 itself (Unicode 14.0)
//! by `runtime/tests/gen_unicode_tables.py`, so classification never drifts with the Unicode
//! version of Rust's standard library.

#[allow(clippy::all)]
#[rustfmt::skip]
mod tables {
    include!("unicode_tables.rs");
}

fn in_ranges(table: &[(u32, u32)], c: char) -> bool {
    let n = c as u32;
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < n {
                std::cmp::Ordering::Less
            } else if lo > n {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

fn mapped(table: &'static [(u32, &'static str)], c: char) -> Option<&'static str> {
    table
        .binary_search_by_key(&(c as u32), |&(k, _)| k)
        .ok()
        .map(|i| table[i].1)
}

/// Whether CPython considers `c` printable (`str.isprintable`, `repr`).
pub fn is_printable(c: char) -> bool {
    !in_ranges(tables::NOT_PRINTABLE, c)
}

/// `c.isspace()`; also the whitespace of `str.split()`, `str.strip()`, `int()`.
pub fn is_space(c: char) -> bool {
    in_ranges(tables::SPACE, c)
}

/// `c.isdecimal()`.
pub fn is_decimal(c: char) -> bool {
    in_ranges(tables::DECIMAL, c)
}

/// `c.isdigit()`.
pub fn is_digit(c: char) -> bool {
    in_ranges(tables::DIGIT, c)
}

/// `c.isnumeric()`.
pub fn is_numeric(c: char) -> bool {
    in_ranges(tables::NUMERIC, c)
}

/// `c.isalpha()`.
pub fn is_alpha(c: char) -> bool {
    in_ranges(tables::ALPHA, c)
}

/// `c.isalnum()`: alpha, decimal, digit or numeric.
pub fn is_alnum(c: char) -> bool {
    is_alpha(c) || is_decimal(c) || is_digit(c) || is_numeric(c)
}

/// Whether `c` has the Lowercase property.
pub fn is_lower(c: char) -> bool {
    in_ranges(tables::LOWER, c)
}

/// Whether `c` has the Uppercase property.
pub fn is_upper(c: char) -> bool {
    in_ranges(tables::UPPER, c)
}

/// Whether `c` is a titlecase letter (category Lt).
pub fn is_title(c: char) -> bool {
    in_ranges(tables::TITLE, c)
}

/// Whether `c` is cased (lowercase, uppercase or titlecase).
pub fn is_cased(c: char) -> bool {
    in_ranges(tables::CASED, c)
}

/// Whether `c` is case-ignorable (for the final-sigma rule and `str.title`).
pub fn is_case_ignorable(c: char) -> bool {
    in_ranges(tables::CASE_IGNORABLE, c)
}

/// The decimal value of a Unicode decimal digit (`unicodedata.decimal`).
pub fn decimal_value(c: char) -> Option<u32> {
    if !is_decimal(c) {
        return None;
    }
    let n = c as u32;
    let zeros = tables::DECIMAL_ZEROS;
    let i = zeros.partition_point(|&z| z <= n);
    let zero = *zeros.get(i.checked_sub(1)?)?;
    Some(n - zero)
}

fn push_map(out: &mut String, table: &'static [(u32, &'static str)], c: char) {
    match mapped(table, c) {
        Some(m) => out.push_str(m),
        None => out.push(c),
    }
}

/// Whether the capital sigma at `i` ends a word (CPython's `handle_capital_sigma`).
fn final_sigma(chars: &[char], i: usize) -> bool {
    let before = chars[..i].iter().rev().find(|c| !is_case_ignorable(**c));
    if !before.is_some_and(|c| is_cased(*c)) {
        return false;
    }
    match chars[i + 1..].iter().find(|c| !is_case_ignorable(**c)) {
        None => true,
        Some(c) => !is_cased(*c),
    }
}

fn push_lower(out: &mut String, chars: &[char], i: usize) {
    let c = chars[i];
    if c == '\u{3a3}' {
        out.push(if final_sigma(chars, i) {
            '\u{3c2}'
        } else {
            '\u{3c3}'
        });
    } else {
        push_map(out, tables::LOWER_MAP, c);
    }
}

/// `s.lower()`.
pub fn lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for i in 0..chars.len() {
        push_lower(&mut out, &chars, i);
    }
    out
}

/// `s.upper()`.
pub fn upper(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_uppercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_map(&mut out, tables::UPPER_MAP, c);
    }
    out
}

/// `s.casefold()`.
pub fn casefold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_map(&mut out, tables::FOLD_MAP, c);
    }
    out
}

/// `s.title()`.
pub fn title(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut previous_is_cased = false;
    for (i, &c) in chars.iter().enumerate() {
        if previous_is_cased {
            push_lower(&mut out, &chars, i);
        } else {
            push_map(&mut out, tables::TITLE_MAP, c);
        }
        previous_is_cased = is_cased(c);
    }
    out
}

/// `s.capitalize()`: the first character titlecased, the rest lowercased.
pub fn capitalize(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if i == 0 {
            push_map(&mut out, tables::TITLE_MAP, c);
        } else {
            push_lower(&mut out, &chars, i);
        }
    }
    out
}

/// `s.swapcase()`.
pub fn swapcase(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if is_upper(c) {
            push_lower(&mut out, &chars, i);
        } else if is_lower(c) {
            push_map(&mut out, tables::UPPER_MAP, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// `s.islower()`: at least one cased character and no uppercase or titlecase one.
pub fn str_islower(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if is_upper(c) || is_title(c) {
            return false;
        }
        if is_lower(c) {
            cased = true;
        }
    }
    cased
}

/// `s.isupper()`.
pub fn str_isupper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if is_lower(c) || is_title(c) {
            return false;
        }
        if is_upper(c) {
            cased = true;
        }
    }
    cased
}

/// `s.istitle()`.
pub fn str_istitle(s: &str) -> bool {
    let mut cased = false;
    let mut previous_is_cased = false;
    for c in s.chars() {
        if is_upper(c) || is_title(c) {
            if previous_is_cased {
                return false;
            }
            previous_is_cased = true;
            cased = true;
        } else if is_lower(c) {
            if !previous_is_cased {
                return false;
            }
            previous_is_cased = true;
            cased = true;
        } else {
            previous_is_cased = false;
        }
    }
    cased
}

/// Whether every character satisfies `pred` and the string is non-empty (`isdigit` etc.).
pub fn all_nonempty(s: &str, pred: fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().all(pred)
}

/// Line boundaries of `str.splitlines` (besides `\r\n`).
pub fn is_linebreak(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\x0b'
            | '\x0c'
            | '\x1c'
            | '\x1d'
            | '\x1e'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}
