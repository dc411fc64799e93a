//! The parts of `policyuniverse` that ferrule does not compile from the library's source:
//! the package `__init__` and the modules that read its AWS service data (`action`,
//! `action_categories`, `expander_minimizer`).
//!
//! `policyuniverse.policy`, `.statement`, `.arn`, `.organization` and `.common` are compiled
//! from the installed package like global helpers. The package's `__init__.py` reads
//! `data.json` at import and builds `_action_categories` (action → category) and
//! `all_permissions` (the set of every `prefix:action`); `ferrule build` reads that file from
//! the installed package and embeds the part those two need (each service's prefix and its
//! actions with their `calculated_action_group`, in file order) as a data file
//! ([`install`]); the runtime then builds both exactly as the package does, so sets iterate
//! in CPython's order. The functions below are the library's Python, written against the
//! runtime's operations (each step raises what the Python step raises). `service_data`
//! itself (the whole file) is not provided.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::OnceLock;

use crate::err::{PyErr, PyResult};
use crate::event::bind_args;
use crate::ops;
use crate::value::{Dict, Key, Kwargs, Value};

/// Name of the data file in [`crate::runner::Registry::data_files`].
pub const DATA_FILE: &str = "policyuniverse/service_actions.json";

static DATA: OnceLock<&'static str> = OnceLock::new();

/// Installs the service actions read from the installed package. The first call wins.
pub fn install(json: &'static str) {
    let _ = DATA.set(json);
}

/// The package state `__init__.py` builds.
struct Package {
    action_categories: Value,
    all_permissions: Value,
}

thread_local! {
    static PACKAGE: RefCell<Option<Rc<Package>>> = const { RefCell::new(None) };
}

fn no_data() -> PyErr {
    ops::unsupported(
        "policyuniverse's AWS service data (`ferrule build` found no policyuniverse data.json \
         in the Python environment)",
    )
}

/// A service's prefix and its actions with their `calculated_action_group`.
type Service = (String, Vec<(String, String)>);

/// The data file: `[[prefix, [[action, calculated_action_group], …]], …]`.
fn parse(json: &str) -> Option<Vec<Service>> {
    let tree: serde_json::Value = serde_json::from_str(json).ok()?;
    let mut out = Vec::new();
    for svc in tree.as_array()? {
        let svc = svc.as_array()?;
        let prefix = svc.first()?.as_str()?.to_string();
        let mut actions = Vec::new();
        for a in svc.get(1)?.as_array()? {
            let a = a.as_array()?;
            actions.push((
                a.first()?.as_str()?.to_string(),
                a.get(1)?.as_str()?.to_string(),
            ));
        }
        out.push((prefix, actions));
    }
    Some(out)
}

fn builtin(name: &str) -> PyResult<Value> {
    crate::builtins::lookup(name).ok_or_else(|| ops::unsupported(name))
}

/// `"{}:{}".format(prefix, action.lower())`.
fn permission(prefix: &str, action: &str) -> PyResult<Value> {
    let lower = ops::call_method(&Value::str(action), "lower", &[], &[])?;
    Ok(Value::str(format!(
        "{}:{}",
        prefix,
        lower.as_str().unwrap_or_default()
    )))
}

/// `__init__.py`: `_action_categories.update(build_action_categories_from_service_data(…))`
/// and `all_permissions.update(build_service_actions_from_service_data(…))`.
fn package() -> PyResult<Rc<Package>> {
    if let Some(p) = PACKAGE.with(|p| p.borrow().clone()) {
        return Ok(p);
    }
    let services = DATA.get().and_then(|d| parse(d)).ok_or_else(no_data)?;
    let mut categories = Dict::default();
    let permissions = ops::call(&builtin("set")?, &[], &[])?;
    for (prefix, actions) in &services {
        for (action, group) in actions {
            let key = permission(prefix, action)?;
            categories.insert(Key::new(key.clone())?, Value::str(group.as_str()));
            ops::call_method(&permissions, "add", &[key], &[])?;
        }
    }
    let action_categories = Value::dict(Dict::default());
    ops::call_method(
        &action_categories,
        "update",
        &[Value::dict(categories)],
        &[],
    )?;
    let all_permissions = ops::call(&builtin("set")?, &[], &[])?;
    ops::call_method(&all_permissions, "update", &[permissions], &[])?;
    let p = Rc::new(Package {
        action_categories,
        all_permissions,
    });
    PACKAGE.with(|c| *c.borrow_mut() = Some(p.clone()));
    Ok(p)
}

