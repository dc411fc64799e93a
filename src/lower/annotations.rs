//! Annotations that CPython evaluates: those of module- and class-level variables and of
//! function parameters and returns (when the `def` runs; no module here uses
//! `from __future__ import annotations`).
//!
//! The compiler drops annotations, which is exact only when their evaluation cannot raise.
//! This pass proves that statically — every name is bound before the statement runs, and
//! every `typing` subscript has the arity and argument kinds `typing` accepts — and
//! reports the annotations it cannot prove, which the caller refuses (F007).

use std::collections::{HashMap, HashSet};

use rustpython_parser::ast::{self, Ranged};
use rustpython_parser::text_size::TextRange;

/// What a module-level name is bound to when an annotation reads it.
#[derive(Clone, Debug, PartialEq)]
enum Bound {
    /// `import m` or `import m as x` of a library module (dotted path).
    Module(String),
    /// A class (builtin, library or defined by the module): a valid `typing` argument and
    /// `|` operand.
    Class,
    /// A library or module function: a valid `typing` argument (it is callable).
    Callable,
    /// A `typing` special form or generic alias, by name.
    Typing(String),
    /// Anything else (a helper's name, a module constant): readable, of unknown kind.
    Other,
}

/// Builtin names that are classes, valid anywhere a type is.
const BUILTIN_TYPES: &[&str] = &[
    "str",
    "int",
    "float",
    "bool",
    "bytes",
    "dict",
    "list",
    "set",
    "frozenset",
    "tuple",
    "object",
    "type",
    "complex",
    "bytearray",
];

/// Builtin classes whose subscript is a `types.GenericAlias`, which checks nothing.
const BUILTIN_GENERICS: &[&str] = &["dict", "list", "set", "frozenset", "tuple", "type"];

/// `typing` names that may stand alone as a type argument (`Dict[str, Any]`).
const TYPING_BARE_ARGS: &[&str] = &[
    "Any",
    "List",
    "Dict",
    "Set",
    "FrozenSet",
    "Tuple",
    "Callable",
    "Iterable",
    "Iterator",
    "Sequence",
    "Mapping",
    "MutableMapping",
    "Type",
    "Collection",
    "DefaultDict",
    "Pattern",
    "Match",
];

/// The annotations of `body` (a module) whose evaluation ferrule cannot prove error-free,
/// with the reason.
pub fn unproven(body: &[ast::Stmt]) -> Vec<(TextRange, String)> {
    // A nested function's annotations run when it is defined, later than the statement
    // around it: a name the module binds more than once may have changed kind by then.
    let mut names = Vec::new();
    crate::lower::python::collect_bound(body, &mut names, true);
    let mut seen = HashSet::new();
    let rebound = names
        .into_iter()
        .filter(|n| !seen.insert(n.clone()))
        .collect();
    let mut cx = Check {
        bound: HashMap::new(),
        rebound,
        out: Vec::new(),
    };
    for s in body {
        cx.statement(s);
        cx.bind(s);
    }
    cx.out
}

struct Check {
    bound: HashMap<String, Bound>,
    /// Names the module binds more than once.
    rebound: HashSet<String>,
    out: Vec<(TextRange, String)>,
}

impl Check {
    /// The annotations a top-level statement evaluates when it runs.
    fn statement(&mut self, s: &ast::Stmt) {
        match s {
            ast::Stmt::AnnAssign(a) => self.annotation(&a.annotation),
            ast::Stmt::FunctionDef(f) => self.function(f),
            ast::Stmt::ClassDef(c) => {
                // The class namespace shadows the module's while the body runs: a name the
                // body has bound is of unknown kind there.
                let saved = self.bound.clone();
                for m in &c.body {
                    match m {
                        ast::Stmt::AnnAssign(a) => self.annotation(&a.annotation),
                        ast::Stmt::FunctionDef(f) => self.function(f),
                        _ => {}
                    }
                    let mut names = Vec::new();
                    crate::lower::python::collect_bound(std::slice::from_ref(m), &mut names, true);
                    for n in names {
                        self.bound.insert(n, Bound::Other);
                    }
                }
                self.bound = saved;
            }
            // Annotations in other compound statements run conditionally; the lowering
            // refuses or handles them elsewhere, and none occur in detections.
            _ => {}
        }
    }

