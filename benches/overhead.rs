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
//!   threads is sound; it closes every inherited descriptor but its two pipe ends). It needs
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

use std::fs::File;
use std::hint::black_box;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, bail};
use concbench::machine::{Machine, now_rfc3339};
use concbench::model::{self, MODELS, ModelConfig};
use concbench::profile::Profile;
use concbench::report::chart::{Format, Theme};
use concbench::results::criterion::{BenchmarkId as ImportedId, import};
use concbench::results::store::write_results;
use concbench::results::{CriterionSettings, Estimate, OverheadRecord, Results, RunInfo};
use concbench::session::WIDE_INTERVAL;
use concbench::suite::{BenchArgs, SuiteConfig, criterion_dir};
use concbench::table::markdown;
use concbench::workload::{self, Role, WorkloadSpec};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion};

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
        Profile::Quick => (10, 0.3, 0.8, 5_000),
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

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// When the run started, for the results file and to tell fresh estimates from stale ones.
struct Start {
    machine: Machine,
    at: String,
    instant: Instant,
    clock: SystemTime,
}

fn run() -> anyhow::Result<()> {
    // Criterion's HTML charts go through plotters, which draws text only with a registered
    // font (never the system's).
    concbench::report::chart::register_fonts();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench_args = BenchArgs::parse(&args)?;
    let config = SuiteConfig::from_env()?;
    let s = settings(config.profile);
    let mut criterion = Criterion::default()
        .sample_size(s.sample_size)
        .warm_up_time(Duration::from_secs_f64(s.warm_up_s))
        .measurement_time(Duration::from_secs_f64(s.measurement_s))
        .nresamples(s.resamples)
        .configure_from_args();
    let start = Start {
        machine: Machine::detect(),
        at: now_rfc3339(),
        instant: Instant::now(),
        clock: SystemTime::now(),
    };

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
        let mut built = model::build(info, workload, WORKERS, &model_config)
            .with_context(|| format!("building {}", bench.id()))?;
        let got = built.run().with_context(|| bench.id())?;
        if got != want {
            bail!(
                "{} returned checksum {got:#018x} but the reference is {want:#018x}; it will not be timed",
                bench.id()
            );
        }
        let id = bench.id();
        group.bench_function(bench.criterion_id(), |b| {
            b.iter(|| {
                let got = built.run().unwrap_or_else(|e| panic!("{id} failed: {e}"));
                assert_eq!(got, want, "{id} returned a wrong checksum");
                got
            })
        });
        built
            .finish()
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

/// A forked copy of this process that echoes every byte it reads back: the far end of the
/// pipe-ping-pong floor.
struct EchoChild {
    pid: libc::pid_t,
    to_child: Option<File>,
    from_child: File,
}

impl EchoChild {
    fn start() -> io::Result<EchoChild> {
        let (down_read, down_write) = pipe()?;
        let (up_read, up_write) = pipe()?;
        // The descriptors open now (ours included); the child closes all but its two ends.
        // Listed before the fork: the child must not allocate.
        let open: Vec<RawFd> = std::fs::read_dir("/dev/fd")
            .map(|dir| {
                dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                    .collect()
            })
            .unwrap_or_else(|_| (0..1024).collect());
        let (child_in, child_out) = (down_read.as_raw_fd(), up_write.as_raw_fd());
        // SAFETY: the child runs only `echo`, which makes async-signal-safe calls (close,
        // read, write, _exit) on memory it already owns, so forking a process that may have
        // other threads is sound; it never returns into Rust code of the parent's.
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            return Err(io::Error::last_os_error());
        }
        if pid == 0 {
            // SAFETY: as above; `echo` ends with `_exit`.
            unsafe { echo(child_in, child_out, &open) }
        }
        drop((down_read, up_write));
        Ok(EchoChild {
            pid,
            to_child: Some(File::from(down_write)),
            from_child: File::from(up_read),
        })
    }

    fn round_trip(&mut self, byte: u8) -> io::Result<u8> {
        let to_child = self.to_child.as_mut().expect("the echo process is running");
        to_child.write_all(&[byte])?;
        let mut back = [0u8];
        self.from_child.read_exact(&mut back)?;
        Ok(back[0])
    }

    /// Closes the child's input, so it exits, and reaps it; returns an error if it failed.
    fn stop(mut self) -> io::Result<()> {
        let status = self.reap()?;
        if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "the echo process ended with wait status {status:#x}"
            )))
        }
    }

    fn reap(&mut self) -> io::Result<libc::c_int> {
        self.to_child = None;
        let mut status = 0;
        loop {
            // SAFETY: waits for our own child; `status` is a valid out pointer.
            let r = unsafe { libc::waitpid(self.pid, &mut status, 0) };
            if r == self.pid {
                self.pid = 0;
                return Ok(status);
            }
            let err = io::Error::last_os_error();
            if err.kind() != io::ErrorKind::Interrupted {
                self.pid = 0;
                return Err(err);
            }
        }
    }
}

impl Drop for EchoChild {
    fn drop(&mut self) {
        if self.pid > 0 {
            let _ = self.reap();
        }
    }
}