/// A module attribute that needs the package data: `None` (so the name is refused) when
/// the data is missing.
fn data_attr(f: impl FnOnce(&Package) -> Value) -> Option<Value> {
    package().ok().map(|p| f(&p))
}

/// Attributes of the `policyuniverse` package.
pub fn attr(name: &str) -> Option<Value> {
    match name {
        // `logger = logging.getLogger(__name__)` in the package's `__init__.py`.
        "logger" => crate::stdlib::logging::get_logger(&[Value::str("policyuniverse")], &[]).ok(),
        "_action_categories" => data_attr(|p| p.action_categories.clone()),
        "all_permissions" => data_attr(|p| p.all_permissions.clone()),
        "expand_policy" => Some(Value::func("expand_policy", expand_policy)),
        "get_actions_from_statement" => Some(Value::func(
            "get_actions_from_statement",
            get_actions_from_statement,
        )),
        "build_action_categories_from_service_data" => Some(Value::func(
            "build_action_categories_from_service_data",
            build_action_categories_from_service_data,
        )),
        "build_service_actions_from_service_data" => Some(Value::func(
            "build_service_actions_from_service_data",
            build_service_actions_from_service_data,
        )),
        "action" | "action_categories" | "expander_minimizer" => {
            crate::stdlib::import(&format!("policyuniverse.{name}"))
        }
        "json" | "os" | "logging" => crate::stdlib::import(name),
        _ => None,
    }
}

/// Attributes of `policyuniverse.action`.
pub fn action_attr(name: &str) -> Option<Value> {
    match name {
        "build_service_actions_from_service_data" => Some(Value::func(
            "build_service_actions_from_service_data",
            build_service_actions_from_service_data,
        )),
        _ => None,
    }
}

/// Attributes of `policyuniverse.action_categories`.
pub fn action_categories_attr(name: &str) -> Option<Value> {
    match name {
        "translate_aws_action_groups" => Some(Value::func(
            "translate_aws_action_groups",
            translate_aws_action_groups,
        )),
        "build_action_categories_from_service_data" => Some(Value::func(
            "build_action_categories_from_service_data",
            build_action_categories_from_service_data,
        )),
        "categories_for_actions" => Some(Value::func(
            "categories_for_actions",
            categories_for_actions,
        )),
        "actions_for_category" => Some(Value::func("actions_for_category", actions_for_category)),
        "_action_categories" => data_attr(|p| p.action_categories.clone()),
        "defaultdict" => crate::stdlib::collections::attr("defaultdict"),
        _ => None,
    }
}

/// Attributes of `policyuniverse.expander_minimizer`.
pub fn expander_minimizer_attr(name: &str) -> Option<Value> {
    let f: crate::value::NativeFn = match name {
        "policy_headers" => {
            return Some(Value::list(
                ["rolepolicies", "grouppolicies", "userpolicies", "policy"]
                    .into_iter()
                    .map(Value::str)
                    .collect(),
            ))
        }
        "all_permissions" => return data_attr(|p| p.all_permissions.clone()),
        "fnmatch" | "json" | "copy" | "sys" => return crate::stdlib::import(name),
        "expand_minimize_over_policies" => expand_minimize_over_policies,
        "_get_prefixes_for_action" => get_prefixes_for_action_fn,
        "_expand" => expand_fn,
        "_expand_wildcard_action" => expand_wildcard_action_fn,
        "_get_desired_actions_from_statement" => get_desired_actions_fn,
        "_get_denied_prefixes_from_desired" => get_denied_prefixes_fn,
        "_check_min_permission_length" => check_min_permission_length_fn,
        "minimize_statement_actions" => minimize_statement_actions,
        "get_actions_from_statement" => get_actions_from_statement,
        "_invert_actions" => invert_actions_fn,
        "expand_policy" => expand_policy,
        "minimize_policy" => minimize_policy,
        _ => return None,
    };
    // The minimizer prints; every function may call back into Python (`activity`).
    Some(Value::impure_func(name, f))
}

