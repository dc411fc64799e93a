//! Generators: the objects a function containing `yield` returns, and generator
//! expressions.
//!
//! A generator's body is compiled to a Rust `async` block: every `yield` is an `.await` on
//! [`yield_`], so rustc turns the body into the state machine that keeps its locals, loops and
//! `try` blocks between two `next()` calls (a stackless coroutine, like CPython's frame
//! object). [`Generator`] drives that future with a no-op waker: `next`/`send`/`throw`
//! put what the consumer sends into the shared [`Chan`] and poll once; the body runs on the
//! consumer's own stack until its next `yield` (the future is pending, the value is in the
//! channel) or its end (the future is ready with the return value or the exception).
//! So the body runs exactly when CPython's would, and exceptions (and the runtime's refusals)
//! propagate through `?` as in any function. Each resumption is a Python frame on top of
//! the consumer's (see `recursion`): entered as a callback, since the consumer may be native
//! code (`next()`, `list()`, `sum()`…) holding C-level units, so near the limit it is refused
//! rather than answered at a guessed depth.
//!
//! Semantics follow CPython 3.11's Objects/genobject.c: `send` of a non-None value to a
//! just-started generator, "generator already executing", PEP 479 (a `StopIteration` leaving
//! the body becomes `RuntimeError: generator raised StopIteration`), `return v` as
//! `StopIteration(v)`, `throw`, `close` (GeneratorExit thrown in; "generator ignored
//! GeneratorExit"), `yield from` delegating `send`/`throw`/`close` to the subiterator
//! (PEP 380), and finalisation: a generator dropped while suspended is closed, as CPython's
//! `_PyGen_Finalize` does (errors there are only printed by CPython, so they are ignored).

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

use crate::err::{ExcKind, ExcType, PyErr, PyResult};
use crate::value::{Kwargs, PyObject, Value};

/// What the consumer sends into a suspended generator.
pub enum Resume {
    /// `next(g)` (None) or `g.send(v)`.
    Send(Value),
    /// `g.throw(e)` / `g.close()` (GeneratorExit).
    Throw(PyErr),
}

/// The channel between a generator object and its body.
#[derive(Default)]
pub struct Chan {
    /// The value the body yielded (set just before the body's future returns pending).
    out: RefCell<Option<Value>>,
    /// What the consumer sent for the pending `yield`.
    input: RefCell<Option<Resume>>,
    /// The iterator a `yield from` is delegating to (`gi_yieldfrom`).
    yieldfrom: RefCell<Option<Value>>,
}

/// The channel of one generator, shared by its object and its body.
pub type Co = Rc<Chan>;

/// A new channel for a generator body.
pub fn channel() -> Co {
    Rc::new(Chan::default())
}

/// The future of one `yield`: pending once (the value is handed out), then ready with what
/// the consumer resumed the generator with.
pub struct YieldFut {
    co: Co,
    value: Option<Value>,
}

impl Future for YieldFut {
    type Output = Resume;
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Resume> {
        if let Some(v) = self.value.take() {
            *self.co.out.borrow_mut() = Some(v);
            return Poll::Pending;
        }
        match self.co.input.borrow_mut().take() {
            Some(r) => Poll::Ready(r),
            // Resumed without input: only the driver below polls, and it always sets one.
            None => Poll::Ready(Resume::Throw(crate::ops::unsupported(
                "resuming a generator without a value",
            ))),
        }
    }
}

/// `yield v` without interpreting what comes back.
pub fn yield_raw(co: &Co, v: Value) -> YieldFut {
    YieldFut {
        co: co.clone(),
        value: Some(v),
    }
}

/// `yield v`: the value sent in (`None` for `next()`), or the exception thrown in.
pub async fn yield_(co: &Co, v: Value) -> PyResult<Value> {
    match yield_raw(co, v).await {
        Resume::Send(x) => Ok(x),
        Resume::Throw(e) => Err(e),
    }
}

/// How one resumption of a generator ended.
pub enum Step {
    Yielded(Value),
    Returned(Value),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    Created,
    Suspended,
    Running,
    Closed,
}

type Body = Pin<Box<dyn Future<Output = PyResult<Value>>>>;

/// A generator object.
pub struct Generator {
    name: RefCell<Rc<str>>,
    qualname: RefCell<Rc<str>>,
    co: Co,
    body: RefCell<Option<Body>>,
    state: Cell<State>,
    /// The exceptions the suspended body's `except`/`finally` blocks (and `__exit__` calls)
    /// are handling: off the thread's stack while the consumer runs (`rt::exc::Handling`).
    exc_saved: RefCell<Vec<PyErr>>,
}

