//! Values read from a PantherEvent share the event's storage, and key lookups that hit the
//! exact key (or an ASCII key case-insensitively) allocate nothing.
//!
//! A counting global allocator counts the allocations made by the current thread, so the
//! tests of this binary can run in parallel without seeing each other's allocations.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::rc::Rc;

use ferrule_runtime::event::{
    panther_event, value_from_json, ImmutableCaseInsensitiveDict, ImmutableList,
};
use ferrule_runtime::value::{Dict, Key};
use ferrule_runtime::{ops, PyResult, Value};

struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded to the system allocator unchanged; the counter is a
// const-initialised thread-local Cell, which neither allocates nor has a destructor.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The result of `f` and how many allocations this thread made while running it.
fn allocations<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCS.with(Cell::get);
    let out = f();
    (out, ALLOCS.with(Cell::get) - before)
}

const EVENT: &str = r#"{
    "eventName": "ConsoleLogin",
    "userIdentity": {"type": "Root", "sessionContext": {"attributes": {"mfa": "true"}}},
    "resources": [{"arn": "a"}, {"arn": "b"}],
    "Mixed_Case": "yes",
    "p_log_type": "AWS.CloudTrail"
}"#;

fn event() -> Value {
    panther_event(value_from_json(EVENT).unwrap(), None)
}

fn s(x: &str) -> Value {
    Value::str(x)
}

fn ci(v: &Value) -> &ImmutableCaseInsensitiveDict {
    v.downcast::<ImmutableCaseInsensitiveDict>()
        .expect("an ImmutableCaseInsensitiveDict")
}

/// The raw value the event's own dict holds under `key`.
fn raw_field(ev: &Value, key: &str) -> Value {
    ci(ev)
        .raw()
        .borrow()
        .get(&Key::from_str(key))
        .cloned()
        .unwrap()
}

#[test]
fn nested_dicts_share_the_event_storage() -> PyResult<()> {
    let ev = event();
    let a = ops::getitem(&ev, &s("userIdentity"))?;
    let b = ops::call_method(&ev, "get", &[s("userIdentity")], &[])?;
    let c = ops::call_method(&ev, "get", &[s("USERIDENTITY")], &[])?;
    let Value::Dict(raw) = raw_field(&ev, "userIdentity") else {
        panic!("userIdentity is a dict")
    };
    for v in [&a, &b, &c] {
        assert!(Rc::ptr_eq(&ci(v).raw(), &raw), "a get copied the dict");
    }
    // deep_get reaches the same inner dict as a chain of gets.
    let inner = ops::call_method(
        &ev,
        "deep_get",
        &[s("userIdentity"), s("sessionContext")],
        &[],
    )?;
    let via_get = ops::getitem(&a, &s("sessionContext"))?;
    assert!(Rc::ptr_eq(&ci(&inner).raw(), &ci(&via_get).raw()));
    let Value::Dict(ctx) = raw
        .borrow()
        .get(&Key::from_str("sessionContext"))
        .cloned()
        .unwrap()
    else {
        panic!("sessionContext is a dict")
    };
    assert!(Rc::ptr_eq(&ci(&inner).raw(), &ctx));
    Ok(())
}

#[test]
fn lists_and_strings_share_the_event_storage() -> PyResult<()> {
    let ev = event();
    let l1 = ops::getitem(&ev, &s("resources"))?;
    let l2 = ops::call_method(&ev, "deep_get", &[s("Resources")], &[])?;
    let Value::List(raw) = raw_field(&ev, "resources") else {
        panic!("resources is a list")
    };
    for l in [&l1, &l2] {
        let l = l.downcast::<ImmutableList>().expect("an ImmutableList");
        assert!(Rc::ptr_eq(&l.raw_shared(), &raw));
    }
    let (Value::Str(x), Value::Str(y)) = (
        ops::getitem(&ev, &s("eventName"))?,
        raw_field(&ev, "eventName"),
    ) else {
        panic!("eventName is a str")
    };
    assert!(Rc::ptr_eq(&x, &y), "a str value was copied");
    Ok(())
}