/// The echo process's whole life: close what it inherited, then copy bytes from `input` to
/// `output` one at a time until end of file.
///
/// # Safety
/// Call only in a freshly forked child, which must never return to the parent's code.
unsafe fn echo(input: RawFd, output: RawFd, open: &[RawFd]) -> ! {
    // SAFETY: close, read, write and _exit are async-signal-safe; `byte` is on our stack.
    unsafe {
        for &fd in open {
            if fd != input && fd != output {
                libc::close(fd);
            }
        }
        let mut byte = 0u8;
        loop {
            let n = libc::read(input, (&raw mut byte).cast(), 1);
            if n == 0 {
                libc::_exit(0);
            }
            if n < 0 {
                if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                libc::_exit(1);
            }
            if libc::write(output, (&raw const byte).cast(), 1) != 1 {
                libc::_exit(2);
            }
        }
    }
}

/// A pipe whose ends are closed on exec, so processes started later do not hold them.
fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` has room for the two descriptors `pipe` writes.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `pipe` succeeded, so both are fresh descriptors owned by nobody else.
    let ends = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    for fd in [&ends.0, &ends.1] {
        // SAFETY: a valid descriptor we own.
        if unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) } != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(ends)
}

/// Imports this run's estimates, stores them as the `overhead` list of the machine's results
/// file, and prints the table. `whole` is true when no filter was given, so the list is
/// replaced; a filtered run replaces only the records it measured.
fn store(
    selected: &[Bench],
    mut start: Start,
    config: &SuiteConfig,
    whole: bool,
) -> anyhow::Result<()> {
    let dir = criterion_dir();
    let imported = import(&dir, |id| selected.iter().any(|b| b.matches(id)))
        .with_context(|| format!("importing criterion results from {}", dir.display()))?;
    // Criterion keeps old estimates; only those written during this run count.
    let fresh_since = start.clock - Duration::from_secs(2);
    let mut warnings = Vec::new();
    let mut records = Vec::new();
    for bench in selected {
        let Some(found) = imported
            .iter()
            .find(|i| bench.matches(&i.id) && i.measured_at.is_none_or(|t| t >= fresh_since))
        else {
            warnings.push(format!(
                "{}: criterion wrote no estimates during this run (--load-baseline or --discard-baseline?); not recorded",
                bench.id()
            ));
            continue;
        };
        let half = found.mean.relative_half_width();
        if half > WIDE_INTERVAL {
            warnings.push(format!(
                "{}: the confidence interval of the mean is ±{:.1}%, wider than ±{:.0}%",
                bench.id(),
                half * 100.0,
                WIDE_INTERVAL * 100.0
            ));
        }
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
    start.machine.finish();
    warnings.extend(start.machine.busy_reasons.iter().cloned());
    if records.is_empty() {
        for warning in &warnings {
            println!("warning: {warning}");
        }
        println!("overhead: nothing measured in this run, so no results file was changed");
        return Ok(());
    }

    let path = config
        .reports_dir
        .join(start.machine.slug())
        .join("results.json");
    let mut results = if path.exists() {
        Results::read(&path).with_context(|| {
            format!(
                "adding the overhead figures to {} (move it away to start a new one)",
                path.display()
            )
        })?
    } else {
        let profile = config.profile;
        Results::new(
            start.machine.clone(),
            RunInfo {
                profile,
                started_at: start.at.clone(),
                finished_at: now_rfc3339(),
                wall_s: start.instant.elapsed().as_secs_f64(),
                workers: config.workers.clone(),
                criterion: profile.criterion(),
                warnings: Vec::new(),
            },
        )
    };
    if whole {
        results.overhead = records;
    } else {
        results
            .overhead
            .retain(|old| !records.iter().any(|new| new.name == old.name));
        results.overhead.extend(records);
        let order = all_benches();
        results.overhead.sort_by_key(|r| {
            order
                .iter()
                .position(|b| b.id() == r.name)
                .unwrap_or(usize::MAX)
        });
    }
    results
        .run
        .warnings
        .retain(|w| !w.starts_with(WARNING_PREFIX));
    results
        .run
        .warnings
        .extend(warnings.iter().map(|w| format!("{WARNING_PREFIX}{w}")));
    write_results(&path, &results).with_context(|| format!("writing {}", path.display()))?;

    println!("{}", table(&results.overhead));
    for warning in &warnings {
        println!("warning: {warning}");
    }
    println!("overhead results: {}", path.display());
    // The models bench rendered the report before these figures existed: render it again
    // so report.md has its overhead table.
    if !results.cases.is_empty() {
        let report = concbench::report::render(
            &results,
            &concbench::report::ReportOptions {
                out_dir: path
                    .parent()
                    .map_or_else(Default::default, |p| p.to_path_buf()),
                formats: vec![Format::Svg, Format::Png],
                theme: Theme::Light,
            },
        )
        .context("rendering the report again with the overhead figures")?;
        println!("report: {}", report.dir.join("report.md").display());
    }
    Ok(())
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
