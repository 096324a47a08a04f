//! Work on independent items (chapters) over the machine's cores, results in
//! input order: the output never depends on which thread ran what.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// The cores this process may use (read once: it looks at cgroup files).
pub fn threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `items.iter().map(f).collect()`, on up to `available_parallelism`
/// threads. Items are handed out one at a time, so a long chapter does not
/// leave the other core idle.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_with(items, || (), |_, item| f(item))
}

/// `map`, each thread with a state of its own made by `state` (a
/// compressor set up once and reused from item to item).
pub fn map_with<T: Sync, S, R: Send>(items: &[T], state: impl Fn() -> S + Sync, f: impl Fn(&mut S, &T) -> R + Sync) -> Vec<R> {
    let threads = threads().min(items.len());
    if threads <= 1 {
        let mut s = state();
        return items.iter().map(|item| f(&mut s, item)).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let work = || {
        let mut s = state();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            let r = f(&mut s, item);
            *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
        }
    };
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(work);
        }
        work();
    });
    slots.into_iter().map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()).expect("every item was mapped")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_input_order() {
        let items: Vec<u64> = (0..1000).collect();
        let out = super::map(&items, |&n| (0..n % 97).sum::<u64>() + n * 1_000_000);
        let want: Vec<u64> = items.iter().map(|&n| (0..n % 97).sum::<u64>() + n * 1_000_000).collect();
        assert_eq!(out, want);
        assert!(super::map(&[] as &[u8], |&b| b).is_empty());
    }

    #[test]
    fn each_thread_keeps_its_state() {
        let items: Vec<u32> = (0..500).collect();
        // the state counts the items its thread took: never more than all
        let out = super::map_with(&items, || 0u32, |seen, &n| {
            *seen += 1;
            (n * 2, *seen)
        });
        assert_eq!(out.iter().map(|o| o.0).collect::<Vec<_>>(), items.iter().map(|n| n * 2).collect::<Vec<_>>());
        assert!(out.iter().all(|o| (1..=500).contains(&o.1)));
        // one first item per thread that took any
        let firsts = out.iter().filter(|o| o.1 == 1).count();
        assert!((1..=super::threads()).contains(&firsts), "{firsts}");
    }

}