fn s(text: &str) -> Value {
    Value::str(text)
}

/// `"{}".format(x)` pieces: `format(x, "")`.
fn fmt(v: &Value) -> PyResult<String> {
    crate::fmt::format(v, "")
}

/// `build_service_actions_from_service_data(service_data)`.
fn build_service_actions_from_service_data(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "build_service_actions_from_service_data",
        &["service_data"],
        1,
        false,
        args,
        kwargs,
    )?;
    let data = a[0].clone().unwrap_or_default();
    let permissions = ops::call(&builtin("set")?, &[], &[])?;
    for service_name in ops::iter(&data)? {
        let service = ops::getitem(&data, &service_name)?;
        let prefix = ops::getitem(&service, &s("prefix"))?;
        let actions = ops::getitem(&service, &s("actions"))?;
        for action in ops::iter(&actions)? {
            let lower = ops::call_method(&action, "lower", &[], &[])?;
            let p = format!("{}:{}", fmt(&prefix)?, fmt(&lower)?);
            ops::call_method(&permissions, "add", &[Value::str(p)], &[])?;
        }
    }
    Ok(permissions)
}

/// `translate_aws_action_groups(groups)`.
fn translate_aws_action_groups(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "translate_aws_action_groups",
        &["groups"],
        1,
        false,
        args,
        kwargs,
    )?;
    let groups = a[0].clone().unwrap_or_default();
    for (group, out) in [
        ("Permissions", "Permissions"),
        ("ListOnly", "List"),
        ("ReadOnly", "Read"),
        ("Tagging", "Tagging"),
        ("ReadWrite", "Write"),
    ] {
        if ops::contains(&groups, &s(group))? {
            return Ok(s(out));
        }
    }
    Ok(s("Unknown"))
}

/// `build_action_categories_from_service_data(service_data)`.
fn build_action_categories_from_service_data(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "build_action_categories_from_service_data",
        &["service_data"],
        1,
        false,
        args,
        kwargs,
    )?;
    let data = a[0].clone().unwrap_or_default();
    let out = Value::dict(Dict::default());
    for service_name in ops::iter(&data)? {
        let body = ops::getitem(&data, &service_name)?;
        let prefix = ops::getitem(&body, &s("prefix"))?;
        let actions = ops::getitem(&body, &s("actions"))?;
        for pair in ops::iter(&ops::call_method(&actions, "items", &[], &[])?)? {
            let kv = crate::call::unpack(&pair, 2)?;
            let lower = ops::call_method(&kv[0], "lower", &[], &[])?;
            let key = Value::str(format!("{}:{}", fmt(&prefix)?, fmt(&lower)?));
            let group = ops::getitem(&kv[1], &s("calculated_action_group"))?;
            ops::setitem(&out, &key, group)?;
        }
    }
    Ok(out)
}

/// `categories_for_actions(actions)`: a `defaultdict(set)` of service → categories (None
/// for an action the data does not know).
fn categories_for_actions(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "categories_for_actions",
        &["actions"],
        1,
        false,
        args,
        kwargs,
    )?;
    let actions = a[0].clone().unwrap_or_default();
    let groups = crate::stdlib::collections::defaultdict(&[builtin("set")?], &[])?;
    for action in ops::iter(&actions)? {
        let parts = ops::call_method(&action, "split", &[s(":")], &[])?;
        let service = ops::getitem(&parts, &Value::Int(0))?;
        let p = package()?;
        let category = ops::call_method(&p.action_categories, "get", &[action], &[])?;
        let set = ops::getitem(&groups, &service)?;
        ops::call_method(&set, "add", &[category], &[])?;
    }
    Ok(groups)
}

