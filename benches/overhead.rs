//! `cargo bench --bench overhead`: what each model costs per task when the tasks themselves
//! cost nothing, beside the raw primitives (floors) it is built from, measured in the same run.
//!
//! Models (group `overhead`, ids `overhead/<model>/<batch>`): every model of the registry,
//! with 2 workers (sequential with 1), runs the `sum-squares` workload with `n = 1` (one
//! multiply-add per task) in batches of 1 and of 1000 tasks. Models are built outside the
//! timed region (pools, runtimes, worker processes) and verified against the reference
//! checksum first, as in `benches/models.rs`. The batch time divided by the batch size is the
//! per-task dispatch cost: at batch 1 the whole price of one dispatch (thread spawns, a wake-up
//! of a pool, one pipe round trip), at batch 1000 the price once start-up is amortised.
//!
//! Floors (group `floor`, ids `floor/<primitive>/<batch>`): the raw primitive a model is built
//! on, timed alone with nothing around it, so that a model's figure reads as "n times its
//! floor" and the lecture can say what the model adds to what the OS or runtime costs anyway:
//! - `thread-spawn-join`: `std::thread::spawn(|| ()).join()`. Compare `threads` and
//!   `threads-gil`, which spawn their threads per batch.
//! - `rayon-join`: `pool.install(|| rayon::join(|| (), || ()))` on a 2-thread pool; at batch
//!   1000, 1000 joins inside one `install`. Compare `rayon`.
//! - `tokio-spawn-await`: on a 2-worker multi-thread runtime with I/O and timers on (as the
//!   `tokio` model builds it), one task spawned from `block_on` spawns the batch's empty
//!   tasks and awaits them, as the model drives a batch: at batch 1 one hand-over to a
//!   worker and back around one spawn and await, at batch 1000 spawn and await from a
//!   worker. Compare `tokio`.
//! - `tokio-current-spawn-await`: the same on a current-thread runtime, where no other thread
//!   has to be woken. Compare `tokio-current`.
//! - `pipe-ping-pong`: one byte to another process and back over two pipes. The other
//!   process is a `libc::fork` of this bench that only echoes bytes with raw `read`/`write`
//!   and `_exit`s at end of file (async-signal-safe calls only, so forking a process with
//!   threads is sound; it closes every inherited descriptor but its two pipe ends): the
//!   library's [`concbench::sync::fork::EchoChild`], which the sync bench's pipe wake-up
//!   uses too. It needs
//!   no external program (`cat` may be missing) and nothing in the `concbench` CLI. Compare
//!   `process` at batch 1: one task there and its checksum back.
//! - `pipe-pipelined`: 1000 16-byte messages to another forked process and back, at most 64
//!   in flight, each written with a `write` of its own at both ends and read back as they
//!   come ([`concbench::bench::pipe_floor`]): what a pool moving one frame per task pays
//!   per task once round trips overlap. Compare `process` at batch 1000, where the pool
//!   keeps several tasks in flight per worker and, once its warm-up has measured the task
//!   size, puts many near-empty tasks in one frame (so it can go below this floor).
//! - `process-spawn-wait`: `concbench --version` started and waited for: what a fresh
//!   process per task would cost, which the process model's persistent pool avoids.
//!
//! The batch-1000 floors repeat the primitive 1000 times in one go (one `install`, one
//! `block_on`, 1000 messages with 64 in flight); the thread, ping-pong and process floors are
//! per operation. A model can go below
//! its floor: rayon runs a 1-task batch without any `join`, and a pool that splits 1000 tasks
//! into a few chunks pays the primitive far less than once per task.
//!
//! The benchmark list, the floors' primitives, the settings and the table live in the
//! library ([`concbench::bench::overhead`]); this file is the criterion glue.
//!
//! After criterion's summary (only when measuring, and only for the benchmarks the filter
//! selected) the estimates of this run are imported from criterion's folder, divided by the
//! batch size, and stored as the `overhead` list of `<reports>/<machine-slug>/results.json`
//! (the cases of an existing file are kept as they are), and a table is printed. Settings:
//! `CONCBENCH_PROFILE` (smoke: criterion's minimum, seconds in all; default: about a minute)
//! and `CONCBENCH_REPORTS_DIR`; criterion's own arguments work as usual.
//!
//! The table's last column sets each row beside its Python twin, measured right after
//! criterion by `python/overhead_twins.py` when `python3` is on `PATH`
//! ([`concbench::bench::python_twins`]); without Python the column says so, and a failing
//! script is a warning line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use concbench::bench::list::{
    ListRun, merge_records, replace_warnings, wide_interval_warning, write_and_render,
};
use concbench::bench::overhead::{
    self as lib, FLOOR, OVERHEAD, OverheadBench, PIPE_PING_PONG, PIPE_PIPELINED,
    PROCESS_SPAWN_WAIT, RAYON_JOIN, THREAD_SPAWN_JOIN, TOKIO_CURRENT_SPAWN_AWAIT,
    TOKIO_SPAWN_AWAIT, WARNING_PREFIX, WORKERS, all_benches,
};
use concbench::bench::pipe_floor::PipelinedEcho;
use concbench::bench::python_twins::{self, PythonTwins, Twin};
use concbench::bench::suite::{BenchArgs, SuiteConfig, criterion_dir};
use concbench::measure::VerifiedCase;
use concbench::model::{self, ModelConfig};
use concbench::results::criterion::import;
use concbench::results::{Estimate, OverheadRecord};
use concbench::sync::fork::EchoChild;
use concbench::workload::{self, Role, WorkloadSpec};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId};

