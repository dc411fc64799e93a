//! Differential test of set iteration order and `hash()` against CPython 3.11 with
//! `PYTHONHASHSEED=0`: random sequences of set operations on random values run through the
//! runtime and, in one batched subprocess, through `python3`; every intermediate `repr`
//! and every popped element must match. `FERRULE_SETORDER_SEED` picks the random seed and
//! `FERRULE_SETORDER_CASES` the number of cases (default 12,000).

use std::io::Write;
use std::process::{Command, Stdio};

use ferrule_runtime::fmt::repr;
use ferrule_runtime::ops::{binop, call_method, inplace};
use ferrule_runtime::value::{BinOp, Dict};
use ferrule_runtime::{builtins, call, pyhash, Key, Value};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

fn rand_char(r: &mut Rng, kind: usize) -> char {
    let ranges: &[(u32, u32)] = match kind {
        0 => &[(0x61, 0x7a), (0x30, 0x39), (0x41, 0x5a)],
        1 => &[(0x61, 0x7a), (0xc0, 0xff), (0xa1, 0xac)],
        2 => &[
            (0x61, 0x7a),
            (0x100, 0x17f),
            (0x3b1, 0x3c9),
            (0x4e00, 0x4e80),
        ],
        _ => &[
            (0x61, 0x7a),
            (0xe9, 0xe9),
            (0x3b1, 0x3c9),
            (0x1f600, 0x1f64f),
        ],
    };
    let (lo, hi) = *r.pick(ranges);
    char::from_u32(lo + (r.next() % (hi - lo + 1) as u64) as u32).unwrap()
}

fn rand_str(r: &mut Rng) -> Value {
    let kind = r.below(4);
    let n = r.below(12);
    Value::from((0..n).map(|_| rand_char(r, kind)).collect::<String>())
}

fn rand_int(r: &mut Rng) -> i64 {
    match r.below(5) {
        0 | 1 => r.below(60) as i64 - 10,
        2 => (r.next() >> r.below(64)) as i64,
        3 => ((1i64 << 61) - 1) * (r.below(3) as i64 - 1) + r.below(5) as i64 - 2,
        _ => -((r.next() >> 1) as i64),
    }
}

fn rand_scalar(r: &mut Rng, kind: usize) -> Value {
    match kind {
        0 => Value::Int(r.below(40) as i64),
        1 => Value::Int(rand_int(r)),
        2 => rand_str(r),
        3 => Value::tuple(
            (0..r.below(4))
                .map(|_| {
                    if r.below(2) == 0 {
                        Value::Int(r.below(20) as i64)
                    } else {
                        rand_str(r)
                    }
                })
                .collect(),
        ),
        _ => match r.below(8) {
            0 => Value::Int(r.below(10) as i64),
            1 => Value::Float(r.below(10) as f64),
            2 => Value::Float((r.next() % 100_000) as f64 / 64.0 - 700.0),
            3 => Value::Bool(r.below(2) == 0),
            4 => rand_str(r),
            5 => {
                // Written for Python as `frozenset([...])` (see `py_lit`), so that CPython
                // builds it by adding the items in this order too.
                let items: Vec<Value> = (0..r.below(4))
                    .map(|_| Value::Int(r.below(9) as i64))
                    .collect();
                let f = builtins::frozenset(&[Value::list(items.clone())], &[]).unwrap();
                Value::tuple(vec![Value::str("__frozen__"), f, Value::list(items)])
            }
            6 => Value::tuple(vec![Value::Int(rand_int(r)), Value::Float(0.5)]),
            _ => Value::Int(rand_int(r)),
        },
    }
}

/// One case: a pool of values, then operations on three set variables, with Python source
/// for the same steps and the runtime's outputs.
struct Case {
    py: String,
    out: Vec<String>,
}

fn items(pool: &[Value], idx: &[usize]) -> Vec<Value> {
    idx.iter().map(|&i| pool[i].clone()).collect()
}

fn idx_list(r: &mut Rng, pool: usize, max: usize) -> Vec<usize> {
    (0..r.below(max + 1)).map(|_| r.below(pool)).collect()
}

