//! Machine fingerprint: which machine, compiler and commit produced a run, and whether the
//! machine was quiet enough to trust it.
//!
//! [`Machine::detect`] reads the hardware (CPU brand, cores, frequency, memory) through
//! `sysinfo`, the CPU's identity beyond its brand ([`cpu_id`]: family, model, stepping,
//! caches, a digest of its flags), the host's identity ([`identity`]), the CPUs this process
//! may really use (affinity and cgroup quota, through
//! [`std::thread::available_parallelism`]), the OS, and what the build script recorded
//! (rustc version, git commit). It also takes the load average *before* the run. Call
//! [`Machine::finish`] when the run is over: it takes the load average *after* and judges
//! whether the run was disturbed (see [`Machine::busy`]).
//!
//! [`Machine::slug`] names the machine's folder under `reports/`, and
//! [`Machine::summary_line`] titles its charts (both in `naming.rs`). [`now_rfc3339`] stamps
//! run start times.
//!
//! To record something new: add a field (with `///` docs, it lands in every results file),
//! fill it in [`Machine::detect`], and test it in `tests/machine.rs`. Platform readings that
//! may be missing are `Option`s with `#[serde(default)]` (so results files written before
//! the field existed still read), never a failure: detection never fails.

mod brand;
mod clock;
pub mod cpu_id;
pub mod drift;
pub mod identity;
mod load;
mod naming;
pub mod quiet;
pub mod usage;

use std::time::Instant;

use serde::{Deserialize, Serialize};
use sysinfo::{CpuRefreshKind, MemoryRefreshKind, RefreshKind, System};

pub use brand::{short_brand, slugify};
pub use clock::{now_rfc3339, rfc3339_from_unix};
pub use cpu_id::{CacheKind, CpuCache, CpuId};
pub use drift::{CalibrationPoint, Drift, Spell};
pub use identity::{HostIdentity, HostSource, MACHINE_NAME_VAR, MachineError, MachineName};
pub use load::LoadAverage;
pub use quiet::{Quiet, QuietCounters};

use load::CpuTicks;

/// `rustc -V` of the compiler that built concbench (recorded by `build.rs`).
const RUSTC_VERSION: &str = env!("CONCBENCH_RUSTC");
/// Short commit, `-dirty` when tracked files differed from it, empty outside git (`build.rs`).
const GIT_COMMIT: &str = env!("CONCBENCH_GIT_COMMIT");

/// Runs shorter than this get no [`Machine::other_cpu_load`]: the kernel counts CPU time
/// in ticks (usually 10 ms), too coarse to average over less.
const MIN_ACCOUNTED_SECONDS: f64 = 1.0;

/// What a run was measured on, and how busy that machine was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// The readable name `CONCBENCH_MACHINE_NAME` gave, e.g. `lab-1`; `None` when unset.
    /// It decides [`Machine::slug`] and labels the run in `compare`.
    #[serde(default)]
    pub name: Option<String>,
    /// A stable identity of the host (a short digest of its machine id or host name, see
    /// [`identity`]), so that runs of two hosts with the same CPU are told apart; `None`
    /// when nothing could be read, and in results files written before it was recorded.
    #[serde(default)]
    pub host: Option<HostIdentity>,
    /// CPU brand as the OS reports it, e.g. `AMD EPYC 7B13 64-Core Processor`; may be empty
    /// (some ARM servers report none) or generic (cloud VMs: `AMD EPYC`).
    pub cpu_brand: String,
    /// The CPU's vendor, family, model, stepping, caches and flags digest (see [`cpu_id`]);
    /// Linux only, `None` elsewhere and in results files written before it was recorded.
    #[serde(default)]
    pub cpu_id: Option<CpuId>,
    /// Physical cores, when the OS tells (`None` otherwise).
    pub physical_cores: Option<usize>,
    /// Logical CPUs (hardware threads) the OS has online.
    pub logical_cores: usize,
    /// CPUs this process may actually use: affinity mask and cgroup CPU quota taken into
    /// account (`taskset -c 0` gives 1). Worker counts above this oversubscribe.
    pub usable_cpus: usize,
    /// Highest current clock over all CPUs at detection, in MHz, when reported.
    pub cpu_frequency_mhz: Option<u64>,
    /// Installed memory in bytes.
    pub total_memory_bytes: u64,
    /// OS name and version, e.g. `Linux (Ubuntu 24.04)` or `macOS 15.1.1 Sequoia`.
    pub os: String,
    /// Kernel name and version, e.g. `Linux 6.1.0-18-amd64`.
    pub kernel: String,
    /// CPU architecture of the machine, e.g. `x86_64`, `aarch64`.
    pub arch: String,
    /// `rustc -V` of the compiler that built concbench.
    pub rustc: String,
    /// concbench's crate version.
    pub concbench_version: String,
    /// Commit concbench was built from (12 hex digits), with `-dirty` when sources tracked
    /// by git differed from it; `None` outside a git checkout or without git.
    pub git_commit: Option<String>,
    /// Load average when [`Machine::detect`] ran.
    pub load_before: Option<LoadAverage>,
    /// Load average when [`Machine::finish`] ran. It includes the run's own threads and
    /// processes, so it is recorded but not used to judge [`Machine::busy`].
    pub load_after: Option<LoadAverage>,
    /// Mean number of CPUs kept busy by *other* processes between [`Machine::detect`] and
    /// [`Machine::finish`]: all CPU time minus this process's own and its reaped
    /// children's, over the wall time. Linux only, and only for runs of a second or more.
    pub other_cpu_load: Option<f64>,
    /// True when the run may have been disturbed: see [`Machine::busy_threshold`].
    pub busy: bool,
    /// One sentence per reason `busy` is set, with the numbers and the threshold.
    pub busy_reasons: Vec<String>,
    /// When detection ran, for [`Machine::finish`]; not serialized.
    #[serde(skip)]
    baseline: Baseline,
}