/// Criterion's id of `bench` within its group.
fn criterion_id(bench: &OverheadBench) -> BenchmarkId {
    BenchmarkId::new(bench.function, bench.batch)
}

mod common;

fn main() -> ExitCode {
    common::exit_with(run())
}

fn run() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench_args = BenchArgs::parse(&args)?;
    let config = SuiteConfig::from_env()?;
    let s = lib::criterion_settings(config.profile);
    let mut criterion = common::configured_criterion(&s);
    let start = ListRun::start(&config);

    let selected: Vec<OverheadBench> = all_benches()
        .into_iter()
        .filter(|b| bench_args.selects(&b.id()))
        .collect();
    if selected.is_empty() {
        criterion.final_summary();
        return Ok(());
    }
    let mut group = criterion.benchmark_group(OVERHEAD);
    bench_models(&mut group, &selected)?;
    group.finish();
    let mut group = criterion.benchmark_group(FLOOR);
    bench_floors(&mut group, &selected)?;
    group.finish();
    criterion.final_summary();
    // Criterion measures only when cargo passed `--bench` (`cargo test --benches` runs this
    // binary without it, in test mode); `BenchArgs` does not check that yet.
    let measuring = bench_args.measuring && args.iter().any(|a| a == "--bench");
    if !measuring {
        return Ok(());
    }
    store(&selected, start, &config, bench_args.filter.is_none())
}

/// Times every selected model on near-empty tasks, each built outside the timed region and
/// verified first.
fn bench_models(
    group: &mut BenchmarkGroup<'_, WallTime>,
    selected: &[OverheadBench],
) -> anyhow::Result<()> {
    let model_config = ModelConfig {
        worker_exe: Some(PathBuf::from(env!("CARGO_BIN_EXE_concbench"))),
        ..ModelConfig::default()
    };
    for bench in selected.iter().filter(|b| b.group == OVERHEAD) {
        let info = model::find(bench.function)?;
        let spec = WorkloadSpec::new("sum-squares")
            .with("tasks", bench.batch as u64)
            .with("n", 1);
        let workload = workload::build(&spec)?;
        workload.prepare(Role::Parent);
        let want = workload::reference_checksum(workload.as_ref());
        let mut case = VerifiedCase::build(&workload, info, WORKERS, &model_config, want)
            .with_context(|| format!("building {}", bench.id()))?;
        let id = bench.id();
        group.bench_function(criterion_id(bench), |b| {
            // Each batch's start (the untimed step) stays outside the sum.
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| case.batch().unwrap_or_else(|e| panic!("{id}: {e}")))
                    .sum::<Duration>()
            })
        });
        case.finish()
            .with_context(|| format!("shutting down {id}"))?;
    }
    Ok(())
}

/// Times every selected floor. Pools, runtimes and the echo process exist only while their
/// floor is timed.
fn bench_floors(
    group: &mut BenchmarkGroup<'_, WallTime>,
    selected: &[OverheadBench],
) -> anyhow::Result<()> {
    let wanted = |name: &str| -> Vec<&OverheadBench> {
        selected
            .iter()
            .filter(|b| b.group == FLOOR && b.function == name)
            .collect()
    };

    for bench in wanted(THREAD_SPAWN_JOIN) {
        let batch = bench.batch;
        group.bench_function(criterion_id(bench), |b| b.iter(|| lib::spawn_join(batch)));
    }

    let benches = wanted(RAYON_JOIN);
    if !benches.is_empty() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(WORKERS)
            .build()
            .context("building the rayon pool for the rayon-join floor")?;
        for bench in benches {
            let batch = bench.batch;
            group.bench_function(criterion_id(bench), |b| {
                b.iter(|| lib::rayon_joins(&pool, batch))
            });
        }
    }

    for name in [TOKIO_SPAWN_AWAIT, TOKIO_CURRENT_SPAWN_AWAIT] {
        let benches = wanted(name);
        if benches.is_empty() {
            continue;
        }
        let rt = if name == TOKIO_SPAWN_AWAIT {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(WORKERS)
                .enable_all()
                .build()
        } else {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
        }
        .with_context(|| format!("building the tokio runtime for the {name} floor"))?;
        for bench in benches {
            let batch = bench.batch;
            group.bench_function(criterion_id(bench), |b| {
                b.iter(|| lib::spawn_await(&rt, batch))
            });
        }
        rt.shutdown_timeout(Duration::from_secs(5));
    }

    for bench in wanted(PIPE_PING_PONG) {
        let mut child = EchoChild::start().context("starting the pipe-ping-pong echo process")?;
        for byte in 0..=255u8 {
            let back = child.round_trip(byte).context("pipe-ping-pong")?;
            if back != byte {
                bail!("the pipe-ping-pong echo process sent {back} back for {byte}");
            }
        }
        let mut byte = 0u8;
        group.bench_function(criterion_id(bench), |b| {
            b.iter(|| {
                byte = byte.wrapping_add(1);
                let back = child
                    .round_trip(byte)
                    .unwrap_or_else(|e| panic!("pipe-ping-pong failed: {e}"));
                assert_eq!(back, byte, "the echo process sent a wrong byte");
            })
        });
        child
            .stop()
            .context("stopping the pipe-ping-pong echo process")?;
    }

    bench_pipe_pipelined(group, &wanted(PIPE_PIPELINED))?;

    for bench in wanted(PROCESS_SPAWN_WAIT) {
        let exe = Path::new(env!("CARGO_BIN_EXE_concbench"));
        let status = lib::spawn_wait(exe).with_context(|| format!("starting {}", exe.display()))?;
        if !status.success() {
            bail!("`{} --version` failed: {status}", exe.display());
        }
        group.bench_function(criterion_id(bench), |b| {
            b.iter(|| {
                let status = lib::spawn_wait(exe)
                    .unwrap_or_else(|e| panic!("cannot start {}: {e}", exe.display()));
                assert!(status.success(), "`concbench --version` failed: {status}");
            })
        });
    }
    Ok(())
}

