//! Work spread over the machine's cores on plain threads, results in the input's order.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Typst recurses deeply while typesetting, and TOML and Tera through nested input; rayon's
/// and std's default 2 MB is not enough.
pub const STACK_SIZE: usize = 64 * 1024 * 1024;

/// `work` applied to every item on as many plain threads as the machine has cores, results in
/// the items' order. Not rayon: Typst and its PDF writer use rayon themselves, and a rayon
/// worker waiting for their work takes the next place's job meanwhile, nesting one profile
/// inside another until, at 20,000 places, memory reached 12 GB and the stack overflowed.
pub fn map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(items.len().max(1));
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                std::thread::Builder::new()
                    .stack_size(STACK_SIZE)
                    .spawn_scoped(scope, || {
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(item) = items.get(i) else { break };
                            done.push((i, work(item)));
                        }
                        done
                    })
                    .expect("a worker thread starts")
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}