#[test]
fn exact_key_lookups_do_not_allocate() -> PyResult<()> {
    let ev = event();
    let (key, nested, missing, lower) = (
        s("eventName"),
        [
            s("userIdentity"),
            s("sessionContext"),
            s("attributes"),
            s("mfa"),
        ],
        s("nothere"),
        s("mixed_case"),
    );
    let (v, n) = allocations(|| ops::getitem(&ev, &key));
    assert_eq!(
        ops::call_method(&v?, "lower", &[], &[])?.as_str(),
        Some("consolelogin")
    );
    assert_eq!(n, 0, "event[key] allocated");
    let (v, n) = allocations(|| ops::call_method(&ev, "get", std::slice::from_ref(&key), &[]));
    assert_eq!(v?.as_str(), Some("ConsoleLogin"));
    assert_eq!(n, 0, "event.get(key) allocated");
    let (v, n) = allocations(|| ops::call_method(&ev, "deep_get", &nested, &[]));
    assert_eq!(v?.as_str(), Some("true"));
    assert_eq!(n, 0, "event.deep_get(...) allocated");
    let (v, n) = allocations(|| ops::contains(&ev, &key));
    assert!(v?);
    assert_eq!(n, 0, "key in event allocated");
    // A miss scans the keys case-insensitively, and so does an ASCII key in another case.
    let (v, n) = allocations(|| ops::call_method(&ev, "get", std::slice::from_ref(&missing), &[]));
    assert!(v?.is_none());
    assert_eq!(n, 0, "a missing key allocated");
    let (v, n) = allocations(|| ops::getitem(&ev, &lower));
    assert_eq!(v?.as_str(), Some("yes"));
    assert_eq!(n, 0, "a case-insensitive ASCII hit allocated");
    Ok(())
}

/// A counting allocator that never counts would pass the test above: make sure it counts.
#[test]
fn the_counter_sees_allocations() {
    let ev = event();
    let (_, n) = allocations(|| ops::getitem(&ev, &s("userIdentity")));
    assert!(n >= 1, "wrapping a nested dict allocates its wrapper");
}

#[test]
fn case_insensitive_lookup_keeps_panther_core_semantics() -> PyResult<()> {
    let dict = |pairs: Vec<(Value, Value)>| {
        let mut d = Dict::default();
        for (k, v) in pairs {
            d.insert(Key::new(k).unwrap(), v);
        }
        panther_event(Value::dict(d), None)
    };
    let get = |ev: &Value, k: Value| ops::call_method(ev, "get", &[k, s("dflt")], &[]);
    // The first key with the same lower-case form wins.
    let ev = dict(vec![(s("Ab"), Value::Int(1)), (s("aB"), Value::Int(2))]);
    assert!(matches!(get(&ev, s("AB"))?, Value::Int(1)));
    assert!(matches!(get(&ev, s("aB"))?, Value::Int(2)));
    assert_eq!(get(&ev, s("zz"))?.as_str(), Some("dflt"));
    // str.lower, not ASCII folding: the Kelvin sign lowers to `k`; a final sigma to `ς`.
    let ev = dict(vec![
        (s("\u{212a}ey"), Value::Int(1)),
        (s("ΣΑΣ"), Value::Int(2)),
    ]);
    assert!(matches!(get(&ev, s("KEY"))?, Value::Int(1)));
    assert!(matches!(get(&ev, s("σας"))?, Value::Int(2)));
    assert_eq!(get(&ev, s("σασ"))?.as_str(), Some("dflt"));
    // A non-str key raises from `.lower()` once; the key iterator has then moved past it.
    let ev = dict(vec![(Value::Int(1), s("x")), (s("A"), Value::Int(2))]);
    let e = ops::getitem(&ev, &s("a")).unwrap_err();
    assert_eq!(
        e.type_and_message(),
        "AttributeError: 'int' object has no attribute 'lower'"
    );
    assert!(matches!(ops::getitem(&ev, &s("a"))?, Value::Int(2)));
    // Non-str items: unhashable raises TypeError; others miss, then fail on `.lower()`.
    let e = ops::getitem(&ev, &Value::list(vec![Value::Int(1)])).unwrap_err();
    assert_eq!(e.type_and_message(), "TypeError: unhashable type: 'list'");
    let e = ops::getitem(&dict(vec![(s("a"), Value::Int(1))]), &Value::Int(5)).unwrap_err();
    assert_eq!(
        e.type_and_message(),
        "AttributeError: 'int' object has no attribute 'lower'"
    );
    assert!(get(&dict(vec![]), Value::Int(5))?.as_str() == Some("dflt"));
    // deep_get through raw nested dicts: case-insensitive at each level, None -> default.
    let ev = panther_event(value_from_json(r#"{"a": {"B": {"c": null}}}"#)?, None);
    let v = ops::call_method(
        &ev,
        "deep_get",
        &[s("A"), s("b"), s("C")],
        &[("default", Value::Int(7))],
    )?;
    assert!(matches!(v, Value::Int(7)));
    Ok(())
}
