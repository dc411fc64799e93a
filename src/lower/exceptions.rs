//! Built-in exception classes that detections name in `except` clauses and `raise`.

use ferrule_runtime::ExcKind;

/// The runtime class of a builtin exception name.
pub fn builtin_exception(name: &str) -> Option<ExcKind> {
    use ExcKind::*;
    Some(match name {
        "BaseException" => BaseException,
        "Exception" => Exception,
        "ArithmeticError" => ArithmeticError,
        "ZeroDivisionError" => ZeroDivisionError,
        "OverflowError" => OverflowError,
        "LookupError" => LookupError,
        "KeyError" => KeyError,
        "IndexError" => IndexError,
        "ValueError" => ValueError,
        "UnicodeError" => UnicodeError,
        "UnicodeDecodeError" => UnicodeDecodeError,
        "UnicodeEncodeError" => UnicodeEncodeError,
        "TypeError" => TypeError,
        "AttributeError" => AttributeError,
        "NameError" => NameError,
        "UnboundLocalError" => UnboundLocalError,
        "RuntimeError" => RuntimeError,
        "NotImplementedError" => NotImplementedError,
        "RecursionError" => RecursionError,
        "StopIteration" => StopIteration,
        "AssertionError" => AssertionError,
        "OSError" => OSError,
        _ => return None,
    })
}