    fn function(&mut self, f: &ast::StmtFunctionDef) {
        let a = &f.args;
        for arg in a
            .posonlyargs
            .iter()
            .chain(&a.args)
            .chain(&a.kwonlyargs)
            .map(|d| &d.def)
            .chain(a.vararg.as_deref())
            .chain(a.kwarg.as_deref())
        {
            if let Some(ann) = &arg.annotation {
                self.annotation(ann);
            }
        }
        if let Some(r) = &f.returns {
            self.annotation(r);
        }
        // Nested functions evaluate their annotations when their `def` runs, possibly
        // reading the enclosing function's locals: only names the module binds are proven.
        self.nested(&f.body);
    }

    fn nested(&mut self, body: &[ast::Stmt]) {
        for s in body {
            match s {
                ast::Stmt::FunctionDef(f) => {
                    let saved = self.bound.clone();
                    for n in &self.rebound {
                        if self.bound.contains_key(n) {
                            self.bound.insert(n.clone(), Bound::Other);
                        }
                    }
                    self.function(f);
                    self.bound = saved;
                }
                ast::Stmt::If(i) => {
                    self.nested(&i.body);
                    self.nested(&i.orelse);
                }
                ast::Stmt::For(x) => self.nested(&x.body),
                ast::Stmt::While(x) => self.nested(&x.body),
                ast::Stmt::Try(t) => {
                    self.nested(&t.body);
                    for h in &t.handlers {
                        let ast::ExceptHandler::ExceptHandler(h) = h;
                        self.nested(&h.body);
                    }
                    self.nested(&t.orelse);
                }
                _ => {}
            }
        }
    }

    fn annotation(&mut self, e: &ast::Expr) {
        if !self.value(e) {
            self.out.push((
                e.range(),
                "an annotation ferrule cannot prove evaluates without error".into(),
            ));
        }
    }

    /// Names a top-level statement binds, for the statements after it.
    fn bind(&mut self, s: &ast::Stmt) {
        match s {
            ast::Stmt::Import(i) => {
                for a in &i.names {
                    let dotted = a.name.as_str();
                    let (name, module) = match &a.asname {
                        Some(b) => (b.to_string(), dotted.to_string()),
                        None => {
                            let top = dotted.split('.').next().unwrap_or(dotted);
                            (top.to_string(), top.to_string())
                        }
                    };
                    let kind = if crate::lower::stdlib::module_exists(&module) {
                        Bound::Module(module)
                    } else {
                        Bound::Other
                    };
                    self.bound.insert(name, kind);
                }
            }
            ast::Stmt::ImportFrom(i) => {
                let module = i.module.as_ref().map(|m| m.as_str()).unwrap_or("");
                for a in &i.names {
                    let attr = a.name.as_str();
                    let name = a.asname.as_ref().unwrap_or(&a.name).to_string();
                    let kind = if module == "typing" {
                        Bound::Typing(attr.to_string())
                    } else if module == "dataclasses" && attr == "InitVar" {
                        Bound::Typing("InitVar".into())
                    } else {
                        library_kind(&format!("{module}.{attr}"))
                    };
                    self.bound.insert(name, kind);
                }
            }
            ast::Stmt::ClassDef(c) => {
                self.bound.insert(c.name.to_string(), Bound::Class);
            }
            ast::Stmt::FunctionDef(f) => {
                self.bound.insert(f.name.to_string(), Bound::Callable);
            }
            ast::Stmt::Assign(a) => {
                for t in &a.targets {
                    self.bind_target(t);
                }
            }
            ast::Stmt::AnnAssign(a) if a.value.is_some() => self.bind_target(&a.target),
            ast::Stmt::AugAssign(a) => self.bind_target(&a.target),
            // Names bound in compound statements may be unbound afterwards; a rebinding
            // there also leaves the earlier kind uncertain.
            _ => {
                let mut names = Vec::new();
                crate::lower::python::collect_bound(std::slice::from_ref(s), &mut names, true);
                for n in names {
                    self.bound.remove(&n);
                }
            }
        }
    }

    fn bind_target(&mut self, t: &ast::Expr) {
        match t {
            ast::Expr::Name(n) => {
                self.bound.insert(n.id.to_string(), Bound::Other);
            }
            ast::Expr::Tuple(x) => x.elts.iter().for_each(|e| self.bind_target(e)),
            ast::Expr::List(x) => x.elts.iter().for_each(|e| self.bind_target(e)),
            _ => {}
        }
    }

    /// What a name refers to, if it is certainly bound: a module binding, else an
    /// unshadowed builtin class.
    fn name(&self, n: &str) -> Option<Bound> {
        if let Some(b) = self.bound.get(n) {
            return Some(b.clone());
        }
        BUILTIN_TYPES.contains(&n).then_some(Bound::Class)
    }

