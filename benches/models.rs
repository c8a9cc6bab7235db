//! `cargo bench`: every case of the profile measured in rounds spread over the whole run,
//! then handed to criterion, then a probe of each case in a fresh process (peak memory, CPU),
//! then one results file for this machine and its report.
//!
//! What it measures: the wall time of one whole batch of a workload's tasks on one model at
//! one worker count. Each case is measured in several rounds (the profile says how many); a
//! round visits every workload in a shuffled order and every case of it (its `sequential`
//! baseline included) in a shuffled order, building the case afresh, verifying one untimed
//! batch against `sequential`'s checksum, then timing batches and verifying each. Models
//! (pools, runtimes, worker processes) are built outside the timed region.
//!
//! criterion stays the front end: once the rounds are done, each case's batches are handed to
//! criterion (one criterion sample per timed batch, through `iter_custom`), so its filter,
//! `--save-baseline`, its comparison with a saved baseline and its HTML report work as usual.
//! Its warm-up and iteration counts are bookkeeping here, not measurements.
//!
//! Settings come from `CONCBENCH_PROFILE` (smoke, quick, default, full), `CONCBENCH_WORKERS`,
//! `CONCBENCH_REPORTS_DIR` and `CONCBENCH_SEED`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use concbench::bench::session::Session;
use concbench::bench::suite::{BenchArgs, SuiteConfig};
use concbench::measure::VerifiedCase;
use criterion::{BenchmarkId, SamplingMode};

mod common;

fn main() -> ExitCode {
    common::exit_with(run())
}

fn run() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench_args = BenchArgs::parse(&args)?;
    let config = SuiteConfig::from_env()?;
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_concbench"));
    let session = Session::start(&config, &exe);
    let plan = session.plan(&bench_args)?;
    if plan.is_empty() {
        eprintln!("no case matches the bench filter; `concbench list` names every case");
        return Ok(());
    }
    let outcome = if bench_args.measuring {
        Some(session.measure(&plan)?)
    } else {
        None
    };

    let mut criterion = common::configured_criterion(&config.profile.criterion());
    let model_config = session.model_config();
    for (g, group) in plan.groups.iter().enumerate() {
        let mut bench_group = criterion.benchmark_group(group.workload.spec().name.as_str());
        bench_group
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_nanos(1));
        for (c, case) in plan.cases[g].iter().enumerate() {
            if !plan.selected[g][c] {
                continue;
            }
            let id = BenchmarkId::new(case.model.name, case.workers);
            match &outcome {
                Some(outcome) => {
                    let samples: Vec<f64> = outcome.times[g][c]
                        .iter()
                        .flat_map(|r| r.samples.iter().map(|s| s.ns))
                        .collect();
                    // One criterion sample per timed batch; criterion asks for about 100
                    // iterations per sample, and each replayed sample stands for `iters`
                    // batches of its own time, so criterion's per-iteration time is the batch.
                    bench_group
                        .sample_size(samples.len().max(10))
                        .measurement_time(Duration::from_micros(20 * samples.len() as u64));
                    let mut next = 0usize;
                    bench_group.bench_function(id, |b| {
                        b.iter_custom(|iters| {
                            let ns = samples[next % samples.len()];
                            next += 1;
                            Duration::from_nanos((ns * iters as f64) as u64)
                        })
                    });
                }
                None => {
                    // `--list` never calls the closure; `--test` (and `cargo test --benches`)
                    // calls it once: build, verify and run one batch for real.
                    bench_group.bench_function(id, |b| {
                        b.iter_custom(|iters| {
                            let mut built = VerifiedCase::build(
                                &group.workload,
                                case.model,
                                case.workers,
                                &model_config,
                                group.want,
                            )
                            .unwrap_or_else(|e| panic!("{}: {e}", case.id()));
                            let mut total = Duration::ZERO;
                            for _ in 0..iters {
                                total += built
                                    .batch()
                                    .unwrap_or_else(|e| panic!("{}: {e}", case.id()));
                            }
                            built
                                .finish()
                                .unwrap_or_else(|e| panic!("{}: {e}", case.id()));
                            total
                        })
                    });
                }
            }
        }
        bench_group.finish();
    }
    criterion.final_summary();
    match outcome {
        Some(outcome) => session.finish(&plan, outcome),
        None => Ok(()),
    }
}