/// The starting point of the run's own CPU accounting. Not part of the fingerprint: two
/// machines compare equal whatever their baselines.
#[derive(Debug, Clone, Default)]
struct Baseline(Option<(Instant, Option<CpuTicks>)>);

impl PartialEq for Baseline {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Machine {
    /// A machine nothing was read of, for data concbench imported rather than measured
    /// ([`crate::results::source::Source`]): no name, host, CPU, memory or OS (empty strings,
    /// zero counts, `None`), `usable_cpus` 0 (unknown: nothing is judged against it), not
    /// busy and no load. Only `concbench_version` is filled: the concbench that imported it.
    pub fn unknown() -> Machine {
        Machine {
            name: None,
            host: None,
            cpu_brand: String::new(),
            cpu_id: None,
            physical_cores: None,
            logical_cores: 0,
            usable_cpus: 0,
            cpu_frequency_mhz: None,
            total_memory_bytes: 0,
            os: String::new(),
            kernel: String::new(),
            arch: String::new(),
            rustc: String::new(),
            concbench_version: env!("CARGO_PKG_VERSION").to_string(),
            git_commit: None,
            load_before: None,
            load_after: None,
            other_cpu_load: None,
            busy: false,
            busy_reasons: Vec::new(),
            baseline: Baseline::default(),
        }
    }

    /// Fingerprints this machine, named `name` (validated from `CONCBENCH_MACHINE_NAME` by
    /// [`MachineName::from_env`], at the edge), and takes the load average before the run.
    /// Never fails: what cannot be read is `None`, empty or a fallback. Takes a few
    /// milliseconds.
    pub fn detect(name: Option<MachineName>) -> Machine {
        let baseline = Baseline(Some((Instant::now(), CpuTicks::now())));
        let load_before = load::read_load_average();
        let usable_cpus = std::thread::available_parallelism().map_or(1, |n| n.get());

        let sys = System::new_with_specifics(
            RefreshKind::nothing()
                .with_cpu(CpuRefreshKind::nothing().with_frequency())
                .with_memory(MemoryRefreshKind::nothing().with_ram()),
        );
        let cpus = sys.cpus();
        let cpu_brand = cpus
            .first()
            .map(|cpu| cpu.brand().trim().to_string())
            .unwrap_or_default();
        let logical_cores = if cpus.is_empty() {
            usable_cpus
        } else {
            cpus.len()
        };
        let cpu_frequency_mhz = cpus
            .iter()
            .map(|cpu| cpu.frequency())
            .max()
            .filter(|&f| f > 0);

        let os = System::long_os_version()
            .or_else(System::name)
            .unwrap_or_else(|| std::env::consts::OS.to_string());

        let mut machine = Machine {
            name: name.map(|n| n.as_str().to_string()),
            host: identity::read_host_identity(),
            cpu_brand,
            cpu_id: cpu_id::read(),
            physical_cores: System::physical_core_count(),
            logical_cores,
            usable_cpus,
            cpu_frequency_mhz,
            total_memory_bytes: sys.total_memory(),
            os,
            kernel: System::kernel_long_version(),
            arch: System::cpu_arch(),
            rustc: RUSTC_VERSION.to_string(),
            concbench_version: env!("CARGO_PKG_VERSION").to_string(),
            git_commit: (!GIT_COMMIT.is_empty()).then(|| GIT_COMMIT.to_string()),
            load_before,
            load_after: None,
            other_cpu_load: None,
            busy: false,
            busy_reasons: Vec::new(),
            baseline,
        };
        machine.assess();
        machine
    }

    /// Takes the readings after the run (load average; on Linux, the CPU time others used
    /// since [`Machine::detect`]) and recomputes [`Machine::busy`]. Calling it again
    /// replaces the earlier after-readings. On a `Machine` read back from JSON there is no
    /// start point, so only the load average is taken.
    pub fn finish(&mut self) {
        self.load_after = load::read_load_average();
        self.other_cpu_load = match &self.baseline.0 {
            Some((started, Some(ticks))) => {
                let seconds = started.elapsed().as_secs_f64();
                CpuTicks::now()
                    .filter(|_| seconds >= MIN_ACCOUNTED_SECONDS)
                    .and_then(|now| ticks.others_since(&now, seconds))
            }
            _ => None,
        };
        self.assess();
    }

