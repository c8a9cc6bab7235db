//! The entry point of a bench binary built on concbench: [`bench_main`], which concbench's
//! own `benches/models.rs` calls with the built-in registry and a user's crate with its own.
//!
//! ```no_run
//! // benches/scaling.rs of a user's crate, with `harness = false` in its Cargo.toml
//! use concbench::workload::Registry;
//! # const MY_WORKLOAD: concbench::WorkloadInfo = concbench::workload::sleep::INFO;
//!
//! fn main() -> std::process::ExitCode {
//!     concbench::bench_main(Registry::of([MY_WORKLOAD]))
//! }
//! ```
//!
//! What one call does, in order:
//! 1. [`serve_if_child`]: when the process was started by concbench itself (the `process`
//!    model's pool or a probe set [`CHILD_ENV`]), it serves as that child with the registry
//!    it was given and exits: a bench binary is its own worker process, so a user's
//!    workloads need no second executable;
//! 2. otherwise it runs the models bench for every workload of the registry: every case
//!    under the seven models at the profile's worker counts, measured in rounds
//!    ([`Session`]), each verified against `sequential`; criterion as the front end (its
//!    filter, `--save-baseline`, `--list`, `--test`, its HTML report), each case's timed
//!    batches handed to it as its samples; then a probe of each case in a fresh process of
//!    this same binary, `results.json` and the report.
//!
//! Failures end as every concbench command does ([`crate::exit`]): one `error:` line, exit
//! status 2 for bad input (a bad `CONCBENCH_*` setting, a bad filter, a registry problem), 1
//! for failures while running (a wrong checksum, a worker that crashed).

use std::process::ExitCode;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode};

use crate::bench::session::{Plan, Session};
use crate::bench::suite::{BenchArgs, SuiteConfig};
use crate::exit::{BadInput, error_line, exit_status};
use crate::measure::{RoundsOutcome, VerifiedCase};
use crate::results::CriterionSettings;
use crate::workload::Registry;

pub use crate::model::process::CHILD_ENV;

/// Runs the models bench for the workloads of `registry`, or, when this process was started
/// by concbench as a worker process or a probe, serves as that child. Call it first thing
/// from the `main` of a bench with `harness = false`, and return its exit status.
///
/// `registry` is a [`Registry`] or the result of building one ([`Registry::of`],
/// [`Registry::with`]): a registry that could not be built (two workloads of one name) ends
/// the bench with that error, exit status 2.
///
/// Settings come from `CONCBENCH_PROFILE` (smoke, quick, default, full),
/// `CONCBENCH_WORKERS` (comma-separated worker counts), `CONCBENCH_REPORTS_DIR` (default
/// `reports/` in the bench's package), `CONCBENCH_SEED` and `CONCBENCH_MACHINE_NAME`; the
/// command line is criterion's.
pub fn bench_main(registry: impl IntoRegistry) -> ExitCode {
    let registry = match registry.into_registry() {
        Ok(registry) => registry,
        Err(err) => return fail(err.into()),
    };
    if let Some(code) = serve_if_child(&registry) {
        return code;
    }
    match run(&registry) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(err),
    }
}

/// What [`bench_main`] accepts: a [`Registry`], or the result of building one.
pub trait IntoRegistry {
    /// The registry, or why it could not be built.
    ///
    /// # Errors
    /// The error of building it ([`crate::Error::DuplicateWorkload`], ...).
    fn into_registry(self) -> crate::Result<Registry>;
}

impl IntoRegistry for Registry {
    fn into_registry(self) -> crate::Result<Registry> {
        Ok(self)
    }
}

impl IntoRegistry for crate::Result<Registry> {
    fn into_registry(self) -> crate::Result<Registry> {
        self
    }
}

/// When [`CHILD_ENV`] is set (the process model's pool started this process as a worker, or
/// a probe as a fresh process for one case), runs concbench's command line with `registry`
/// on this process's arguments (`worker`, `probe ...`) and returns its exit status; `None`
/// otherwise. [`bench_main`] calls it first; a program with a `main` of its own that must
/// serve as worker calls it first thing too.
pub fn serve_if_child(registry: &Registry) -> Option<ExitCode> {
    std::env::var_os(CHILD_ENV)?;
    Some(crate::cli::main_with(registry))
}

/// Ends a bench that failed: one `error:` line naming the failure, and the exit status
/// [`crate::exit::exit_status`] decides (2 for bad input, 1 otherwise).
pub fn fail(err: anyhow::Error) -> ExitCode {
    eprintln!("error: {}", error_line(&err));
    exit_status(&err)
}

/// Criterion with the profile's sample size, warm-up, measurement time and resamples, then
/// criterion's own arguments (a filter, `--save-baseline`, ...). Registers the embedded font
/// first: criterion draws its HTML charts with plotters, which never uses system fonts.
pub fn configured_criterion(settings: &CriterionSettings) -> Criterion {
    crate::plot::register_fonts();
    Criterion::default()
        .sample_size(settings.sample_size)
        .warm_up_time(Duration::from_secs_f64(settings.warm_up_s))
        .measurement_time(Duration::from_secs_f64(settings.measurement_s))
        .nresamples(settings.resamples)
        .configure_from_args()
}

/// The models bench: plan, rounds, criterion, then probes, results file and report.
fn run(registry: &Registry) -> anyhow::Result<()> {
    if registry.is_empty() {
        return Err(BadInput(anyhow::anyhow!(
            "the registry holds no workload; add one with Registry::with"
        ))
        .into());
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench_args = BenchArgs::parse(&args).map_err(BadInput)?;
    let config = SuiteConfig::from_env().map_err(BadInput)?;
    config.check_params(registry).map_err(BadInput)?;
    // This binary is its own worker process and probe (see `serve_if_child`).
    let exe = std::env::current_exe().map_err(|e| {
        anyhow::anyhow!("cannot find the running bench binary, which serves as worker: {e}")
    })?;
    let session = Session::start(&config, registry, &exe);
    let plan = session.plan(&bench_args)?;
    if plan.is_empty() {
        eprintln!(
            "no case matches the bench filter; cases are named <workload>/<model>/<workers>, and `--list` names every one"
        );
        return Ok(());
    }
    let outcome = if bench_args.measuring {
        Some(session.measure(&plan)?)
    } else {
        None
    };
    let mut criterion = configured_criterion(&config.profile.criterion());
    hand_to_criterion(&mut criterion, &session, &plan, outcome.as_ref());
    criterion.final_summary();
    match outcome {
        Some(outcome) => session.finish(&plan, outcome),
        None => Ok(()),
    }
}

/// One criterion group per workload, `BenchmarkId::new(model, workers)` per case. Measured
/// cases replay their timed batches as criterion's samples; without a measurement (`--list`,
/// `--test`, `cargo test --benches`) each case is built, verified and run for real.
fn hand_to_criterion(
    criterion: &mut Criterion,
    session: &Session<'_>,
    plan: &Plan<'_>,
    outcome: Option<&RoundsOutcome>,
) {
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
            match outcome {
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
}
