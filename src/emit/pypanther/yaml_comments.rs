//! YAML comments of a spec, attached to the top-level key (or unit test) they annotate, so
//! that the migrated class keeps them beside the attribute that key became.
//!
//! The YAML parser drops comments, so they are found in the text: a `#` at the start of a
//! line or after whitespace, outside quotes and outside block scalars (`|`, `>`).

use std::collections::BTreeMap;

use crate::source::yaml::{YNode, YValue};

/// The comments of one spec.
#[derive(Debug, Default)]
pub struct SpecComments {
    /// Comments above (or inside the value of) a top-level key, by key.
    pub above: BTreeMap<String, Vec<String>>,
    /// A comment at the end of a top-level key's own line, by key.
    pub trailing: BTreeMap<String, String>,
    /// Comments above or inside each unit test, by the test's index in `Tests`.
    pub tests: BTreeMap<usize, Vec<String>>,
    /// Comments after the last key.
    pub tail: Vec<String>,
}

/// One comment: its 1-based line, whether it has the line to itself, and its text (without
/// the `#` and surrounding blanks).
struct Comment {
    line: usize,
    own_line: bool,
    text: String,
}

fn find_comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    // Indentation of the key that opened a block scalar: deeper lines are its content.
    let mut block_indent: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        if let Some(bi) = block_indent {
            if line.trim().is_empty() || indent > bi {
                continue;
            }
            block_indent = None;
        }
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        let mut found = None;
        for (j, c) in line.char_indices() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    '"' | '\'' if prev.is_whitespace() || "[{,:-".contains(prev) => quote = Some(c),
                    '#' if prev.is_whitespace() => {
                        found = Some(j);
                        break;
                    }
                    _ => {}
                },
            }
            prev = c;
        }
        let code = match found {
            Some(j) => {
                out.push(Comment {
                    line: i + 1,
                    own_line: line[..j].trim().is_empty(),
                    text: line[j + 1..].trim().to_string(),
                });
                &line[..j]
            }
            None => line,
        };
        let code = code.trim_end();
        let last = code.rsplit(' ').next().unwrap_or("");
        if (last.starts_with('|') || last.starts_with('>'))
            && last[1..].chars().all(|c| "+-0123456789".contains(c))
            && (code.contains(": ") || code.trim_start().starts_with("- ") || code == last)
        {
            block_indent = Some(indent);
        }
    }
    out
}

/// Attaches the comments of `text` to the keys of the parsed spec `root`.
pub fn attach(text: &str, root: &YNode) -> SpecComments {
    let mut out = SpecComments::default();
    let comments = find_comments(text);
    if comments.is_empty() {
        return out;
    }
    let YValue::Map(entries) = &root.value else {
        return out;
    };
    // Top-level keys with their first line, in document order.
    let keys: Vec<(String, usize)> = entries
        .iter()
        .filter_map(|(k, _)| k.as_str().map(|s| (s.to_string(), k.line)))
        .collect();
    let tests: Vec<usize> = match root.get("Tests") {
        Some(YNode {
            value: YValue::Seq(items),
            ..
        }) => items.iter().map(|t| t.line).collect(),
        _ => Vec::new(),
    };
    let tests_line = keys.iter().find(|(k, _)| k == "Tests").map(|(_, l)| *l);
    for c in comments {
        // The key whose block holds this line, and the next key after it.
        let holder = keys.iter().rev().find(|(_, l)| *l <= c.line);
        let next = keys.iter().find(|(_, l)| *l > c.line);
        if !c.own_line {
            if let Some((k, l)) = holder {
                if *l == c.line {
                    out.trailing.insert(k.clone(), c.text);
                    continue;
                }
            }
        }
        // Inside the tests: the test that holds it, or the one it stands above.
        let in_tests = match (tests_line, holder) {
            (Some(tl), Some((k, _))) => k == "Tests" && c.line > tl,
            _ => false,
        };
        if in_tests && !tests.is_empty() {
            let idx = match tests.iter().position(|&l| l > c.line) {
                // A comment above test n belongs to it unless it is inside test n-1's body
                // (indented deeper than the test's dash): approximated by "above".
                Some(n) => n,
                None => tests.len() - 1,
            };
            let idx = if c.own_line {
                idx
            } else {
                idx.saturating_sub(1)
            };
            out.tests.entry(idx).or_default().push(c.text);
            continue;
        }
        let target = if c.own_line && holder.is_none_or(|(hk, _)| hk != "Tests") {
            // An own-line comment annotates the key below it, unless it sits inside the
            // value of the key above (indented).
            let indented = text
                .lines()
                .nth(c.line - 1)
                .is_some_and(|l| l.starts_with(' ') || l.starts_with('\t'));
            if indented {
                holder.or(next)
            } else {
                next.or(holder)
            }
        } else {
            holder.or(next)
        };
        match target {
            Some((k, _)) => out.above.entry(k.clone()).or_default().push(c.text),
            None => out.tail.push(c.text),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_go_to_their_keys() {
        let text = "# The rule.\nRuleID: A.B  # exact id\nDescription: |\n  not # a comment\nThreshold: 5\nTests:\n  # first test\n  - Name: one\n    Log: {a: '#x'}  # inline\n  - Name: two\n# trailer\n";
        let root = crate::source::yaml::parse(text).unwrap().unwrap();
        let c = attach(text, &root);
        assert_eq!(c.above["RuleID"], vec!["The rule."]);
        assert_eq!(c.trailing["RuleID"], "exact id");
        assert!(!c.above.contains_key("Description"));
        assert_eq!(c.tests[&0], vec!["first test", "inline"]);
        assert_eq!(c.tests[&1], vec!["trailer"]);
    }
}
