//! `panther_detection_helpers.caching`: the key-value store detections use, behind a trait.
//!
//! In Panther the store is a DynamoDB table. Unit tests run as PAT runs them: a caching
//! function that is not mocked reaches `kv_table()`, which builds a boto3 DynamoDB resource;
//! with no AWS configuration that raises botocore's `NoRegionError` (the default
//! [`NoAwsStore`]; when the environment does configure AWS, PAT would call DynamoDB, which
//! ferrule refuses). Each function checks its arguments exactly as far as caching.py does
//! before it calls `kv_table()`. Checked against the real module by
//! `tests/caching_noaws.rs`. panther_detection_helpers 1.x (pypanther's) differs before
//! the store only in computing the expiry first (`increment_counter`, `add_to_string_set`,
//! `remove_from_string_set`), which is modelled; its behaviour against a reachable store is
//! refused.
//!
//! A pipeline that embeds the generated crate installs its own store with [`set_store`] (the
//! production key-value store). [`MemoryStore`] is an in-memory one with the semantics of
//! caching.py 0.4.0 on DynamoDB: items keep a counter, a string set and a JSON dictionary plus
//! an `expiresAt` epoch; reads ignore expiry unless `force_ttl_check` is set (DynamoDB deletes
//! expired items lazily); the conditional updates of `increment_counter`/
//! `add_to_string_set`/`remove_from_string_set` restart an expired or missing item. Checked
//! against the real module on moto by `tests/caching_cases.rs`.
//! Counters read back from DynamoDB are `decimal.Decimal` (boto3's deserializer), so
//! `get_counter` and `increment_counter` return a [`Decimal`] wherever caching.py returns
//! the stored number, and the plain argument or `0` where it returns those.

use std::cell::RefCell;
use std::collections::HashMap;

use indexmap::IndexSet;

use crate::decimal::Decimal;
use crate::err::{PyErr, PyResult};
use crate::event::bind_args;
use crate::value::{Dict, Key, Kwargs, ModuleObject, Value};

/// One item of the store.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Item {
    /// `intCount`.
    pub count: Option<i64>,
    /// `stringSet`.
    pub string_set: Option<IndexSet<String>>,
    /// Whether `stringSet` is a DynamoDB number set (members are integers in decimal, read
    /// back as `Decimal`s) rather than a string set.
    pub number_set: bool,
    /// `dictionary` (JSON text).
    pub dictionary: Option<String>,
    /// `expiresAt` (epoch seconds).
    pub expires_at: Option<i64>,
}

/// The key-value store behind the caching functions.
pub trait KvStore {
    /// `kv_table()`: whether the table can be reached, or the exception boto3 raises when it
    /// builds the resource.
    fn table(&mut self) -> PyResult<()> {
        Ok(())
    }
    fn get(&self, key: &str) -> Option<Item>;
    fn put(&mut self, key: &str, item: Item);
    fn now(&self) -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0)
    }
}

/// The default in-memory store.
#[derive(Default)]
pub struct MemoryStore {
    items: HashMap<String, Item>,
}

impl KvStore for MemoryStore {
    fn get(&self, key: &str) -> Option<Item> {
        self.items.get(key).cloned()
    }
    fn put(&mut self, key: &str, item: Item) {
        self.items.insert(key.to_string(), item);
    }
}

/// The store of a PAT run with no AWS configuration: `kv_table()` raises boto3's error, so
/// nothing is ever read or written.
#[derive(Default)]
pub struct NoAwsStore;

/// Environment variables through which boto3 would find a region (or a different endpoint),
/// so that `kv_table()` would not raise `NoRegionError`.
const AWS_SETTINGS: &[&str] = &[
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_CONFIG_FILE",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "ENABLE_FIPS",
];

/// Whether this process has an AWS configuration boto3 would use.
pub fn aws_configured() -> bool {
    if AWS_SETTINGS.iter().any(|v| std::env::var_os(v).is_some()) {
        return true;
    }
    std::env::var_os("HOME")
        .map(std::path::PathBuf::from)
        .is_some_and(|h| h.join(".aws").join("config").exists())
}

