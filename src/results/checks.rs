//! Doubts about a results file, case by case: what a reader must know before believing a
//! point. Each is derived from the file itself, so the report and `cargo bench` agree.
//!
//! - [`FlagKind::Implausible`]: a `cpu`- or `memory`-kind speedup above the CPUs the case can
//!   keep busy x [`PLAUSIBLE_MARGIN`]: min(workers, usable CPUs) for a model whose tasks run in
//!   parallel, 1 for one whose tasks take turns ([`crate::model::ModelInfo::cpu_ceiling`]).
//!   More than the cores can give; the message names the likely cause from the readings
//!   (a busy machine, a slow spell, or neither).
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
use crate::units::format_ns;
use crate::workload::Kind;

/// A `cpu`-kind speedup above the CPUs the case can keep busy x this is flagged as
/// implausible.
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
        // I/O pressure says someone else used the disk only when the tasks themselves do
        // not (the kernel counts our own fsync waits too).
        let own_disk = results
            .workload_note(&case.workload)
            .is_some_and(|w| w.disk_io);
        let waits = matches!(case.kind, Kind::Io | Kind::Mixed) && !own_disk;
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
        if let Some(drift) = results.drift_of(case) {
            let slow: Vec<String> = time
                .rounds
                .iter()
                .filter_map(|r| {
                    let spell = drift.slow_overlap(r.start_s, r.end_s())?;
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
    // Without the machine's CPU count (imported data) there is nothing to judge against.
    if !case.kind.bounded_by_cpus()
        || case.model == "sequential"
        || results.machine.usable_cpus == 0
    {
        return None;
    }
    let speedup = results.speedup(case)?.point;
    let usable = results.machine.usable_cpus.max(1);
    // A registry model can use at most min(workers, CPUs), or one CPU when its tasks take
    // turns; a model concbench does not know (a foreign criterion id) gets the machine's.
    let (cpus, why) = match crate::model::find(&case.model) {
        Ok(info) if !info.cpu_parallel => (1, "its tasks take turns on one CPU"),
        Ok(info) if info.cpu_ceiling(case.workers, usable) < usable => (
            info.cpu_ceiling(case.workers, usable),
            "it runs that many workers",
        ),
        _ => (usable, "the machine has that many usable CPUs"),
    };
    let limit = cpus as f64 * PLAUSIBLE_MARGIN;
    (speedup > limit).then(|| {
        format!(
            "speedup {speedup:.2}x with at most {cpus} CPU{} busy ({why}) is more than the CPUs can give (limit {limit:.2}x); {}",
            if cpus == 1 { "" } else { "s" },
            likely_cause(results, case)
        )
    })
}

/// Why a speedup can pass what the CPUs give, by what the readings of the case and of its
/// sequential baseline say: other processes held CPU in some of their rounds, the baseline
/// ran in a slow spell of the calibration kernel, or (no reading says) the baseline's rounds
/// simply ran slower.
fn likely_cause(results: &Results, case: &CaseRecord) -> &'static str {
    let baseline = results.case(&case.workload, "sequential", 1);
    fn rounds(c: &CaseRecord) -> &[crate::measure::RoundTimes] {
        c.time.as_ref().map_or(&[][..], |t| &t.rounds[..])
    }
    let busy = |c: &CaseRecord| {
        rounds(c).iter().any(|r| {
            r.quiet
                .as_ref()
                .is_some_and(|q| !q.disturbances(false).is_empty())
        })
    };
    let slow = |c: &CaseRecord| {
        results.drift_of(c).is_some_and(|drift| {
            rounds(c)
                .iter()
                .any(|r| drift.slow_overlap(r.start_s, r.end_s()).is_some())
        })
    };
    if busy(case) || baseline.is_some_and(busy) {
        "other processes held CPU during its rounds or its sequential baseline's (see the busy-machine doubts): most likely they slowed the baseline more than the case"
    } else if baseline.is_some_and(slow) {
        "the sequential baseline was measured in a slow spell of the machine (see the drift chart)"
    } else if baseline.is_some_and(|b| !rounds(b).is_empty()) {
        "no reading shows a busy or slow machine, so the baseline's rounds ran slow for a reason concbench does not see (frequency, the host): compare with another run"
    } else {
        "the sequential baseline was most likely measured in a slow spell of the machine"
    }
}

fn list(rounds: &[usize]) -> String {
    rounds
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::machine::drift::analyse;
    use crate::machine::{CalibrationPoint, Quiet};
    use crate::measure::{RoundTimes, Sample};
    use crate::results::rounds::time_from_rounds;

    const VALID: &str = include_str!("../../tests/fixtures/results/valid.json");

    /// Five rounds of four batches at `ns`, each round 60 s after the last, starting at
    /// `offset_s`.
    fn rounds(ns: &[f64], offset_s: f64, quiet: Option<Quiet>) -> Vec<RoundTimes> {
        ns.iter()
            .enumerate()
            .map(|(round, &ns)| {
                let start_s = offset_s + 60.0 * round as f64;
                RoundTimes {
                    round,
                    start_s,
                    samples: (0..4)
                        .map(|i| Sample {
                            start_s: start_s + i as f64 * 0.2,
                            ns: ns * (1.0 + 0.002 * i as f64),
                        })
                        .collect(),
                    quiet,
                }
            })
            .collect()
    }

    /// The valid fixture (2 usable CPUs) with sum-squares measured in rounds: sequential
    /// at 100 ms, threads/2 at `threads_ns`, process/2 at 52 ms.
    fn results(threads_ns: &[f64], threads_quiet: Option<Quiet>) -> Results {
        let mut r = Results::from_json(VALID, Path::new("valid.json")).unwrap();
        r.machine.usable_cpus = 2;
        for case in &mut r.cases {
            case.measured_in = Some("run".to_string());
            let ns = match (case.workload.as_str(), case.model.as_str()) {
                ("sum-squares", "sequential") => rounds(&[100e6; 5], 0.0, None),
                ("sum-squares", "threads") => rounds(threads_ns, 1.0, threads_quiet),
                ("sum-squares", "process") => rounds(&[52e6; 5], 2.0, None),
                _ => continue,
            };
            case.time = time_from_rounds(ns);
        }
        r
    }

    fn kinds(r: &Results, model: &str) -> Vec<FlagKind> {
        flags_of(&case_flags(r), "sum-squares", model, 2)
            .map(|f| f.kind)
            .collect()
    }

    #[test]
    fn a_cpu_speedup_beyond_the_cpus_is_flagged_with_its_likely_cause() {
        let r = results(&[41e6; 5], None);
        let flags = case_flags(&r);
        let f = flags
            .iter()
            .find(|f| f.kind == FlagKind::Implausible)
            .expect("2.44x on 2 CPUs is implausible");
        assert_eq!((f.model.as_str(), f.workers), ("threads", 2));
        assert!(
            f.message
                .starts_with("sum-squares/threads/2: speedup 2.44x"),
            "{}",
            f.message
        );
        // Nothing in the readings explains it: the message says so.
        assert!(f.message.contains("no reading shows"), "{}", f.message);
        // A busy machine during the case's rounds is named as the likely cause.
        let busy = Quiet {
            wall_s: 1.0,
            others_cpus: Some(0.95),
            ..Quiet::default()
        };
        let r_busy = results(&[41e6; 5], Some(busy));
        let message = case_flags(&r_busy)
            .into_iter()
            .find(|f| f.kind == FlagKind::Implausible)
            .unwrap()
            .message;
        assert!(message.contains("other processes held CPU"), "{message}");
        // 1.92x is within what 2 CPUs give.
        assert!(kinds(&r, "process").is_empty());
        // A memory-bound workload has the same limit; an I/O workload has none.
        let with_kind = |kind: Kind| {
            let mut r = r.clone();
            r.cases
                .iter_mut()
                .filter(|c| c.workload == "sum-squares")
                .for_each(|c| c.kind = kind);
            kinds(&r, "threads").contains(&FlagKind::Implausible)
        };
        assert!(with_kind(Kind::Memory));
        assert!(!with_kind(Kind::Io));
        // On 4 usable CPUs two threads still give at most 2x; four could give 2.44x.
        let mut wide = r.clone();
        wide.machine.usable_cpus = 4;
        assert!(kinds(&wide, "threads").contains(&FlagKind::Implausible));
        for case in &mut wide.cases {
            if case.workload == "sum-squares" && case.model == "threads" {
                case.workers = 4;
            }
        }
        assert!(
            !flags_of(&case_flags(&wide), "sum-squares", "threads", 4)
                .any(|f| f.kind == FlagKind::Implausible)
        );
    }

    #[test]
    fn the_limit_is_the_cpus_the_case_can_keep_busy() {
        // threads/2 at 1.43x: fine for two threads on two CPUs.
        let r = results(&[70e6; 5], None);
        assert!(!kinds(&r, "threads").contains(&FlagKind::Implausible));
        let implausible = |r: &Results, model: &str, workers: usize| {
            flags_of(&case_flags(r), "sum-squares", model, workers)
                .any(|f| f.kind == FlagKind::Implausible)
        };
        // The same speedup from one thread is more than one CPU gives.
        let mut one = r.clone();
        for case in &mut one.cases {
            if case.workload == "sum-squares" && case.model == "threads" {
                case.workers = 1;
            }
        }
        assert!(implausible(&one, "threads", 1));
        // And from tokio-current (one event-loop thread) at any worker count.
        let mut turns = r.clone();
        for case in &mut turns.cases {
            if case.workload == "sum-squares" && case.model == "threads" {
                case.model = "tokio-current".to_string();
            }
        }
        assert!(implausible(&turns, "tokio-current", 2));
        let message = case_flags(&turns)
            .into_iter()
            .find(|f| f.kind == FlagKind::Implausible)
            .unwrap()
            .message;
        assert!(message.contains("at most 1 CPU busy"), "{message}");
    }

    #[test]
    fn rounds_on_a_busy_machine_name_their_rounds() {
        let busy = Quiet {
            wall_s: 1.0,
            others_cpus: Some(0.95),
            ..Quiet::default()
        };
        let r = results(&[52e6; 5], Some(busy));
        let flags = case_flags(&r);
        let f = flags
            .iter()
            .find(|f| f.kind == FlagKind::Disturbed)
            .expect("others held a core");
        assert!(
            f.message
                .contains("round 0: other processes held 0.95 CPUs"),
            "{}",
            f.message
        );
        assert!(
            kinds(&r, "process").is_empty(),
            "a quiet case is not flagged"
        );
    }

    #[test]
    fn rounds_in_two_groups_are_flagged_bimodal_with_both_times() {
        let r = results(&[52e6, 90e6, 52.5e6, 90.5e6, 51.8e6], None);
        let flags = case_flags(&r);
        let f = flags
            .iter()
            .find(|f| f.kind == FlagKind::Bimodal)
            .expect("two groups of rounds");
        assert!(
            f.message.contains("52.3 ms (rounds 0, 2, 4)") && f.message.contains("rounds 1, 3"),
            "{}",
            f.message
        );
    }

    #[test]
    fn rounds_in_a_slow_spell_are_named() {
        let mut r = results(&[52e6; 5], None);
        // The kernel runs at 0.7x speed from 100 s to 150 s (rounds 2 of every case).
        let points: Vec<CalibrationPoint> = (0..60)
            .map(|i| {
                let at_s = i as f64 * 5.0;
                let slow = (100.0..=150.0).contains(&at_s);
                CalibrationPoint {
                    at_s,
                    ns: if slow { 500e3 / 0.7 } else { 500e3 },
                }
            })
            .collect();
        let drift = analyse(points, 0.10);
        assert!(drift.flagged && drift.slow_spells.len() == 1, "{drift:?}");
        r.run.drift = Some(drift);
        let flags = case_flags(&r);
        let slow: Vec<&CaseFlag> = flags
            .iter()
            .filter(|f| f.kind == FlagKind::SlowSpell)
            .collect();
        assert!(!slow.is_empty());
        assert!(
            slow.iter().all(|f| f.message.contains("round 2 at 0.70x")),
            "{slow:?}"
        );
        assert!(
            slow.iter().all(|f| !f.message.contains("round 1 ")),
            "{slow:?}"
        );

        // A case a filtered run kept is judged by the run that measured it, whose machine
        // held its speed.
        let threads = r
            .cases
            .iter_mut()
            .find(|c| c.workload == "sum-squares" && c.model == "threads" && c.workers == 2)
            .unwrap();
        threads.measured_in = Some("earlier".to_string());
        r.run.earlier.push(crate::results::EarlierRun {
            started_at: "earlier".to_string(),
            rounds: None,
            drift: None,
            warnings: Vec::new(),
        });
        assert!(!kinds(&r, "threads").contains(&FlagKind::SlowSpell));
        assert!(kinds(&r, "process").contains(&FlagKind::SlowSpell));
    }

    #[test]
    fn results_without_rounds_get_only_the_plausibility_check() {
        let r = Results::from_json(VALID, Path::new("valid.json")).unwrap();
        assert!(
            case_flags(&r)
                .iter()
                .all(|f| matches!(f.kind, FlagKind::Implausible | FlagKind::WideInterval))
        );
    }
}
