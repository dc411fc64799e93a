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
    AssertionError,
    OSError,
}

impl ExcKind {
    /// The direct base class in CPython 3.11.
    pub fn parent(self) -> Option<ExcKind> {
        use ExcKind::*;
        Some(match self {
            BaseException => return None,
            Exception => BaseException,
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

/// A user-defined exception class: its name, the most derived built-in exception class in
/// its MRO, and the class object (for `issubclass` between user classes).
#[derive(Debug)]
pub struct ExcClass {
    pub name: String,
    /// The most derived built-in exception class among its bases (its layout).
    pub builtin_base: ExcKind,
    /// For classes the runtime defines natively (`PantherError`): the parent class.
    pub user_base: Option<Rc<ExcClass>>,
    /// For classes defined by Python code: the class object (`crate::class::ClassObj`),
    /// whose MRO decides `issubclass`.
    pub class: std::rc::Weak<crate::class::ClassObj>,
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
                if let (Some(x), Some(y)) = (a.class.upgrade(), b.class.upgrade()) {
                    return x.is_subclass_of(&y);
                }
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
    /// Set on a refusal (see [`refusal`]): no `except` clause matches it.
    pub refusal: bool,
}

impl PyErr {
    /// An exception of a built-in class with a single string argument.
    pub fn new(kind: ExcKind, msg: impl Into<String>) -> PyErr {
        PyErr {
            ty: ExcType::Builtin(kind),
            args: vec![Value::str(msg.into())],
            message: None,
            instance: None,
            refusal: false,
        }
    }

    /// An exception with explicit `args`.
    pub fn with_args(ty: ExcType, args: Vec<Value>) -> PyErr {
        PyErr {
            ty,
            args,
            message: None,
            instance: None,
            refusal: false,
        }
    }

    /// Whether this is ferrule's refusal rather than a Python exception.
    pub fn is_refusal(&self) -> bool {
        self.refusal
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

    /// Whether an `except` clause naming `kind` catches this exception (never a refusal).
    pub fn matches(&self, kind: ExcKind) -> bool {
        if self.refusal {
            return false;
        }
        match &self.ty {
            ExcType::Builtin(k) => k.is_subclass_of(kind),
            ExcType::User(c) => c.builtin_base.is_subclass_of(kind),
        }
    }

    /// The built-in exception class whose layout the exception has.
    pub fn base_kind(&self) -> ExcKind {
        match &self.ty {
            ExcType::Builtin(k) => *k,
            ExcType::User(c) => c.builtin_base,
        }
    }

    /// `str(exc)`: a user class's `__str__` when it has one.
    pub fn str(&self) -> String {
        if let Some(v) = &self.instance {
            if v.downcast::<crate::class::Instance>().is_some() {
                return crate::fmt::str(v);
            }
        }
        self.args_str()
    }

    /// `BaseException.__str__` (`KeyError.__str__` for key errors) of the exception's args.
    pub fn args_str(&self) -> String {
        if let Some(m) = &self.message {
            return m.clone();
        }
        match self.args.len() {
            0 => String::new(),
            1 => {
                if self.base_kind() == ExcKind::KeyError {
                    crate::fmt::repr(&self.args[0])
                } else {
                    crate::fmt::str(&self.args[0])
                }
            }
            _ => crate::fmt::repr(&Value::tuple(self.args.clone())),
        }
    }

    /// `repr(exc)`: a user class's `__repr__` when it has one.
    pub fn repr(&self) -> String {
        if let Some(v) = &self.instance {
            if v.downcast::<crate::class::Instance>().is_some() {
                return crate::fmt::repr(v);
            }
        }
        self.args_repr()
    }

    /// `BaseException.__repr__`, e.g. `KeyError('x')` or `ValueError('a', 1)`.
    pub fn args_repr(&self) -> String {
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

// ---------------------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------------------

thread_local! {
    /// The first refusal made since the last [`take_refusal`].
    static REFUSED: std::cell::RefCell<Option<PyErr>> = const { std::cell::RefCell::new(None) };
    /// Inside [`probe`]: refusals are made but not recorded.
    static PROBING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Runs `f`, a computation of the runtime's own that may make a refusal it then handles
/// itself (a `Decimal` comparison whose refusal means "not equal"): such a refusal is not
/// recorded. `f` must not run Python code.
pub fn probe<T>(f: impl FnOnce() -> T) -> T {
    PROBING.with(|p| p.set(p.get() + 1));
    let out = f();
    PROBING.with(|p| p.set(p.get() - 1));
    out
}

/// ferrule's refusal: "the runtime cannot reproduce what CPython does here". It renders as
/// `NotImplementedError: ferrule runtime: …`, but it is not a Python exception: no `except`
/// clause matches it (typed, bare, tuples, user classes), and `finally`, `with` and every
/// runtime path that handles exceptions let it through.
///
/// A refusal is also recorded in a thread-local flag the moment it is made, so that an
/// evaluation that somehow carried on after it (a runtime helper that turned an error into
/// a default, a hook whose error an infallible protocol cannot return) still ends as a
/// refusal: the runner checks the flag after every detection function.
pub fn refusal(message: String) -> PyErr {
    let e = PyErr {
        ty: ExcType::Builtin(ExcKind::NotImplementedError),
        args: vec![Value::str(message)],
        message: None,
        instance: None,
        refusal: true,
    };
    if PROBING.with(|p| p.get()) == 0 {
        note_refusal(&e);
    }
    e
}

/// Records `e` as this evaluation's refusal unless one is recorded already.
pub fn note_refusal(e: &PyErr) {
    REFUSED.with(|r| {
        let mut r = r.borrow_mut();
        if r.is_none() {
            *r = Some(e.clone());
        }
    });
}

/// Turns an error that cannot propagate (raised inside a protocol ferrule evaluates
/// infallibly, such as a user `__eq__` during a dict lookup) into a recorded refusal.
pub fn refuse_unpropagated(e: &PyErr, context: &str) {
    if e.is_refusal() {
        note_refusal(e);
    } else {
        let _ = refusal(format!(
            "ferrule runtime: an exception ({}) raised by {context} is not supported",
            e.type_and_message()
        ));
    }
}

/// Whether a refusal was recorded since the last [`take_refusal`].
pub fn refused() -> bool {
    REFUSED.with(|r| r.borrow().is_some())
}

/// The refusal recorded since the last call, clearing it.
pub fn take_refusal() -> Option<PyErr> {
    REFUSED.with(|r| r.borrow_mut().take())
}
