//! Quiet-machine evidence around one measured block: how much CPU other processes took, how
//! much time the hypervisor stole, and the kernel's pressure stall information (PSI) for CPU,
//! I/O and memory, between two readings.
//!
//! Linux only: `/proc/stat`, `/proc/self/stat` and `/proc/pressure/{cpu,io,memory}`. A
//! reading that is missing (another OS, a kernel without PSI, a container hiding `/proc`) is
//! `None`, never invented. To add a reading: a field of [`Quiet`] (optional, with
//! `#[serde(default)]`), its counter, and its threshold in the disturbance check.
//!
//! Use: take [`QuietCounters::now`] before and after a block, then
//! [`Quiet::between`] gives the block's [`Quiet`]; [`Quiet::disturbances`] says, in words,
//! which readings passed their threshold; [`Quiet::combine`] pools the blocks of one case
//! (its rounds) into one summary.
//!
//! Sources: proc(5) for `/proc/stat` (the aggregate `cpu` line: `user nice system idle
//! iowait irq softirq steal guest guest_nice`, in clock ticks) and `/proc/<pid>/stat`
//! (utime, stime, cutime, cstime are fields 14 to 17); the kernel's
//! `Documentation/accounting/psi.rst` for `/proc/pressure/*` (`some avg10=… avg60=… avg300=…
//! total=<µs>`, then a `full` line; `total` is the cumulative stall time in microseconds).
//!
//! How fine the readings are:
//!
//! - CPU time in `/proc/stat` is counted in clock ticks (10 ms at the usual 100 Hz), and
//!   mostly by sampling at each tick, so a span's busy time is known to about one tick per
//!   busy CPU. Below [`MIN_TICK_WALL_S`] the tick readings (`others_cpus`, `steal`) are
//!   `None`; above it they are unbiased but noisy, and [`Quiet::disturbances`] judges them
//!   against their threshold plus one tick's worth of the span ([`Quiet::tick_allowance`]).
//!   Pooling blocks with [`Quiet::combine`] averages the noise down.
//! - PSI totals are microseconds of stall time brought up to date on every read, so the
//!   pressures are exact for any span.
//!
//! Whose time it is: "others" is all CPUs' busy time minus this process's own (its threads
//! and the children it has reaped). Worker processes still alive at a reading (the `process`
//! model's pool) are someone else's to `/proc/self/stat`; pass their pids to
//! [`QuietCounters::now_with_children`] to count them as ours.

use std::borrow::Borrow;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::load::{CpuLine, clock_ticks_per_second, parse_cpu_line, parse_own_ticks};

/// Shortest span, in seconds, over which the tick-counted readings (`others_cpus`, `steal`)
/// are computed: 0.06 s, six 10 ms ticks, the shortest block of the quick profile, so that
/// every block of the quick and default profiles gets a reading. Each busy CPU's time is
/// known to about one tick: measured on a shared 2-CPU VM, `others_cpus` read to ±0.2 CPUs
/// at 0.05 s, ±0.1 at 0.1 s and ±0.05 at 0.25 s (10th to 90th percentile). Short spans are
/// judged with that in mind: [`Quiet::tick_allowance`] raises the thresholds by one tick's
/// worth (0.17 CPUs at 0.06 s), so a short block is flagged only when another process held
/// about two thirds of a CPU or more.
pub const MIN_TICK_WALL_S: f64 = 0.06;

/// One clock tick of CPU time, in seconds, as [`Quiet::tick_allowance`] counts it: 10 ms
/// (`USER_HZ` is 100 on nearly every Linux).
pub const TICK_S: f64 = 0.01;

/// CPUs' worth of other processes' work, on average over a span, from which the span counts
/// as disturbed: 0.5 CPUs. On the machines concbench aims at (2 to 8 CPUs) the cases that
/// matter most run as many workers as there are CPUs, and half a core taken from them is a
/// 25% loss on 2 CPUs; less than that is within the everyday noise of a desktop or CI runner
/// (daemons, the terminal). It is absolute, not a share of the CPUs, so on a large machine
/// it is strict.
pub const OTHERS_CPUS_THRESHOLD: f64 = 0.5;

