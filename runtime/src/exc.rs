//! Exceptions as Python objects: built-in exception classes and instances, the exception
//! being handled (`sys.exc_info()`), `raise`, `raise … from …`, bare `raise`, and the
//! chaining attributes `__cause__`, `__context__` and `__suppress_context__`.
//!
//! A [`PyErr`] travels through `Result`s; it becomes an object (so that it has an identity
//! and chaining state) when Python code can see it: when an `except` clause catches it, when
//! it leaves a handler or a `finally` (which sets its `__context__`), or when `raise` raises
//! an object. The object is stored in `PyErr::instance`, so every clone of the error shares
//! it, as every reference to a CPython exception does.
//!
//! A refusal ([`crate::err::refusal`]) never becomes an object: no handler sees it.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use indexmap::IndexMap;

use crate::err::{ExcKind, ExcType, PyErr, PyResult};
use crate::value::{Kwargs, PyObject, Value};

/// An exception class as a value (`ValueError`).
pub struct ExcClassObj(pub ExcType);

impl PyObject for ExcClassObj {
    fn repr_exact(&self) -> bool {
        matches!(self.0, ExcType::Builtin(_))
    }

    fn type_name(&self) -> &str {
        "type"
    }
    fn repr(&self) -> String {
        match &self.0 {
            ExcType::Builtin(k) => format!("<class '{}'>", k.name()),
            ExcType::User(c) => format!("<class '{}'>", c.name),
        }
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        match (&self.0, name) {
            (ExcType::Builtin(k), "__name__" | "__qualname__") => Ok(Value::str(k.name())),
            (ExcType::Builtin(_), "__module__") => Ok(Value::str("builtins")),
            (ExcType::User(c), "__name__" | "__qualname__") => Ok(Value::str(c.name.as_str())),
            _ => Err(crate::ops::unsupported(&format!(
                "the attribute `{name}` of an exception class"
            ))),
        }
    }
    fn call(&self, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
        if !kwargs.is_empty() {
            return Err(PyErr::type_error(format!(
                "{}() takes no keyword arguments",
                self.0.name()
            )));
        }
        // panther_core's `PantherError.__str__` joins several arguments and fails on a
        // non-str one, where ferrule renders exceptions as `Exception` does.
        if let ExcType::User(c) = &self.0 {
            let mut base = Some(c.clone());
            while let Some(b) = base {
                if Rc::ptr_eq(&b, &crate::event::panther_error_class())
                    && !matches!(args, [Value::Str(_)])
                {
                    return Err(crate::ops::unsupported(&format!(
                        "constructing panther_core's `{}` with other than one str",
                        c.name
                    )));
                }
                base = b.user_base.clone();
            }
        }
        Ok(new_instance(PyErr::with_args(
            self.0.clone(),
            args.to_vec(),
        )))
    }
    fn instancecheck(&self, value: &Value) -> Option<bool> {
        Some(exc_instance_check(&self.0, value))
    }
    fn eq(&self, other: &Value) -> Option<bool> {
        Some(match other.downcast::<ExcClassObj>() {
            Some(o) => match (&self.0, &o.0) {
                (ExcType::Builtin(a), ExcType::Builtin(b)) => a == b,
                (ExcType::User(a), ExcType::User(b)) => Rc::ptr_eq(a, b),
                _ => false,
            },
            None => false,
        })
    }
    fn identity(&self) -> Option<u64> {
        self.hash()
    }
    fn hash(&self) -> Option<u64> {
        Some(match &self.0 {
            ExcType::Builtin(k) => *k as u64,
            ExcType::User(c) => Rc::as_ptr(c) as usize as u64,
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The value of a builtin exception class.
pub fn builtin_exc(kind: ExcKind) -> Value {
    Value::object(ExcClassObj(ExcType::Builtin(kind)))
}

/// What every exception object carries besides its class: `args` and the chaining
/// attributes.
pub struct ExcState {
    pub args: RefCell<Vec<Value>>,
    pub cause: RefCell<Option<Value>>,
    pub context: RefCell<Option<Value>>,
    pub suppress_context: Cell<bool>,
}

impl ExcState {
    pub fn new(args: Vec<Value>) -> ExcState {
        ExcState {
            args: RefCell::new(args),
            cause: RefCell::new(None),
            context: RefCell::new(None),
            suppress_context: Cell::new(false),
        }
    }

    /// `exc.__cause__`, `exc.__context__`, `exc.__suppress_context__`, `exc.args`.
    pub fn getattr(&self, name: &str) -> Option<PyResult<Value>> {
        Some(Ok(match name {
            "args" => Value::tuple(self.args.borrow().clone()),
            "__cause__" => self.cause.borrow().clone().unwrap_or_default(),
            "__context__" => self.context.borrow().clone().unwrap_or_default(),
            "__suppress_context__" => Value::Bool(self.suppress_context.get()),
            "__traceback__" | "with_traceback" | "add_note" | "__notes__" => {
                return Some(Err(crate::ops::unsupported(&format!(
                    "the exception attribute `{name}`"
                ))))
            }
            _ => return None,
        }))
    }

    /// Assignments to the same attributes; `None` for other names.
    pub fn setattr(&self, name: &str, value: &Value) -> Option<PyResult<()>> {
        Some(match name {
            "args" => crate::ops::iter(value).map(|items| *self.args.borrow_mut() = items),
            "__cause__" | "__context__" => {
                if !value.is_none() && !is_exception_object(value) {
                    let what = if name == "__cause__" {
                        "exception cause"
                    } else {
                        "exception context"
                    };
                    return Some(Err(PyErr::type_error(format!(
                        "{what} must be None or derive from BaseException"
                    ))));
                }
                let v = (!value.is_none()).then(|| value.clone());
                if name == "__cause__" {
                    *self.cause.borrow_mut() = v;
                    self.suppress_context.set(true);
                } else {
                    *self.context.borrow_mut() = v;
                }
                Ok(())
            }
            "__suppress_context__" => match value {
                Value::Bool(b) => {
                    self.suppress_context.set(*b);
                    Ok(())
                }
                _ => crate::ops::truthy(value).map(|b| self.suppress_context.set(b)),
            },
            "__traceback__" => Err(crate::ops::unsupported(
                "assigning the exception attribute `__traceback__`",
            )),
            _ => return None,
        })
    }
}

/// An instance of a built-in exception class.
pub struct ExcInstance {
    /// The class, `args` at creation and any fixed message.
    pub err: PyErr,
    pub state: ExcState,
    /// Attributes assigned by Python code (`e.detail = …`).
    pub dict: RefCell<IndexMap<String, Value>>,
    me: Weak<ExcInstance>,
}

impl ExcInstance {
    /// The error this object raises as (sharing this object).
    pub fn to_err(&self) -> PyErr {
        let mut e = self.err.clone();
        e.args = self.state.args.borrow().clone();
        e.instance = self.me.upgrade().map(|rc| Value::Object(rc));
        e
    }

    fn current(&self) -> PyErr {
        let mut e = self.err.clone();
        e.args = self.state.args.borrow().clone();
        e
    }
}

/// A new exception object for `err` (which has none yet).
fn new_instance(err: PyErr) -> Value {
    let state = ExcState::new(err.args.clone());
    let rc = Rc::new_cyclic(|me| ExcInstance {
        err: PyErr {
            instance: None,
            ..err
        },
        state,
        dict: RefCell::new(IndexMap::new()),
        me: me.clone(),
    });
    Value::Object(rc)
}

/// Names CPython's built-in exception classes have beyond BaseException's, which ferrule does
/// not model: reading them is refused rather than reported as an AttributeError.
fn builtin_extra_attribute(kind: ExcKind, name: &str) -> bool {
    use ExcKind::*;
    let extra: &[&str] = match kind {
        JSONDecodeError => &["msg", "doc", "pos", "lineno", "colno"],
        UnicodeError | UnicodeDecodeError | UnicodeEncodeError => {
            &["encoding", "object", "start", "end", "reason"]
        }
        OSError => &[
            "errno",
            "strerror",
            "filename",
            "filename2",
            "characters_written",
        ],
        StopIteration => &["value"],
        NameError | UnboundLocalError => &["name"],
        AttributeError => &["name", "obj"],
        _ => &[],
    };
    extra.contains(&name) || (name.starts_with("__") && name.ends_with("__"))
}

impl PyObject for ExcInstance {
    fn type_name(&self) -> &str {
        self.err.ty.name()
    }
    fn repr(&self) -> String {
        self.current().repr()
    }
    fn str(&self) -> String {
        self.current().str()
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        if let Some(r) = self.state.getattr(name) {
            return r;
        }
        if let Some(v) = self.dict.borrow().get(name) {
            return Ok(v.clone());
        }
        if name == "__class__" {
            return Ok(Value::object(ExcClassObj(self.err.ty.clone())));
        }
        let kind = match &self.err.ty {
            ExcType::Builtin(k) => *k,
            ExcType::User(c) => c.builtin_base,
        };
        // `StopIteration.value`: the generator's return value, which CPython's
        // `StopIteration.__init__` sets from the first argument (None without one).
        if name == "value" && matches!(self.err.ty, ExcType::Builtin(ExcKind::StopIteration)) {
            return Ok(self
                .state
                .args
                .borrow()
                .first()
                .cloned()
                .unwrap_or_default());
        }
        if builtin_extra_attribute(kind, name) {
            return Err(crate::ops::unsupported(&format!(
                "the attribute `{name}` of a {} exception",
                self.err.ty.name()
            )));
        }
        Err(PyErr::attribute_error(format!(
            "'{}' object has no attribute '{}'",
            self.err.ty.name(),
            name
        )))
    }
    fn setattr(&self, name: &str, value: Value) -> PyResult<()> {
        if let Some(r) = self.state.setattr(name, &value) {
            return r;
        }
        let kind = match &self.err.ty {
            ExcType::Builtin(k) => *k,
            ExcType::User(c) => c.builtin_base,
        };
        if builtin_extra_attribute(kind, name) {
            return Err(crate::ops::unsupported(&format!(
                "assigning the attribute `{name}` of a {} exception",
                self.err.ty.name()
            )));
        }
        self.dict.borrow_mut().insert(name.to_string(), value);
        Ok(())
    }
    fn hash(&self) -> Option<u64> {
        Some(self as *const ExcInstance as usize as u64)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The exception state of an exception object (built-in or user class instance).
pub fn state_of(v: &Value) -> Option<&ExcState> {
    if let Some(e) = v.downcast::<ExcInstance>() {
        return Some(&e.state);
    }
    v.downcast::<crate::class::Instance>()
        .and_then(|i| i.exc.as_ref())
}

/// Whether `v` is an exception instance.
pub fn is_exception_object(v: &Value) -> bool {
    state_of(v).is_some()
}

/// `isinstance(e, T)` for an exception class `T`.
pub fn exc_instance_check(kind: &ExcType, v: &Value) -> bool {
    if let Some(e) = v.downcast::<ExcInstance>() {
        return e.err.ty.is_subclass_of(kind);
    }
    if let Some(i) = v.downcast::<crate::class::Instance>() {
        if let Some(e) = i.to_err(v) {
            return e.ty.is_subclass_of(kind);
        }
    }
    false
}

/// The exception object of `err`, created (and stored in `err`) on first need.
pub fn object_of(err: &mut PyErr) -> Value {
    if let Some(v) = &err.instance {
        return v.clone();
    }
    let v = new_instance(err.clone());
    err.instance = Some(v.clone());
    v
}

/// The exception class a value names in `except` or `raise`, if it is one.
pub fn exc_type_of(v: &Value) -> Option<ExcType> {
    if let Some(t) = crate::class::exc_type(v) {
        return Some(t);
    }
    if let Some(c) = v.downcast::<crate::stdlib::ExcClassObject>() {
        return Some(ExcType::Builtin(c.0));
    }
    v.downcast::<ExcClassObj>().map(|c| c.0.clone())
}

/// Whether `except cls` catches `err` (`cls` may be a tuple of classes). A refusal is never
/// caught.
pub fn exc_matches(err: &PyErr, cls: &Value) -> PyResult<bool> {
    if let Value::Tuple(items) = cls {
        let mut found = false;
        for c in items.iter() {
            // CPython checks every element of the tuple is a class before matching.
            if exc_type_of(c).is_none() {
                return Err(not_catchable());
            }
            found = found || exc_matches(err, c)?;
        }
        return Ok(found && !err.is_refusal());
    }
    match exc_type_of(cls) {
        Some(t) => Ok(!err.is_refusal() && err.ty.is_subclass_of(&t)),
        None => Err(not_catchable()),
    }
}

fn not_catchable() -> PyErr {
    PyErr::type_error("catching classes that do not inherit from BaseException is not allowed")
}

/// The exception object bound by `except … as e`.
pub fn exc_value(err: &PyErr) -> Value {
    let mut e = err.clone();
    object_of(&mut e)
}

/// The error `raise v` raises: an exception instance (keeping its identity), or a class,
/// instantiated without arguments.
pub fn raise(v: &Value) -> PyErr {
    if let Some(inst) = v.downcast::<ExcInstance>() {
        return inst.to_err();
    }
    if let Some(inst) = v.downcast::<crate::class::Instance>() {
        if let Some(e) = inst.to_err(v) {
            return e;
        }
    }
    if exc_type_of(v).is_some() {
        return match crate::ops::call(v, &[], &[]) {
            Ok(inst) if is_exception_object(&inst) => raise(&inst),
            Ok(inst) => PyErr::type_error(format!(
                "calling {} should have returned an instance of BaseException, not {}",
                crate::fmt::repr(v),
                inst.type_name()
            )),
            Err(e) => e,
        };
    }
    PyErr::type_error("exceptions must derive from BaseException")
}

/// `raise v` / `raise v from cause` as a statement: the error, with its `__cause__` and its
/// `__context__` (the exception being handled) set as CPython sets them.
pub fn raise_stmt(v: &Value, cause: Option<&Value>) -> PyErr {
    let mut e = raise(v);
    if e.is_refusal() {
        return e;
    }
    if let Some(c) = cause {
        let fixed = if c.is_none() {
            None
        } else if is_exception_object(c) {
            Some(c.clone())
        } else if exc_type_of(c).is_some() {
            match crate::ops::call(c, &[], &[]) {
                Ok(x) if is_exception_object(&x) => Some(x),
                Ok(x) => {
                    return set_context_from_handled(PyErr::type_error(format!(
                        "calling {} should have returned an instance of BaseException, not {}",
                        crate::fmt::repr(c),
                        x.type_name()
                    )))
                }
                Err(x) => return set_context_from_handled(x),
            }
        } else {
            return set_context_from_handled(PyErr::type_error(
                "exception causes must derive from BaseException",
            ));
        };
        let obj = object_of(&mut e);
        if let Some(st) = state_of(&obj) {
            *st.cause.borrow_mut() = fixed;
            st.suppress_context.set(true);
        }
    }
    set_context_from_handled(e)
}

/// CPython's `_PyErr_SetObject`: the exception being handled becomes the new exception's
/// `__context__` (breaking a cycle through the handled exception's own chain).
fn set_context_from_handled(mut e: PyErr) -> PyErr {
    let Some(handled) = handled_object() else {
        return e;
    };
    let obj = object_of(&mut e);
    set_context(&obj, &handled);
    e
}

fn set_context(obj: &Value, handled: &Value) {
    if obj.is(handled) {
        return;
    }
    // Cut `obj` out of the handled exception's context chain to avoid a cycle.
    let mut o = handled.clone();
    loop {
        let next = match state_of(&o) {
            Some(st) => st.context.borrow().clone(),
            None => None,
        };
        match next {
            Some(c) if c.is(obj) => {
                if let Some(st) = state_of(&o) {
                    *st.context.borrow_mut() = None;
                }
                break;
            }
            Some(c) => o = c,
            None => break,
        }
    }
    if let Some(st) = state_of(obj) {
        *st.context.borrow_mut() = Some(handled.clone());
    }
}

// ---------------------------------------------------------------------------------------
// The exception being handled
// ---------------------------------------------------------------------------------------

thread_local! {
    /// The exceptions whose `except` clause (or `finally` block, or `__exit__`) is running,
    /// innermost last: CPython's exception-info stack.
    static HANDLING: RefCell<Vec<PyErr>> = const { RefCell::new(Vec::new()) };
}

/// While alive, `err` is the exception being handled (`raise` re-raises it, new exceptions
/// take it as their `__context__`).
pub struct Handling(bool);

impl Handling {
    pub fn enter(err: &PyErr) -> Handling {
        HANDLING.with(|h| h.borrow_mut().push(err.clone()));
        Handling(true)
    }

    /// For a `finally` block: the pending exception, if the block runs because of one.
    pub fn enter_pending<T>(r: &PyResult<T>) -> Handling {
        match r {
            Err(e) => Handling::enter(e),
            Ok(_) => Handling(false),
        }
    }
}

impl Drop for Handling {
    fn drop(&mut self) {
        if self.0 {
            // `try_with`: a suspended generator's guard may be dropped while the thread's
            // locals are destroyed.
            let _ = HANDLING.try_with(|h| {
                h.borrow_mut().pop();
            });
        }
    }
}

/// The depth of the exception-info stack (where a resumed generator's entries start).
/// These three helpers tolerate the stack being gone: a generator can be dropped while the
/// thread's locals are destroyed (a suspended generator held by a module global).
pub fn handling_depth() -> usize {
    HANDLING.try_with(|h| h.borrow().len()).unwrap_or_default()
}

/// A generator suspending: the entries its live handlers pushed (those above `depth`) leave
/// the stack with it, as CPython swaps a generator's `gi_exc_state` out of the thread's
/// exception info when it yields.
pub fn handling_suspend(depth: usize) -> Vec<PyErr> {
    HANDLING
        .try_with(|h| {
            let mut h = h.borrow_mut();
            let at = depth.min(h.len());
            h.split_off(at)
        })
        .unwrap_or_default()
}

/// A generator resuming: its saved entries go back on top of the consumer's.
pub fn handling_resume(saved: Vec<PyErr>) {
    let _ = HANDLING.try_with(|h| h.borrow_mut().extend(saved));
}

fn handled_object() -> Option<Value> {
    HANDLING.with(|h| h.borrow().last().and_then(|e| e.instance.clone()))
}

/// Bare `raise`: the exception being handled, or CPython's RuntimeError.
pub fn reraise() -> PyErr {
    HANDLING
        .with(|h| h.borrow().last().cloned())
        .unwrap_or_else(|| PyErr::new(ExcKind::RuntimeError, "No active exception to reraise"))
}

/// An exception caught by an `except` clause (or a `finally` block, or `__exit__`): it gets
/// its object, and the exception handled when it was raised as `__context__` (every
/// handler entered since its raise has exited, so that is the one handled now) unless a
/// handler it left set one already.
pub fn caught(mut e: PyErr) -> PyErr {
    if e.is_refusal() {
        return e;
    }
    let obj = object_of(&mut e);
    if let Some(handled) = handled_object() {
        let unset = state_of(&obj).is_some_and(|st| st.context.borrow().is_none());
        if unset {
            set_context(&obj, &handled);
        }
    }
    e
}

/// An exception leaving a handler (or a `finally` block run for `handled`): `handled`
/// becomes its `__context__` unless it has one or is `handled` itself.
pub fn chain(mut e: PyErr, handled: &PyErr) -> PyErr {
    if e.is_refusal() {
        return e;
    }
    let Some(h) = handled.instance.clone() else {
        return e;
    };
    let obj = object_of(&mut e);
    let unset = state_of(&obj).is_some_and(|st| st.context.borrow().is_none());
    if unset {
        set_context(&obj, &h);
    }
    e
}

/// [`chain`] for a `finally` block's own error when it ran because of `pending`.
pub fn chain_pending<T>(e: PyErr, pending: &PyResult<T>) -> PyErr {
    match pending {
        Err(p) => chain(e, p),
        Ok(_) => e,
    }
}

// ---------------------------------------------------------------------------------------
// `with`
// ---------------------------------------------------------------------------------------

/// The traceback passed to `__exit__`: ferrule has none to show, so anything but passing it
/// along (or testing it against None) is refused.
pub struct Traceback;

impl PyObject for Traceback {
    fn type_name(&self) -> &str {
        "traceback"
    }
    fn repr_exact(&self) -> bool {
        false
    }
    fn getattr(&self, _this: &Value, name: &str) -> PyResult<Value> {
        Err(crate::ops::unsupported(&format!(
            "the traceback attribute `{name}`"
        )))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The bound `__exit__` of a context manager.
pub enum Exit {
    /// A user class's `__exit__` bound to the manager.
    Hook(Value),
    /// `contextlib.suppress(*classes)`.
    Suppress(Vec<Value>),
}

/// `with mgr`: looks up `__enter__` and `__exit__` on the manager's class (in that order,
/// with CPython's errors) and calls `__enter__`.
pub fn enter_with(mgr: &Value) -> PyResult<(Exit, Value)> {
    if let Some(s) = mgr.downcast::<Suppress>() {
        return Ok((Exit::Suppress(s.0.clone()), Value::None));
    }
    if let Some(inst) = mgr.downcast::<crate::class::Instance>() {
        let c = inst.cls();
        let Some(enter) = c.user_hook("__enter__") else {
            return Err(PyErr::type_error(format!(
                "'{}' object does not support the context manager protocol",
                c.name
            )));
        };
        let Some(exit) = c.user_hook("__exit__") else {
            return Err(PyErr::type_error(format!(
                "'{}' object does not support the context manager protocol (missed __exit__ method)",
                c.name
            )));
        };
        let exit = crate::class::bind_hook(&exit, mgr);
        let enter = crate::class::bind_hook(&enter, mgr);
        let v = crate::ops::call(&enter, &[], &[])?;
        return Ok((Exit::Hook(exit), v));
    }
    if let Value::Object(_) = mgr {
        // A runtime object that CPython may well accept as a context manager.
        return Err(crate::ops::unsupported(&format!(
            "`with` on a '{}' object",
            mgr.type_name()
        )));
    }
    Err(PyErr::type_error(format!(
        "'{}' object does not support the context manager protocol",
        mgr.type_name()
    )))
}

/// Calls `__exit__` with the exception leaving the block (or three Nones); `Ok(true)` when
/// the exception is suppressed.
pub fn exit_with(exit: &Exit, exc: Option<&PyErr>) -> PyResult<bool> {
    let (ty, val) = match exc {
        Some(e) => {
            let mut e = e.clone();
            let obj = object_of(&mut e);
            (type_of_exception(&e, &obj), obj)
        }
        None => (Value::None, Value::None),
    };
    match exit {
        Exit::Hook(f) => {
            let tb = if exc.is_some() {
                Value::object(Traceback)
            } else {
                Value::None
            };
            let r = crate::ops::call(f, &[ty, val, tb], &[])?;
            Ok(exc.is_some() && crate::ops::truthy(&r)?)
        }
        Exit::Suppress(classes) => match exc {
            None => Ok(false),
            Some(e) => {
                for c in classes {
                    if exc_matches(e, c)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
        },
    }
}

/// `type(e)` of a raised exception.
fn type_of_exception(e: &PyErr, obj: &Value) -> Value {
    if let Some(c) = crate::class::class_of(obj) {
        return c;
    }
    Value::object(ExcClassObj(e.ty.clone()))
}

/// `contextlib.suppress(*exceptions)`.
pub struct Suppress(pub Vec<Value>);

impl PyObject for Suppress {
    fn type_name(&self) -> &str {
        "suppress"
    }
    fn repr_exact(&self) -> bool {
        false
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn suppress_new(args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    if let Some((k, _)) = kwargs.first() {
        return Err(PyErr::type_error(format!(
            "suppress.__init__() got an unexpected keyword argument '{k}'"
        )));
    }
    Ok(Value::object(Suppress(args.to_vec())))
}

/// The `contextlib` module: `suppress`.
pub fn contextlib_attr(name: &str) -> Option<Value> {
    match name {
        "suppress" => Some(Value::func("suppress", suppress_new)),
        _ => None,
    }
}
