//! Timing the steps of a phase for `-v` (a leaf: `index/` and `render/`
//! use it without reaching into `lib.rs`).

/// Times the steps of a phase for `-v` (tracing at debug level):
/// `RUST_LOG=gongbu=debug gongbu -v build` prints one event per step, with
/// its wall time (`ms`) and, on Linux, the CPU time of all threads
/// (`cpu_ms`, steady on a busy machine where wall time is not) and the
/// resident memory now and at its peak (`rss_mb`, `peak_mb`).
pub(crate) struct Step {
    phase: &'static str,
    last: std::cell::Cell<(std::time::Instant, u64)>,
}

impl Step {
    pub(crate) fn start(phase: &'static str) -> Self {
        Step {
            phase,
            last: std::cell::Cell::new((std::time::Instant::now(), cpu_ns())),
        }
    }

    /// The step `what` ended now; the next one starts.
    pub(crate) fn done(&self, what: &'static str) {
        let (now, cpu) = (std::time::Instant::now(), cpu_ns());
        let (then, cpu_then) = self.last.replace((now, cpu));
        let ms = now.duration_since(then).as_millis() as u64;
        let cpu_ms = cpu.saturating_sub(cpu_then) / 1_000_000;
        let (rss_mb, peak_mb) = memory_mb();
        tracing::debug!(
            phase = self.phase,
            step = what,
            ms,
            cpu_ms,
            rss_mb,
            peak_mb,
            "step"
        );
    }
}

/// Resident memory now and at its peak so far, in MB (`VmRSS` and `VmHWM`
/// of `/proc/self/status`); 0 where there is no such file or when nothing
/// prints debug events.
fn memory_mb() -> (u64, u64) {
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return (0, 0);
    }
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return (0, 0);
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU time of every thread of the process so far, in nanoseconds (the
/// first field of each `/proc/self/task/*/schedstat`); 0 where there is no
/// such file or when nothing prints debug events.
fn cpu_ns() -> u64 {
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return 0;
    }
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}
