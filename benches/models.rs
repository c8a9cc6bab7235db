//! `cargo bench`: every case of the profile under criterion, then a probe of each case in a
//! fresh process (peak memory, CPU), then one results file for this machine.
//!
//! What it measures: the wall time of one whole batch of a workload's tasks on one model at
//! one worker count. Models (pools, runtimes, worker processes) are built outside `b.iter`;
//! each is verified against `sequential`'s checksum before it is timed, and every timed batch
//! is checked again. Settings come from `CONCBENCH_PROFILE` (smoke, quick, default, full),
//! `CONCBENCH_WORKERS` and `CONCBENCH_REPORTS_DIR`; criterion's own arguments (a filter,
//! `--save-baseline`, ...) work as usual.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use concbench::model::{self, ModelConfig};
use concbench::session::Session;
use concbench::suite::{BenchArgs, SuiteCase, SuiteConfig, cases_for, criterion_dir};
use concbench::workload::{self, Role, WORKLOADS};
use criterion::{BenchmarkId, SamplingMode};

mod common;

fn main() -> ExitCode {
    common::exit_with(run())
}

fn run() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench_args = BenchArgs::parse(&args)?;
    let config = SuiteConfig::from_env()?;
    let settings = config.profile.criterion();
    let mut criterion = common::configured_criterion(&settings);
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_concbench"));
    let model_config = ModelConfig {
        worker_exe: Some(exe.clone()),
        ..ModelConfig::default()
    };
    let session = Session::start(&config, &exe);

    let mut ran: Vec<(SuiteCase, u64)> = Vec::new();
    for info in WORKLOADS {
        let cases: Vec<SuiteCase> = cases_for(info, &config.workers)
            .into_iter()
            .filter(|c| bench_args.selects(&c.id()))
            .collect();
        if cases.is_empty() {
            continue;
        }
        let workload = workload::build(&(info.spec_for)(config.profile))?;
        workload.prepare(Role::Parent);
        let want = workload::reference_checksum(workload.as_ref());
        let mut group = criterion.benchmark_group(info.name);
        group.sampling_mode(SamplingMode::Flat);
        for case in cases {
            let mut built =
                model::build(case.model, workload.clone(), case.workers, &model_config)?;
            let got = built.run()?;
            if got != want {
                bail!(
                    "{} returned checksum {got:#018x} but sequential returned {want:#018x}; it will not be timed",
                    case.id()
                );
            }
            group.bench_function(BenchmarkId::new(case.model.name, case.workers), |b| {
                b.iter(|| {
                    let got = built
                        .run()
                        .unwrap_or_else(|e| panic!("{} failed: {e}", case.id()));
                    assert_eq!(got, want, "{} returned a wrong checksum", case.id());
                    got
                })
            });
            built.finish()?;
            ran.push((case, want));
        }
        group.finish();
    }
    criterion.final_summary();
    if !bench_args.measuring || ran.is_empty() {
        return Ok(());
    }
    session.finish(&ran, &criterion_dir())
}
