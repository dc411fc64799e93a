//! `methods::check_method` (emitted before a method call's arguments are evaluated) must agree
//! with `methods::call_method` on which names exist, for every public method name CPython 3.11
//! gives each built-in type. The names are `dir(t)` without the underscore names; regenerate
//! with `python3 -c "print(' '.join(n for n in dir(str) if not n.startswith('_')))"`.

use ferrule_runtime::err::ExcKind;
use ferrule_runtime::methods;
use ferrule_runtime::value::Value;

const STR: &str = "capitalize casefold center count encode endswith expandtabs find format format_map index isalnum isalpha isascii isdecimal isdigit isidentifier islower isnumeric isprintable isspace istitle isupper join ljust lower lstrip maketrans partition removeprefix removesuffix replace rfind rindex rjust rpartition rsplit rstrip split splitlines startswith strip swapcase title translate upper zfill";
const BYTES: &str = "capitalize center count decode endswith expandtabs find fromhex hex index isalnum isalpha isascii isdigit islower isspace istitle isupper join ljust lower lstrip maketrans partition removeprefix removesuffix replace rfind rindex rjust rpartition rsplit rstrip split splitlines startswith strip swapcase title translate upper zfill";
const LIST: &str = "append clear copy count extend index insert pop remove reverse sort";
const TUPLE: &str = "count index";
const DICT: &str = "clear copy fromkeys get items keys pop popitem setdefault update values";
const SET: &str = "add clear copy difference difference_update discard intersection intersection_update isdisjoint issubset issuperset pop remove symmetric_difference symmetric_difference_update union update";
const FROZENSET: &str =
    "copy difference intersection isdisjoint issubset issuperset symmetric_difference union";
const INT: &str = "as_integer_ratio bit_count bit_length conjugate denominator from_bytes imag numerator real to_bytes";
const FLOAT: &str = "as_integer_ratio conjugate fromhex hex imag is_integer real";
/// Names no built-in type has, for the negative side of every type.
const NONE: &str = "lower get append nosuch __nosuch__";

/// Each type's CPython method names, with a constructor of a fresh value of that type.
type Case = (&'static str, fn() -> Value);

fn values() -> Vec<Case> {
    vec![
        (STR, || Value::from("Ab c")),
        (BYTES, || Value::Bytes(b"ab".to_vec().into())),
        (LIST, || Value::list(vec![Value::Int(1)])),
        (TUPLE, || Value::tuple(vec![Value::Int(1)])),
        (DICT, || ferrule_runtime::call::new_dict()),
        (SET, || ferrule_runtime::builtins::set(&[], &[]).unwrap()),
        (FROZENSET, || {
            ferrule_runtime::builtins::frozenset(&[], &[]).unwrap()
        }),
        (INT, || Value::Int(3)),
        (INT, || Value::Bool(true)),
        (FLOAT, || Value::Float(1.5)),
        ("", || Value::None),
    ]
}

#[test]
fn check_method_agrees_with_call_method() {
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for (names, make) in values() {
        for name in names.split_whitespace().chain(NONE.split_whitespace()) {
            let v = make();
            // Lookup fails with an AttributeError, or is refused when CPython has the name.
            let lookup_refusal = format!("`{}.{name}`", v.type_name());
            let missing_by_call = matches!(
                methods::call_method(&v, name, &[], &[]),
                Err(e) if e.kind() == Some(ExcKind::AttributeError)
                    || (e.kind() == Some(ExcKind::NotImplementedError)
                        && e.str().contains(&lookup_refusal))
            );
            let missing_by_check = methods::check_method(&make(), name).is_err();
            if missing_by_check != missing_by_call {
                mismatches.push(format!(
                    "{}.{name} (check_method: missing={missing_by_check})",
                    v.type_name()
                ));
            }
            checked += 1;
        }
    }
    assert!(mismatches.is_empty(), "disagreements: {mismatches:#?}");
    assert!(checked > 150, "only {checked} names checked");
}

#[test]
fn missing_method_message_is_cpythons() {
    let e = methods::check_method(&Value::None, "lower").unwrap_err();
    assert_eq!(
        e.type_and_message(),
        "AttributeError: 'NoneType' object has no attribute 'lower'"
    );
}