/// `actions_for_category(category)`.
fn actions_for_category(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "actions_for_category",
        &["category"],
        1,
        false,
        args,
        kwargs,
    )?;
    let category = a[0].clone().unwrap_or_default();
    let p = package()?;
    let actions = ops::call(&builtin("set")?, &[], &[])?;
    for pair in ops::iter(&ops::call_method(&p.action_categories, "items", &[], &[])?)? {
        let kv = crate::call::unpack(&pair, 2)?;
        if ops::compare(ops::CmpOp::Eq, &kv[1], &category)? {
            ops::call_method(&actions, "add", &[kv[0].clone()], &[])?;
        }
    }
    Ok(actions)
}

/// `policyuniverse.common.ensure_array(obj)`: `obj` when it is a non-string Sequence,
/// else `[obj]`.
fn ensure_array(obj: &Value) -> PyResult<Value> {
    if matches!(obj, Value::Str(_) | Value::Bytes(_)) {
        return Ok(Value::list(vec![obj.clone()]));
    }
    let sequence = crate::stdlib::collections::abc_attr("Sequence")
        .ok_or_else(|| ops::unsupported("collections.abc.Sequence"))?;
    let is_seq = ops::call(&builtin("isinstance")?, &[obj.clone(), sequence], &[])?;
    if ops::truthy(&is_seq)? {
        Ok(obj.clone())
    } else {
        Ok(Value::list(vec![obj.clone()]))
    }
}

/// `expand_minimize_over_policies(policies, activity, **kwargs)`.
fn expand_minimize_over_policies(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let qual = "expand_minimize_over_policies";
    if args.len() > 2 {
        return Err(PyErr::type_error(format!(
            "{qual}() takes 2 positional arguments but {} were given",
            args.len()
        )));
    }
    let mut policies = args.first().cloned();
    let mut activity = args.get(1).cloned();
    let mut extra: Vec<(&str, Value)> = Vec::new();
    for (k, v) in kwargs {
        let slot = match *k {
            "policies" => &mut policies,
            "activity" => &mut activity,
            _ => {
                extra.push((k, v.clone()));
                continue;
            }
        };
        if slot.is_some() {
            return Err(PyErr::type_error(format!(
                "{qual}() got multiple values for argument '{k}'"
            )));
        }
        *slot = Some(v.clone());
    }
    let (policies, activity) = match (policies, activity) {
        (Some(p), Some(a)) => (p, a),
        (p, a) => {
            let missing = match (p, a) {
                (None, None) => "2 required positional arguments: 'policies' and 'activity'",
                (None, _) => "1 required positional argument: 'policies'",
                _ => "1 required positional argument: 'activity'",
            };
            return Err(PyErr::type_error(format!("{qual}() missing {missing}")));
        }
    };
    let call_activity = |policy: Value| -> PyResult<Value> {
        if extra.iter().any(|(k, _)| *k == "policy") {
            // CPython's message names the callee's qualified name.
            return Err(ops::unsupported(
                "`expand_minimize_over_policies` with a `policy` keyword argument",
            ));
        }
        let mut kw: Vec<(&str, Value)> = vec![("policy", policy)];
        kw.extend(extra.iter().cloned());
        ops::call(&activity, &[], &kw)
    };
    for header in ["rolepolicies", "grouppolicies", "userpolicies", "policy"] {
        if ops::contains(&policies, &s(header))? {
            let inner = Value::dict(Dict::default());
            let output = Value::dict(Dict::default());
            ops::setitem(&output, &s(header), inner.clone())?;
            for policy in ops::iter(&ops::getitem(&policies, &s(header))?)? {
                let value = ops::getitem(&ops::getitem(&policies, &s(header))?, &policy)?;
                let r = call_activity(value)?;
                ops::setitem(&ops::getitem(&output, &s(header))?, &policy, r)?;
            }
            return Ok(output);
        }
    }
    call_activity(policies)
}

