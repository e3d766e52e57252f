//! Where the library's parallel work runs, and why it cannot deadlock.
//!
//! Work is split in two tiers:
//!
//! - **Inputs** are read in parallel on the caller's rayon pool (the global one unless the caller
//!   installs another). A thread reading an input may wait: for a chunk being decoded, for a
//!   range of a capture, for a read-ahead thread.
//! - **Pieces** of one input (EVTX chunks, ranges of a Process Monitor CSV) run on a *leaf pool*
//!   owned by this module. A leaf job never waits for another job: it reads its bytes, decodes
//!   them and sends the result back. (The EVTX reader also decodes chunks on its own thread
//!   while none has come back, with a pool one thread smaller.)
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

/// Run `job` on each item on a leaf pool, and hand the results back in the items' order, each
/// as soon as it and the ones before it are done (so the caller works on the first results while
/// the pool computes the next ones). Jobs are queued in order and the pool takes them first in,
/// first out, so few results wait for an earlier one.
///
/// The caller waits for results: it must not be a leaf job itself. A job that panics makes the
/// iterator panic with the same payload when its turn comes.
pub(crate) fn in_order<T, R, F>(pool: &ThreadPool, items: Vec<T>, job: F) -> impl Iterator<Item = R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let (tx, rx) = std::sync::mpsc::channel();
    let job = std::sync::Arc::new(job);
    let count = items.len();
    for (index, item) in items.into_iter().enumerate() {
        let (tx, job) = (tx.clone(), std::sync::Arc::clone(&job));
        pool.spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(item)));
            // The receiver is gone when the caller stopped early: nothing to hand back.
            let _ = tx.send((index, result));
        });
    }
    InOrder {
        rx,
        next: 0,
        count,
        waiting: std::collections::BTreeMap::new(),
    }
}

/// The results of [`in_order`], in order.
struct InOrder<R> {
    rx: std::sync::mpsc::Receiver<(usize, std::thread::Result<R>)>,
    next: usize,
    count: usize,
    /// Results that came before their turn.
    waiting: std::collections::BTreeMap<usize, std::thread::Result<R>>,
}

impl<R> Iterator for InOrder<R> {
    type Item = R;

    fn next(&mut self) -> Option<R> {
        if self.next == self.count {
            return None;
        }
        let result = loop {
            if let Some(r) = self.waiting.remove(&self.next) {
                break r;
            }
            // Every job sends once, so a result is always on its way.
            let (index, r) = self.rx.recv().ok()?;
            self.waiting.insert(index, r);
        };
        self.next += 1;
        Some(result.unwrap_or_else(|payload| std::panic::resume_unwind(payload)))
    }
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
    fn results_come_in_order() {
        let pool = leaf_pool(2).expect("pool");
        // Later items finish first: the results still come in the items' order.
        let items: Vec<u64> = (0..12).collect();
        let out: Vec<u64> = in_order(pool, items, |i| {
            std::thread::sleep(std::time::Duration::from_millis(12 - i));
            i * 10
        })
        .collect();
        assert_eq!(out, (0..12).map(|i| i * 10).collect::<Vec<_>>());
    }

    #[test]
    fn stopping_early_leaves_the_pool_usable() {
        let pool = leaf_pool(2).expect("pool");
        let first = in_order(pool, (0..50).collect::<Vec<u32>>(), |i| i).next();
        assert_eq!(first, Some(0));
        let all: Vec<u32> = in_order(pool, vec![1, 2, 3], |i| i + 1).collect();
        assert_eq!(all, [2, 3, 4]);
    }

    #[test]
    fn a_panicking_job_panics_the_caller() {
        let pool = leaf_pool(2).expect("pool");
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            in_order(pool, vec![0u32, 1], |i| {
                assert!(i == 0, "job {i} failed");
                i
            })
            .count()
        }));
        assert!(caught.is_err());
    }

    #[test]
    fn zero_means_every_core() {
        assert!(resolve_threads(0) >= 1);
        assert_eq!(resolve_threads(5), 5);
    }
}
