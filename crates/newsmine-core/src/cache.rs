//! A bounded, run-wide memo of model outputs: syndicated wire copy and boilerplate repeat the
//! same sentences across articles, and each distinct model input needs encoding only once.
//!
//! Keys are a 128-bit digest of the model input (its parts length-prefixed), so an entry costs the
//! same whatever the length of the text. Eviction is by two generations: entries go into the
//! current one; when it holds half the capacity it becomes the previous one (the old previous is
//! dropped), and a hit in the previous generation moves the entry back. Nothing in it depends on
//! hash order or timing, so a run's output depends on its input order only.
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;

/// Digest of a model input.
pub type Key = u128;

/// The key of a model input given as parts (a sentence's words; a target and a text). Each part
/// is length-prefixed, so ("ab", "c") and ("a", "bc") differ.
pub fn key<S: AsRef<str>>(parts: &[S]) -> Key {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        let p = p.as_ref().as_bytes();
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    let d = h.finalize();
    let mut first = [0u8; 16];
    first.copy_from_slice(&d[..16]);
    u128::from_le_bytes(first)
}

/// How a stage's cache was used in a run (`run.json` `cache`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Stats {
    /// model inputs looked up (every sentence, every unit × target)
    pub lookups: u64,
    /// of those, served without the model: seen in an earlier batch, or earlier in the same one
    pub hits: u64,
    /// most entries held at once (0: the cache was off)
    pub capacity: usize,
}

impl Stats {
    pub fn hit_rate(&self) -> f64 {
        self.hits as f64 / self.lookups.max(1) as f64
    }
}

struct Inner<V> {
    current: HashMap<Key, V>,
    previous: HashMap<Key, V>,
    stats: Stats,
}

/// The cache of one stage; `capacity` 0 turns it off (every input goes to the model).
pub struct Cache<V> {
    inner: Mutex<Inner<V>>,
}

/// What a batch needs from the model: `compute` are the indexes (into the batch's keys) of the
/// distinct inputs the cache does not hold, in batch order.
pub struct Plan<V> {
    keys: Vec<Key>,
    known: Vec<Option<V>>,
    /// for each input: the position in `compute` whose result it takes (None: known)
    from: Vec<Option<usize>>,
    pub compute: Vec<usize>,
}

impl<V: Clone> Cache<V> {
    pub fn new(capacity: usize) -> Self {
        Cache {
            inner: Mutex::new(Inner {
                current: HashMap::new(),
                previous: HashMap::new(),
                stats: Stats {
                    capacity,
                    ..Default::default()
                },
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<V>> {
        // a panic elsewhere while holding the lock leaves consistent maps: keep using them
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn stats(&self) -> Stats {
        self.lock().stats
    }

    /// Looks up every key of a batch. Off, it plans every input for the model (no merging of
    /// repeats either: the baseline a cached run must equal).
    pub fn plan(&self, keys: Vec<Key>) -> Plan<V> {
        let mut g = self.lock();
        let inner = &mut *g;
        let mut known = Vec::with_capacity(keys.len());
        let mut from = Vec::with_capacity(keys.len());
        let mut compute = Vec::new();
        if inner.stats.capacity == 0 {
            for i in 0..keys.len() {
                known.push(None);
                from.push(Some(compute.len()));
                compute.push(i);
            }
            return Plan {
                keys,
                known,
                from,
                compute,
            };
        }
        let mut first: HashMap<Key, usize> = HashMap::new();
        for (i, k) in keys.iter().enumerate() {
            inner.stats.lookups += 1;
            let hit = match inner.current.get(k) {
                Some(v) => Some(v.clone()),
                None => inner.previous.remove(k).inspect(|v| {
                    insert(inner, *k, v.clone());
                }),
            };
            if let Some(v) = hit {
                inner.stats.hits += 1;
                known.push(Some(v));
                from.push(None);
            } else if let Some(&j) = first.get(k) {
                inner.stats.hits += 1; // a repeat within the batch: encoded once
                known.push(None);
                from.push(Some(j));
            } else {
                first.insert(*k, compute.len());
                known.push(None);
                from.push(Some(compute.len()));
                compute.push(i);
            }
        }
        Plan {
            keys,
            known,
            from,
            compute,
        }
    }

    /// The values of the whole batch from the model's results for `plan.compute` (in that
    /// order), which are kept for later batches. None when `computed` is short (a model error).
    pub fn fill(&self, plan: Plan<V>, computed: Vec<V>) -> Option<Vec<V>> {
        if computed.len() != plan.compute.len() {
            return None;
        }
        {
            let mut g = self.lock();
            if g.stats.capacity > 0 {
                for (&i, v) in plan.compute.iter().zip(&computed) {
                    insert(&mut g, plan.keys[i], v.clone());
                }
            }
        }
        plan.known
            .into_iter()
            .zip(plan.from)
            .map(|(known, from)| known.or_else(|| from.and_then(|j| computed.get(j).cloned())))
            .collect()
    }
}

fn insert<V>(inner: &mut Inner<V>, k: Key, v: V) {
    let half = (inner.stats.capacity / 2).max(1);
    if inner.current.len() >= half && !inner.current.contains_key(&k) {
        inner.previous = std::mem::take(&mut inner.current);
    }
    inner.current.insert(k, v);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(cache: &Cache<String>, inputs: &[&str]) -> (Vec<String>, usize) {
        let plan = cache.plan(inputs.iter().map(|s| key(&[*s])).collect());
        let computed: Vec<String> = plan
            .compute
            .iter()
            .map(|&i| inputs[i].to_uppercase())
            .collect();
        let n = computed.len();
        (cache.fill(plan, computed).unwrap(), n)
    }

    #[test]
    fn repeats_are_computed_once_and_results_stay_in_place() {
        let cache = Cache::new(100);
        let (out, n) = run(&cache, &["a", "b", "a", "c"]);
        assert_eq!(out, ["A", "B", "A", "C"]);
        assert_eq!(n, 3);
        let (out, n) = run(&cache, &["c", "d", "a"]);
        assert_eq!(out, ["C", "D", "A"]);
        assert_eq!(n, 1);
        let s = cache.stats();
        assert_eq!((s.lookups, s.hits), (7, 3));
    }

    #[test]
    fn off_computes_everything_and_counts_nothing() {
        let cache = Cache::new(0);
        let (out, n) = run(&cache, &["a", "a"]);
        assert_eq!(out, ["A", "A"]);
        assert_eq!(n, 2);
        assert_eq!(cache.stats(), Stats::default());
    }

    #[test]
    fn bounded() {
        let cache = Cache::new(4);
        let words: Vec<String> = (0..50).map(|i| i.to_string()).collect();
        for w in &words {
            run(&cache, &[w.as_str()]);
        }
        let g = cache.lock();
        assert!(g.current.len() + g.previous.len() <= 4);
        // the newest is kept
        assert!(g.current.contains_key(&key(&["49"])));
    }

    #[test]
    fn parts_are_length_prefixed() {
        assert_ne!(key(&["ab", "c"]), key(&["a", "bc"]));
        assert_eq!(key(&["ab", "c"]), key(&["ab", "c"]));
    }

    #[test]
    fn short_results_are_refused() {
        let cache: Cache<String> = Cache::new(10);
        let plan = cache.plan(vec![key(&["x"])]);
        assert!(cache.fill(plan, Vec::new()).is_none());
    }
}
