//! Doubts about a results file, case by case: what a reader must know before believing a
//! point. Each is derived from the file itself, so the report and `cargo bench` agree.
//!
//! - [`FlagKind::Implausible`]: a `cpu`-kind speedup above the usable CPUs x
//!   [`PLAUSIBLE_MARGIN`]: more than the cores can give, most likely a baseline measured in a
//!   slow spell.
//! - [`FlagKind::Bimodal`]: the case's rounds fall into two groups (see
//!   [`super::rounds::bimodal`]); both values are named.
//! - [`FlagKind::Disturbed`]: a round measured while other processes held CPU, the
//!   hypervisor stole time, or (for I/O workloads) the disk was under pressure (see
//!   [`crate::machine::Quiet::disturbances`]).
//! - [`FlagKind::SlowSpell`]: a round measured while the calibration kernel says the machine
//!   ran slow (see [`crate::machine::drift`]).
//! - [`FlagKind::WideInterval`]: the median's confidence interval is wider than
//!   ±[`WIDE_INTERVAL`].
//!
//! To add a doubt: a [`FlagKind`] variant, its check in [`case_flags`], and (if charts should
//! mark it) nothing else: charts mark every flagged point alike.

use super::rounds::bimodal;
use super::schema::{CaseRecord, Results};
use crate::workload::Kind;

/// A `cpu`-kind speedup above `usable CPUs x` this is flagged as implausible.
pub const PLAUSIBLE_MARGIN: f64 = 1.05;

/// Confidence intervals wider than this (relative half width of the median) are flagged.
pub const WIDE_INTERVAL: f64 = 0.05;

/// What kind of doubt a flag raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlagKind {
    /// Speedup beyond what the CPUs allow.
    Implausible,
    /// Rounds in two groups.
    Bimodal,
    /// Measured while the machine was busy with something else.
    Disturbed,
    /// Measured while the machine ran slow.
    SlowSpell,
    /// A wide confidence interval.
    WideInterval,
}

/// One doubt about one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFlag {
    /// Workload name.
    pub workload: String,
    /// Model name.
    pub model: String,
    /// Worker count.
    pub workers: usize,
    /// The kind of doubt.
    pub kind: FlagKind,
    /// One line for a warning list, starting with `workload/model/workers:`.
    pub message: String,
}

/// Every doubt about every case of `results`, in case order.
pub fn case_flags(results: &Results) -> Vec<CaseFlag> {
    let mut flags = Vec::new();
    for case in &results.cases {
        let mut flag = |kind: FlagKind, text: String| {
            flags.push(CaseFlag {
                workload: case.workload.clone(),
                model: case.model.clone(),
                workers: case.workers,
                kind,
                message: format!("{}/{}/{}: {text}", case.workload, case.model, case.workers),
            })
        };
        if let Some(text) = implausible(results, case) {
            flag(FlagKind::Implausible, text);
        }
        let Some(time) = &case.time else { continue };
        if let Some(b) = bimodal(time) {
            flag(
                FlagKind::Bimodal,
                format!(
                    "bimodal: its rounds disagree beyond their own spread: {} (rounds {}) and {} (rounds {})",
                    format_ns(b.low_ns),
                    list(&b.low_rounds),
                    format_ns(b.high_ns),
                    list(&b.high_rounds)
                ),
            );
        }
        let waits = matches!(case.kind, Kind::Io | Kind::Mixed);
        let disturbed: Vec<String> = time
            .rounds
            .iter()
            .filter_map(|r| {
                let reasons = r.quiet.as_ref()?.disturbances(waits);
                (!reasons.is_empty()).then(|| format!("round {}: {}", r.round, reasons.join(", ")))
            })
            .collect();
        if !disturbed.is_empty() {
            flag(
                FlagKind::Disturbed,
                format!("measured on a busy machine: {}", disturbed.join("; ")),
            );
        }
        if let Some(drift) = &results.run.drift {
            let slow: Vec<String> = time
                .rounds
                .iter()
                .filter_map(|r| {
                    let end = r
                        .samples
                        .last()
                        .map_or(r.start_s, |s| s.start_s + s.ns * 1e-9);
                    let spell = drift.slow_overlap(r.start_s, end)?;
                    Some(format!(
                        "round {} at {:.2}x speed ({:.0}–{:.0} s)",
                        r.round, spell.speed, spell.from_s, spell.to_s
                    ))
                })
                .collect();
            if !slow.is_empty() {
                flag(
                    FlagKind::SlowSpell,
                    format!("measured while the machine ran slow: {}", slow.join("; ")),
                );
            }
        }
        let half = time.median.relative_half_width();
        if half > WIDE_INTERVAL {
            flag(
                FlagKind::WideInterval,
                format!(
                    "the {:.0}% interval of the median is ±{:.1}%, wider than ±{:.0}%",
                    time.confidence_level * 100.0,
                    half * 100.0,
                    WIDE_INTERVAL * 100.0
                ),
            );
        }
    }
    flags
}

/// The flags of one case.
pub fn flags_of<'a>(
    flags: &'a [CaseFlag],
    workload: &'a str,
    model: &'a str,
    workers: usize,
) -> impl Iterator<Item = &'a CaseFlag> + 'a {
    flags
        .iter()
        .filter(move |f| f.workload == workload && f.model == model && f.workers == workers)
}

fn implausible(results: &Results, case: &CaseRecord) -> Option<String> {
    if case.kind != Kind::Cpu || case.model == "sequential" {
        return None;
    }
    let speedup = results.speedup(case)?.point;
    let cpus = results.machine.usable_cpus.max(1) as f64;
    let limit = cpus * PLAUSIBLE_MARGIN;
    (speedup > limit).then(|| {
        format!(
            "speedup {speedup:.2}x on {cpus} usable CPU{} is more than the CPUs can give (limit {limit:.2}x); the sequential baseline was most likely measured in a slow spell of the machine",
            if cpus == 1.0 { "" } else { "s" }
        )
    })
}

/// A batch time in the unit that suits it: `812 ns`, `12.8 ms`, `1.25 s`.
fn format_ns(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.1} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn list(rounds: &[usize]) -> String {
    rounds
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
