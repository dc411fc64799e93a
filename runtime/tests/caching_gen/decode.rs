// Rebuilds caching-case arguments from the generators' JSON encoding (`enc` in
// tests/caching_gen/calls.py); included by the caching tests.

fn items(v: &J) -> Vec<Value> {
    v.as_array().unwrap().iter().map(decode).collect()
}

fn set_of(v: &J) -> Set {
    let mut s = Set::new();
    for x in items(v) {
        s.insert(Key::new(x).unwrap());
    }
    s
}

/// Rebuilds an argument from the generator's encoding.
fn decode(v: &J) -> Value {
    match v {
        J::Null => Value::None,
        J::Bool(b) => Value::Bool(*b),
        J::String(s) => Value::str(s.as_str()),
        J::Object(m) => {
            let (tag, x) = m.iter().next().unwrap();
            match tag.as_str() {
                "i" => Value::Int(x.as_str().unwrap().parse().unwrap()),
                "D" => ferrule_runtime::decimal::Decimal::parse(x.as_str().unwrap())
                    .unwrap()
                    .into(),
                "f" => Value::Float(match x.as_str().unwrap() {
                    "nan" => f64::NAN,
                    "inf" => f64::INFINITY,
                    s => s.parse().unwrap(),
                }),
                "l" => Value::list(items(x)),
                "t" => Value::tuple(items(x)),
                "s" => Value::set(set_of(x)),
                "fs" => Value::FrozenSet(set_of(x).into()),
                "d" => {
                    let mut d = Dict::default();
                    for pair in x.as_array().unwrap() {
                        let kv = items(pair);
                        d.insert(Key::new(kv[0].clone()).unwrap(), kv[1].clone());
                    }
                    Value::dict(d)
                }
                "b" => Value::Bytes(x.as_str().unwrap().chars().map(|c| c as u8).collect()),
                "dt" => {
                    let parts: Vec<Value> = x
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|n| Value::Int(n.as_i64().unwrap()))
                        .collect();
                    ferrule_runtime::stdlib::datetime::datetime(&parts, &[]).unwrap()
                }
                _ => panic!("tag {tag}"),
            }
        }
        _ => panic!("encoding {v}"),
    }
}
