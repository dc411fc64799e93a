//! Python exceptions as Rust errors.
//!
//! Every fallible runtime operation returns [`PyResult`]. A [`PyErr`] carries the exception
//! class and its `args`, so that `str(exc)`, `repr(exc)` and `"Type: message"` render exactly
//! as CPython renders them.

use std::fmt;
use std::rc::Rc;

use crate::value::Value;

/// The result of an operation that may raise a Python exception.
pub type PyResult<T> = Result<T, PyErr>;

/// The built-in exception classes that detections meet, with their place in CPython's
/// hierarchy (see [`ExcKind::parent`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExcKind {
    BaseException,
    Exception,
    ArithmeticError,
    ZeroDivisionError,
    OverflowError,
    LookupError,
    KeyError,
    IndexError,
    ValueError,
    UnicodeError,
    UnicodeDecodeError,
    UnicodeEncodeError,
    JSONDecodeError,
    AddressValueError,
    NetmaskValueError,
    BinasciiError,
    TypeError,
    AttributeError,
    NameError,
    UnboundLocalError,
    RuntimeError,
    NotImplementedError,
    RecursionError,
    StopIteration,
    GeneratorExit,
    AssertionError,
    OSError,
}

impl ExcKind {
    /// The direct base class in CPython 3.11.
    pub fn parent(self) -> Option<ExcKind> {
        use ExcKind::*;
        Some(match self {
            BaseException => return None,
            Exception | GeneratorExit => BaseException,
            ArithmeticError | LookupError | ValueError | TypeError | AttributeError | NameError
            | RuntimeError | StopIteration | AssertionError | OSError => Exception,
            ZeroDivisionError | OverflowError => ArithmeticError,
            KeyError | IndexError => LookupError,
            UnicodeError | JSONDecodeError | AddressValueError | NetmaskValueError
            | BinasciiError => ValueError,
            UnicodeDecodeError | UnicodeEncodeError => UnicodeError,
            UnboundLocalError => NameError,
            NotImplementedError | RecursionError => RuntimeError,
        })
    }

    /// The class name as `type(exc).__name__` prints it.
    pub fn name(self) -> &'static str {
        use ExcKind::*;
        match self {
            BaseException => "BaseException",
            Exception => "Exception",
            ArithmeticError => "ArithmeticError",
            ZeroDivisionError => "ZeroDivisionError",
            OverflowError => "OverflowError",
            LookupError => "LookupError",
            KeyError => "KeyError",
            IndexError => "IndexError",
            ValueError => "ValueError",
            UnicodeError => "UnicodeError",
            UnicodeDecodeError => "UnicodeDecodeError",
            UnicodeEncodeError => "UnicodeEncodeError",
            JSONDecodeError => "JSONDecodeError",
            AddressValueError => "AddressValueError",
            NetmaskValueError => "NetmaskValueError",
            BinasciiError => "Error",
            TypeError => "TypeError",
            AttributeError => "AttributeError",
            NameError => "NameError",
            UnboundLocalError => "UnboundLocalError",
            RuntimeError => "RuntimeError",
            NotImplementedError => "NotImplementedError",
            RecursionError => "RecursionError",
            StopIteration => "StopIteration",
            GeneratorExit => "GeneratorExit",
            AssertionError => "AssertionError",
            OSError => "OSError",
        }
    }

    /// `issubclass(self, other)`.
    pub fn is_subclass_of(self, other: ExcKind) -> bool {
        let mut k = Some(self);
        while let Some(c) = k {
            if c == other {
                return true;
            }
            k = c.parent();
        }
        false
    }
}

/// A user-defined exception class (from a helper module): its name and its bases.
#[derive(Debug)]
pub struct ExcClass {
    pub name: String,
    /// The built-in class it ultimately derives from.
    pub builtin_base: ExcKind,
    /// The user-defined base, if the direct base is itself user-defined.
    pub user_base: Option<Rc<ExcClass>>,
}

/// The class of a raised exception.
#[derive(Clone, Debug)]
pub enum ExcType {
    Builtin(ExcKind),
    User(Rc<ExcClass>),
}

impl ExcType {
    pub fn name(&self) -> &str {
        match self {
            ExcType::Builtin(k) => k.name(),
            ExcType::User(c) => &c.name,
        }
    }