/// A generator object running `body`, which yields through `co`.
pub fn new_generator(
    name: &str,
    qualname: &str,
    co: Co,
    body: impl Future<Output = PyResult<Value>> + 'static,
) -> Value {
    Value::object(Generator {
        name: RefCell::new(name.into()),
        qualname: RefCell::new(qualname.into()),
        co,
        body: RefCell::new(Some(Box::pin(body))),
        state: Cell::new(State::Created),
        exc_saved: RefCell::new(Vec::new()),
    })
}

fn noop_waker() -> Waker {
    fn clone(_: *const ()) -> RawWaker {
        RawWaker::new(std::ptr::null(), &VTABLE)
    }
    fn noop(_: *const ()) {}
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, noop, noop, noop);
    // SAFETY: every function of the vtable ignores the (null) data pointer.
    unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) }
}

/// `StopIteration(value)` as CPython's `_PyGen_SetStopIterationValue` raises it (no
/// argument for `None` when `send`ing).
pub fn stop_iteration_with(v: Value) -> PyErr {
    PyErr::with_args(ExcType::Builtin(ExcKind::StopIteration), vec![v])
}

/// The value a `StopIteration` carries (`exc.value`).
pub fn stop_value(e: &PyErr) -> Value {
    e.args.first().cloned().unwrap_or_default()
}

fn already_executing() -> PyErr {
    PyErr::value_error("generator already executing")
}

impl Generator {
    /// Runs the body until its next `yield` or its end (CPython's `gen_send_ex2`).
    pub fn resume(&self, input: Resume) -> PyResult<Step> {
        match self.state.get() {
            State::Running => return Err(already_executing()),
            State::Closed => {
                return match input {
                    Resume::Send(_) => Ok(Step::Returned(Value::None)),
                    Resume::Throw(e) => Err(e),
                }
            }
            State::Created => match input {
                Resume::Send(ref v) if !v.is_none() => {
                    return Err(PyErr::type_error(
                        "can't send non-None value to a just-started generator",
                    ))
                }
                // An exception thrown into a generator that has not started is raised at
                // its first line, where nothing can catch it.
                Resume::Throw(e) => {
                    self.finish();
                    return Err(e);
                }
                Resume::Send(_) => {}
            },
            State::Suspended => *self.co.input.borrow_mut() = Some(input),
        }
        // The generator's frame, resumed on top of the consumer's (CPython's
        // `_PyEval_EvalFrame` from `gen_send_ex2`).
        let frame = match crate::recursion::enter() {
            Ok(frame) => frame,
            Err(e) => {
                self.co.input.borrow_mut().take();
                return Err(e);
            }
        };
        self.state.set(State::Running);
        let depth = crate::exc::handling_depth();
        crate::exc::handling_resume(std::mem::take(&mut *self.exc_saved.borrow_mut()));
        let polled = {
            let mut body = self.body.borrow_mut();
            match body.as_mut() {
                Some(f) => {
                    let waker = noop_waker();
                    let mut cx = Context::from_waker(&waker);
                    f.as_mut().poll(&mut cx)
                }
                None => Poll::Ready(Ok(Value::None)),
            }
        };
        drop(frame);
        // What the body's live handlers pushed leaves with it (nothing when it finished:
        // its guards have been dropped).
        *self.exc_saved.borrow_mut() = crate::exc::handling_suspend(depth);
        match polled {
            Poll::Pending => {
                self.state.set(State::Suspended);
                match self.co.out.borrow_mut().take() {
                    Some(v) => Ok(Step::Yielded(v)),
                    None => {
                        self.finish();
                        Err(crate::ops::unsupported("a generator body that awaited"))
                    }
                }
            }
            Poll::Ready(r) => {
                self.finish();
                match r {
                    Ok(v) => Ok(Step::Returned(v)),
                    // PEP 479: a StopIteration cannot leave a generator.
                    Err(e) if e.matches(ExcKind::StopIteration) => Err(PyErr::new(
                        ExcKind::RuntimeError,
                        "generator raised StopIteration",
                    )),
                    Err(e) => Err(e),
                }
            }
        }
    }

