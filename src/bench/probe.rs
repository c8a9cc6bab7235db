//! The probe: one case in a fresh process, measuring memory and CPU rather than time.
//!
//! `concbench probe` builds the case, verifies its checksum, runs the batch until a minimum
//! wall time has passed, and reports the peak resident memory of the whole process tree
//! (its own peak plus each worker process's self-reported peak), user and system CPU
//! seconds, and CPU utilisation (CPU seconds per wall second: 2.0 means two cores busy).
//! A fresh process per case keeps one case's peak from leaking into another's.
//! [`probe_in_child`] is how `cargo bench` starts it.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::machine::usage::{SelfUsage, ThreadPeak};
use crate::measure::VerifiedCase;
use crate::model::process::{CHILD_ENV, CHILD_PROBE};
use crate::model::{ModelConfig, ModelInfo};
use crate::profile::Profile;
use crate::workload::{self, Role, Workload};

/// One probed case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeReport {
    /// Workload name.
    pub workload: String,
    /// Model name.
    pub model: String,
    /// Worker count the model used.
    pub workers: usize,
    /// The batch checksum, as a hex string.
    pub checksum: String,
    /// True when it equalled the expected (sequential) checksum.
    pub verified: bool,
    /// Batches run while measuring CPU.
    pub runs: usize,
    /// Wall time of those batches, in seconds.
    pub wall_s: f64,
    /// Peak resident memory of the probe process itself, in bytes.
    pub parent_peak_rss_bytes: u64,
    /// Each worker process's own peak, in bytes (process model only).
    pub workers_peak_rss_bytes: Vec<u64>,
    /// Peak of the whole process tree: the parent's plus every worker's.
    pub peak_rss_bytes: u64,
    /// User CPU seconds over the measured batches, workers included.
    pub user_s: f64,
    /// System CPU seconds over the measured batches, workers included.
    pub sys_s: f64,
    /// (user + sys) / wall.
    pub utilisation: f64,
    /// OS threads of the process tree at peak: the probe process's own, sampled every few
    /// milliseconds (so a lower bound; the sampler excluded), plus one per worker process
    /// (workers run tasks on their main thread); `None` where it cannot be read.
    #[serde(default)]
    pub peak_threads: Option<u64>,
}

/// Probes one case in the current process. `expect` is sequential's checksum; without it
/// the probe computes it (which costs one sequential batch but allocates nothing lasting).
pub fn probe_here(
    workload: Arc<dyn Workload>,
    info: &'static ModelInfo,
    workers: usize,
    expect: Option<u64>,
    min_wall: Duration,
    config: &ModelConfig,
) -> Result<ProbeReport> {
    workload.prepare(Role::Parent);
    let want = expect.unwrap_or_else(|| workload::reference_checksum(workload.as_ref()));
    // Wall and CPU are counted from before the model is built, so that the verified first
    // batch is inside both: worker processes count their CPU from the moment they are ready,
    // which is before that batch. Worker start-up is excluded (they count from ready); the
    // model build adds a few milliseconds of wall time to the probe's window.
    let thread_peak = ThreadPeak::start().ok();
    let before = SelfUsage::now();
    let start = Instant::now();
    let mut case = VerifiedCase::build(&workload, info, workers, config, want)?;
    let workers = case.workers();
    let mut runs = 0;
    while runs == 0 || (start.elapsed() < min_wall && runs < 1000) {
        if let Err(e) = case.untimed_batch() {
            let _ = case.finish();
            return Err(e);
        }
        runs += 1;
    }
    let wall_s = start.elapsed().as_secs_f64();
    let after = SelfUsage::now();
    let samples = thread_peak.map(ThreadPeak::finish);
    let (sampler_user_s, sampler_sys_s) =
        samples.map_or((0.0, 0.0), |s| (s.own_user_s, s.own_sys_s));
    let worker_usage = case.finish()?;

    let workers_peak: Vec<u64> = worker_usage.iter().map(|w| w.peak_rss_bytes).collect();
    // The thread sampler's own CPU time is not the model's.
    let user_s = (after.user_cpu_s - before.user_cpu_s - sampler_user_s).max(0.0)
        + worker_usage.iter().map(|w| w.user_cpu_s).sum::<f64>();
    let sys_s = (after.sys_cpu_s - before.sys_cpu_s - sampler_sys_s).max(0.0)
        + worker_usage.iter().map(|w| w.sys_cpu_s).sum::<f64>();
    Ok(ProbeReport {
        workload: workload.spec().name.clone(),
        model: info.name.to_string(),
        workers,
        checksum: format!("{want:#018x}"),
        verified: true,
        runs,
        wall_s,
        parent_peak_rss_bytes: after.peak_rss_bytes,
        peak_rss_bytes: after.peak_rss_bytes + workers_peak.iter().sum::<u64>(),
        workers_peak_rss_bytes: workers_peak,
        user_s,
        sys_s,
        utilisation: (user_s + sys_s) / wall_s.max(1e-9),
        peak_threads: samples
            .and_then(|s| s.peak)
            .map(|n| n + worker_usage.len() as u64),
    })
}

/// Runs `exe probe ... --json` for one case at the profile's sizes in a fresh child process
/// and parses its report. `exe` is the `concbench` binary or a bench binary that serves as
/// its own child ([`crate::bench_main`]: [`crate::model::process::CHILD_ENV`] is set for
/// it, so it runs the probe with its own registry instead of its bench).
pub fn probe_in_child(
    exe: &Path,
    workload: &str,
    model: &str,
    workers: usize,
    profile: Profile,
    expect: Option<u64>,
) -> anyhow::Result<ProbeReport> {
    probe_in_child_with(exe, workload, model, workers, profile, &[], expect)
}

/// As [`probe_in_child`], with `param_args` (`--param NAME=VALUE` pairs, see
/// [`crate::workload::Overrides::args_for`]) replacing the profile's values.
pub fn probe_in_child_with(
    exe: &Path,
    workload: &str,
    model: &str,
    workers: usize,
    profile: Profile,
    param_args: &[String],
    expect: Option<u64>,
) -> anyhow::Result<ProbeReport> {
    let mut cmd = Command::new(exe);
    cmd.env(CHILD_ENV, CHILD_PROBE);
    cmd.args(["probe", "--workload", workload, "--model", model])
        .args([
            "--workers",
            &workers.to_string(),
            "--profile",
            profile.name(),
        ])
        .args(param_args)
        .arg("--json");
    if let Some(want) = expect {
        cmd.args(["--expect", &format!("{want:#x}")]);
    }
    let out = cmd
        .output()
        .with_context(|| format!("starting probe {}", exe.display()))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        bail!(
            "probe of {workload} {model} x{workers} failed ({}): {}",
            out.status,
            stderr.trim()
        );
    }
    serde_json::from_slice(&out.stdout)
        .with_context(|| format!("reading the probe report of {workload} {model} x{workers}"))
}