/// Times the `pipe-pipelined` floor: `batch` messages through a forked echo process with
/// many in flight, per timed iteration.
fn bench_pipe_pipelined(
    group: &mut BenchmarkGroup<'_, WallTime>,
    benches: &[&OverheadBench],
) -> anyhow::Result<()> {
    for bench in benches {
        let mut echo =
            PipelinedEcho::start().context("starting the pipe-pipelined echo process")?;
        echo.run(bench.batch).context("pipe-pipelined")?;
        let batch = bench.batch;
        group.bench_function(criterion_id(bench), |b| {
            b.iter(|| {
                echo.run(batch)
                    .unwrap_or_else(|e| panic!("pipe-pipelined failed: {e}"))
            })
        });
        echo.stop()
            .context("stopping the pipe-pipelined echo process")?;
    }
    Ok(())
}

/// Imports this run's estimates, stores them as the `overhead` list of the machine's results
/// file, and prints the table. `whole` is true when no filter was given, so the list is
/// replaced; a filtered run replaces only the records it measured.
fn store(
    selected: &[OverheadBench],
    mut start: ListRun,
    config: &SuiteConfig,
    whole: bool,
) -> anyhow::Result<()> {
    let dir = criterion_dir();
    let imported = import(&dir, |id| selected.iter().any(|b| b.matches(id)))
        .with_context(|| format!("importing criterion results from {}", dir.display()))?;
    let mut warnings = Vec::new();
    let mut records = Vec::new();
    for bench in selected {
        let Some(found) = start.fresh(&imported, |id| bench.matches(id)) else {
            warnings.push(format!(
                "{}: criterion wrote no estimates during this run (--load-baseline or --discard-baseline?); not recorded",
                bench.id()
            ));
            continue;
        };
        warnings.extend(wide_interval_warning(&bench.id(), &found.mean));
        let per_task = |ns: f64| ns / bench.batch as f64;
        records.push(OverheadRecord {
            name: bench.id(),
            model: bench.model().map(str::to_string),
            batch: bench.batch,
            ns_per_task: Estimate {
                point: per_task(found.mean.point),
                lower: per_task(found.mean.lower),
                upper: per_task(found.mean.upper),
            },
        });
    }
    if records.is_empty() {
        start.machine.finish();
        warnings.extend(start.machine.busy_reasons.iter().cloned());
        for warning in &warnings {
            println!("warning: {warning}");
        }
        println!("overhead: nothing measured in this run, so no results file was changed");
        return Ok(());
    }

    let (path, mut results) = start.open_results(config, "the overhead figures")?;
    warnings.extend(start.machine.busy_reasons.iter().cloned());
    let order = all_benches();
    merge_records(
        &mut results.overhead,
        records,
        whole,
        |new, old| new.name == old.name,
        |r| {
            order
                .iter()
                .position(|b| b.id() == r.name)
                .unwrap_or(usize::MAX)
        },
    );
    let python = python_twins(selected);
    warnings.extend(python.warning());
    replace_warnings(&mut results, WARNING_PREFIX, &warnings);
    println!("{}", lib::table(&results.overhead, &python));
    for warning in &warnings {
        println!("warning: {warning}");
    }
    // The models bench rendered the report before these figures existed: render it again
    // so report.md has its overhead table.
    write_and_render(&path, &results, !results.cases.is_empty())
}

/// Runs the Python twins' script when a selected row has a twin, right after criterion
/// measured, so that both sides come from one run on one machine state.
fn python_twins(selected: &[OverheadBench]) -> PythonTwins {
    if !selected.iter().any(|b| Twin::of(b.function).is_some()) {
        return PythonTwins::NotRun;
    }
    python_twins::measure(python_twins::INTERPRETER, Path::new(python_twins::SCRIPT))
}