impl KvStore for NoAwsStore {
    fn table(&mut self) -> PyResult<()> {
        if aws_configured() {
            return Err(crate::ops::unsupported(
                "the caching helpers with an AWS configuration in the environment (PAT would \
                 call DynamoDB)",
            ));
        }
        // `boto3.resource("dynamodb", endpoint_url=None)` with no region.
        Err(crate::stdlib::botocore::new_error("NoRegionError", &[]))
    }
    fn get(&self, _key: &str) -> Option<Item> {
        None
    }
    fn put(&mut self, _key: &str, _item: Item) {}
}

thread_local! {
    static STORE: RefCell<Box<dyn KvStore>> = RefCell::new(Box::new(NoAwsStore));
}

/// The installed panther_detection_helpers version (`ferrule build` embeds it); caching.py
/// 0.4.0's semantics are modelled, and what differs in 1.x before the store is reached.
static VERSION: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

/// Name of the version file in [`crate::runner::Registry::data_files`].
pub const VERSION_FILE: &str = "panther_detection_helpers/version";

/// Installs the version of the installed panther_detection_helpers. The first call wins.
pub fn install_version(v: &'static str) {
    let _ = VERSION.set(v.trim());
}

/// Whether the installed panther_detection_helpers is 1.x or later.
fn is_1x() -> bool {
    VERSION
        .get()
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.parse::<u32>().ok())
        .is_some_and(|m| m >= 1)
}

/// 1.x's `increment_counter`/`add_to_string_set`/`remove_from_string_set` compute
/// `_finalize_epoch_seconds(epoch_seconds)` before `kv_table()` when it is not None (their
/// default is 90 days).
fn finalize_first(epoch: &Option<Value>) -> PyResult<()> {
    if is_1x() {
        let e = epoch
            .clone()
            .unwrap_or(Value::Int(EPOCH_SECONDS_DELTA_DEFAULT));
        if !e.is_none() {
            finalize_epoch_seconds(&e)?;
        }
    }
    Ok(())
}

/// `kv_table()` as caching.py calls it at the start of each store access.
fn table() -> PyResult<()> {
    with_store(|s| s.table())?;
    // The store is reachable: what 1.x does with it (TTL updates, its threshold) is not
    // modelled.
    if is_1x() {
        return Err(crate::ops::unsupported(
            "the caching helpers of panther_detection_helpers 1.x against a reachable store",
        ));
    }
    Ok(())
}

/// Replaces this thread's store.
pub fn set_store(store: Box<dyn KvStore>) {
    STORE.with(|s| *s.borrow_mut() = store);
}

fn with_store<T>(f: impl FnOnce(&mut dyn KvStore) -> T) -> T {
    STORE.with(|s| f(&mut **s.borrow_mut()))
}

const EPOCH_SECONDS_DELTA_DEFAULT: i64 = 90 * 60 * 60 * 24;

fn now_int() -> i64 {
    with_store(|s| s.now()) as i64
}

/// `_finalize_epoch_seconds`.
fn finalize_epoch_seconds(v: &Value) -> PyResult<i64> {
    let n = match v {
        Value::Str(s) => crate::builtins::float_to_int(crate::builtins::parse_float(s)?)?,
        Value::Float(f) => crate::builtins::float_to_int(*f)?,
        Value::Int(i) => *i,
        Value::Bool(b) => i64::from(*b),
        _ => now_int() + EPOCH_SECONDS_DELTA_DEFAULT,
    };
    // Below this, the value is a duration from now (seven days in 0.4.0, 10^9 in 1.x).
    let threshold = if is_1x() { 1_000_000_000 } else { 604801 };
    Ok(if n < threshold { now_int() + n } else { n })
}

fn key_arg(v: &Option<Value>) -> PyResult<String> {
    match v {
        // DynamoDB rejects an empty key with a ValidationException (a botocore ClientError).
        Some(Value::Str(s)) if s.is_empty() => Err(crate::ops::unsupported("an empty cache key")),
        Some(Value::Str(s)) => Ok(s.to_string()),
        // boto3 rejects non-string keys with a ParamValidationError.
        _ => Err(crate::ops::unsupported("a non-string cache key")),
    }
}

