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
//! - `tokio-spawn-await`: `block_on(spawn(async {}))` on a 2-worker multi-thread runtime; at
//!   batch 1000, 1000 spawns then 1000 awaits in one `block_on`. Compare `tokio`.
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
//! - `process-spawn-wait`: `concbench --version` started and waited for: what a fresh
//!   process per task would cost, which the process model's persistent pool avoids.
//!
//! The batch-1000 floors repeat the primitive 1000 times in one go (one `install`, one
//! `block_on`); the thread, pipe and process floors are per operation. A model can go below
//! its floor: rayon runs a 1-task batch without any `join`, and a pool that splits 1000 tasks
//! into a few chunks pays the primitive far less than once per task.
//!
//! After criterion's summary (only when measuring, and only for the benchmarks the filter
//! selected) the estimates of this run are imported from criterion's folder, divided by the
//! batch size, and stored as the `overhead` list of `<reports>/<machine-slug>/results.json`
//! (the cases of an existing file are kept as they are), and a table is printed. Settings:
//! `CONCBENCH_PROFILE` (smoke: criterion's minimum, seconds in all; default: about a minute)
//! and `CONCBENCH_REPORTS_DIR`; criterion's own arguments work as usual.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use concbench::bench::list::{
    ListRun, merge_records, replace_warnings, wide_interval_warning, write_and_render,
};
use concbench::bench::suite::{BenchArgs, SuiteConfig, criterion_dir};
use concbench::measure::VerifiedCase;
use concbench::model::{self, MODELS, ModelConfig};
use concbench::profile::Profile;
use concbench::results::criterion::{CriterionId as ImportedId, import};
use concbench::results::{CriterionSettings, Estimate, OverheadRecord};
use concbench::sync::fork::EchoChild;
use concbench::table::markdown;
use concbench::workload::{self, Role, WorkloadSpec};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId};

/// Tasks per timed batch: one dispatch alone, and a thousand to amortise start-up.
const BATCHES: [usize; 2] = [1, 1000];
/// Worker count of every model (sequential uses 1 whatever it is asked).
const WORKERS: usize = 2;
/// Criterion group of the models; not a workload name, so it cannot collide with a case.
const OVERHEAD: &str = "overhead";
/// Criterion group of the raw floors.
const FLOOR: &str = "floor";
/// Marks the warnings this bench adds to a results file, so a re-run replaces them.
const WARNING_PREFIX: &str = "overhead bench: ";

/// A raw floor: the primitive, the batches it is measured at, and the models built on it.
struct Floor {
    name: &'static str,
    batches: &'static [usize],
    compared_with: &'static [&'static str],
}

const THREAD_SPAWN_JOIN: &str = "thread-spawn-join";
const RAYON_JOIN: &str = "rayon-join";
const TOKIO_SPAWN_AWAIT: &str = "tokio-spawn-await";
const TOKIO_CURRENT_SPAWN_AWAIT: &str = "tokio-current-spawn-await";
const PIPE_PING_PONG: &str = "pipe-ping-pong";
const PROCESS_SPAWN_WAIT: &str = "process-spawn-wait";

/// Every floor, in the order tables show them. Thread, pipe and process floors are per
/// operation: 1000 in a row cost 1000 times one (and 1000 live threads at once measure the
/// scheduler, not the spawn).
const FLOORS: &[Floor] = &[
    Floor {
        name: THREAD_SPAWN_JOIN,
        batches: &[1],
        compared_with: &["threads", "threads-gil"],
    },
    Floor {
        name: RAYON_JOIN,
        batches: &[1, 1000],
        compared_with: &["rayon"],
    },
    Floor {
        name: TOKIO_SPAWN_AWAIT,
        batches: &[1, 1000],
        compared_with: &["tokio"],
    },
    Floor {
        name: TOKIO_CURRENT_SPAWN_AWAIT,
        batches: &[1, 1000],
        compared_with: &["tokio-current"],
    },
    Floor {
        name: PIPE_PING_PONG,
        batches: &[1],
        compared_with: &["process"],
    },
    Floor {
        name: PROCESS_SPAWN_WAIT,
        batches: &[1],
        compared_with: &[],
    },
];

/// The floor a model should be compared with, if any.
fn floor_of(model: &str) -> Option<&'static str> {
    FLOORS
        .iter()
        .find(|f| f.compared_with.contains(&model))
        .map(|f| f.name)
}

/// One benchmark of this bench: `<group>/<function>/<batch>`.
#[derive(Debug)]
struct Bench {
    group: &'static str,
    function: &'static str,
    batch: usize,
}

