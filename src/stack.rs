//! Deep recursion without stack overflows: the stages after parsing recurse over trees
//! whose depth `source::python::MAX_DEPTH` bounds, and they run on threads whose stack is
//! sized for that bound (only the pages actually used are ever touched).

use std::sync::OnceLock;

/// The stack of every thread that lowers or emits (debug builds use far more stack per
/// level than release builds; this covers `MAX_DEPTH` in both).
pub const STACK_SIZE: usize = 192 << 20;

thread_local! {
    /// Whether this thread is one of the deep-stack pool's.
    static DEEP: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` on a thread pool (built once) whose threads have `STACK_SIZE` stacks; rayon's
/// parallel iterators inside `f` use the same pool.
pub fn with_deep_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    if DEEP.with(|d| d.get()) {
        return f();
    }
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(STACK_SIZE)
            .thread_name(|i| format!("ferrule-deep-{i}"))
            .start_handler(|_| DEEP.with(|d| d.set(true)))
            .build()
            .ok()
    });
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}