fn expired(item: &Item) -> bool {
    match item.expires_at {
        Some(e) if e != 0 => (e as f64) <= with_store(|s| s.now()),
        _ => false,
    }
}

fn get_item(key: &str) -> Option<Item> {
    with_store(|s| s.get(key))
}

fn update(key: &str, f: impl FnOnce(&mut Item)) {
    with_store(|s| {
        let mut item = s.get(key).unwrap_or_default();
        f(&mut item);
        s.put(key, item);
    })
}

/// The set caching.py returns: strings, or the `Decimal`s boto3 reads a number set as.
fn string_set_value(set: &IndexSet<String>, numbers: bool) -> PyResult<Value> {
    if !numbers {
        return Ok(Value::set(set.iter().map(|s| Key::from_str(s)).collect()));
    }
    let mut out = crate::value::Set::new();
    for n in set {
        out.insert(Key::new(Decimal::parse(n)?.into())?);
    }
    Ok(Value::set(out))
}

/// What boto3 makes of `set(val)`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SetKind {
    Strings,
    Numbers,
    /// Numbers and floats: boto3 raises when it serializes the request.
    Floats,
}

fn float_error() -> PyErr {
    PyErr::type_error("Float types are not supported. Use Decimal types instead.")
}

/// The members of `set(val)`, with `set()`'s TypeErrors (not iterable, unhashable).
fn set_items(val: &Value) -> PyResult<Vec<Value>> {
    let items: Vec<Value> = match val {
        Value::List(l) => l.borrow().clone(),
        Value::Tuple(t) => t.to_vec(),
        Value::Set(s) => s.borrow().iter().map(|k| k.value().clone()).collect(),
        Value::FrozenSet(s) => s.iter().map(|k| k.value().clone()).collect(),
        Value::Dict(d) => d.borrow().keys().map(|k| k.value().clone()).collect(),
        Value::Str(s) => s.chars().map(|c| Value::str(c.to_string())).collect(),
        // `set(bytes)` holds ints, which boto3 stores as a DynamoDB number set.
        Value::Bytes(b) => b.iter().map(|&x| Value::Int(x as i64)).collect(),
        Value::Object(o) => match o.iter() {
            Some(r) => r?,
            None => {
                return Err(PyErr::type_error(format!(
                    "'{}' object is not iterable",
                    o.type_name()
                )))
            }
        },
        other => {
            return Err(PyErr::type_error(format!(
                "'{}' object is not iterable",
                other.type_name()
            )))
        }
    };
    for it in &items {
        Key::new(it.clone())?;
    }
    Ok(items)
}

/// The members of `set(val)` for a store operation (numbers as their DynamoDB text), and
/// whether boto3 sends them as a string set or a number set.
fn strings_of(items: Vec<Value>) -> PyResult<(IndexSet<String>, SetKind)> {
    let mut out = IndexSet::new();
    let (mut strings, mut numbers, mut floats) = (false, false, false);
    for it in items {
        let number = match &it {
            Value::Str(s) => {
                strings = true;
                out.insert(s.to_string());
                continue;
            }
            Value::Float(_) => {
                floats = true;
                continue;
            }
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(*b as i64),
            // A Decimal is sent as `str(d)`: only plain integers are modelled.
            other => crate::decimal::as_decimal(other)
                .filter(|d| d.exp == 0 && !(d.neg && d.coeff == 0))
                .and_then(|d| d.as_i64()),
        };
        match number {
            Some(n) => {
                numbers = true;
                out.insert(n.to_string());
            }
            // Mixed or other members: boto3's error depends on the set's order.
            None => {
                return Err(crate::ops::unsupported(
                    "these members of a cached string set",
                ))
            }
        }
    }
    let kind = match (strings, numbers || floats) {
        (true, true) => {
            return Err(crate::ops::unsupported(
                "strings and numbers in one cached set",
            ))
        }
        (true, false) => SetKind::Strings,
        _ if floats => SetKind::Floats,
        _ => SetKind::Numbers,
    };
    Ok((out, kind))
}

