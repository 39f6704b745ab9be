//! What this machine gives a run: how many threads (the cores the process may use, less those
//! other processes keep busy) and whether bfloat16 is native (AMX / AVX512-BF16).
//!
//! Why the load matters: libtorch's OpenMP pool waits at a barrier after every operation; when
//! another process holds one of its cores, every operation waits for the descheduled thread
//! (measured on 2 cores with two busy loops: 30 articles in 24.2 s with 2 threads, 7.7 s with 1).
use serde::Serialize;

/// Model precision as chosen on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// bfloat16 where the CPU has native support, else fp32
    Auto,
    Fp32,
    Bf16,
}

/// Whether the CPU computes bfloat16 natively (AVX512-BF16 or AMX-BF16), so that bf16 is faster
/// than fp32 rather than emulated.
pub fn cpu_has_native_bf16() -> bool {
    static NATIVE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *NATIVE.get_or_init(probe_native_bf16)
}

fn probe_native_bf16() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512bf16") {
            return true;
        }
    }
    // AMX is not in std's detection list: the kernel's flags say it
    std::fs::read_to_string("/proc/cpuinfo")
        .map(|s| {
            s.lines()
                .find(|l| l.starts_with("flags"))
                .is_some_and(|l| l.split_whitespace().any(|f| f == "amx_bf16"))
        })
        .unwrap_or(false)
}

/// Resolves `auto`: true when the models should run in bfloat16.
pub fn use_bf16(p: Precision) -> bool {
    match p {
        Precision::Bf16 => true,
        Precision::Fp32 => false,
        Precision::Auto => cpu_has_native_bf16(),
    }
}

/// A resolved thread count and why.
#[derive(Clone, Debug, Serialize)]
pub struct Threads {
    pub n: usize,
    pub reason: String,
}

/// Why: glibc's malloc maps a large block afresh each time (until its threshold has risen) and
/// trims the heap top on each free, so the encoders' activation tensors were page-faulted in on
/// every forward pass — 22 million minor faults and a fifth of the CPU time for 1,000 BBC
/// articles — and the holes they leave, one heap per thread, kept pages resident: peak RSS grew
/// with corpus length (×1.18 for ×10 the articles). So: two heaps, blocks up to 32 MiB from the
/// heap, no trimming on free, and one trim after each batch ([`release_freed_memory`]): the same
/// peak RSS, 4 % of the page faults, a third less wall time at ×10 (docs/BENCHMARKS.md).
///
/// Sets glibc's `M_ARENA_MAX` (2), `M_MMAP_THRESHOLD` (32 MiB, its maximum) and
/// `M_TRIM_THRESHOLD` (256 MiB), each unless the user set it (`MALLOC_ARENA_MAX`,
/// `MALLOC_MMAP_THRESHOLD_`, `MALLOC_TRIM_THRESHOLD_`). Call before other threads start.
pub fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    for (var, param, value) in [
        ("MALLOC_ARENA_MAX", libc::M_ARENA_MAX, 2),
        ("MALLOC_MMAP_THRESHOLD_", libc::M_MMAP_THRESHOLD, 32 << 20),
        ("MALLOC_TRIM_THRESHOLD_", libc::M_TRIM_THRESHOLD, 256 << 20),
    ] {
        if std::env::var_os(var).is_none() {
            // SAFETY: mallopt only sets a glibc tunable; no pointer is passed.
            unsafe {
                libc::mallopt(param, value);
            }
        }
    }
}

/// Hands the heap pages freed by the last batch back to the system (see [`tune_malloc`]).
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own arenas; it takes no pointer from us.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Cores this process may use: cgroup quota and affinity included (Slurm, Kubernetes limits).
pub fn usable_cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// (busy, total) jiffies of all CPUs from `/proc/stat`, and the number of CPUs listed.
fn cpu_times() -> Option<(u64, u64, usize)> {
    let s = std::fs::read_to_string("/proc/stat").ok()?;
    let mut lines = s.lines();
    let v: Vec<u64> = lines
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    let total: u64 = v.iter().take(8).sum();
    let idle = v.get(3)? + v.get(4).unwrap_or(&0);
    let cpus = lines.filter(|l| l.starts_with("cpu")).count();
    Some((total - idle, total, cpus))
}

/// Cores other processes keep busy right now, measured over a quarter of a second (at start-up,
/// before this process works). `None` off Linux, or when the process is confined to fewer cores
/// than the machine has (then `/proc/stat` speaks of cores that are not ours).
fn busy_cores(cores: usize) -> Option<f64> {
    let (b0, t0, cpus) = cpu_times()?;
    if cpus != cores {
        return None;
    }
    std::thread::sleep(std::time::Duration::from_millis(250));
    let (b1, t1, _) = cpu_times()?;
    let dt = t1.saturating_sub(t0);
    (dt > 0).then(|| (b1.saturating_sub(b0)) as f64 / dt as f64 * cpus as f64)
}

/// `requested` threads, or for 0 the usable cores less those other processes keep busy, at
/// least 1 (a shared node keeps its busy cores; an idle one gets them all).
pub fn threads(requested: usize) -> Threads {
    let cores = usable_cores();
    if requested > 0 {
        return Threads {
            n: requested,
            reason: "-j".into(),
        };
    }
    match busy_cores(cores) {
        Some(busy) if busy >= 0.6 => {
            let busy_n = (busy.round() as usize).min(cores.saturating_sub(1));
            Threads {
                n: (cores - busy_n).max(1),
                reason: format!("{cores} usable cores, {busy:.1} kept busy by other processes"),
            }
        }
        _ => Threads {
            n: cores,
            reason: format!("{cores} usable cores"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_threads_win_and_auto_is_at_least_one() {
        assert_eq!(threads(3).n, 3);
        let t = threads(0);
        assert!(t.n >= 1 && t.n <= usable_cores(), "{t:?}");
        assert!(!use_bf16(Precision::Fp32));
        assert!(use_bf16(Precision::Bf16));
    }

    #[test]
    fn allocator_tuning_leaves_memory_usable() {
        tune_malloc();
        let blocks: Vec<Vec<u8>> = (0..8).map(|i| vec![i as u8; 1 << 20]).collect();
        drop(blocks);
        release_freed_memory();
        let again = vec![7u8; 4 << 20];
        assert_eq!(
            again.iter().map(|&b| b as usize).sum::<usize>(),
            7 * (4 << 20)
        );
    }
}