/// Share of all CPUs' time stolen by the hypervisor from which a span counts as disturbed:
/// 2%. A healthy VM shows 0 to 0.5%; 2% already slows a CPU-bound case by about as much,
/// and steal comes in bursts, so a span's 2% is often one vCPU losing much more.
pub const STEAL_THRESHOLD: f64 = 0.02;

/// Share of the wall time in which some task waited for I/O (PSI io "some") from which a
/// span counts as disturbed, for workloads that wait on I/O: 10%. Background writeback and
/// journaling keep a few percent on an otherwise idle disk; 10% means the device is busy
/// with someone's real work. Mind that it counts our own waits too: a `file` block's fsyncs
/// raise it by themselves (a few percent for one writer, more with many).
pub const IO_PRESSURE_THRESHOLD: f64 = 0.10;

/// Share of the wall time in which some task waited for memory (PSI memory "some": reclaim,
/// swap-in, refaults) from which a span counts as disturbed, whatever the workload: 5%. A
/// machine with free memory reads 0; any stall slows every allocation-heavy model, and
/// above a few percent the machine is reclaiming in earnest. A case that filled memory by
/// itself would raise it too, which is worth knowing as much.
pub const MEMORY_PRESSURE_THRESHOLD: f64 = 0.05;

/// What happened on the machine while one block ran (one round of one case, say).
///
/// Every share is a fraction of the block's wall time (or of all CPUs' time, for `steal`),
/// `0.0..=1.0`; `others_cpus` is a number of CPUs.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Quiet {
    /// Wall time between the two readings, in seconds.
    pub wall_s: f64,
    /// Mean number of CPUs kept busy by processes other than this one and its reaped
    /// children (`/proc/stat` busy time minus `/proc/self/stat`'s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub others_cpus: Option<f64>,
    /// Share of all CPUs' time the hypervisor gave to someone else (`/proc/stat` steal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steal: Option<f64>,
    /// Share of the wall time in which at least one task waited for a CPU (PSI cpu "some").
    ///
    /// Recorded, never judged: a case with more runnable threads than CPUs (16 workers on 2
    /// CPUs, tokio's blocking pool, worker processes) makes it high by itself, so it cannot
    /// tell others' work from ours. Others' CPU use is measured directly by `others_cpus`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_pressure: Option<f64>,
    /// Share of the wall time in which at least one task waited for I/O (PSI io "some").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub io_pressure: Option<f64>,
    /// Share of the wall time in which at least one task waited for memory (PSI memory
    /// "some").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_pressure: Option<f64>,
}

/// The cumulative counters [`Quiet`] is computed from, read at one instant. Every counter
/// that could not be read is `None` inside; [`Quiet::between`] leaves the readings that need
/// it `None`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuietCounters {
    /// When the counters were read.
    at: Instant,
    /// The aggregate `cpu` line of `/proc/stat`, in clock ticks.
    cpu: Option<CpuLine>,
    /// utime + stime + cutime + cstime of this process (and the listed children), in ticks.
    own_ticks: Option<u64>,
    /// Clock ticks per second.
    hz: Option<u64>,
    /// PSI cpu "some" total, in microseconds.
    cpu_some_us: Option<u64>,
    /// PSI io "some" total, in microseconds.
    io_some_us: Option<u64>,
    /// PSI memory "some" total, in microseconds.
    memory_some_us: Option<u64>,
}

impl QuietCounters {
    /// Reads every counter now: `/proc/stat`, `/proc/self/stat`, `/proc/pressure/{cpu,io,
    /// memory}`. Never fails; off Linux, or where a file is missing or unreadable, that
    /// counter is `None`. Takes a few tens of microseconds (five small file reads).
    pub fn now() -> QuietCounters {
        QuietCounters::now_with_children(&[])
    }