fn force(v: &Option<Value>) -> PyResult<bool> {
    v.as_ref().map_or(Ok(false), crate::ops::truthy)
}

fn get_counter(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "get_counter",
        &["key", "force_ttl_check"],
        1,
        false,
        args,
        kwargs,
    )?;
    table()?;
    let key = key_arg(&a[0])?;
    let item = get_item(&key);
    if force(&a[1])? && item.as_ref().is_some_and(expired) {
        return Ok(Value::Int(0));
    }
    // The stored number comes back as a Decimal; the default is the int 0.
    Ok(match item.and_then(|i| i.count) {
        Some(c) => Decimal::from_i64(c).into(),
        None => Value::Int(0),
    })
}

/// `increment_counter` after `kv_table()`: the new count as a Decimal when the item was
/// live, else `val` itself (caching.py returns its argument after restarting an expired
/// counter).
fn increment(key: &Value, val_arg: &Value, epoch: &Value) -> PyResult<Value> {
    let ttl = finalize_epoch_seconds(epoch)?;
    let key = key_arg(&Some(key.clone()))?;
    let key = key.as_str();
    // boto3 serializes the request after caching.py computed the expiry, and refuses floats.
    let val = match val_arg {
        Value::Int(i) => *i,
        // boto3 sends a Decimal as a number; the store keeps 64-bit integers.
        Value::Object(_) if crate::decimal::as_decimal(val_arg).is_some() => {
            crate::decimal::as_decimal(val_arg)
                .and_then(|d| d.as_i64())
                .ok_or_else(|| {
                    crate::ops::unsupported("a non-integral Decimal counter increment")
                })?
        }
        Value::Float(_) => {
            return Err(PyErr::type_error(
                "Float types are not supported. Use Decimal types instead.",
            ))
        }
        // boto3 stores a bool as a DynamoDB BOOL and a str as a string, not a number.
        _ => return Err(crate::ops::unsupported("a non-integer counter increment")),
    };
    let now = finalize_epoch_seconds(&Value::Int(now_int()))?;
    let item = get_item(key);
    // ConditionExpression `expiresAt >= now`: false for a missing item or attribute.
    let live = item
        .as_ref()
        .and_then(|i| i.expires_at)
        .is_some_and(|e| e >= now);
    if live {
        let old = item.and_then(|i| i.count);
        // `ReturnValues="UPDATED_NEW"` leaves out an unchanged attribute (as moto computes
        // it), so caching.py's `response["Attributes"]["intCount"]` fails.
        if val == 0 && old.is_some() {
            update(key, |i| i.expires_at = Some(ttl));
            return Err(PyErr::key_error(Value::str("intCount")));
        }
        let cur = old.unwrap_or(0);
        let new = cur
            .checked_add(val)
            .ok_or_else(|| crate::ops::unsupported("integers beyond 64 bits"))?;
        update(key, |i| {
            i.count = Some(new);
            i.expires_at = Some(ttl);
        });
        Ok(Decimal::from_i64(new).into())
    } else {
        update(key, |i| {
            i.count = Some(val);
            i.expires_at = Some(ttl);
        });
        Ok(val_arg.clone())
    }
}

fn increment_counter(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "increment_counter",
        &["key", "val", "epoch_seconds"],
        1,
        false,
        args,
        kwargs,
    )?;
    let val = a[1].clone().unwrap_or(Value::Int(1));
    finalize_first(&a[2])?;
    table()?;
    increment(
        &a[0].clone().unwrap_or_default(),
        &val,
        &a[2].clone().unwrap_or_default(),
    )
}

fn reset_counter(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args("reset_counter", &["key"], 1, false, args, kwargs)?;
    table()?;
    let key = key_arg(&a[0])?;
    update(&key, |i| i.count = None);
    Ok(Value::None)
}