/// `_get_prefixes_for_action(action)`.
fn get_prefixes_for_action(action: &Value) -> PyResult<Vec<Value>> {
    let parts = ops::call_method(action, "split", &[s(":")], &[])?;
    let tp = crate::call::unpack(&parts, 2)?;
    let (technology, permission) = (fmt(&tp[0])?, &tp[1]);
    let mut out = vec![Value::str(format!("{technology}:"))];
    let mut phrase = String::new();
    for ch in ops::iter(permission)? {
        let newphrase = format!("{}{}", phrase, fmt(&ch)?);
        out.push(Value::str(format!("{technology}:{newphrase}")));
        phrase = newphrase;
    }
    Ok(out)
}

fn get_prefixes_for_action_fn(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "_get_prefixes_for_action",
        &["action"],
        1,
        false,
        args,
        kwargs,
    )?;
    Ok(Value::list(get_prefixes_for_action(
        &a[0].clone().unwrap_or_default(),
    )?))
}

/// `_expand(action)`: `fnmatch.filter(all_permissions, action.lower())`, or `[action]`
/// when nothing matches.
fn expand(action: &Value) -> PyResult<Vec<Value>> {
    let pattern = ops::call_method(action, "lower", &[], &[])?;
    let p = package()?;
    let found = crate::stdlib::fnmatch::filter(&[p.all_permissions.clone(), pattern], &[])?;
    let found = ops::iter(&found)?;
    if found.is_empty() {
        return Ok(vec![action.clone()]);
    }
    Ok(found)
}

fn expand_fn(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args("_expand", &["action"], 1, false, args, kwargs)?;
    Ok(Value::list(expand(&a[0].clone().unwrap_or_default())?))
}

/// `_expand_wildcard_action(actions)`.
fn expand_wildcard_action(actions: &Value) -> PyResult<Vec<Value>> {
    let list = match actions {
        Value::Str(text) => {
            if !text.contains('*') {
                return Ok(vec![ops::call_method(actions, "lower", &[], &[])?]);
            }
            vec![actions.clone()]
        }
        // `map(_expand, actions)` takes `iter(actions)` first.
        other => ops::iter(other)?,
    };
    let mut out = Vec::new();
    for action in list {
        for item in expand(&action)? {
            out.push(ops::call_method(&item, "lower", &[], &[])?);
        }
    }
    Ok(out)
}

fn expand_wildcard_action_fn(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "_expand_wildcard_action",
        &["actions"],
        1,
        false,
        args,
        kwargs,
    )?;
    Ok(Value::list(expand_wildcard_action(
        &a[0].clone().unwrap_or_default(),
    )?))
}

fn new_set(items: Vec<Value>) -> PyResult<Value> {
    ops::call(&builtin("set")?, &[Value::list(items)], &[])
}

/// `_get_desired_actions_from_statement(statement)`.
fn get_desired_actions(statement: &Value) -> PyResult<Value> {
    let desired = new_set(Vec::new())?;
    let actions = expand_wildcard_action(&ops::getitem(statement, &s("Action"))?)?;
    let p = package()?;
    for action in actions {
        if !ops::contains(&p.all_permissions, &action)? {
            return Err(PyErr::new(
                crate::err::ExcKind::Exception,
                format!(
                    "Desired action not found in master permission list. {}",
                    fmt(&action)?
                ),
            ));
        }
        ops::call_method(&desired, "add", &[action], &[])?;
    }
    Ok(desired)
}

fn get_desired_actions_fn(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "_get_desired_actions_from_statement",
        &["statement"],
        1,
        false,
        args,
        kwargs,
    )?;
    get_desired_actions(&a[0].clone().unwrap_or_default())
}