impl Bench {
    fn id(&self) -> String {
        format!("{}/{}/{}", self.group, self.function, self.batch)
    }

    fn criterion_id(&self) -> BenchmarkId {
        BenchmarkId::new(self.function, self.batch)
    }

    fn matches(&self, id: &ImportedId) -> bool {
        id.group == self.group
            && id.function.as_deref() == Some(self.function)
            && id.value_number() == Some(self.batch as u64)
    }

    /// The model measured; `None` for a floor.
    fn model(&self) -> Option<&'static str> {
        (self.group == OVERHEAD).then_some(self.function)
    }
}

/// Every benchmark this bench can run, in table order: models, then floors.
fn all_benches() -> Vec<Bench> {
    let models = MODELS.iter().flat_map(|m| {
        BATCHES.iter().map(|&batch| Bench {
            group: OVERHEAD,
            function: m.name,
            batch,
        })
    });
    let floors = FLOORS.iter().flat_map(|f| {
        f.batches.iter().map(|&batch| Bench {
            group: FLOOR,
            function: f.name,
            batch,
        })
    });
    models.chain(floors).collect()
}

/// Criterion settings per profile, bootstrap resamples included: short, since a
/// near-empty task needs few seconds to estimate well. Smoke uses criterion's minimum (10
/// samples, few resamples) and barely any time.
///
/// Resamples matter for time: criterion's charts estimate densities over every resample, and
/// at its default of 100 000 they take seconds per benchmark on a small machine, more than
/// the measurement. With 10 000 the bounds move by a few percent of the interval's width at most.
fn settings(profile: Profile) -> CriterionSettings {
    let (sample_size, warm_up_s, measurement_s, resamples) = match profile {
        Profile::Smoke => (10, 0.05, 0.1, 2_000),
        Profile::Quick => (10, 0.1, 0.4, 5_000),
        Profile::Default => (20, 0.5, 1.5, 10_000),
        Profile::Full => (40, 1.0, 3.0, 100_000),
    };
    CriterionSettings {
        sample_size,
        warm_up_s,
        measurement_s,
        resamples,
    }
}

mod common;

fn main() -> ExitCode {
    common::exit_with(run())
}

