//! Rounds: every case of a run measured in several short blocks spread over the whole run,
//! so that a slow spell of the machine touches every case a little instead of a few cases
//! entirely.
//!
//! A run has [`RoundSettings::rounds`] rounds. Each round visits every workload group once,
//! the groups in an order shuffled anew for the round, and inside a group every case (the
//! `sequential` baseline included) in a shuffled order, so a case and its baseline are always
//! measured minutes apart at most. The shuffles come from one seed, kept in the results file.
//! Before each block the calibration kernel is timed (the machine's speed, see
//! [`crate::machine::drift`]); around each block the quiet-machine counters are read (see
//! [`crate::machine::quiet`]). A block builds the case afresh ([`VerifiedCase::build`]: its
//! verified batch is the warm-up), times at least [`RoundSettings::min_samples`] batches and
//! goes on until [`RoundSettings::min_block`] has passed, then tears the case down.

use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use statrs::statistics::{Data, Median};

use super::VerifiedCase;
use crate::error::Result;
use crate::machine::drift::time_kernel;
use crate::machine::quiet::QuietCounters;
use crate::machine::{CalibrationPoint, Quiet};
use crate::model::{ModelConfig, ModelInfo};
use crate::profile::RoundSettings;
use crate::workload::Workload;

/// The batches of one case timed in one round, back to back in one block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundTimes {
    /// The round, from 0.
    pub round: usize,
    /// Start of the block, in seconds since the run started.
    pub start_s: f64,
    /// Every timed batch of the block, in order.
    pub samples: Vec<Sample>,
    /// What the machine did during the block (model build and teardown included); `None`
    /// where nothing could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet: Option<Quiet>,
}

/// One timed batch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// When it started, in seconds since the run started.
    pub start_s: f64,
    /// Its wall time, in nanoseconds.
    pub ns: f64,
}

impl RoundTimes {
    /// The median batch time of the block, in nanoseconds (`None` without samples).
    pub fn median_ns(&self) -> Option<f64> {
        let ns: Vec<f64> = self.samples.iter().map(|s| s.ns).collect();
        (!ns.is_empty()).then(|| Data::new(ns).median())
    }

    /// End of the block's last timed batch, in seconds since the run started (its start
    /// without samples).
    pub fn end_s(&self) -> f64 {
        self.samples
            .last()
            .map_or(self.start_s, |s| s.start_s + s.ns * 1e-9)
    }
}

/// One workload's cases, measured as a group in every round.
pub struct CaseGroup {
    /// The workload, built and prepared once for the whole run.
    pub workload: Arc<dyn Workload>,
    /// Its reference checksum: every case is verified against it.
    pub want: u64,
    /// The (model, workers) cases, `sequential` among them.
    pub cases: Vec<(&'static ModelInfo, usize)>,
}

/// What a run of rounds measured.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundsOutcome {
    /// Per group, per case (in the groups' and cases' own order), one entry per round.
    pub times: Vec<Vec<Vec<RoundTimes>>>,
    /// The calibration kernel's time before every block, in run order.
    pub calibration: Vec<CalibrationPoint>,
}

/// Where a run of rounds is, for progress lines.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// The round, from 0.
    pub round: usize,
    /// Rounds in all.
    pub rounds: usize,
    /// Blocks done before this one.
    pub done: usize,
    /// Blocks in all.
    pub total: usize,
    /// The workload of the block about to start.
    pub workload: &'a str,
    /// Its model.
    pub model: &'a str,
    /// Its worker count.
    pub workers: usize,
}

/// Measures every case of `groups` in `settings.rounds` rounds, shuffled from `seed`; times
/// are relative to `run_start`. Calls `progress` before each block.
///
/// # Errors
/// The first failure of a build, a batch or a teardown, or a checksum mismatch; the case's
/// model is torn down before the error returns.
pub fn measure_in_rounds(
    groups: &[CaseGroup],
    settings: &RoundSettings,
    seed: u64,
    config: &ModelConfig,
    run_start: Instant,
    mut progress: impl FnMut(Progress<'_>),
) -> Result<RoundsOutcome> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut times: Vec<Vec<Vec<RoundTimes>>> = groups
        .iter()
        .map(|g| vec![Vec::with_capacity(settings.rounds); g.cases.len()])
        .collect();
    let mut calibration = Vec::new();
    let total = groups.iter().map(|g| g.cases.len()).sum::<usize>() * settings.rounds;
    let mut done = 0;
    let since = |t: Instant| t.duration_since(run_start).as_secs_f64();
    for round in 0..settings.rounds {
        let mut group_order: Vec<usize> = (0..groups.len()).collect();
        rng.shuffle(&mut group_order);
        for g in group_order {
            let group = &groups[g];
            let mut case_order: Vec<usize> = (0..group.cases.len()).collect();
            rng.shuffle(&mut case_order);
            for c in case_order {
                let (info, workers) = group.cases[c];
                progress(Progress {
                    round,
                    rounds: settings.rounds,
                    done,
                    total,
                    workload: &group.workload.spec().name,
                    model: info.name,
                    workers,
                });
                let kernel = time_kernel();
                calibration.push(CalibrationPoint {
                    at_s: since(Instant::now()),
                    ns: kernel.as_nanos() as f64,
                });
                let block = measure_block(group, info, workers, settings, config, &since)?;
                times[g][c].push(RoundTimes { round, ..block });
                done += 1;
            }
        }
    }
    Ok(RoundsOutcome { times, calibration })
}