    /// `typing.X` through `import typing`, or a class of a library module.
    fn attribute(&self, a: &ast::ExprAttribute) -> Option<Bound> {
        let ast::Expr::Name(base) = &*a.value else {
            return None;
        };
        let Some(Bound::Module(m)) = self.bound.get(base.id.as_str()) else {
            return None;
        };
        let attr = a.attr.as_str();
        if m == "typing" {
            return crate::lower::stdlib::attr_exists(&format!("typing.{attr}"))
                .then(|| Bound::Typing(attr.to_string()));
        }
        if m == "dataclasses" && attr == "InitVar" {
            return Some(Bound::Typing("InitVar".into()));
        }
        match library_kind(&format!("{m}.{attr}")) {
            Bound::Other => None,
            k => Some(k),
        }
    }

    /// Whether evaluating `e` as an annotation cannot raise (any value will do).
    fn value(&self, e: &ast::Expr) -> bool {
        match e {
            ast::Expr::Constant(_) => true,
            ast::Expr::Name(n) => self.name(&n.id).is_some(),
            ast::Expr::Attribute(a) => self.attribute(a).is_some(),
            ast::Expr::Subscript(s) => self.subscript(s),
            ast::Expr::BinOp(b) if matches!(b.op, ast::Operator::BitOr) => {
                self.union_operand(&b.left) && self.union_operand(&b.right)
            }
            // `list or str`: truth-testing a class or constant cannot raise.
            ast::Expr::BoolOp(b) => b.values.iter().all(|v| match v {
                ast::Expr::Constant(_) => true,
                ast::Expr::Name(n) => matches!(self.name(&n.id), Some(Bound::Class)),
                _ => false,
            }),
            _ => false,
        }
    }

    /// An operand of `X | Y`: `type.__or__` and the typing forms accept classes, `None`
    /// and other unions (not strings, not arbitrary callables).
    fn union_operand(&self, e: &ast::Expr) -> bool {
        match e {
            ast::Expr::Constant(c) => matches!(c.value, ast::Constant::None),
            ast::Expr::Name(n) => match self.name(&n.id) {
                Some(Bound::Typing(t)) => t != "Optional" && t != "Union" && t != "Literal",
                Some(Bound::Class) => true,
                _ => false,
            },
            ast::Expr::Attribute(a) => matches!(self.attribute(a), Some(Bound::Class)),
            ast::Expr::Subscript(s) => self.subscript(s),
            ast::Expr::BinOp(b) if matches!(b.op, ast::Operator::BitOr) => {
                self.union_operand(&b.left) && self.union_operand(&b.right)
            }
            _ => false,
        }
    }

    /// A type argument inside a `typing` subscript: `typing` rejects non-callables and
    /// bare special forms (`Dict[str, Optional]`).
    fn type_arg(&self, e: &ast::Expr) -> bool {
        match e {
            ast::Expr::Constant(c) => match &c.value {
                ast::Constant::None => true,
                // A forward reference compiles its text: a dotted identifier is safe.
                ast::Constant::Str(s) => {
                    !s.is_empty()
                        && s.split('.').all(|p| {
                            p.chars()
                                .next()
                                .is_some_and(|c| c.is_alphabetic() || c == '_')
                                && p.chars().all(|c| c.is_alphanumeric() || c == '_')
                        })
                }
                _ => false,
            },
            ast::Expr::Name(n) => match self.name(&n.id) {
                Some(Bound::Class | Bound::Callable) => true,
                Some(Bound::Typing(t)) => TYPING_BARE_ARGS.contains(&t.as_str()),
                _ => false,
            },
            ast::Expr::Attribute(a) => match self.attribute(a) {
                Some(Bound::Class | Bound::Callable) => true,
                Some(Bound::Typing(t)) => TYPING_BARE_ARGS.contains(&t.as_str()),
                _ => false,
            },
            ast::Expr::Subscript(s) => self.subscript(s),
            ast::Expr::BinOp(b) if matches!(b.op, ast::Operator::BitOr) => {
                self.union_operand(&b.left) && self.union_operand(&b.right)
            }
            _ => false,
        }
    }