fn gen_case(r: &mut Rng) -> Case {
    let kind = r.below(5);
    let big = r.below(6) == 0;
    let pool_n = if big {
        50 + r.below(400)
    } else {
        3 + r.below(30)
    };
    let raw: Vec<Value> = (0..pool_n).map(|_| rand_scalar(r, kind)).collect();
    // A frozenset literal would be a constant that CPython's compiler merges with an equal
    // earlier constant of the module (keeping that one's order), so frozensets are written
    // as calls on lists.
    let mut pool = Vec::new();
    let mut pool_py = Vec::new();
    for v in raw {
        match &v {
            Value::Tuple(t) if t.len() == 3 && t[0].as_str() == Some("__frozen__") => {
                pool.push(t[1].clone());
                pool_py.push(format!("frozenset({})", repr(&t[2])));
            }
            _ => {
                pool_py.push(repr(&v));
                pool.push(v);
            }
        }
    }
    let mut py = format!("P=[{}]\nV=[set(),set(),set()]\n", pool_py.join(","));
    let mut out = Vec::new();
    let mut v = [
        Value::set(Default::default()),
        Value::set(Default::default()),
        Value::set(Default::default()),
    ];
    let max_items = if big { pool_n * 2 } else { 12 };
    for _ in 0..3 + r.below(10) {
        let t = r.below(3);
        let s = r.below(3);
        let u = r.below(3);
        let is_set = matches!(v[t], Value::Set(_));
        let op = r.below(17);
        let lst = idx_list(r, pool_n, max_items);
        let lst_py = format!(
            "[{}]",
            lst.iter()
                .map(|i| format!("P[{i}]"))
                .collect::<Vec<_>>()
                .join(",")
        );
        let list_v = Value::list(items(&pool, &lst));
        let one = r.below(pool_n);
        let (line, value) = match op {
            0 => (
                // BUILD_SET with non-constant items.
                format!(
                    "V[{t}]={{{}}}",
                    lst.iter()
                        .map(|i| format!("P[{i}]"))
                        .collect::<Vec<_>>()
                        .join(",")
                        + if lst.is_empty() { "*()" } else { "" }
                ),
                call::make_set(items(&pool, &lst)).unwrap(),
            ),
            1 => (
                format!("V[{t}]=set({lst_py})"),
                builtins::set(&[list_v], &[]).unwrap(),
            ),
            2 => (
                format!("V[{t}]=set(V[{s}])"),
                builtins::set(&[v[s].clone()], &[]).unwrap(),
            ),
            3 => {
                let mut d = Dict::new();
                for i in &lst {
                    d.insert(Key::new(pool[*i].clone()).unwrap(), Value::None);
                }
                (
                    format!("V[{t}]=set(dict.fromkeys({lst_py}))"),
                    builtins::set(&[Value::dict(d)], &[]).unwrap(),
                )
            }
            4 => (
                format!("V[{t}]=frozenset(V[{s}])"),
                builtins::frozenset(&[v[s].clone()], &[]).unwrap(),
            ),
            5 if is_set => {
                call_method(&v[t], "add", &[pool[one].clone()], &[]).unwrap();
                (format!("V[{t}].add(P[{one}])"), v[t].clone())
            }
            6 if is_set => {
                call_method(&v[t], "discard", &[pool[one].clone()], &[]).unwrap();
                (format!("V[{t}].discard(P[{one}])"), v[t].clone())
            }
            7 if is_set => {
                let popped = call_method(&v[t], "pop", &[], &[]);
                match popped {
                    Ok(p) => {
                        out.push(repr(&p));
                        (format!("print(repr(V[{t}].pop()))"), v[t].clone())
                    }
                    Err(_) => (String::from("pass"), v[t].clone()),
                }
            }
            8 if is_set => {
                let arg = if r.below(2) == 0 {
                    list_v
                } else {
                    v[s].clone()
                };
                let arg_py = if matches!(arg, Value::List(_)) {
                    lst_py
                } else {
                    format!("V[{s}]")
                };
                call_method(&v[t], "update", &[arg], &[]).unwrap();
                (format!("V[{t}].update({arg_py})"), v[t].clone())
            }
            9 if is_set && r.below(4) == 0 => {
                call_method(&v[t], "clear", &[], &[]).unwrap();
                (format!("V[{t}].clear()"), v[t].clone())
            }
            10 | 11 => {
                let (o, sym) = *r.pick(&[
                    (BinOp::BitOr, "|"),
                    (BinOp::BitAnd, "&"),
                    (BinOp::Sub, "-"),
                    (BinOp::BitXor, "^"),
                ]);
                (
                    format!("V[{t}]=V[{s}]{sym}V[{u}]"),
                    binop(o, &v[s], &v[u]).unwrap(),
                )
            }
            12 | 13 => {
                let name = *r.pick(&[
                    "union",
                    "intersection",
                    "difference",
                    "symmetric_difference",
                ]);
                let use_list = r.below(2) == 0;
                let (arg, arg_py) = if use_list {
                    (list_v, lst_py)
                } else {
                    (v[u].clone(), format!("V[{u}]"))
                };
                (
                    format!("V[{t}]=V[{s}].{name}({arg_py})"),
                    call_method(&v[s], name, &[arg], &[]).unwrap(),
                )
            }
            14 => {
                let (o, sym) = *r.pick(&[
                    (BinOp::BitOr, "|"),
                    (BinOp::BitAnd, "&"),
                    (BinOp::Sub, "-"),
                    (BinOp::BitXor, "^"),
                ]);
                (
                    format!("V[{t}]{sym}=V[{s}]"),
                    inplace(o, &v[t], &v[s]).unwrap(),
                )
            }
            15 => (
                format!("V[{t}]=V[{s}].copy()"),
                call_method(&v[s], "copy", &[], &[]).unwrap(),
            ),
            _ if is_set => {
                // Removing many elements leaves dummies that later insertions reuse.
                for i in &lst {
                    call_method(&v[t], "discard", &[pool[*i].clone()], &[]).unwrap();
                }
                (
                    format!("for x in {lst_py}: V[{t}].discard(x)"),
                    v[t].clone(),
                )
            }
            _ => (format!("V[{t}]=V[{s}]"), v[s].clone()),
        };
        v[t] = value;
        py.push_str(&line);
        py.push('\n');
        py.push_str(&format!("print(repr(V[{t}]))\n"));
        out.push(repr(&v[t]));
    }
    if r.below(4) == 0 {
        // The hash of every pool value.
        py.push_str("for x in P: print(hash(x))\n");
        out.extend(pool.iter().map(|x| pyhash::hash(x).value.to_string()));
    }
    Case { py, out }
}

