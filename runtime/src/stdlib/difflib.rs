//! `difflib.SequenceMatcher`: a port of CPython 3.11's matching algorithm (junk and the
//! "popular element" heuristic for sequences of 200 or more items included), so `ratio()`
//! is bit-for-bit CPython's.

// `Key` holds values with interior mutability, but only hashable ones, whose hash never
// changes (the same reasoning as the dicts of `value.rs`).
#![allow(clippy::mutable_key_type)]

use std::any::Any;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::err::{PyErr, PyResult};
use crate::ops::unsupported;
use crate::stdlib::Args;
use crate::value::{Key, Kwargs, PyObject, TypeObject, Value};

/// Module attributes of `difflib`.
pub fn attr(name: &str) -> Option<Value> {
    match name {
        "SequenceMatcher" => Some(Value::object(TypeObject {
            name: "SequenceMatcher",
            module: "difflib",
            check: |v| v.downcast::<SequenceMatcher>().is_some(),
            construct: Some(sequence_matcher),
            attr: None,
        })),
        _ => None,
    }
}

struct State {
    a: Vec<Key>,
    b: Vec<Key>,
    b2j: HashMap<Key, Vec<usize>>,
    bjunk: HashSet<Key>,
}

/// A `difflib.SequenceMatcher`.
pub struct SequenceMatcher {
    isjunk: Option<Value>,
    autojunk: bool,
    state: RefCell<State>,
}

fn elements(v: &Value) -> PyResult<Vec<Key>> {
    match v {
        Value::Str(s) => Ok(s
            .chars()
            .map(|c| Key::from_str(c.encode_utf8(&mut [0; 4])))
            .collect()),
        Value::List(_) | Value::Tuple(_) => crate::stdlib::seq_items(v)
            .unwrap_or_default()
            .into_iter()
            .map(Key::new)
            .collect(),
        _ => Err(unsupported(&format!(
            "SequenceMatcher over a {}",
            v.type_name()
        ))),
    }
}

/// `difflib.SequenceMatcher(isjunk=None, a='', b='', autojunk=True)`.
pub fn sequence_matcher(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = Args::new(
        "SequenceMatcher",
        args,
        kwargs,
        &["isjunk", "a", "b", "autojunk"],
        0,
    )?;
    let sm = SequenceMatcher {
        isjunk: a.opt(0).cloned(),
        autojunk: match a.get(3) {
            Some(v) => crate::ops::truthy(v)?,
            None => true,
        },
        state: RefCell::new(State {
            a: Vec::new(),
            b: Vec::new(),
            b2j: HashMap::new(),
            bjunk: HashSet::new(),
        }),
    };
    sm.state.borrow_mut().a = elements(&a.get(1).cloned().unwrap_or_else(|| Value::str("")))?;
    sm.set_b(elements(
        &a.get(2).cloned().unwrap_or_else(|| Value::str("")),
    )?)?;
    Ok(Value::object(sm))
}

impl SequenceMatcher {
    fn set_b(&self, b: Vec<Key>) -> PyResult<()> {
        let mut b2j: HashMap<Key, Vec<usize>> = HashMap::new();
        let mut order: Vec<Key> = Vec::new();
        for (i, elt) in b.iter().enumerate() {
            let e = b2j.entry(elt.clone()).or_default();
            if e.is_empty() {
                order.push(elt.clone());
            }
            e.push(i);
        }
        let mut junk = HashSet::new();
        if let Some(f) = &self.isjunk {
            for elt in &order {
                if crate::ops::truthy(&crate::ops::call(f, &[elt.value().clone()], &[])?)? {
                    junk.insert(elt.clone());
                }
            }
            for elt in &junk {
                b2j.remove(elt);
            }
        }
        let n = b.len();
        if self.autojunk && n >= 200 {
            let ntest = n / 100 + 1;
            b2j.retain(|_, idxs| idxs.len() <= ntest);
        }
        let mut st = self.state.borrow_mut();
        st.b = b;
        st.b2j = b2j;
        st.bjunk = junk;
        Ok(())
    }

