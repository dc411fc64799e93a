//! Deep recursion without stack overflows: the stages after parsing recurse over trees
//! whose depth `source::python::MAX_DEPTH` bounds, and they run on threads whose stack is
//! sized for that bound (only the pages actually used are ever touched).

/// The stack of every thread that lowers or emits (debug builds use far more stack per
/// level than release builds; this covers `MAX_DEPTH` in both).
pub const STACK_SIZE: usize = 192 << 20;

/// Runs `f` on a thread pool whose threads have `STACK_SIZE` stacks; rayon's parallel
/// iterators inside `f` use the same pool.
pub fn with_deep_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if rayon::current_thread_index().is_some() && DEEP.with(|d| d.get()) {
        return f();
    }
    match rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .start_handler(|_| DEEP.with(|d| d.set(true)))
        .build()
    {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}

thread_local! {
    /// Whether this thread already has a deep stack.
    static DEEP: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}