    fn finish(&self) {
        self.state.set(State::Closed);
        *self.co.yieldfrom.borrow_mut() = None;
        let body = self.body.borrow_mut().take();
        // Dropping a suspended body drops its live `Handling` guards, each popping its own
        // entry: those entries go back on the stack first.
        let saved = std::mem::take(&mut *self.exc_saved.borrow_mut());
        if saved.is_empty() {
            drop(body);
        } else {
            let depth = crate::exc::handling_depth();
            crate::exc::handling_resume(saved);
            drop(body);
            let _ = crate::exc::handling_suspend(depth);
        }
    }

    /// `next(g)` as `tp_iternext`: `Ok(None)` at the end when the body returned None,
    /// `StopIteration(v)` when it returned another value.
    pub fn next_item(&self) -> PyResult<Option<Value>> {
        match self.resume(Resume::Send(Value::None))? {
            Step::Yielded(v) => Ok(Some(v)),
            Step::Returned(Value::None) => Ok(None),
            Step::Returned(v) => Err(stop_iteration_with(v)),
        }
    }

    /// `g.send(v)`.
    pub fn send(&self, v: Value) -> PyResult<Value> {
        match self.resume(Resume::Send(v))? {
            Step::Yielded(v) => Ok(v),
            Step::Returned(Value::None) => Err(crate::iter::stop_iteration()),
            Step::Returned(v) => Err(stop_iteration_with(v)),
        }
    }

    /// `g.throw(e)`.
    pub fn throw(&self, e: PyErr) -> PyResult<Value> {
        match self.resume(Resume::Throw(e))? {
            Step::Yielded(v) => Ok(v),
            Step::Returned(Value::None) => Err(crate::iter::stop_iteration()),
            Step::Returned(v) => Err(stop_iteration_with(v)),
        }
    }

