//! Set-heavy microbenchmark: `cargo run --release -p ferrule-runtime --example set_bench`.
use ferrule_runtime::ops::{binop, call_method, contains, len};
use ferrule_runtime::value::BinOp;
use ferrule_runtime::{builtins, call, Value};
use std::time::Instant;

fn main() {
    let strs: Vec<Value> = (0..1000)
        .map(|i| Value::from(format!("user-{i}@example.com")))
        .collect();
    let ints: Vec<Value> = (0..1000).map(|i| Value::Int(i * 7919)).collect();
    let t = Instant::now();
    let mut total = 0;
    for _ in 0..200 {
        let s = call::make_set(vec![]).unwrap();
        for v in &strs {
            call_method(&s, "add", std::slice::from_ref(v), &[]).unwrap();
        }
        for v in &strs[..500] {
            call_method(&s, "discard", std::slice::from_ref(v), &[]).unwrap();
        }
        total += len(&s).unwrap();
    }
    let build = t.elapsed();
    let s = call::make_set(strs.clone()).unwrap();
    let t = Instant::now();
    let mut hits = 0;
    for _ in 0..200 {
        for v in &strs {
            hits += contains(&s, v).unwrap() as usize;
        }
    }
    let member = t.elapsed();
    let a = call::make_set(ints[..700].to_vec()).unwrap();
    let b = call::make_set(ints[300..].to_vec()).unwrap();
    let t = Instant::now();
    for _ in 0..200 {
        for op in [BinOp::BitOr, BinOp::BitAnd, BinOp::Sub, BinOp::BitXor] {
            total += len(&binop(op, &a, &b).unwrap()).unwrap();
        }
    }
    let algebra = t.elapsed();
    let t = Instant::now();
    for _ in 0..200 {
        total += len(&builtins::list(std::slice::from_ref(&s), &[]).unwrap()).unwrap();
    }
    let iter = t.elapsed();
    println!(
        "add+discard 200x1000: {build:?}; membership 200k: {member:?}; |&-^ 800 ops on 700-elem sets: {algebra:?}; list(s) 200x1000: {iter:?} ({total} {hits})"
    );
}