    /// The level above which a reading marks the run busy: half the logical CPUs.
    ///
    /// The run is busy when other processes kept more than this many CPUs busy *during* it
    /// ([`Machine::other_cpu_load`]). Only where that reading is missing (outside Linux, or
    /// a run under a second) does the 1-minute load average *before* the run decide: right
    /// after `cargo bench` compiled, that average mostly measures the compiler, not other
    /// users. The load average *after* the run is never judged: the run's own threads make
    /// it high on every machine.
    pub fn busy_threshold(&self) -> f64 {
        self.logical_cores as f64 / 2.0
    }

    /// Sets `busy` and `busy_reasons` from the readings taken so far.
    fn assess(&mut self) {
        self.busy_reasons = busy_reasons(
            self.logical_cores,
            self.load_before.as_ref(),
            self.other_cpu_load,
        );
        self.busy = !self.busy_reasons.is_empty();
    }
}

/// The reasons a run on `logical` CPUs counts as busy; empty when it does not.
fn busy_reasons(
    logical: usize,
    load_before: Option<&LoadAverage>,
    other_cpu_load: Option<f64>,
) -> Vec<String> {
    let threshold = logical as f64 / 2.0;
    let cpus = if logical == 1 {
        "1 logical CPU".to_string()
    } else {
        format!("{logical} logical CPUs")
    };
    let mut reasons = Vec::new();
    let judged_before = if other_cpu_load.is_some() {
        None
    } else {
        load_before
    };
    if let Some(load) = judged_before.filter(|l| l.one > threshold) {
        reasons.push(format!(
            "load average {:.2} before the run on {cpus} (threshold {threshold:.1})",
            load.one
        ));
    }
    if let Some(other) = other_cpu_load.filter(|&o| o > threshold) {
        reasons.push(format!(
            "other processes kept {other:.2} CPUs busy during the run on {cpus} (threshold {threshold:.1})"
        ));
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A machine with `brand` and `usable` of 2 logical CPUs, no name, host or CPU id.
    pub(super) fn sample(brand: &str, usable: usize) -> Machine {
        Machine {
            name: None,
            host: None,
            cpu_brand: brand.to_string(),
            cpu_id: None,
            physical_cores: Some(1),
            logical_cores: 2,
            usable_cpus: usable,
            cpu_frequency_mhz: Some(2450),
            total_memory_bytes: 8 << 30,
            os: "Linux (Debian GNU/Linux 12)".to_string(),
            kernel: "Linux 6.1.0-18-amd64".to_string(),
            arch: "x86_64".to_string(),
            rustc: "rustc 1.86.0 (05f9846f8 2025-03-31)".to_string(),
            concbench_version: "0.1.0".to_string(),
            git_commit: None,
            load_before: None,
            load_after: None,
            other_cpu_load: None,
            busy: false,
            busy_reasons: Vec::new(),
            baseline: Baseline::default(),
        }
    }

    #[test]
    fn busy_uses_half_the_logical_cpus() {
        let load = |one| LoadAverage {
            one,
            five: 0.0,
            fifteen: 0.0,
        };
        assert!(busy_reasons(2, Some(&load(1.0)), Some(1.0)).is_empty());
        assert!(busy_reasons(2, None, None).is_empty());
        assert_eq!(
            busy_reasons(2, Some(&load(1.7)), None),
            ["load average 1.70 before the run on 2 logical CPUs (threshold 1.0)"]
        );
        assert_eq!(
            busy_reasons(1, None, Some(0.75)),
            ["other processes kept 0.75 CPUs busy during the run on 1 logical CPU (threshold 0.5)"]
        );
        assert_eq!(
            busy_reasons(8, Some(&load(4.5)), Some(6.0)),
            [
                "other processes kept 6.00 CPUs busy during the run on 8 logical CPUs (threshold 4.0)"
            ],
            "with a reading of other processes, the load before (the compile) is not judged"
        );
        assert!(busy_reasons(2, Some(&load(3.0)), Some(0.2)).is_empty());
    }

    #[test]
    fn assess_sets_the_flag_and_finish_recomputes_it() {
        let mut m = sample("AMD EPYC", 2);
        m.load_before = Some(LoadAverage {
            one: 3.0,
            five: 1.0,
            fifteen: 0.5,
        });
        m.assess();
        assert!(m.busy);
        assert_eq!(m.busy_reasons.len(), 1);
        m.load_before = Some(LoadAverage {
            one: 0.1,
            five: 0.1,
            fifteen: 0.1,
        });
        m.finish(); // no baseline: no other_cpu_load, the after-load is only recorded
        assert_eq!(m.other_cpu_load, None);
        assert!(!m.busy && m.busy_reasons.is_empty());
    }
}