    fn find_longest_match(
        st: &State,
        alo: usize,
        ahi: usize,
        blo: usize,
        bhi: usize,
    ) -> (usize, usize, usize) {
        let (a, b) = (&st.a, &st.b);
        let isbjunk = |k: &Key| st.bjunk.contains(k);
        let (mut besti, mut bestj, mut bestsize) = (alo, blo, 0usize);
        let mut j2len: HashMap<usize, usize> = HashMap::new();
        for (i, ai) in a.iter().enumerate().take(ahi).skip(alo) {
            let mut newj2len = HashMap::new();
            if let Some(js) = st.b2j.get(ai) {
                for &j in js {
                    if j < blo {
                        continue;
                    }
                    if j >= bhi {
                        break;
                    }
                    let k = j
                        .checked_sub(1)
                        .and_then(|p| j2len.get(&p))
                        .copied()
                        .unwrap_or(0)
                        + 1;
                    newj2len.insert(j, k);
                    if k > bestsize {
                        besti = i + 1 - k;
                        bestj = j + 1 - k;
                        bestsize = k;
                    }
                }
            }
            j2len = newj2len;
        }
        while besti > alo && bestj > blo && !isbjunk(&b[bestj - 1]) && a[besti - 1] == b[bestj - 1]
        {
            besti -= 1;
            bestj -= 1;
            bestsize += 1;
        }
        while besti + bestsize < ahi
            && bestj + bestsize < bhi
            && !isbjunk(&b[bestj + bestsize])
            && a[besti + bestsize] == b[bestj + bestsize]
        {
            bestsize += 1;
        }
        while besti > alo && bestj > blo && isbjunk(&b[bestj - 1]) && a[besti - 1] == b[bestj - 1] {
            besti -= 1;
            bestj -= 1;
            bestsize += 1;
        }
        while besti + bestsize < ahi
            && bestj + bestsize < bhi
            && isbjunk(&b[bestj + bestsize])
            && a[besti + bestsize] == b[bestj + bestsize]
        {
            bestsize += 1;
        }
        (besti, bestj, bestsize)
    }

    /// The number of matched elements (the sizes of the matching blocks).
    fn matches(&self) -> usize {
        let st = self.state.borrow();
        let mut queue = vec![(0, st.a.len(), 0, st.b.len())];
        let mut total = 0;
        while let Some((alo, ahi, blo, bhi)) = queue.pop() {
            let (i, j, k) = Self::find_longest_match(&st, alo, ahi, blo, bhi);
            if k > 0 {
                total += k;
                if alo < i && blo < j {
                    queue.push((alo, i, blo, j));
                }
                if i + k < ahi && j + k < bhi {
                    queue.push((i + k, ahi, j + k, bhi));
                }
            }
        }
        total
    }

    fn ratio_of(&self, matches: usize) -> f64 {
        let st = self.state.borrow();
        let length = st.a.len() + st.b.len();
        if length > 0 {
            2.0 * matches as f64 / length as f64
        } else {
            1.0
        }
    }

    fn quick_matches(&self) -> usize {
        let st = self.state.borrow();
        let mut full: HashMap<&Key, i64> = HashMap::new();
        for e in &st.b {
            *full.entry(e).or_default() += 1;
        }
        let mut avail: HashMap<&Key, i64> = HashMap::new();
        let mut matches = 0;
        for e in &st.a {
            let n = *avail
                .entry(e)
                .or_insert_with(|| full.get(e).copied().unwrap_or(0));
            avail.insert(e, n - 1);
            if n > 0 {
                matches += 1;
            }
        }
        matches
    }
}

impl PyObject for SequenceMatcher {
    fn repr_exact(&self) -> bool {
        false
    }

    fn type_name(&self) -> &str {
        "SequenceMatcher"
    }
    fn repr(&self) -> String {
        "<difflib.SequenceMatcher object>".into()
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "ratio" | "quick_ratio" | "real_quick_ratio" | "set_seq1" | "set_seq2" | "set_seqs"
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
            "ratio" => {
                Args::new("ratio", args, kwargs, &[], 0)?;
                Ok(Value::Float(self.ratio_of(self.matches())))
            }
            "quick_ratio" => {
                Args::new("quick_ratio", args, kwargs, &[], 0)?;
                Ok(Value::Float(self.ratio_of(self.quick_matches())))
            }
            "real_quick_ratio" => {
                Args::new("real_quick_ratio", args, kwargs, &[], 0)?;
                let st = self.state.borrow();
                let (la, lb) = (st.a.len(), st.b.len());
                drop(st);
                Ok(Value::Float(self.ratio_of(la.min(lb))))
            }
            "set_seq1" => {
                let a = Args::new("set_seq1", args, kwargs, &["a"], 1)?;
                self.state.borrow_mut().a = elements(&a.req(0))?;
                Ok(Value::None)
            }
            "set_seq2" => {
                let a = Args::new("set_seq2", args, kwargs, &["b"], 1)?;
                self.set_b(elements(&a.req(0))?)?;
                Ok(Value::None)
            }
            "set_seqs" => {
                let a = Args::new("set_seqs", args, kwargs, &["a", "b"], 2)?;
                self.state.borrow_mut().a = elements(&a.req(0))?;
                self.set_b(elements(&a.req(1))?)?;
                Ok(Value::None)
            }
            _ => Err(PyErr::attribute_error(format!(
                "'SequenceMatcher' object has no attribute '{name}'"
            ))),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
