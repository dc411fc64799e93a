//! Module namespaces: the globals of a compiled Python module.
//!
//! Every module-level name (constants, functions, imported names) lives in a slot of its
//! module's [`Namespace`], because Python looks globals up at call time: a `global`
//! statement, a later rebinding or a unit-test mock must be seen by every function of the
//! module. Namespaces are thread-local, so each Rust test thread starts from a freshly
//! imported module, and the sequential JSONL runner shares state across tests exactly as
//! one CPython process does.

use std::cell::{Cell, RefCell};

use crate::err::{ExcKind, PyErr, PyResult};
use crate::value::Value;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum InitState {
    New,
    Running,
    Done,
    Failed,
}

thread_local! {
    // The names of the modules compiled from the repository (their attributes are globals).
    static GENERATED: RefCell<
        std::collections::HashSet<&'static str, crate::value::NameHashBuild>,
    > = RefCell::new(std::collections::HashSet::default());
}

/// Whether `name` is a module compiled from the repository, not a library module.
pub fn is_generated(name: &str) -> bool {
    GENERATED.with(|g| g.borrow().contains(name))
}

/// The globals of one module.
pub struct Namespace {
    /// The module's dotted name (`__name__`).
    pub name: &'static str,
    /// The slot names, in slot order.
    pub names: &'static [&'static str],
    slots: RefCell<Vec<Option<Value>>>,
    state: Cell<InitState>,
    error: RefCell<Option<PyErr>>,
    /// The module object, made once: two imports of a module are the same object (`is`).
    object: std::cell::OnceCell<Value>,
}

impl Namespace {
    pub fn new(name: &'static str, names: &'static [&'static str]) -> Namespace {
        Namespace {
            name,
            names,
            slots: RefCell::new(vec![None; names.len()]),
            state: Cell::new(InitState::New),
            error: RefCell::new(None),
            object: std::cell::OnceCell::new(),
        }
    }

    /// Reads global `slot`; `NameError` if it is unbound.
    pub fn get(&self, slot: usize) -> PyResult<Value> {
        match &self.slots.borrow()[slot] {
            Some(v) => Ok(v.clone()),
            None => Err(PyErr::new(
                ExcKind::NameError,
                format!("name '{}' is not defined", self.names[slot]),
            )),
        }
    }

    /// Binds global `slot`.
    pub fn set(&self, slot: usize, v: Value) {
        self.slots.borrow_mut()[slot] = Some(v);
    }

    /// `del name` at module level (or of a `global`): `NameError` if it is unbound.
    pub fn delete(&self, slot: usize) -> PyResult<()> {
        match self.slots.borrow_mut()[slot].take() {
            Some(_) => Ok(()),
            None => Err(PyErr::new(
                ExcKind::NameError,
                format!("name '{}' is not defined", self.names[slot]),
            )),
        }
    }

    /// Replaces the binding of `name`, returning the previous one (for mocks). Like
    /// `unittest.mock.patch`, it fails when the module has no such attribute.
    pub fn patch(&self, name: &str, v: Value) -> PyResult<Option<Value>> {
        // `object.attribute`: a mock of an instance's member (pypanther's `RuleMock` of a
        // rule's own method or constant patches the rule object), saved as its own entry.
        if let Some((object, attribute)) = name.split_once('.') {
            let target = self.member_target(object)?;
            if let Some(dict) = crate::rule_class::instance_dict(&target) {
                return Ok(dict.borrow_mut().insert(attribute.to_string(), v));
            }
            let instance = target
                .downcast::<crate::class::Instance>()
                .ok_or_else(|| crate::ops::unsupported("a mock of this object's attribute"))?;
            let old = instance.dict.borrow_mut().insert(attribute.to_string(), v);
            return Ok(old);
        }
        match self.names.iter().position(|n| *n == name) {
            Some(slot) if self.slots.borrow()[slot].is_some() => {
                Ok(self.slots.borrow_mut()[slot].replace(v))
            }
            _ => Err(PyErr::attribute_error(format!(
                "<module '{}'> does not have the attribute '{}'",
                self.name, name
            ))),
        }
    }

    /// The value of global `object`, whose attribute a mock patches.
    fn member_target(&self, object: &str) -> PyResult<Value> {
        self.names
            .iter()
            .position(|n| *n == object)
            .and_then(|slot| self.slots.borrow()[slot].clone())
            .ok_or_else(|| crate::ops::unsupported("a mock of a member of an unbound global"))
    }

    /// Restores a binding saved by [`Namespace::patch`].
    pub fn unpatch(&self, name: &str, old: Option<Value>) {
        if let Some((object, attribute)) = name.split_once('.') {
            let Ok(target) = self.member_target(object) else {
                return;
            };
            let dict = match crate::rule_class::instance_dict(&target) {
                Some(d) => Some(d),
                None => target.downcast::<crate::class::Instance>().map(|i| &i.dict),
            };
            if let Some(dict) = dict {
                let mut dict = dict.borrow_mut();
                match old {
                    Some(v) => {
                        dict.insert(attribute.to_string(), v);
                    }
                    // The attribute came from the class: deleting the instance's makes it
                    // visible again.
                    None => {
                        dict.shift_remove(attribute);
                    }
                }
            }
            return;
        }
        if let Some(slot) = self.names.iter().position(|n| *n == name) {
            self.slots.borrow_mut()[slot] = old;
        }
    }

    /// The module object (`import` binds it), whose attribute reads go through `attr`.
    pub fn object(&self, attr: fn(&str) -> Option<Value>) -> Value {
        self.object
            .get_or_init(|| {
                GENERATED.with(|g| g.borrow_mut().insert(self.name));
                Value::object(crate::value::ModuleObject {
                    name: self.name,
                    attr,
                })
            })
            .clone()
    }

    /// Whether the module body has run to its end (the module is in `sys.modules`).
    pub fn loaded(&self) -> bool {
        self.state.get() == InitState::Done
    }

    /// Whether the module body has not started yet.
    pub fn is_new(&self) -> bool {
        self.state.get() == InitState::New
    }

    /// Runs the module body once, as `import` does. A body that raised makes every later
    /// import fail with the same error.
    pub fn init(&self, body: impl FnOnce() -> PyResult<()>) -> PyResult<()> {
        match self.state.get() {
            InitState::Done | InitState::Running => Ok(()),
            InitState::Failed => Err(self.error.borrow().clone().expect("stored import error")),
            InitState::New => {
                // The module's frame and the import machinery's: an import that fails
                // there leaves the module unimported, as CPython does.
                let frame = crate::recursion::import_frame()?;
                self.state.set(InitState::Running);
                let result = body();
                drop(frame);
                match result {
                    Ok(()) => {
                        self.state.set(InitState::Done);
                        Ok(())
                    }
                    Err(e) => {
                        self.state.set(InitState::Failed);
                        *self.error.borrow_mut() = Some(e.clone());
                        Err(e)
                    }
                }
            }
        }
    }
}