    /// Like [`QuietCounters::now`], and counts the CPU time of the live child processes
    /// `pids` (utime + stime + cutime + cstime of each `/proc/<pid>/stat`) as this
    /// process's own, so that worker processes are not taken for other processes. Pass the
    /// same workers before and after a block: a worker reaped in between has its time in
    /// this process's cutime/cstime by then, so it is still counted once. A pid that cannot
    /// be read (already reaped) adds nothing.
    pub fn now_with_children(pids: &[u32]) -> QuietCounters {
        let own_ticks = read("/proc/self/stat")
            .as_deref()
            .and_then(parse_own_ticks)
            .map(|own| {
                own + pids
                    .iter()
                    .filter_map(|pid| read(&format!("/proc/{pid}/stat")))
                    .filter_map(|stat| parse_own_ticks(&stat))
                    .sum::<u64>()
            });
        let psi = |path: &str| read(path).as_deref().and_then(parse_psi_some_total);
        QuietCounters {
            cpu: read("/proc/stat").as_deref().and_then(parse_cpu_line),
            own_ticks,
            hz: clock_ticks_per_second(),
            cpu_some_us: psi("/proc/pressure/cpu"),
            io_some_us: psi("/proc/pressure/io"),
            memory_some_us: psi("/proc/pressure/memory"),
            at: Instant::now(),
        }
    }
}

/// A whole `/proc` file, or `None` where it cannot be read (always off Linux).
fn read(path: &str) -> Option<String> {
    if cfg!(any(target_os = "linux", target_os = "android")) {
        std::fs::read_to_string(path).ok()
    } else {
        let _ = path;
        None
    }
}

/// The `total=` of the `some` line of a PSI file (`/proc/pressure/{cpu,io,memory}`,
/// Documentation/accounting/psi.rst): microseconds in which at least one task stalled,
/// since boot. The `full` line (io and memory; cpu since Linux 5.13) is ignored.
fn parse_psi_some_total(text: &str) -> Option<u64> {
    let line = text
        .lines()
        .find(|l| l.split_whitespace().next() == Some("some"))?;
    line.split_whitespace()
        .find_map(|field| field.strip_prefix("total="))?
        .parse()
        .ok()
}

impl Quiet {
    /// What happened between two readings (`before` taken first). `wall_s` is the time
    /// between them (0 if `after` is not later); every other reading is `None` when a
    /// counter it needs is missing at either end or went backwards, and:
    ///
    /// - `others_cpus` = (all CPUs' busy ticks − own ticks) / ticks per second / `wall_s`,
    ///   at least 0, in CPUs; `None` below [`MIN_TICK_WALL_S`];
    /// - `steal` = steal ticks / all ticks of all CPUs, a fraction; `None` below
    ///   [`MIN_TICK_WALL_S`] or on kernels without steal;
    /// - `cpu_pressure`, `io_pressure`, `memory_pressure` = PSI "some" microseconds /
    ///   wall microseconds, clamped to `0..=1`; `None` when `wall_s` is 0.
    pub fn between(before: &QuietCounters, after: &QuietCounters) -> Quiet {
        let wall_s = after.at.saturating_duration_since(before.at).as_secs_f64();
        let delta = |a: Option<u64>, b: Option<u64>| b?.checked_sub(a?);
        let ticked = wall_s >= MIN_TICK_WALL_S;

        let others_cpus = (|| {
            let hz = before.hz.filter(|&hz| hz > 0 && after.hz == Some(hz))?;
            let busy = delta(before.cpu.map(|c| c.busy()), after.cpu.map(|c| c.busy()))?;
            let own = delta(before.own_ticks, after.own_ticks)?;
            Some(((busy as f64 - own as f64) / hz as f64 / wall_s).max(0.0))
        })()
        .filter(|_| ticked);
        let steal = (|| {
            let stolen = delta(before.cpu?.steal, after.cpu?.steal)?;
            let total = delta(before.cpu.map(|c| c.total()), after.cpu.map(|c| c.total()))?;
            (total > 0).then(|| (stolen as f64 / total as f64).clamp(0.0, 1.0))
        })()
        .filter(|_| ticked);
        let pressure = |a: Option<u64>, b: Option<u64>| {
            let stalled_us = delta(a, b)?;
            (wall_s > 0.0).then(|| (stalled_us as f64 / (wall_s * 1e6)).clamp(0.0, 1.0))
        };
        Quiet {
            wall_s,
            others_cpus,
            steal,
            cpu_pressure: pressure(before.cpu_some_us, after.cpu_some_us),
            io_pressure: pressure(before.io_some_us, after.io_some_us),
            memory_pressure: pressure(before.memory_some_us, after.memory_some_us),
        }
    }