/// `_get_denied_prefixes_from_desired(desired_actions)`.
fn get_denied_prefixes(desired: &Value) -> PyResult<Value> {
    let p = package()?;
    let denied_actions = ops::call_method(
        &p.all_permissions,
        "difference",
        std::slice::from_ref(desired),
        &[],
    )?;
    let denied_prefixes = new_set(Vec::new())?;
    for denied in ops::iter(&denied_actions)? {
        for prefix in get_prefixes_for_action(&denied)? {
            ops::call_method(&denied_prefixes, "add", &[prefix], &[])?;
        }
    }
    Ok(denied_prefixes)
}

fn get_denied_prefixes_fn(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "_get_denied_prefixes_from_desired",
        &["desired_actions"],
        1,
        false,
        args,
        kwargs,
    )?;
    get_denied_prefixes(&a[0].clone().unwrap_or_default())
}

/// Writes what `print(text, file=sys.stderr)` writes.
fn print_stderr(text: &str) {
    eprintln!("{text}");
}

/// `print(text)`, through the runtime's `print`.
fn print_stdout(text: String) -> PyResult<()> {
    ops::call(&builtin("print")?, &[Value::str(text)], &[]).map(|_| ())
}

/// `_check_min_permission_length(permission, minchars=None)`.
fn check_min_permission_length(permission: &Value, minchars: &Value) -> PyResult<bool> {
    if !ops::truthy(minchars)? {
        return Ok(false);
    }
    let len = ops::len(permission)?;
    let min = ops::call(&builtin("int")?, std::slice::from_ref(minchars), &[])?;
    if ops::compare(ops::CmpOp::Lt, &Value::Int(len as i64), &min)?
        && !ops::compare(ops::CmpOp::Eq, permission, &s(""))?
    {
        print_stderr(&format!(
            "Skipping prefix {} because length of {}",
            fmt(permission)?,
            ops::len(permission)?
        ));
        return Ok(true);
    }
    Ok(false)
}

fn check_min_permission_length_fn(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "_check_min_permission_length",
        &["permission", "minchars"],
        1,
        false,
        args,
        kwargs,
    )?;
    check_min_permission_length(
        &a[0].clone().unwrap_or_default(),
        &a[1].clone().unwrap_or_default(),
    )
    .map(Value::Bool)
}

/// `minimize_statement_actions(statement, minchars=None)`.
fn minimize_statement(statement: &Value, minchars: &Value) -> PyResult<Value> {
    let minimized = new_set(Vec::new())?;
    let effect = ops::getitem(statement, &s("Effect"))?;
    if !ops::compare(ops::CmpOp::Eq, &effect, &s("Allow"))? {
        return Err(PyErr::new(
            crate::err::ExcKind::Exception,
            "Minification does not currently work on Deny statements.",
        ));
    }
    let desired = get_desired_actions(statement)?;
    let denied = get_denied_prefixes(&desired)?;
    for action in ops::iter(&desired)? {
        if ops::contains(&denied, &action)? {
            print_stdout(format!(
                "Action is a denied prefix. Action: {}",
                fmt(&action)?
            ))?;
            ops::call_method(&minimized, "add", &[action], &[])?;
            continue;
        }
        let mut found = false;
        let prefixes = get_prefixes_for_action(&action)?;
        for prefix in &prefixes {
            let parts = ops::call_method(prefix, "split", &[s(":")], &[])?;
            let permission = ops::getitem(&parts, &Value::Int(1))?;
            if check_min_permission_length(&permission, minchars)? {
                continue;
            }
            if !ops::contains(&denied, prefix)? {
                let mut prefix = prefix.clone();
                if !ops::contains(&desired, &prefix)? {
                    prefix = Value::str(format!("{}*", fmt(&prefix)?));
                }
                ops::call_method(&minimized, "add", &[prefix], &[])?;
                found = true;
                break;
            }
        }
        if !found {
            let last = prefixes.last().cloned().unwrap_or_default();
            print_stdout(format!(
                "Could not suitable prefix. Defaulting to {}",
                fmt(&last)?
            ))?;
            ops::call_method(&minimized, "add", &[last], &[])?;
        }
    }
    let list = ops::call(&builtin("list")?, &[minimized], &[])?;
    ops::call_method(&list, "sort", &[], &[])?;
    Ok(list)
}