    /// `issubclass(self, other)`.
    pub fn is_subclass_of(&self, other: &ExcType) -> bool {
        match (self, other) {
            (ExcType::Builtin(a), ExcType::Builtin(b)) => a.is_subclass_of(*b),
            (ExcType::User(a), ExcType::Builtin(b)) => a.builtin_base.is_subclass_of(*b),
            (ExcType::Builtin(_), ExcType::User(_)) => false,
            (ExcType::User(a), ExcType::User(b)) => {
                let mut cur = Some(a.clone());
                while let Some(c) = cur {
                    if Rc::ptr_eq(&c, b) {
                        return true;
                    }
                    cur = c.user_base.clone();
                }
                false
            }
        }
    }
}

/// A raised Python exception.
#[derive(Clone)]
pub struct PyErr {
    pub ty: ExcType,
    /// `exc.args`.
    pub args: Vec<Value>,
    /// A message that overrides the rendering of `args` (for exceptions such as
    /// `UnicodeDecodeError` whose `str()` is not derived from a single argument).
    pub message: Option<String>,
    /// The instance of a helper-defined exception class that was raised (so that
    /// `except E as e` sees its attributes).
    pub instance: Option<Value>,
}

impl PyErr {
    /// An exception of a built-in class with a single string argument.
    pub fn new(kind: ExcKind, msg: impl Into<String>) -> PyErr {
        PyErr {
            ty: ExcType::Builtin(kind),
            args: vec![Value::str(msg.into())],
            message: None,
            instance: None,
        }
    }

    /// An exception with explicit `args`.
    pub fn with_args(ty: ExcType, args: Vec<Value>) -> PyErr {
        PyErr {
            ty,
            args,
            message: None,
            instance: None,
        }
    }

    pub fn type_error(msg: impl Into<String>) -> PyErr {
        PyErr::new(ExcKind::TypeError, msg)
    }

    pub fn value_error(msg: impl Into<String>) -> PyErr {
        PyErr::new(ExcKind::ValueError, msg)
    }

    pub fn attribute_error(msg: impl Into<String>) -> PyErr {
        PyErr::new(ExcKind::AttributeError, msg)
    }

    pub fn index_error(msg: impl Into<String>) -> PyErr {
        PyErr::new(ExcKind::IndexError, msg)
    }

    /// `KeyError(key)`: its `str()` is the `repr()` of the key.
    pub fn key_error(key: Value) -> PyErr {
        PyErr::with_args(ExcType::Builtin(ExcKind::KeyError), vec![key])
    }

    pub fn kind(&self) -> Option<ExcKind> {
        match &self.ty {
            ExcType::Builtin(k) => Some(*k),
            ExcType::User(_) => None,
        }
    }

    /// Whether an `except` clause naming `kind` catches this exception.
    pub fn matches(&self, kind: ExcKind) -> bool {
        match &self.ty {
            ExcType::Builtin(k) => k.is_subclass_of(kind),
            ExcType::User(c) => c.builtin_base.is_subclass_of(kind),
        }
    }

    /// `str(exc)`.
    pub fn str(&self) -> String {
        if let Some(m) = &self.message {
            return m.clone();
        }
        match self.args.len() {
            0 => String::new(),
            1 => {
                if matches!(self.ty, ExcType::Builtin(ExcKind::KeyError)) {
                    crate::fmt::repr(&self.args[0])
                } else {
                    crate::fmt::str(&self.args[0])
                }
            }
            _ => crate::fmt::repr(&Value::tuple(self.args.clone())),
        }
    }

    /// `repr(exc)`, e.g. `KeyError('x')` or `ValueError('a', 1)`.
    pub fn repr(&self) -> String {
        // Exceptions such as UnicodeEncodeError keep their constructor arguments in `args`;
        // their repr shows those, not the message.
        if let (Some(m), 0 | 1) = (&self.message, self.args.len()) {
            return format!("{}({})", self.ty.name(), crate::fmt::str_repr(m));
        }
        let inner: Vec<String> = self.args.iter().map(crate::fmt::repr).collect();
        format!("{}({})", self.ty.name(), inner.join(", "))
    }

    /// The `"Type: message"` form panther_core's test results use.
    pub fn type_and_message(&self) -> String {
        format!("{}: {}", self.ty.name(), self.str())
    }
}

impl fmt::Debug for PyErr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.type_and_message())
    }
}

impl fmt::Display for PyErr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.type_and_message())
    }
}