#[test]
fn set_order_matches_cpython() {
    let seed: u64 = std::env::var("FERRULE_SETORDER_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261128);
    let n: usize = std::env::var("FERRULE_SETORDER_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12_000);
    let mut r = Rng(seed);
    let cases: Vec<Case> = (0..n).map(|_| gen_case(&mut r)).collect();
    // Each case is its own function so that a failure names the case.
    let mut script = String::from("import sys\n");
    for (i, c) in cases.iter().enumerate() {
        script.push_str(&format!("def case_{i}():\n"));
        for line in c.py.lines() {
            script.push_str("    ");
            script.push_str(line);
            script.push('\n');
        }
        script.push_str(&format!("print('=== {i}')\ncase_{i}()\n"));
    }
    let mut child = Command::new("python3")
        .arg("-")
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(script.as_bytes()));
    let output = child.wait_with_output().expect("python3 output");
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "python3 failed");
    let text = String::from_utf8(output.stdout).unwrap();
    let mut got = text.lines();
    let mut failures = 0;
    for (i, c) in cases.iter().enumerate() {
        assert_eq!(got.next(), Some(format!("=== {i}").as_str()));
        let expected: Vec<&str> = (0..c.out.len()).map(|_| got.next().unwrap_or("")).collect();
        if expected != c.out.iter().map(String::as_str).collect::<Vec<_>>() {
            failures += 1;
            if failures <= 5 {
                eprintln!("case {i} differs:\n{}", c.py);
                for (e, a) in expected.iter().zip(&c.out) {
                    if e != a {
                        eprintln!("! cpython: {e}\n! ferrule: {a}");
                    }
                }
            }
        }
    }
    assert_eq!(failures, 0, "{failures} of {n} cases differ from CPython");
}