fn minimize_statement_actions(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "minimize_statement_actions",
        &["statement", "minchars"],
        1,
        false,
        args,
        kwargs,
    )?;
    minimize_statement(
        &a[0].clone().unwrap_or_default(),
        &a[1].clone().unwrap_or_default(),
    )
}

/// `get_actions_from_statement(statement)`.
fn actions_from_statement(statement: &Value) -> PyResult<Value> {
    let mut allowed = new_set(Vec::new())?;
    let actions = ensure_array(&ops::call_method(
        statement,
        "get",
        &[s("Action"), Value::list(Vec::new())],
        &[],
    )?)?;
    for action in ops::iter(&actions)? {
        let expanded = new_set(expand_wildcard_action(&action)?)?;
        allowed = ops::call_method(&allowed, "union", &[expanded], &[])?;
    }
    let mut inverted = new_set(Vec::new())?;
    let not_actions = ensure_array(&ops::call_method(
        statement,
        "get",
        &[s("NotAction"), Value::list(Vec::new())],
        &[],
    )?)?;
    for action in ops::iter(&not_actions)? {
        let expanded = new_set(expand_wildcard_action(&action)?)?;
        inverted = ops::call_method(&inverted, "union", &[expanded], &[])?;
    }
    if ops::truthy(&inverted)? {
        let actions = invert_actions(&inverted)?;
        allowed = ops::call_method(&allowed, "union", &[actions], &[])?;
    }
    Ok(allowed)
}

fn get_actions_from_statement(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "get_actions_from_statement",
        &["statement"],
        1,
        false,
        args,
        kwargs,
    )?;
    actions_from_statement(&a[0].clone().unwrap_or_default())
}

/// `_invert_actions(actions)`: `all_permissions.difference(actions)`.
fn invert_actions(actions: &Value) -> PyResult<Value> {
    let p = package()?;
    ops::call_method(
        &p.all_permissions,
        "difference",
        std::slice::from_ref(actions),
        &[],
    )
}

fn invert_actions_fn(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args("_invert_actions", &["actions"], 1, false, args, kwargs)?;
    invert_actions(&a[0].clone().unwrap_or_default())
}

/// `copy.deepcopy` of the values a policy is made of. Immutable event containers copy to
/// themselves (any write to them raises as on the copy CPython makes); objects the runtime
/// cannot copy exactly are refused.
fn deepcopy(v: &Value, memo: &mut Vec<(usize, Value)>) -> PyResult<Value> {
    let addr = |p: *const ()| p as usize;
    match v {
        Value::None
        | Value::Bool(_)
        | Value::Int(_)
        | Value::Float(_)
        | Value::Str(_)
        | Value::Bytes(_) => Ok(v.clone()),
        Value::List(l) => {
            let id = addr(Rc::as_ptr(l) as *const ());
            if let Some((_, c)) = memo.iter().find(|(k, _)| *k == id) {
                return Ok(c.clone());
            }
            let out = Value::list(Vec::new());
            memo.push((id, out.clone()));
            let items = l.borrow().clone();
            let mut copied = Vec::with_capacity(items.len());
            for x in &items {
                copied.push(deepcopy(x, memo)?);
            }
            if let Value::List(o) = &out {
                *o.borrow_mut() = copied;
            }
            Ok(out)
        }
        Value::Dict(d) => {
            let id = addr(Rc::as_ptr(d) as *const ());
            if let Some((_, c)) = memo.iter().find(|(k, _)| *k == id) {
                return Ok(c.clone());
            }
            let out = Value::dict(Dict::default());
            memo.push((id, out.clone()));
            let items: Vec<(Key, Value)> = d
                .borrow()
                .iter()
                .map(|(k, x)| (k.clone(), x.clone()))
                .collect();
            for (k, x) in items {
                let kc = deepcopy(k.value(), memo)?;
                let xc = deepcopy(&x, memo)?;
                ops::setitem(&out, &kc, xc)?;
            }
            Ok(out)
        }
        Value::Tuple(t) => {
            let mut copied = Vec::with_capacity(t.len());
            for x in t.iter() {
                copied.push(deepcopy(x, memo)?);
            }
            Ok(Value::tuple(copied))
        }
        Value::Object(o)
            if o.as_any()
                .is::<crate::event::ImmutableCaseInsensitiveDict>()
                || o.as_any().is::<crate::event::ImmutableList>() =>
        {
            Ok(v.clone())
        }
        other => Err(ops::unsupported(&format!(
            "copy.deepcopy of a '{}' in a policyuniverse policy",
            other.type_name()
        ))),
    }
}

