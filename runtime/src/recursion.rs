//! Python's recursion limit, as CPython 3.11 counts it under panther_analysis_tool.
//!
//! CPython keeps one counter per thread: every Python frame takes one unit, and so do some
//! C-level operations while they run (a call of a C function, `str()`/`repr()` of an object,
//! a rich comparison, C code calling back into Python). Once 1000 units are in use, the next
//! one raises `RecursionError: maximum recursion depth exceeded` (with a suffix such as
//! ` while calling a Python object` when a C-level check fails).
//!
//! ferrule counts the frames of compiled code exactly, starting from the frames that PAT,
//! the oracle and panther_core have below a detection's function (measured under
//! `oracle_v1.py`, see [`ENTRY_BASE`]). What it cannot count exactly is CPython's C-level
//! share, which even depends on how far the adaptive interpreter has specialised a call
//! site. So it keeps two bounds: `depth`, the frames it knows, and `slack`, how many more
//! units CPython may be using (added when native code calls back into compiled code). A
//! frame that would pass the limit raises CPython's `RecursionError` when the count is
//! exact, and is refused when it is not; an operation that may take a C-level unit is
//! refused when no unit is certainly left for it. Either way the result is CPython's or a
//! refusal, never a different answer.

use std::cell::Cell;

use crate::err::{ExcKind, PyErr, PyResult};

/// `sys.getrecursionlimit()` under PAT.
pub const LIMIT: u32 = 1000;

/// Frames below a detection function (`rule`, `title`, …) when panther_core's
/// `Detection.run` calls it under `oracle_v1.py`: a `rule()` recursing without end gets 991
/// frames deep (so the function is frame 8). Measured with a probe detection; the same probe
/// under `panther_analysis_tool test` is 15 frames deeper (its command-line layers).
pub const ENTRY_BASE: u32 = 7;

/// Frames below a PyPanther rule's `rule()` method when `Rule.run_test` runs it under
/// `oracle_v2.py` (`rule()` is frame 6), and below its auxiliary methods (`title()`…, frame 7).
pub const PYPANTHER_RULE_BASE: u32 = 5;
pub const PYPANTHER_AUX_BASE: u32 = 6;

/// The uncertainty given to the import of a PyPanther rule module, whose depth under
/// pypanther's package imports is not measured: recursion reaching the limit there is
/// refused rather than answered at a guessed depth.
pub const UNMEASURED_SLACK: u32 = 20;

/// Frames between a module body and the body of a module it imports for the first time
/// (CPython's import machinery), the imported module's frame not included: a helper
/// imported by a detection module runs 7 frames deeper than the detection module.
pub const IMPORT_FRAMES: u32 = 6;

/// Frames that `PantherEvent.udm` puts between its caller and a data model's method.
pub const UDM_FRAMES: u32 = 1;

/// The uncertainty added when native code calls back into compiled code: CPython's C
/// function may hold up to this many units while it calls the function (measured: 0 for
/// `map`, 1 for `list.sort`/`max`/`==`, 2 for `sorted`/`re.sub`, varying with
/// specialisation).
pub const CALLBACK_SLACK: u32 = 3;

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    static SLACK: Cell<u32> = const { Cell::new(0) };
    /// Set by a compiled call site just before it calls a compiled function, so that the
    /// callee knows it was called directly (an exact frame), not back from native code.
    static DIRECT: Cell<bool> = const { Cell::new(false) };
}

/// The frames currently counted (the lower bound of CPython's counter).
pub fn depth() -> u32 {
    DEPTH.with(Cell::get)
}

/// Restores the counter when a frame ends.
#[must_use]
pub struct Frame {
    depth: u32,
    slack: u32,
}

impl Drop for Frame {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(self.depth));
        SLACK.with(|s| s.set(self.slack));
    }
}

fn exceeded() -> PyErr {
    PyErr::new(ExcKind::RecursionError, "maximum recursion depth exceeded")
}

fn uncertain() -> PyErr {
    crate::ops::unsupported(
        "reaching Python's recursion limit where CPython's exact point of failure depends on its C-level recursion checks",
    )
}

/// Enters `frames` frames (the last of them compiled code): exact when the caller was
/// compiled code calling directly, otherwise CPython may hold more units in C.
pub fn enter_frames(frames: u32) -> PyResult<Frame> {
    let direct = DIRECT.with(|d| d.replace(false));
    let depth = depth();
    let slack = SLACK.with(Cell::get);
    let extra = if direct { 0 } else { CALLBACK_SLACK };
    let (lo, s) = (depth + frames, slack + extra);
    if lo + s > LIMIT {
        return Err(if s == 0 { exceeded() } else { uncertain() });
    }
    DEPTH.with(|d| d.set(lo));
    SLACK.with(|c| c.set(s));
    Ok(Frame { depth, slack })
}

/// Enters the frame of a compiled function.
pub fn enter() -> PyResult<Frame> {
    enter_frames(1)
}

