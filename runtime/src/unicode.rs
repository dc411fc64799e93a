//! Unicode properties that CPython's string methods depend on.

/// Whether CPython considers `c` printable (`str.isprintable`, `repr`).
pub fn is_printable(c: char) -> bool {
    // A conservative first cut: control characters and the non-ASCII separators are not
    // printable. The differential tests pin the full rule (issue 3).
    if c == ' ' {
        return true;
    }
    !(c.is_control()
        || c.is_whitespace()
        || matches!(c as u32, 0xad | 0x600..=0x605 | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x2064 | 0xfeff | 0xd800..=0xdfff | 0xe000..=0xf8ff))
}