fn set_key_expiration(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "set_key_expiration",
        &["key", "epoch_seconds"],
        2,
        false,
        args,
        kwargs,
    )?;
    table()?;
    let ttl = finalize_epoch_seconds(&a[1].clone().unwrap_or_default())?;
    let key = key_arg(&a[0])?;
    update(&key, |i| i.expires_at = Some(ttl));
    Ok(Value::None)
}

fn put_dictionary(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "put_dictionary",
        &["key", "val", "epoch_seconds"],
        2,
        false,
        args,
        kwargs,
    )?;
    let val = a[1].clone().unwrap_or_default();
    if !crate::event::is_mapping(&val) {
        return Err(PyErr::type_error(
            "panther_oss_helpers.put_dictionary: value is not a dictionary",
        ));
    }
    // `json.dumps(val)` with the default encoder (immutable event containers included,
    // which it cannot encode).
    let data = match crate::stdlib::json::dumps(std::slice::from_ref(&val), &[]) {
        Ok(Value::Str(d)) => d.to_string(),
        Ok(other) => crate::fmt::str(&other),
        Err(e) if e.matches(crate::ExcKind::TypeError) => {
            return Err(PyErr::value_error(
                "panther_oss_helpers.put_dictionary: value is a dictionary, but it is not JSON serializable",
            ))
        }
        Err(e) => return Err(e),
    };
    table()?;
    let ttl = finalize_epoch_seconds(&a[2].clone().unwrap_or_default())?;
    let key = key_arg(&a[0])?;
    with_store(|s| {
        s.put(
            &key,
            Item {
                dictionary: Some(data),
                expires_at: Some(ttl),
                ..Item::default()
            },
        )
    });
    Ok(Value::None)
}

fn get_dictionary(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "get_dictionary",
        &["key", "force_ttl_check"],
        1,
        false,
        args,
        kwargs,
    )?;
    table()?;
    let key = key_arg(&a[0])?;
    let item = get_item(&key);
    let data = item
        .as_ref()
        .and_then(|i| i.dictionary.clone())
        .unwrap_or_default();
    if data.is_empty() {
        return Ok(Value::dict(Default::default()));
    }
    if force(&a[1])? && item.as_ref().is_some_and(expired) {
        return Ok(Value::dict(Default::default()));
    }
    crate::event::value_from_json(&data).map_err(|_| {
        PyErr::value_error("panther_oss_helpers.get_dictionary: Data found in DynamoDB could not be decoded into JSON")
    })
}

/// `get_string_set(key, force_ttl_check)` after its arguments were bound.
fn get_string_set_impl(key: &Value, force_ttl: bool) -> PyResult<Value> {
    table()?;
    let key = key_arg(&Some(key.clone()))?;
    let item = get_item(&key);
    if force_ttl && item.as_ref().is_some_and(expired) {
        return Ok(Value::set(Default::default()));
    }
    match item {
        Some(Item {
            string_set: Some(s),
            number_set,
            ..
        }) => string_set_value(&s, number_set),
        _ => Ok(Value::set(Default::default())),
    }
}

fn get_string_set(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "get_string_set",
        &["key", "force_ttl_check"],
        1,
        false,
        args,
        kwargs,
    )?;
    // caching.py tests `force_ttl_check` only after reading the item.
    table()?;
    let key = a[0].clone().unwrap_or_default();
    key_arg(&Some(key.clone()))?;
    let forced = force(&a[1])?;
    get_string_set_impl(&key, forced)
}

/// `reset_string_set(key)` after its argument was bound.
fn reset_string_set_impl(key: &Value) -> PyResult<Value> {
    table()?;
    let key = key_arg(&Some(key.clone()))?;
    update(&key, |i| i.string_set = None);
    Ok(Value::None)
}