    /// How much a tick-counted reading of this span may be off by one 10 ms tick
    /// ([`TICK_S`]): `TICK_S / wall_s` (CPUs for `others_cpus`; a fraction for `steal`, as
    /// if the machine had one CPU, which is the worst case). [`Quiet::disturbances`] adds it
    /// to the thresholds of `others_cpus` and `steal`, so one tick landing on either side
    /// of a short span does not pass for a disturbance. Infinite for an empty span.
    pub fn tick_allowance(&self) -> f64 {
        if self.wall_s > 0.0 {
            TICK_S / self.wall_s
        } else {
            f64::INFINITY
        }
    }

    /// One short reason per reading past its threshold, with the reading and the threshold;
    /// empty when the span was quiet (or nothing could be read).
    ///
    /// Judged: `others_cpus` against [`OTHERS_CPUS_THRESHOLD`] and `steal` against
    /// [`STEAL_THRESHOLD`], each plus [`Quiet::tick_allowance`]; `memory_pressure` against
    /// [`MEMORY_PRESSURE_THRESHOLD`]; `io_pressure` against [`IO_PRESSURE_THRESHOLD`] only
    /// when `waits_on_io` (pass true for `io` and `mixed` workloads: others' I/O cannot slow
    /// a compute-only case). `cpu_pressure` is never judged (see [`Quiet::cpu_pressure`]).
    pub fn disturbances(&self, waits_on_io: bool) -> Vec<String> {
        let mut reasons = Vec::new();
        let allowance = self.tick_allowance();
        if let Some(others) = self.others_cpus {
            let threshold = OTHERS_CPUS_THRESHOLD + allowance;
            if others >= threshold {
                reasons.push(format!(
                    "other processes held {others:.2} CPUs (threshold {threshold:.2} over {:.2} s)",
                    self.wall_s
                ));
            }
        }
        if let Some(steal) = self.steal {
            let threshold = STEAL_THRESHOLD + allowance;
            if steal >= threshold {
                reasons.push(format!(
                    "steal {} of CPU time (threshold {} over {:.2} s)",
                    percent(steal),
                    percent(threshold),
                    self.wall_s
                ));
            }
        }
        if let Some(io) = self.io_pressure.filter(|_| waits_on_io) {
            if io >= IO_PRESSURE_THRESHOLD {
                reasons.push(format!(
                    "I/O pressure {} of the time (threshold {})",
                    percent(io),
                    percent(IO_PRESSURE_THRESHOLD)
                ));
            }
        }
        if let Some(memory) = self.memory_pressure {
            if memory >= MEMORY_PRESSURE_THRESHOLD {
                reasons.push(format!(
                    "memory pressure {} of the time (threshold {})",
                    percent(memory),
                    percent(MEMORY_PRESSURE_THRESHOLD)
                ));
            }
        }
        reasons
    }

    /// The two spans as one: [`Quiet::combine`] of `self` and `other`.
    pub fn merge(&self, other: &Quiet) -> Quiet {
        Quiet::combine([self, other]).unwrap_or_default()
    }