fn run() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench_args = BenchArgs::parse(&args)?;
    let config = SuiteConfig::from_env()?;
    let s = settings(config.profile);
    let mut criterion = common::configured_criterion(&s);
    let start = ListRun::start();

    let selected: Vec<Bench> = all_benches()
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
    selected: &[Bench],
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
        group.bench_function(bench.criterion_id(), |b| {
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
    selected: &[Bench],
) -> anyhow::Result<()> {
    let wanted = |name: &str| -> Vec<&Bench> {
        selected
            .iter()
            .filter(|b| b.group == FLOOR && b.function == name)
            .collect()
    };

    for bench in wanted(THREAD_SPAWN_JOIN) {
        let batch = bench.batch;
        group.bench_function(bench.criterion_id(), |b| {
            b.iter(|| {
                let handles: Vec<_> = (0..batch)
                    .map(|_| std::thread::spawn(|| black_box(())))
                    .collect();
                for h in handles {
                    h.join().expect("an empty thread does not panic");
                }
            })
        });
    }

    let benches = wanted(RAYON_JOIN);
    if !benches.is_empty() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(WORKERS)
            .build()
            .context("building the rayon pool for the rayon-join floor")?;
        for bench in benches {
            let batch = bench.batch;
            group.bench_function(bench.criterion_id(), |b| {
                b.iter(|| {
                    pool.install(|| {
                        for _ in 0..batch {
                            rayon::join(|| black_box(()), || black_box(()));
                        }
                    })
                })
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
                .build()
        } else {
            tokio::runtime::Builder::new_current_thread().build()
        }
        .with_context(|| format!("building the tokio runtime for the {name} floor"))?;
        for bench in benches {
            let batch = bench.batch;
            group.bench_function(bench.criterion_id(), |b| {
                b.iter(|| {
                    rt.block_on(async {
                        let handles: Vec<_> = (0..batch)
                            .map(|_| tokio::spawn(async { black_box(()) }))
                            .collect();
                        for h in handles {
                            h.await.expect("an empty task does not panic");
                        }
                    })
                })
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
        group.bench_function(bench.criterion_id(), |b| {
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

    for bench in wanted(PROCESS_SPAWN_WAIT) {
        let exe = Path::new(env!("CARGO_BIN_EXE_concbench"));
        let spawn_wait = || {
            Command::new(exe)
                .arg("--version")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .status()
        };
        let status = spawn_wait().with_context(|| format!("starting {}", exe.display()))?;
        if !status.success() {
            bail!("`{} --version` failed: {status}", exe.display());
        }
        group.bench_function(bench.criterion_id(), |b| {
            b.iter(|| {
                let status =
                    spawn_wait().unwrap_or_else(|e| panic!("cannot start {}: {e}", exe.display()));
                assert!(status.success(), "`concbench --version` failed: {status}");
            })
        });
    }
    Ok(())
}

/// Imports this run's estimates, stores them as the `overhead` list of the machine's results
/// file, and prints the table. `whole` is true when no filter was given, so the list is
/// replaced; a filtered run replaces only the records it measured.
fn store(
    selected: &[Bench],
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
    replace_warnings(&mut results, WARNING_PREFIX, &warnings);
    println!("{}", table(&results.overhead));
    for warning in &warnings {
        println!("warning: {warning}");
    }
    // The models bench rendered the report before these figures existed: render it again
    // so report.md has its overhead table.
    write_and_render(&path, &results, !results.cases.is_empty())
}

/// Microseconds with three significant digits or so.
fn micros(ns: f64) -> String {
    let us = ns / 1000.0;
    let digits = match us {
        x if x >= 100.0 => 0,
        x if x >= 10.0 => 1,
        x if x >= 1.0 => 2,
        _ => 3,
    };
    format!("{us:.digits$}")
}

/// A ratio with two significant digits or so: `3.7×`, `0.52×`, `0.0031×`.
fn times(ratio: f64) -> String {
    let digits = match ratio {
        r if r >= 10.0 => 0,
        r if r >= 1.0 => 1,
        r if r >= 0.1 => 2,
        r if r >= 0.01 => 3,
        _ => 4,
    };
    format!("{ratio:.digits$}×")
}

/// One row per model and floor: µs per task at batch 1 and at batch 1000, and for a model the
/// floor it should be compared with and how many times that floor it costs at each batch.
fn table(records: &[OverheadRecord]) -> String {
    let point = |group: &str, function: &str, batch: usize| {
        let name = format!("{group}/{function}/{batch}");
        records
            .iter()
            .find(|r| r.name == name)
            .map(|r| r.ns_per_task.point)
    };
    let cell = |v: Option<f64>| v.map_or_else(|| "—".to_string(), micros);
    let mut rows = vec![vec![
        "model or floor".to_string(),
        "µs/task, batch 1".to_string(),
        "µs/task, batch 1000".to_string(),
        "compare with".to_string(),
        "× floor, batch 1".to_string(),
        "× floor, batch 1000".to_string(),
    ]];
    for m in MODELS {
        let (one, many) = (
            point(OVERHEAD, m.name, BATCHES[0]),
            point(OVERHEAD, m.name, BATCHES[1]),
        );
        if one.is_none() && many.is_none() {
            continue;
        }
        let floor = floor_of(m.name);
        // A floor measured per operation only is its own per-task figure at any batch.
        let floor_at = |batch: usize| {
            let f = floor?;
            point(FLOOR, f, batch).or_else(|| point(FLOOR, f, 1))
        };
        let ratio = |model: Option<f64>, batch: usize| match (model, floor_at(batch)) {
            (Some(m), Some(f)) if f > 0.0 => times(m / f),
            _ => "—".to_string(),
        };
        rows.push(vec![
            format!("{} ({})", m.name, m.effective_workers(WORKERS)),
            cell(one),
            cell(many),
            floor.map_or_else(|| "—".to_string(), |f| format!("floor {f}")),
            ratio(one, BATCHES[0]),
            ratio(many, BATCHES[1]),
        ]);
    }
    for f in FLOORS {
        let (one, many) = (point(FLOOR, f.name, 1), point(FLOOR, f.name, 1000));
        if one.is_none() && many.is_none() {
            continue;
        }
        let many = if f.batches.contains(&1000) {
            cell(many)
        } else {
            "(per op)".to_string()
        };
        rows.push(vec![
            format!("floor {}", f.name),
            cell(one),
            many,
            "—".to_string(),
            "—".to_string(),
            "—".to_string(),
        ]);
    }
    format!(
        "\nper-task dispatch cost on near-empty tasks (sum-squares, n = 1), mean µs per task; models with (workers)\n\n{}",
        markdown(&rows)
    )
}