fn put_string_set(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "put_string_set",
        &["key", "val", "epoch_seconds"],
        2,
        false,
        args,
        kwargs,
    )?;
    let key = a[0].clone().unwrap_or_default();
    let val = a[1].clone().unwrap_or_default();
    if !crate::ops::truthy(&val)? {
        // Can't put an empty string set: caching.py removes it instead.
        return reset_string_set_impl(&key);
    }
    table()?;
    // `Item={"key": key, "stringSet": set(val), "expiresAt": _finalize_epoch_seconds(…)}`,
    // then boto3 serializes the item.
    let items = set_items(&val)?;
    let ttl = finalize_epoch_seconds(&a[2].clone().unwrap_or_default())?;
    let (set, kind) = strings_of(items)?;
    let key = key_arg(&Some(key))?;
    if kind == SetKind::Floats {
        return Err(float_error());
    }
    with_store(|s| {
        s.put(
            &key,
            Item {
                string_set: Some(set),
                number_set: kind == SetKind::Numbers,
                expires_at: Some(ttl),
                ..Item::default()
            },
        )
    });
    Ok(Value::None)
}

fn change_string_set(name: &str, add: bool, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        name,
        &["key", "val", "epoch_seconds"],
        2,
        false,
        args,
        kwargs,
    )?;
    let key_value = a[0].clone().unwrap_or_default();
    let val = a[1].clone().unwrap_or_default();
    let items = match &val {
        Value::Str(_) => vec![val.clone()],
        other => {
            let items = set_items(other)?;
            if items.is_empty() {
                // An empty set cannot be added or removed: the current value is returned.
                return get_string_set_impl(&key_value, true);
            }
            items
        }
    };
    finalize_first(&a[2])?;
    table()?;
    let ttl = finalize_epoch_seconds(&a[2].clone().unwrap_or_default())?;
    let now = finalize_epoch_seconds(&Value::Int(now_int()))?;
    let (items, kind) = strings_of(items)?;
    let key = key_arg(&Some(key_value.clone()))?;
    if kind == SetKind::Floats {
        return Err(float_error());
    }
    let numbers = kind == SetKind::Numbers;
    let item = get_item(&key);
    // ADD/DELETE of a set of the other type is a ValidationException (a ClientError).
    if item
        .as_ref()
        .is_some_and(|i| i.string_set.is_some() && i.number_set != numbers)
    {
        return Err(crate::ops::unsupported(
            "mixing string and number sets in the cache",
        ));
    }
    let live = item
        .as_ref()
        .and_then(|i| i.expires_at)
        .is_some_and(|e| e >= now);
    if !live && !add {
        update(&key, |i| i.string_set = None);
        return Ok(Value::set(Default::default()));
    }
    let before = item.and_then(|i| i.string_set);
    let mut set = if live {
        before.clone().unwrap_or_default()
    } else {
        IndexSet::new()
    };
    if add {
        set.extend(items);
    } else {
        set.retain(|s| !items.contains(s));
    }
    let stored = (!set.is_empty()).then(|| set.clone());
    // `ReturnValues="UPDATED_NEW"` returns only the attributes whose value changed (as moto
    // computes it), so an unchanged set is missing from the response: caching.py then
    // re-reads it with a TTL check when adding and returns `set()` when removing.
    let unchanged = stored == before;
    update(&key, |i| {
        i.string_set = stored;
        i.number_set = numbers;
        i.expires_at = Some(ttl);
    });
    if unchanged {
        if add {
            return get_string_set_impl(&key_value, true);
        }
        return Ok(Value::set(Default::default()));
    }
    string_set_value(&set, numbers)
}

fn add_to_string_set(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    change_string_set("add_to_string_set", true, args, kwargs)
}

fn remove_from_string_set(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    change_string_set("remove_from_string_set", false, args, kwargs)
}

fn reset_string_set(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args("reset_string_set", &["key"], 1, false, args, kwargs)?;
    reset_string_set_impl(&a[0].clone().unwrap_or_default())
}

fn evaluate_threshold(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "evaluate_threshold",
        &["key", "threshold", "expiry_seconds"],
        1,
        false,
        args,
        kwargs,
    )?;
    let key = a[0].clone().unwrap_or_default();
    let threshold = a[1].clone().unwrap_or(Value::Int(10));
    let expiry = a[2].clone().unwrap_or(Value::Int(3600));
    // `increment_counter(key, epoch_seconds=expiry_seconds)`.
    finalize_first(&Some(expiry.clone()))?;
    table()?;
    // The count is a Decimal or the int 1, compared as CPython compares either.
    let count = increment(&key, &Value::Int(1), &expiry)?;
    if crate::ops::compare(crate::ops::CmpOp::Ge, &count, &threshold)? {
        // `reset_counter(key)`.
        table()?;
        let key = key_arg(&Some(key))?;
        update(&key, |i| i.count = None);
        return Ok(Value::Bool(true));
    }
    Ok(Value::Bool(false))
}