    /// Several spans (a case's rounds, say) as one: `wall_s` is their sum, and each reading
    /// the wall-weighted mean over the spans that have it, which is the pooled reading
    /// (other CPU-seconds over wall seconds, stalled microseconds over wall microseconds;
    /// for `steal`, all CPUs' ticks are proportional to wall time), up to each span's
    /// clamping. A reading missing from every span stays `None`. `None` for no spans.
    ///
    /// Combine all spans at once: merging pairwise in steps weighs a reading that some
    /// spans lack by the whole wall time of the earlier merges.
    pub fn combine<I>(spans: I) -> Option<Quiet>
    where
        I: IntoIterator,
        I::Item: Borrow<Quiet>,
    {
        let spans: Vec<Quiet> = spans.into_iter().map(|q| *q.borrow()).collect();
        if spans.is_empty() {
            return None;
        }
        let wall_s = spans.iter().map(|q| q.wall_s.max(0.0)).sum();
        let mean = |field: fn(&Quiet) -> Option<f64>| {
            let (mut weighted, mut weight, mut any) = (0.0, 0.0, false);
            for q in &spans {
                if let Some(value) = field(q) {
                    weighted += value * q.wall_s.max(0.0);
                    weight += q.wall_s.max(0.0);
                    any = true;
                }
            }
            // Spans of no length carry no weight; if that is all there is, average them.
            any.then(|| {
                if weight > 0.0 {
                    weighted / weight
                } else {
                    let values: Vec<f64> = spans.iter().filter_map(field).collect();
                    values.iter().sum::<f64>() / values.len() as f64
                }
            })
        };
        Some(Quiet {
            wall_s,
            others_cpus: mean(|q| q.others_cpus),
            steal: mean(|q| q.steal),
            cpu_pressure: mean(|q| q.cpu_pressure),
            io_pressure: mean(|q| q.io_pressure),
            memory_pressure: mean(|q| q.memory_pressure),
        })
    }
}

