//! Where the library's parallel work runs, and why it cannot deadlock.
//!
//! Work is split in two tiers:
//!
//! - **Inputs** are read in parallel on the caller's rayon pool (the global one unless the caller
//!   installs another). A thread reading an input may wait: for a chunk being decoded, for a
//!   range of a capture, for a read-ahead thread.
//! - **Pieces** of one input (EVTX chunks, ranges of a Process Monitor CSV) run on a *leaf pool*
//!   owned by this module. A leaf job never waits for another job: it reads its bytes, decodes
//!   them and sends the result back.
//!
//! Because nothing on a leaf pool waits, every leaf job that is queued eventually runs, so a
//! thread waiting for leaf jobs always sees them finish, whatever pool it belongs to, however
//! many inputs wait at once and whatever the thread counts. (The first design spawned pieces on
//! the same pool that ran the inputs: with two EVTX inputs on two threads, both workers waited
//! for chunk jobs queued behind themselves.)

use std::sync::{Mutex, OnceLock};

use rayon::ThreadPool;

/// Leaf pools built so far, by thread count; at most a few sizes exist in one process.
static LEAF_POOLS: OnceLock<Mutex<Vec<(usize, &'static ThreadPool)>>> = OnceLock::new();

/// The number of threads that `threads` stands for: 0 means one per available core.
pub(crate) fn resolve_threads(threads: usize) -> usize {
    match threads {
        0 => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        n => n,
    }
}

/// The leaf pool with `threads` threads (0: one per core), built on first use and kept for the
/// life of the process. `None` when the system refuses new threads: callers then do the work
/// on the calling thread.
///
/// Only jobs that never block may run here (see the module documentation).
pub(crate) fn leaf_pool(threads: usize) -> Option<&'static ThreadPool> {
    let threads = resolve_threads(threads);
    let pools = LEAF_POOLS.get_or_init(|| Mutex::new(Vec::new()));
    let mut pools = pools.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, pool)) = pools.iter().find(|(n, _)| *n == threads) {
        return Some(pool);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("msitrace-leaf-{i}"))
        .build()
        .ok()?;
    let pool: &'static ThreadPool = Box::leak(Box::new(pool));
    pools.push((threads, pool));
    Some(pool)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pool_per_size() {
        let a = leaf_pool(3).expect("pool");
        let b = leaf_pool(3).expect("pool");
        assert!(std::ptr::eq(a, b));
        assert_eq!(a.current_num_threads(), 3);
    }

    #[test]
    fn zero_means_every_core() {
        assert!(resolve_threads(0) >= 1);
        assert_eq!(resolve_threads(5), 5);
    }
}