/// One block: build and verify, time batches, tear down, with quiet readings around it all.
fn measure_block(
    group: &CaseGroup,
    info: &'static ModelInfo,
    workers: usize,
    settings: &RoundSettings,
    config: &ModelConfig,
    since: &impl Fn(Instant) -> f64,
) -> Result<RoundTimes> {
    let before = QuietCounters::now();
    let block_start = Instant::now();
    let mut case = VerifiedCase::build(&group.workload, info, workers, config, group.want)?;
    let timing_start = Instant::now();
    let mut samples = Vec::new();
    while samples.len() < settings.min_samples.max(1)
        || (timing_start.elapsed() < settings.min_block && samples.len() < settings.max_samples)
    {
        let start = since(Instant::now());
        match case.batch() {
            Ok(elapsed) => samples.push(Sample {
                start_s: start,
                ns: elapsed.as_nanos() as f64,
            }),
            Err(e) => {
                let _ = case.finish();
                return Err(e);
            }
        }
    }
    case.finish()?;
    let quiet = Quiet::between(&before, &QuietCounters::now());
    Ok(RoundTimes {
        round: 0,
        start_s: since(block_start),
        samples,
        quiet: Some(quiet),
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::model;
    use crate::workload::{self, WorkloadSpec};

    fn groups() -> Vec<CaseGroup> {
        ["sum-squares", "primes"]
            .iter()
            .map(|name| {
                let spec = match *name {
                    "sum-squares" => WorkloadSpec::new(name).with("tasks", 4).with("n", 2000),
                    _ => WorkloadSpec::new(name)
                        .with("tasks", 4)
                        .with("start", 1000)
                        .with("span", 200),
                };
                let w = workload::build(&spec).unwrap();
                let want = workload::reference_checksum(w.as_ref());
                CaseGroup {
                    workload: w,
                    want,
                    cases: vec![
                        (model::find("sequential").unwrap(), 1),
                        (model::find("threads").unwrap(), 2),
                        (model::find("rayon").unwrap(), 2),
                    ],
                }
            })
            .collect()
    }

    fn settings() -> RoundSettings {
        RoundSettings {
            rounds: 3,
            min_samples: 4,
            min_block: Duration::from_millis(1),
            max_samples: 50,
        }
    }

    /// The order in which blocks ran: (round, group, case) sorted by block start.
    fn order(outcome: &RoundsOutcome) -> Vec<(usize, usize, usize)> {
        let mut blocks: Vec<(f64, (usize, usize, usize))> = Vec::new();
        for (g, cases) in outcome.times.iter().enumerate() {
            for (c, rounds) in cases.iter().enumerate() {
                for r in rounds {
                    blocks.push((r.start_s, (r.round, g, c)));
                }
            }
        }
        blocks.sort_by(|a, b| a.0.total_cmp(&b.0));
        blocks.into_iter().map(|(_, k)| k).collect()
    }

    #[test]
    fn every_case_gets_every_round_with_its_samples_and_readings() {
        let groups = groups();
        let mut seen = 0;
        let outcome = measure_in_rounds(
            &groups,
            &settings(),
            7,
            &ModelConfig::default(),
            Instant::now(),
            |_| seen += 1,
        )
        .unwrap();
        assert_eq!(seen, 2 * 3 * 3);
        assert_eq!(outcome.calibration.len(), 18);
        assert!(outcome.calibration.iter().all(|p| p.ns > 0.0));
        for cases in &outcome.times {
            for rounds in cases {
                assert_eq!(
                    rounds.iter().map(|r| r.round).collect::<Vec<_>>(),
                    [0, 1, 2]
                );
                for r in rounds {
                    assert!(r.samples.len() >= 4 && r.samples.len() <= 50);
                    assert!(
                        r.samples
                            .iter()
                            .all(|s| s.ns > 0.0 && s.start_s >= r.start_s)
                    );
                    assert!(r.quiet.is_some_and(|q| q.wall_s > 0.0));
                }
            }
        }
        // Rounds follow each other: every block of round 1 starts after every block of
        // round 0.
        let order = order(&outcome);
        assert!(order.windows(2).all(|w| w[0].0 <= w[1].0), "{order:?}");
    }

    #[test]
    fn the_seed_fixes_the_order_and_rounds_reshuffle() {
        let groups = groups();
        let run = |seed| {
            let outcome = measure_in_rounds(
                &groups,
                &settings(),
                seed,
                &ModelConfig::default(),
                Instant::now(),
                |_| {},
            )
            .unwrap();
            order(&outcome)
        };
        let a = run(11);
        assert_eq!(a, run(11), "same seed, same order");
        let per_round: Vec<Vec<(usize, usize)>> = (0..3)
            .map(|r| a.iter().filter(|k| k.0 == r).map(|k| (k.1, k.2)).collect())
            .collect();
        let other_seeds_differ = (12..20).any(|seed| run(seed) != a);
        assert!(other_seeds_differ);
        assert!(
            per_round[0] != per_round[1] || per_round[1] != per_round[2],
            "the order is shuffled anew each round: {per_round:?}"
        );
        // A group's cases run together in each round.
        for round in &per_round {
            let groups_in_order: Vec<usize> = round.iter().map(|k| k.0).collect();
            let switches = groups_in_order.windows(2).filter(|w| w[0] != w[1]).count();
            assert_eq!(switches, 1, "{round:?}");
        }
    }

    #[test]
    fn a_failing_case_stops_the_rounds_with_its_name() {
        let mut groups = groups();
        groups[1].want ^= 1;
        let err = measure_in_rounds(
            &groups,
            &settings(),
            3,
            &ModelConfig::default(),
            Instant::now(),
            |_| {},
        )
        .unwrap_err();
        assert!(err.to_string().contains("primes"), "{err}");
    }
}