/// A fraction as a percentage with one decimal: `0.041` → `4.1%`.
fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const STAT: &str =
        "cpu  1000 10 500 8000 20 5 5 40 0 0\ncpu0 500 5 250 4000 10 2 3 20 0 0\nintr 1 2 3\n";
    const PSI_IO: &str = "some avg10=1.23 avg60=0.50 avg300=0.10 total=6999734\nfull avg10=0.00 avg60=0.57 avg300=0.45 total=3142748\n";

    fn cpu(busy: u64, idle: u64, steal: Option<u64>) -> Option<CpuLine> {
        Some(CpuLine {
            user: busy,
            nice: 0,
            system: 0,
            idle,
            iowait: 0,
            irq: 0,
            softirq: 0,
            steal,
        })
    }

    /// Counters at `at`, with every reading present.
    fn counters(
        at: Instant,
        busy: u64,
        idle: u64,
        steal: u64,
        own: u64,
        psi: [u64; 3],
    ) -> QuietCounters {
        QuietCounters {
            at,
            cpu: cpu(busy, idle, Some(steal)),
            own_ticks: Some(own),
            hz: Some(100),
            cpu_some_us: Some(psi[0]),
            io_some_us: Some(psi[1]),
            memory_some_us: Some(psi[2]),
        }
    }

    fn empty(at: Instant) -> QuietCounters {
        QuietCounters {
            at,
            cpu: None,
            own_ticks: None,
            hz: None,
            cpu_some_us: None,
            io_some_us: None,
            memory_some_us: None,
        }
    }

    #[test]
    fn psi_some_total_parses() {
        assert_eq!(parse_psi_some_total(PSI_IO), Some(6_999_734));
        // cpu before Linux 5.13: no full line.
        assert_eq!(
            parse_psi_some_total("some avg10=0.00 avg60=0.00 avg300=0.00 total=42\n"),
            Some(42)
        );
        // The full line alone, or garbage, is not a reading.
        assert_eq!(
            parse_psi_some_total("full avg10=0.00 avg60=0.00 avg300=0.00 total=7\n"),
            None
        );
        assert_eq!(parse_psi_some_total("some avg10=0.00 total=x\n"), None);
        assert_eq!(parse_psi_some_total(""), None);
    }

    #[test]
    fn proc_stat_and_own_stat_parse() {
        let line = parse_cpu_line(STAT).unwrap();
        assert_eq!(line.busy(), 1000 + 10 + 500 + 5 + 5);
        assert_eq!(line.steal, Some(40));
        assert_eq!(line.total(), 1520 + 8000 + 20 + 40);
        // The command name may hold spaces and parentheses.
        let own = "77 (tokio (rt) worker) S 1 77 77 0 -1 4194560 100 0 0 0 12 3 4 5 20 0 9 0";
        assert_eq!(parse_own_ticks(own), Some(12 + 3 + 4 + 5));
    }

    #[test]
    fn between_computes_each_reading() {
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_secs(2);
        // 2 CPUs for 2 s = 400 ticks: 300 busy (100 of them ours), 90 idle, 10 stolen.
        let before = counters(t0, 1000, 5000, 50, 200, [0, 0, 0]);
        let after = counters(t1, 1300, 5090, 60, 300, [500_000, 200_000, 20_000]);
        let q = Quiet::between(&before, &after);
        assert_eq!(q.wall_s, 2.0);
        // 200 others' ticks = 2 CPU-seconds over 2 s.
        assert!((q.others_cpus.unwrap() - 1.0).abs() < 1e-12);
        assert!((q.steal.unwrap() - 10.0 / 400.0).abs() < 1e-12);
        assert!((q.cpu_pressure.unwrap() - 0.25).abs() < 1e-12);
        assert!((q.io_pressure.unwrap() - 0.10).abs() < 1e-12);
        assert!((q.memory_pressure.unwrap() - 0.01).abs() < 1e-12);
    }

    #[test]
    fn between_clamps_and_refuses_what_it_cannot_know() {
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_secs(1);
        // Our own time above the system's (tick sampling): 0, not negative; stall time
        // above the wall time: 1.
        let before = counters(t0, 1000, 0, 0, 0, [0, 0, 0]);
        let after = counters(t1, 1050, 50, 0, 80, [2_000_000, 0, 0]);
        let q = Quiet::between(&before, &after);
        assert_eq!(q.others_cpus, Some(0.0));
        assert_eq!(q.cpu_pressure, Some(1.0));
        assert_eq!(q.steal, Some(0.0));

        // Missing files at either end: None, never 0.
        let q = Quiet::between(&empty(t0), &after);
        assert_eq!(q.wall_s, 1.0);
        assert_eq!(
            (
                q.others_cpus,
                q.steal,
                q.cpu_pressure,
                q.io_pressure,
                q.memory_pressure
            ),
            (None, None, None, None, None)
        );
        let mut no_psi = after;
        no_psi.io_some_us = None;
        let q = Quiet::between(&before, &no_psi);
        assert_eq!(q.io_pressure, None);
        assert!(q.cpu_pressure.is_some() && q.memory_pressure.is_some());

        // A kernel without steal, and one without /proc/self/stat.
        let mut old = after;
        old.cpu = cpu(1050, 50, None);
        let mut before_old = before;
        before_old.cpu = cpu(1000, 0, None);
        let q = Quiet::between(&before_old, &old);
        assert_eq!(q.steal, None);
        assert!(q.others_cpus.is_some());
        let mut no_own = after;
        no_own.own_ticks = None;
        assert_eq!(Quiet::between(&before, &no_own).others_cpus, None);

        // A counter that went backwards is not a reading.
        let mut back = after;
        back.memory_some_us = Some(0);
        let mut high = before;
        high.memory_some_us = Some(10);
        assert_eq!(Quiet::between(&high, &back).memory_pressure, None);

        // Reversed readings: no time passed, nothing to divide by.
        let q = Quiet::between(&after, &before);
        assert_eq!(q.wall_s, 0.0);
        assert_eq!((q.others_cpus, q.cpu_pressure), (None, None));
    }

    #[test]
    fn short_spans_have_no_tick_readings() {
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_millis(50);
        let before = counters(t0, 1000, 0, 0, 0, [0, 0, 0]);
        let after = counters(t1, 1012, 0, 1, 0, [5_000, 0, 0]);
        let q = Quiet::between(&before, &after);
        assert_eq!((q.others_cpus, q.steal), (None, None));
        assert!((q.cpu_pressure.unwrap() - 0.1).abs() < 1e-9, "PSI is exact");
    }

    fn span(wall_s: f64) -> Quiet {
        Quiet {
            wall_s,
            ..Quiet::default()
        }
    }

    #[test]
    fn thresholds_name_the_reading_and_the_limit() {
        let quiet = Quiet {
            others_cpus: Some(0.2),
            steal: Some(0.005),
            cpu_pressure: Some(0.9),
            io_pressure: Some(0.05),
            memory_pressure: Some(0.0),
            ..span(1.0)
        };
        assert!(
            quiet.disturbances(true).is_empty(),
            "cpu pressure is not judged"
        );
        let busy = Quiet {
            others_cpus: Some(0.93),
            steal: Some(0.041),
            io_pressure: Some(0.23),
            memory_pressure: Some(0.06),
            ..span(1.0)
        };
        assert_eq!(
            busy.disturbances(true),
            [
                "other processes held 0.93 CPUs (threshold 0.51 over 1.00 s)",
                "steal 4.1% of CPU time (threshold 3.0% over 1.00 s)",
                "I/O pressure 23.0% of the time (threshold 10.0%)",
                "memory pressure 6.0% of the time (threshold 5.0%)",
            ]
        );
        assert_eq!(
            busy.disturbances(false).len(),
            3,
            "I/O pressure only for workloads that wait on I/O"
        );
        assert!(
            span(1.0).disturbances(true).is_empty(),
            "nothing read, nothing judged"
        );
    }

    #[test]
    fn one_tick_on_a_short_span_is_not_a_disturbance() {
        // 0.2 s on 2 CPUs: one stolen tick reads 2.5%, one stray tick 0.05 CPUs.
        let short = Quiet {
            steal: Some(0.025),
            others_cpus: Some(0.54),
            ..span(0.2)
        };
        assert!(short.disturbances(false).is_empty());
        assert!((short.tick_allowance() - 0.05).abs() < 1e-12);
        let long = Quiet {
            wall_s: 5.0,
            ..short
        };
        assert_eq!(long.disturbances(false).len(), 2);
        assert_eq!(span(0.0).tick_allowance(), f64::INFINITY);
    }

    #[test]
    fn combine_pools_by_wall_time() {
        let a = Quiet {
            others_cpus: Some(1.0),
            steal: Some(0.0),
            memory_pressure: Some(0.3),
            ..span(1.0)
        };
        let b = Quiet {
            others_cpus: Some(0.0),
            steal: Some(0.04),
            io_pressure: Some(0.2),
            ..span(3.0)
        };
        let c = Quiet::combine([a, b]).unwrap();
        assert_eq!(c.wall_s, 4.0);
        assert!((c.others_cpus.unwrap() - 0.25).abs() < 1e-12);
        assert!((c.steal.unwrap() - 0.03).abs() < 1e-12);
        // Present in one span only: that span's reading, not diluted by the other.
        assert!((c.memory_pressure.unwrap() - 0.3).abs() < 1e-12);
        assert!((c.io_pressure.unwrap() - 0.2).abs() < 1e-12);
        assert_eq!(c.cpu_pressure, None);
        assert_eq!(a.merge(&b), c);
        assert_eq!(Quiet::combine([&a, &b, &span(0.0)]).unwrap(), c);
        assert_eq!(Quiet::combine(Vec::<Quiet>::new()), None);
        assert_eq!(Quiet::combine([a]).unwrap(), a);
        let zero = Quiet::combine([Quiet {
            io_pressure: Some(0.5),
            ..span(0.0)
        }])
        .unwrap();
        assert_eq!(zero.io_pressure, Some(0.5));
    }

    #[test]
    fn live_readings_do_not_panic() {
        let before = QuietCounters::now();
        std::thread::sleep(Duration::from_millis(5));
        let after = QuietCounters::now_with_children(&[u32::MAX]);
        let q = Quiet::between(&before, &after);
        assert!(q.wall_s > 0.0);
        let _ = q.disturbances(true);
    }
}