fn check_account_age(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args("check_account_age", &["key"], 1, false, args, kwargs)?;
    match &a[0] {
        Some(k @ Value::Str(s)) if !s.is_empty() => {
            let set = get_string_set_impl(k, true)?;
            Ok(Value::Bool(crate::ops::truthy(&set)?))
        }
        _ => Ok(Value::Bool(false)),
    }
}

/// `ttl_expired(response)`: `expiration = response.get("Item", {}).get("expiresAt", 0)`,
/// then `expiration and float(expiration) <= datetime.now().timestamp()`.
fn ttl_expired(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args("ttl_expired", &["response"], 1, false, args, kwargs)?;
    let response = a[0].clone().unwrap_or_default();
    let item = crate::ops::call_method(
        &response,
        "get",
        &[Value::str("Item"), Value::dict(Dict::default())],
        &[],
    )?;
    let expiration =
        crate::ops::call_method(&item, "get", &[Value::str("expiresAt"), Value::Int(0)], &[])?;
    if !crate::ops::truthy(&expiration)? {
        return Ok(expiration);
    }
    let float = crate::builtins::lookup("float").ok_or_else(|| crate::ops::unsupported("float"))?;
    let expiration = crate::ops::call(&float, &[expiration], &[])?;
    // `datetime.now().timestamp()`, on the store's clock.
    let stamp = Value::Float(with_store(|s| s.now()));
    Ok(Value::Bool(crate::ops::compare(
        crate::ops::CmpOp::Le,
        &expiration,
        &stamp,
    )?))
}

fn kv_table(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let _ = bind_args("kv_table", &[], 0, false, args, kwargs)?;
    table()?;
    Err(crate::ops::unsupported(
        "caching.kv_table (direct DynamoDB access)",
    ))
}

fn attr(name: &str) -> Option<Value> {
    let f: crate::value::NativeFn = match name {
        "get_counter" => get_counter,
        "increment_counter" => increment_counter,
        "reset_counter" => reset_counter,
        "set_key_expiration" => set_key_expiration,
        "put_dictionary" => put_dictionary,
        "get_dictionary" => get_dictionary,
        "get_string_set" => get_string_set,
        "put_string_set" => put_string_set,
        "add_to_string_set" => add_to_string_set,
        "remove_from_string_set" => remove_from_string_set,
        "reset_string_set" => reset_string_set,
        "evaluate_threshold" => evaluate_threshold,
        "check_account_age" => check_account_age,
        "ttl_expired" => ttl_expired,
        "kv_table" => kv_table,
        "_finalize_epoch_seconds" => finalize_epoch_seconds_fn,
        _ => return constant(name),
    };
    Some(Value::impure_func(name, f))
}

/// `_finalize_epoch_seconds(epoch_seconds)`.
fn finalize_epoch_seconds_fn(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "_finalize_epoch_seconds",
        &["epoch_seconds"],
        1,
        false,
        args,
        kwargs,
    )?;
    finalize_epoch_seconds(&a[0].clone().unwrap_or_default()).map(Value::Int)
}

