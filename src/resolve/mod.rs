//! Whole-program checks after lowering: names imported from other modules of the
//! repository must exist there (Python would raise ImportError when the detection loads).

pub mod project;

use std::collections::BTreeSet;

use crate::diag::{Code, Diagnostic};
use crate::ir::*;

/// Modules whose `from helper import name` names something the helper never binds.
pub fn check_imports(program: &Program) -> Vec<(String, Diagnostic)> {
    let mut out = Vec::new();
    for (name, module) in &program.modules {
        for stmt in &module.body {
            let Stmt::Assign(
                _,
                Expr {
                    kind: ExprKind::ModuleRef(m, Some(attr)),
                    span,
                },
            ) = stmt
            else {
                continue;
            };
            let Some(dep) = program.modules.get(m) else {
                continue;
            };
            if !binds_at_top_level(dep).contains(attr.as_str()) {
                out.push((
                    name.clone(),
                    Diagnostic::new(
                        Code::UndefinedName,
                        span.clone(),
                        format!("cannot import name `{attr}` from `{m}`"),
                    ),
                ));
            }
        }
    }
    out
}

/// Names a module binds in its body (not inside functions).
fn binds_at_top_level(m: &Module) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    collect(&m.body, &mut out);
    out
}

fn collect<'a>(stmts: &'a [Stmt], out: &mut BTreeSet<&'a str>) {
    for s in stmts {
        match s {
            Stmt::Assign(ts, _) => ts.iter().for_each(|t| target(t, out)),
            Stmt::AugAssign(t, _, _) | Stmt::Def(t, _) | Stmt::For(t, _, _) => {
                target(t, out);
                if let Stmt::For(_, _, body) = s {
                    collect(body, out);
                }
            }
            Stmt::Class { target: t, .. } | Stmt::ClassDef(t, _) => target(t, out),
            Stmt::If(_, a, b) => {
                collect(a, out);
                collect(b, out);
            }
            Stmt::While(_, b) => collect(b, out),
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                collect(body, out);
                for h in handlers {
                    if let Some(Name::Global(_, n)) = &h.name {
                        out.insert(n.as_str());
                    }
                    collect(&h.body, out);
                }
                collect(orelse, out);
                collect(finalbody, out);
            }
            Stmt::With { items, body } => {
                items
                    .iter()
                    .filter_map(|(_, t)| t.as_ref())
                    .for_each(|t| target(t, out));
                collect(body, out);
            }
            _ => {}
        }
    }
}

fn target<'a>(t: &'a Target, out: &mut BTreeSet<&'a str>) {
    match t {
        Target::Name(Name::Global(_, n)) => {
            out.insert(n.as_str());
        }
        Target::Unpack(ts, _) => ts.iter().for_each(|t| target(t, out)),
        _ => {}
    }
}