/// `del obj[key]` for the containers a policy statement can be.
fn delitem(obj: &Value, key: &Value) -> PyResult<()> {
    match obj {
        Value::Dict(d) => {
            let k = Key::new(key.clone())?;
            match d.borrow_mut().shift_remove(&k) {
                Some(_) => Ok(()),
                None => Err(PyErr::key_error(key.clone())),
            }
        }
        Value::Object(o)
            if o.as_any()
                .is::<crate::event::ImmutableCaseInsensitiveDict>()
                || o.as_any().is::<crate::event::ImmutableList>() =>
        {
            Err(PyErr::type_error(format!(
                "'{}' object doesn't support item deletion",
                o.type_name()
            )))
        }
        other => Err(ops::unsupported(&format!(
            "deleting an item of a '{}'",
            other.type_name()
        ))),
    }
}

/// `expand_policy(policy=None, expand_deny=False)`.
fn expand_policy(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "expand_policy",
        &["policy", "expand_deny"],
        0,
        false,
        args,
        kwargs,
    )?;
    let policy = a[0].clone().unwrap_or_default();
    let expand_deny = a[1].clone().unwrap_or(Value::Bool(false));
    let result = deepcopy(&policy, &mut Vec::new())?;
    let statements = ensure_array(&ops::getitem(&result, &s("Statement"))?)?;
    ops::setitem(&result, &s("Statement"), statements)?;
    for statement in ops::iter(&ops::getitem(&result, &s("Statement"))?)? {
        let effect = ops::getitem(&statement, &s("Effect"))?;
        let lower = ops::call_method(&effect, "lower", &[], &[])?;
        if ops::compare(ops::CmpOp::Eq, &lower, &s("deny"))? && !ops::truthy(&expand_deny)? {
            continue;
        }
        let actions = actions_from_statement(&statement)?;
        if ops::contains(&statement, &s("NotAction"))? {
            delitem(&statement, &s("NotAction"))?;
        }
        let list = ops::call(&builtin("list")?, &[actions], &[])?;
        let sorted = ops::call(&builtin("sorted")?, &[list], &[])?;
        ops::setitem(&statement, &s("Action"), sorted)?;
    }
    Ok(result)
}

/// `minimize_policy(policy=None, minchars=None)`.
fn minimize_policy(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    let a = bind_args(
        "minimize_policy",
        &["policy", "minchars"],
        0,
        false,
        args,
        kwargs,
    )?;
    let policy = a[0].clone().unwrap_or_default();
    let minchars = a[1].clone().unwrap_or_default();
    let indent = [("indent", Value::Int(2))];
    let start = crate::stdlib::json::dumps(std::slice::from_ref(&policy), &indent)?;
    let size = ops::len(&start)?;
    for statement in ops::iter(&ops::getitem(&policy, &s("Statement"))?)? {
        let minimized = minimize_statement(&statement, &minchars)?;
        ops::setitem(&statement, &s("Action"), minimized)?;
    }
    let end = crate::stdlib::json::dumps(std::slice::from_ref(&policy), &indent)?;
    let end_size = ops::len(&end)?;
    print_stderr(&format!("Start size: {size}. End size: {end_size}"));
    Ok(policy)
}