/// The module's other names: its constants, `_KV_TABLE` (None until a table was built,
/// which never happens without AWS) and the modules and classes it imports.
fn constant(name: &str) -> Option<Value> {
    Some(match name {
        "_COUNT_COL" => Value::str("intCount"),
        "_STRING_SET_COL" => Value::str("stringSet"),
        "_DICT_COL" => Value::str("dictionary"),
        "_TTL_COL" => Value::str("expiresAt"),
        "_EPOCH_SECONDS_DELTA_DEFAULT" => Value::Int(EPOCH_SECONDS_DELTA_DEFAULT),
        "_KV_TABLE" => Value::None,
        // `os.getenv("ENABLE_FIPS", "").lower() == "true"`.
        "FIPS_ENABLED" => Value::Bool(
            crate::unicode::lower(&std::env::var("ENABLE_FIPS").unwrap_or_default()) == "true",
        ),
        "FIPS_SUFFIX" => Value::str(format!(
            "-fips.{}.amazonaws.com",
            std::env::var("AWS_REGION").unwrap_or_default()
        )),
        "ClientError" => crate::stdlib::botocore::class("ClientError")?,
        "monitoring" => crate::stdlib::detection_helpers::monitoring(),
        "json" | "os" | "boto3" => crate::stdlib::import(name)?,
        _ => return None,
    })
}

/// The module `panther_detection_helpers.caching`.
pub fn module() -> Value {
    Value::object(ModuleObject {
        name: "panther_detection_helpers.caching",
        attr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: &[Value]) -> PyResult<Value> {
        crate::ops::call(&attr(name).expect("function"), args, &[])
    }

    #[test]
    fn empty_store_defaults() {
        set_store(Box::<MemoryStore>::default());
        let k = || Value::str("k");
        assert!(matches!(call("get_counter", &[k()]), Ok(Value::Int(0))));
        assert!(matches!(
            call("check_account_age", &[k()]),
            Ok(Value::Bool(false))
        ));
        assert!(
            matches!(call("get_string_set", &[k()]), Ok(Value::Set(s)) if s.borrow().is_empty())
        );
        assert!(
            matches!(call("get_dictionary", &[k()]), Ok(Value::Dict(d)) if d.borrow().is_empty())
        );
        // A new counter starts at the increment; a live one adds to it.
        assert!(matches!(
            call("increment_counter", &[k()]),
            Ok(Value::Int(1))
        ));
        // Numbers read back from DynamoDB are Decimals.
        let r = call("increment_counter", &[k(), Value::Int(5)]).expect("increment");
        assert_eq!(crate::fmt::repr(&r), "Decimal('6')");
        let r = call("get_counter", &[k()]).expect("get");
        assert_eq!(crate::fmt::repr(&r), "Decimal('6')");
        call("reset_counter", &[k()]).expect("reset");
        assert!(matches!(call("get_counter", &[k()]), Ok(Value::Int(0))));
        let e = call("get_counter", &[]).expect_err("missing key");
        assert_eq!(
            e.str(),
            "get_counter() missing 1 required positional argument: 'key'"
        );
    }

    #[test]
    fn string_sets_and_ttl() {
        set_store(Box::<MemoryStore>::default());
        let k = || Value::str("s");
        call("put_string_set", &[k(), Value::list(vec![Value::str("a")])]).expect("put");
        assert!(matches!(
            call("check_account_age", &[k()]),
            Ok(Value::Bool(true))
        ));
        let r = call("add_to_string_set", &[k(), Value::str("b")]).expect("add");
        assert_eq!(crate::fmt::repr(&r), "{'a', 'b'}");
        let r = call("remove_from_string_set", &[k(), Value::str("a")]).expect("remove");
        assert_eq!(crate::fmt::repr(&r), "{'b'}");
        // An expiry in the past: a forced TTL check sees nothing.
        call("set_key_expiration", &[k(), Value::Int(1_000_000)]).expect("expire");
        assert!(matches!(
            call("check_account_age", &[k()]),
            Ok(Value::Bool(false))
        ));
        let mut d = crate::value::Dict::default();
        d.insert(Key::from_str("x"), Value::Int(1));
        call("put_dictionary", &[Value::str("d"), Value::dict(d)]).expect("put dict");
        let got = call("get_dictionary", &[Value::str("d")]).expect("get dict");
        assert_eq!(crate::fmt::repr(&got), "{'x': 1}");
        let e = call("put_dictionary", &[Value::str("d"), Value::Int(1)]).expect_err("not a dict");
        assert_eq!(
            e.str(),
            "panther_oss_helpers.put_dictionary: value is not a dictionary"
        );
    }
}