    /// `g.close()`.
    pub fn close(&self) -> PyResult<()> {
        match self.state.get() {
            State::Created | State::Closed => {
                self.finish();
                return Ok(());
            }
            State::Running => return Err(already_executing()),
            State::Suspended => {}
        }
        let exit = PyErr::with_args(ExcType::Builtin(ExcKind::GeneratorExit), Vec::new());
        match self.resume(Resume::Throw(exit)) {
            Ok(Step::Yielded(_)) => Err(PyErr::new(
                ExcKind::RuntimeError,
                "generator ignored GeneratorExit",
            )),
            Ok(Step::Returned(_)) => Ok(()),
            Err(e) if e.matches(ExcKind::StopIteration) || e.matches(ExcKind::GeneratorExit) => {
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}

impl Drop for Generator {
    fn drop(&mut self) {
        // CPython closes a generator that is collected while suspended, so `except`
        // handlers and `finally` blocks around its `yield` run; what they raise is only
        // printed to stderr ("Exception ignored in").
        if self.state.get() == State::Suspended {
            let _ = self.close();
        }
        // A body still suspended (it ignored GeneratorExit) is dropped with its handlers'
        // entries restored (see `finish`).
        if self.body.borrow().is_some() {
            self.finish();
        }
    }
}

/// The exception `g.throw(...)` raises: `throw(exc)`, `throw(cls)`, `throw(cls, value)`
/// (`value` an instance of `cls` or its constructor's arguments), with CPython's errors.
fn thrown(args: &[Value]) -> PyResult<PyErr> {
    if args.is_empty() || args.len() > 3 {
        return Err(PyErr::type_error(if args.is_empty() {
            "throw expected at least 1 argument, got 0".to_string()
        } else {
            format!("throw expected at most 3 arguments, got {}", args.len())
        }));
    }
    let (typ, val, tb) = (&args[0], args.get(1), args.get(2));
    if tb.is_some_and(|t| !t.is_none()) {
        return Err(PyErr::type_error(
            "throw() third argument must be a traceback object",
        ));
    }
    let is_class = crate::call::is_exception_class(typ);
    let is_instance = crate::call::is_exception_instance(typ);
    if !is_class && !is_instance {
        return Err(PyErr::type_error(format!(
            "exceptions must be classes or instances deriving from BaseException, not {}",
            typ.type_name()
        )));
    }
    let val = val.filter(|v| !v.is_none());
    if is_instance {
        if val.is_some() {
            return Err(PyErr::type_error(
                "instance exception may not have a separate value",
            ));
        }
        return Ok(crate::call::raise(typ));
    }
    let Some(val) = val else {
        return Ok(crate::call::raise(typ));
    };
    // PyErr_NormalizeException: an instance of the class is raised as is; a tuple gives
    // the constructor's arguments; any other value is its single argument.
    let isinstance = crate::builtins::isinstance(&[val.clone(), typ.clone()], &[])?;
    if crate::ops::truthy(&isinstance)? {
        return Ok(crate::call::raise(val));
    }
    let ctor_args = match val {
        Value::Tuple(items) => items.to_vec(),
        v => vec![v.clone()],
    };
    let inst = crate::ops::call(typ, &ctor_args, &[])?;
    Ok(crate::call::raise(&inst))
}

impl PyObject for Generator {
    fn type_name(&self) -> &str {
        "generator"
    }
    fn repr_exact(&self) -> bool {
        false
    }
    fn repr(&self) -> String {
        format!("<generator object {}>", self.qualname.borrow())
    }
    fn is_iterator(&self) -> bool {
        true
    }
    fn next(&self) -> Option<PyResult<Option<Value>>> {
        Some(self.next_item())
    }
    fn iter(&self) -> Option<PyResult<Vec<Value>>> {
        let mut out = Vec::new();
        loop {
            match self.next_item() {
                Ok(Some(v)) => out.push(v),
                Ok(None) => return Some(Ok(out)),
                Err(e) if e.matches(ExcKind::StopIteration) => return Some(Ok(out)),
                Err(e) => return Some(Err(e)),
            }
        }
    }
    fn hash(&self) -> Option<u64> {
        Some(self as *const Generator as usize as u64)
    }
    fn getattr(&self, this: &Value, name: &str) -> PyResult<Value> {
        match name {
            "__name__" => Ok(Value::Str(self.name.borrow().clone())),
            "__qualname__" => Ok(Value::Str(self.qualname.borrow().clone())),
            "gi_running" => Ok(Value::Bool(self.state.get() == State::Running)),
            "gi_suspended" => Ok(Value::Bool(self.state.get() == State::Suspended)),
            "gi_yieldfrom" => Ok(self.co.yieldfrom.borrow().clone().unwrap_or_default()),
            "send" | "throw" | "close" | "__next__" | "__iter__" => {
                let (this, m) = (this.clone(), name.to_string());
                Ok(Value::closure(name, move |a, k| {
                    crate::ops::call_method(&this, &m, a, k)
                }))
            }
            "gi_frame" | "gi_code" | "__class__" | "__del__" => Err(crate::ops::unsupported(
                &format!("the generator attribute `{name}`"),
            )),
            _ => Err(PyErr::attribute_error(format!(
                "'generator' object has no attribute '{name}'"
            ))),
        }
    }
    fn setattr(&self, name: &str, value: Value) -> PyResult<()> {
        match (name, &value) {
            ("__name__" | "__qualname__", Value::Str(s)) => {
                let slot = if name == "__name__" {
                    &self.name
                } else {
                    &self.qualname
                };
                *slot.borrow_mut() = s.clone();
                Ok(())
            }
            ("__name__" | "__qualname__", _) => Err(PyErr::type_error(format!(
                "{name} must be set to a string object"
            ))),
            // CPython words the error by the kind of the existing attribute.
            _ if name.starts_with("gi_")
                || self.has_method(name)
                || (name.starts_with("__") && name.ends_with("__")) =>
            {
                Err(crate::ops::unsupported(&format!(
                    "assigning the generator attribute `{name}`"
                )))
            }
            _ => Err(PyErr::attribute_error(format!(
                "'generator' object has no attribute '{name}'"
            ))),
        }
    }
    fn has_method(&self, name: &str) -> bool {
        matches!(name, "send" | "throw" | "close" | "__next__" | "__iter__")
    }
    fn call_method(
        &self,
        this: &Value,
        name: &str,
        args: &[Value],
        kwargs: Kwargs,
    ) -> PyResult<Value> {
        let no_kw = || {
            if kwargs.is_empty() {
                Ok(())
            } else {
                Err(PyErr::type_error(format!(
                    "generator.{name}() takes no keyword arguments"
                )))
            }
        };
        match name {
            "send" => {
                no_kw()?;
                if args.len() != 1 {
                    return Err(PyErr::type_error(format!(
                        "generator.send() takes exactly one argument ({} given)",
                        args.len()
                    )));
                }
                self.send(args[0].clone())
            }
            "throw" => {
                no_kw()?;
                let e = thrown(args)?;
                self.throw(e)
            }
            "close" => {
                no_kw()?;
                if !args.is_empty() {
                    return Err(PyErr::type_error(format!(
                        "generator.close() takes no arguments ({} given)",
                        args.len()
                    )));
                }
                self.close().map(|()| Value::None)
            }
            "__next__" => {
                no_kw()?;
                match self.next_item()? {
                    Some(v) => Ok(v),
                    None => Err(crate::iter::stop_iteration()),
                }
            }
            "__iter__" => Ok(this.clone()),
            _ => {
                let f = self.getattr(this, name)?;
                crate::ops::call(&f, args, kwargs)
            }
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `iter(x)` as `GET_ITER` does it before a generator expression or `yield from` runs.
pub fn get_iter(v: &Value) -> PyResult<Value> {
    crate::iter::iter(v)
}

/// One step of a subiterator a `yield from` delegates to.
fn sub_step(it: &Value, input: Resume) -> PyResult<Step> {
    if let Some(g) = it.downcast::<Generator>() {
        return g.resume(input);
    }
    let r = match input {
        Resume::Send(Value::None) => match crate::iter::next_raw(it) {
            Ok(Some(v)) => return Ok(Step::Yielded(v)),
            Ok(None) => return Ok(Step::Returned(Value::None)),
            Err(e) => Err(e),
        },
        Resume::Send(v) => crate::ops::call_method(it, "send", &[v], &[]),
        Resume::Throw(e) => {
            if e.matches(ExcKind::GeneratorExit) {
                // `close()` the subiterator if it has one, then raise GeneratorExit here
                // (or what closing it raised).
                // CPython's `gen_close_iter` only reports a failing lookup as unraisable
                // and goes on as if there were no `close` (a refusal still stops here).
                let has_close = match crate::ops::hasattr(it, "close") {
                    Ok(b) => b,
                    Err(x) if x.is_refusal() => return Err(x),
                    Err(_) => false,
                };
                if has_close {
                    crate::ops::call_method(it, "close", &[], &[])?;
                }
                return Err(e);
            }
            if !crate::ops::hasattr(it, "throw")? {
                return Err(e);
            }
            let exc = crate::call::exc_value(&e);
            crate::ops::call_method(it, "throw", &[exc], &[])
        }
    };
    match r {
        Ok(v) => Ok(Step::Yielded(v)),
        Err(e) if e.matches(ExcKind::StopIteration) => Ok(Step::Returned(stop_value(&e))),
        Err(e) => Err(e),
    }
}

/// `yield from iterable`: delegates until the subiterator ends; its return value (a
/// `StopIteration`'s value) is the expression's value.
pub async fn yield_from(co: &Co, iterable: Value) -> PyResult<Value> {
    let it = get_iter(&iterable)?;
    *co.yieldfrom.borrow_mut() = Some(it.clone());
    let mut input = Resume::Send(Value::None);
    let result = loop {
        let step = match sub_step(&it, input) {
            Ok(s) => s,
            Err(e) => break Err(e),
        };
        match step {
            Step::Yielded(v) => {
                input = yield_raw(co, v).await;
            }
            Step::Returned(v) => break Ok(v),
        }
    };
    *co.yieldfrom.borrow_mut() = None;
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recursion;

    fn depth_probe() -> Value {
        new_generator("g", "g", channel(), async {
            Ok(Value::Int(i64::from(recursion::depth())))
        })
    }

    #[test]
    fn a_resumed_generator_runs_in_a_frame_on_top_of_its_consumer() {
        let g = depth_probe();
        let g = g.downcast::<Generator>().expect("a generator");
        recursion::at_base(10, || match g.resume(Resume::Send(Value::None)) {
            Ok(Step::Returned(Value::Int(d))) => assert_eq!(d, 11),
            _ => panic!("the body returns its depth"),
        });
        assert_eq!(recursion::depth(), 0, "restored");
    }

    #[test]
    fn resuming_a_generator_at_the_limit_is_refused() {
        let g = depth_probe();
        let g = g.downcast::<Generator>().expect("a generator");
        let e = recursion::at_base(recursion::LIMIT - 1, || {
            g.resume(Resume::Send(Value::None)).err()
        });
        let e = e.expect("no frame is certainly left");
        assert!(
            e.type_and_message()
                .starts_with("NotImplementedError: ferrule runtime:"),
            "{}",
            e.type_and_message()
        );
        // The body did not run: the generator can still be resumed below the limit.
        assert!(matches!(
            g.resume(Resume::Send(Value::None)),
            Ok(Step::Returned(Value::Int(1)))
        ));
    }
}