/// The frame of a comprehension (entered directly by its enclosing code), or of a
/// generator expression (resumed by its consumer, possibly native code).
pub fn comprehension_frame(generator: bool) -> PyResult<Frame> {
    if !generator {
        direct();
    }
    enter()
}

/// Marks the next frame entered as called directly by compiled code.
pub fn direct() {
    DIRECT.with(|d| d.set(true));
}

/// Before an operation that CPython may run with a C-level recursion check (a call of a C
/// function or method, `str()`, a comparison, …): refused when CPython may have no unit
/// left for it, since whether it raises there depends on what CPython specialised.
#[inline]
pub fn native() -> PyResult<()> {
    if depth() + SLACK.with(Cell::get) >= LIMIT {
        return Err(uncertain());
    }
    Ok(())
}

/// Runs `f` as a top-level call from the test harness or panther_core: the counter starts at
/// `base` frames, exactly, and is restored afterwards (also when `f` panics).
pub fn at_base<R>(base: u32, f: impl FnOnce() -> R) -> R {
    struct Restore {
        direct: bool,
        // Restores the counter when dropped, after `drop` below.
        _frame: Frame,
    }
    impl Drop for Restore {
        fn drop(&mut self) {
            DIRECT.with(|d| d.set(self.direct));
        }
    }
    let _restore = Restore {
        direct: DIRECT.with(|d| d.replace(false)),
        _frame: rebase(base),
    };
    f()
}

/// Sets the counter to `base` frames exactly until the guard is dropped.
pub fn rebase(base: u32) -> Frame {
    let frame = Frame {
        depth: depth(),
        slack: SLACK.with(Cell::get),
    };
    DEPTH.with(|d| d.set(base));
    SLACK.with(|s| s.set(0));
    frame
}

/// Counts `frames` more frames, keeping the uncertainty, until the guard is dropped (no
/// limit check: the caller enters no code of its own there).
pub fn shift(frames: u32) -> Frame {
    let frame = Frame {
        depth: depth(),
        slack: SLACK.with(Cell::get),
    };
    DEPTH.with(|d| d.set(frame.depth + frames));
    frame
}

/// Like [`at_base`], with `slack` frames of uncertainty.
pub fn at_uncertain_base<R>(base: u32, slack: u32, f: impl FnOnce() -> R) -> R {
    at_base(base, || {
        SLACK.with(|s| s.set(slack));
        f()
    })
}

/// The frames of a module being imported for the first time: the import machinery's and
/// the module's own, on top of the importer (or of [`ENTRY_BASE`] when the harness imports
/// it).
pub fn import_frame() -> PyResult<Frame> {
    direct();
    enter_frames(IMPORT_FRAMES + 1)
}

/// The frames of a data model's method called by `event.udm(name)`: `PantherEvent.udm`'s
/// and the method's own.
pub fn udm_frame() -> PyResult<Frame> {
    direct();
    enter_frames(UDM_FRAMES)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Recurses through compiled-style frames until the limit, returning the depth reached
    /// and the error.
    fn recurse(n: u32, direct_calls: bool) -> (u32, PyErr) {
        if direct_calls {
            direct();
        }
        match enter() {
            Ok(_frame) => recurse(n + 1, direct_calls),
            Err(e) => (n, e),
        }
    }

    #[test]
    fn direct_recursion_raises_cpythons_error_at_cpythons_depth() {
        let (n, e) = at_base(ENTRY_BASE, || {
            direct();
            let _rule = enter().expect("rule() is frame 8");
            recurse(0, true)
        });
        // As `oracle_v1.py` measures it: 992 frames fit above `rule()`.
        assert_eq!(n, LIMIT - ENTRY_BASE - 1);
        assert_eq!(
            e.type_and_message(),
            "RecursionError: maximum recursion depth exceeded"
        );
        assert_eq!(depth(), 0, "restored");
    }

    #[test]
    fn callbacks_from_native_code_are_refused_at_the_limit() {
        let (_, e) = at_base(ENTRY_BASE, || recurse(0, false));
        assert!(
            e.type_and_message()
                .starts_with("NotImplementedError: ferrule runtime:"),
            "{}",
            e.type_and_message()
        );
    }

    #[test]
    fn native_operations_are_refused_only_in_the_deepest_frame() {
        at_base(LIMIT - 1, || {
            assert!(native().is_ok());
            direct();
            let _deepest = enter().expect("the last frame fits");
            assert!(native().is_err());
            direct();
            assert_eq!(
                enter().err().map(|e| e.type_and_message()),
                Some("RecursionError: maximum recursion depth exceeded".to_string())
            );
        });
    }

    #[test]
    fn the_base_is_restored_after_a_panic() {
        let r = std::panic::catch_unwind(|| at_base(500, || panic!("boom")));
        assert!(r.is_err());
        assert_eq!(depth(), 0);
    }
}