    fn subscript(&self, s: &ast::ExprSubscript) -> bool {
        let base = match &*s.value {
            ast::Expr::Name(n) => self.name(&n.id).map(|b| (n.id.as_str(), b)),
            ast::Expr::Attribute(a) => self.attribute(a).map(|b| (a.attr.as_str(), b)),
            _ => None,
        };
        let args: Vec<&ast::Expr> = match &*s.slice {
            ast::Expr::Tuple(t) => t.elts.iter().collect(),
            one => vec![one],
        };
        match base {
            // `list[...]` builds a `types.GenericAlias` without looking at its arguments.
            Some((n, Bound::Class))
                if BUILTIN_GENERICS.contains(&n) && !self.bound.contains_key(n) =>
            {
                args.iter().all(|a| self.value(a))
            }
            Some((_, Bound::Typing(t))) => self.typing_subscript(&t, &args),
            _ => false,
        }
    }

    /// `typing` generics with the parameter counts CPython 3.11 checks.
    fn typing_subscript(&self, form: &str, args: &[&ast::Expr]) -> bool {
        let all = |xs: &[&ast::Expr]| xs.iter().all(|a| self.type_arg(a));
        match form {
            "Optional" | "List" | "Set" | "FrozenSet" | "Type" | "Iterable" | "Iterator"
            | "Sequence" | "Collection" | "ClassVar" | "Final" => args.len() == 1 && all(args),
            "Dict" | "Mapping" | "MutableMapping" | "DefaultDict" => args.len() == 2 && all(args),
            "Union" => !args.is_empty() && all(args),
            // `dataclasses.InitVar[...]` keeps whatever it is given.
            "InitVar" => args.iter().all(|a| self.value(a)),
            "Tuple" => match args {
                [x, ast::Expr::Constant(c)] if matches!(c.value, ast::Constant::Ellipsis) => {
                    self.type_arg(x)
                }
                _ => !args.is_empty() && all(args),
            },
            "Callable" => match args {
                [ast::Expr::List(params), ret] => {
                    params.elts.iter().all(|p| self.type_arg(p)) && self.type_arg(ret)
                }
                [ast::Expr::Constant(c), ret] if matches!(c.value, ast::Constant::Ellipsis) => {
                    self.type_arg(ret)
                }
                _ => false,
            },
            "Literal" => args.iter().all(|a| match a {
                ast::Expr::Constant(c) => matches!(
                    c.value,
                    ast::Constant::Str(_)
                        | ast::Constant::Int(_)
                        | ast::Constant::Bool(_)
                        | ast::Constant::None
                ),
                _ => false,
            }),
            _ => false,
        }
    }
}

/// What a library name is: a class, a function, or something else.
fn library_kind(dotted: &str) -> Bound {
    match ferrule_runtime::imports::resolve(dotted)
        .as_ref()
        .map(|v| v.type_name())
    {
        Some("type") => Bound::Class,
        Some("builtin_function_or_method" | "function") => Bound::Callable,
        _ => Bound::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(src: &str) -> Vec<String> {
        let py = crate::source::python::parse("t.py", src.to_string()).expect("parses");
        unproven(&py.body)
            .into_iter()
            .map(|(r, _)| src[r.start().to_usize()..r.end().to_usize()].to_string())
            .collect()
    }

    #[test]
    fn proven_annotations() {
        let src = "from typing import Dict, Tuple, Optional, Any, List\n\
                   from datetime import datetime, timedelta\n\
                   import typing\n\
                   class C:\n    X: Dict[str, Dict[str, Tuple[timedelta, datetime]]] = {}\n\
                   \x20   def m(self, e: 'PantherEvent', n: int = 1) -> Optional[str]:\n        return None\n\
                   def f(a: List[Any], b: typing.Dict[str, int], c: str | None, d: list[dict], e: timedelta | None) -> list or str:\n    pass\n\
                   Y: C = C()\n";
        assert_eq!(check(src), Vec::<String>::new());
    }

    #[test]
    fn unproven_annotations() {
        let src = "from typing import Dict, Optional\n\
                   def f(a: Undefined, b: Dict[str]) -> Dict[str, Optional]:\n    pass\n\
                   X: Later = 1\n\
                   class Later:\n    pass\n\
                   def g(c: 'a b' | None) -> Dict[str, 5]:\n    pass\n\
                   class K:\n    Dict = 5\n    def m(self) -> Dict[str, int]:\n        pass\n\
                   def outer():\n    def inner() -> Optional[int]:\n        pass\n\
                   Optional = 3\n";
        assert_eq!(
            check(src),
            vec![
                "Undefined",
                "Dict[str]",
                "Dict[str, Optional]",
                "Later",
                "'a b' | None",
                "Dict[str, 5]",
                "Dict[str, int]",
                "Optional[int]"
            ]
        );
    }
}
