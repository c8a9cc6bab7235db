//! Workloads registered at run time, as a user's crate registers its own: every model runs
//! them (the `process` model through this very executable as its worker process), a
//! checksum that depends on the model is the same verification error concbench's own
//! workloads get, and a task that panics in a worker process is named with its workload,
//! task, pid and message. Through the entry point: a wrong checksum and a duplicate name end
//! a bench with one `error:` line and exit statuses 1 and 2.
//!
//! This test has `harness = false` (see Cargo.toml): like a user's bench binary, its `main`
//! first asks [`serve_if_child`] whether the pool or a probe started it, and if so serves with
//! the same registry. A libtest binary could not: libtest owns its `main` and writes to
//! stdout, the worker's protocol pipe. `main` runs the checks in order and exits non-zero if
//! one fails; a first argument runs only the checks whose names contain it.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::time::Duration;

use concbench::checksum::mix64;
use concbench::entry::serve_if_child;
use concbench::measure::VerifiedCase;
use concbench::model::process::{PoolError, PoolOptions, ProcessPool};
use concbench::model::{self, MODELS, ModelConfig};
use concbench::workload::{Kind, ParamInfo, Registry, Workload, WorkloadInfo, WorkloadSpec};
use concbench::{Error, Profile, Result, TaskCtx};

/// A small CPU workload: a mixing loop per task.
const SPIN: WorkloadInfo = info("spin", Kind::Cpu, spin_spec);
/// Checksums that depend on the process running the task: right on every model but
/// `process`, whose workers have pids of their own.
const PID_MIX: WorkloadInfo = info("pid-mix", Kind::Cpu, pid_mix_spec);
/// Task 3 panics.
const PANICS: WorkloadInfo = info("panics", Kind::Cpu, panics_spec);
/// The task that panics, and its message.
const PANIC_TASK: usize = 3;
const PANIC_MESSAGE: &str = "task three refuses to run";
/// What makes `main` run a bench instead of the checks (set by the entry-point checks).
const BENCH_ENV: &str = "OWN_WORKLOADS_BENCH";

/// What every test workload here declares.
const PARAMS: &[ParamInfo] = &[
    ParamInfo {
        name: "tasks",
        min: 1,
        max: 1 << 16,
        meaning: "tasks in the batch",
    },
    ParamInfo {
        name: "n",
        min: 1,
        max: 1 << 20,
        meaning: "mixing rounds per task",
    },
];

const fn info(
    name: &'static str,
    kind: Kind,
    spec_for: fn(Profile) -> WorkloadSpec,
) -> WorkloadInfo {
    WorkloadInfo {
        name,
        kind,
        disk_io: false,
        teaches: "a workload registered at run time",
        task: "mix a counter",
        params: PARAMS,
        spec_for,
        build,
    }
}

fn spin_spec(_: Profile) -> WorkloadSpec {
    WorkloadSpec::new("spin").with("tasks", 24).with("n", 2000)
}

fn pid_mix_spec(_: Profile) -> WorkloadSpec {
    WorkloadSpec::new("pid-mix").with("tasks", 8).with("n", 100)
}

fn panics_spec(_: Profile) -> WorkloadSpec {
    WorkloadSpec::new("panics").with("tasks", 16).with("n", 100)
}

fn build(spec: &WorkloadSpec) -> Result<Arc<dyn Workload>> {
    Ok(Arc::new(Mixer {
        tasks: spec.declared(PARAMS, "tasks")? as usize,
        n: spec.declared(PARAMS, "n")?,
        spec: spec.clone(),
    }))
}

/// Mixes a counter `n` times per task; what else it does depends on its name.
struct Mixer {
    spec: WorkloadSpec,
    tasks: usize,
    n: u64,
}

impl Workload for Mixer {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn tasks(&self) -> usize {
        self.tasks
    }

    fn run(&self, task: usize, ctx: &mut TaskCtx<'_>) -> u64 {
        let mut x = task as u64;
        for _ in 0..self.n {
            x = mix64(x);
            ctx.tick();
        }
        match self.spec.name.as_str() {
            "pid-mix" => x ^ u64::from(std::process::id()),
            "panics" if task == PANIC_TASK => panic!("{PANIC_MESSAGE}"),
            _ => x,
        }
    }
}

fn registry() -> Registry {
    Registry::of([SPIN, PID_MIX, PANICS]).expect("distinct names")
}

fn main() -> ExitCode {
    let registry = registry();
    if let Some(code) = serve_if_child(&registry) {
        return code;
    }
    match std::env::var(BENCH_ENV).as_deref() {
        Ok("mismatch") => return concbench::bench_main(registry),
        Ok("duplicate") => return concbench::bench_main(Registry::of([SPIN, PID_MIX, SPIN])),
        _ => {}
    }
    let checks: [Check; 6] = [
        (
            "every_model_runs_a_workload_registered_at_run_time",
            every_model_runs,
        ),
        (
            "a_model_dependent_checksum_is_the_verification_error",
            model_dependent,
        ),
        (
            "a_panicking_task_names_workload_task_pid_and_message",
            panicking_task,
        ),
        (
            "a_panic_mid_chunk_names_the_task_that_panicked",
            panic_mid_chunk,
        ),
        (
            "the_entry_point_stops_on_a_wrong_checksum",
            entry_point_mismatch,
        ),
        (
            "the_entry_point_refuses_a_duplicate_name",
            entry_point_duplicate,
        ),
    ];
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let mut failed = 0;
    for (name, check) in checks {
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        match check(&registry) {
            Ok(()) => println!("test {name} ... ok"),
            Err(why) => {
                failed += 1;
                println!("test {name} ... FAILED\n    {why}");
            }
        }
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        println!("{failed} failed");
        ExitCode::FAILURE
    }
}

type Outcome = std::result::Result<(), String>;

/// A named check of `main`.
type Check = (&'static str, fn(&Registry) -> Outcome);

/// Fails the check with `why` unless `cond` holds.
fn ensure(cond: bool, why: impl FnOnce() -> String) -> Outcome {
    if cond { Ok(()) } else { Err(why()) }
}

/// Models built with this executable as the worker process.
fn config() -> ModelConfig {
    ModelConfig {
        worker_exe: Some(std::env::current_exe().expect("this test's executable")),
        task_timeout: Duration::from_secs(30),
        ..ModelConfig::default()
    }
}

fn built(registry: &Registry, info: &WorkloadInfo) -> Arc<dyn Workload> {
    registry
        .build(&(info.spec_for)(Profile::Smoke))
        .expect("the spec builds")
}

/// True once `pid` is neither running nor a zombie awaiting its parent.
fn gone(pid: u32) -> bool {
    !Path::new(&format!("/proc/{pid}")).exists()
}

fn every_model_runs(registry: &Registry) -> Outcome {
    let workload = built(registry, &SPIN);
    let want = concbench::workload::reference_checksum(workload.as_ref());
    for info in MODELS {
        let mut case = VerifiedCase::build(&workload, info, 2, &config(), want)
            .map_err(|e| format!("{}: {e}", info.name))?;
        case.batch().map_err(|e| format!("{}: {e}", info.name))?;
        let usage = case.finish().map_err(|e| format!("{}: {e}", info.name))?;
        if info.name == "process" {
            ensure(usage.len() == 2, || {
                format!("{} worker reports", usage.len())
            })?;
            for u in &usage {
                ensure(u.pid != std::process::id() && gone(u.pid), || {
                    format!("worker pid {} is not a reaped child", u.pid)
                })?;
            }
        }
    }
    Ok(())
}

fn model_dependent(registry: &Registry) -> Outcome {
    let workload = built(registry, &PID_MIX);
    let want = concbench::workload::reference_checksum(workload.as_ref());
    let threads = model::find("threads").unwrap();
    VerifiedCase::build(&workload, threads, 2, &config(), want)
        .and_then(VerifiedCase::finish)
        .map_err(|e| format!("threads share the pid, yet: {e}"))?;
    let process = model::find("process").unwrap();
    match VerifiedCase::build(&workload, process, 2, &config(), want) {
        Err(err @ Error::ChecksumMismatch { .. }) => {
            let text = err.to_string();
            ensure(
                text.starts_with("process with 2 workers returned checksum")
                    && text.contains("on pid-mix, but sequential returned")
                    && text.contains("will not be timed"),
                || text,
            )
        }
        Err(other) => Err(format!("not a checksum mismatch: {other}")),
        Ok(_) => Err("the process model passed verification".into()),
    }
}

/// Checks a panic's error: the variant, and the workload, task, pid and message in its text,
/// and that no worker is left.
fn check_panic(err: Error, pids: &[u32]) -> Outcome {
    let text = err.to_string();
    let Error::Pool(PoolError::Panicked { task, pid, .. }) = err else {
        return Err(format!("not a panic report: {text}"));
    };
    ensure(task == PANIC_TASK && pids.contains(&pid), || text.clone())?;
    let wanted = [
        "workload 'panics'".to_string(),
        format!("task {PANIC_TASK} "),
        format!("pid {pid}"),
        PANIC_MESSAGE.to_string(),
        "exit status: 101".to_string(),
    ];
    for part in &wanted {
        ensure(text.contains(part.as_str()), || {
            format!("'{part}' missing from: {text}")
        })?;
    }
    for &pid in pids {
        ensure(gone(pid), || format!("worker pid {pid} is still there"))?;
    }
    Ok(())
}

fn panicking_task(registry: &Registry) -> Outcome {
    let workload = built(registry, &PANICS);
    // The reference would panic too; the batch fails before any checksum is compared.
    let want = 0;
    let process = model::find("process").unwrap();
    match VerifiedCase::build(&workload, process, 2, &config(), want) {
        Ok(_) => Err("the batch with a panicking task succeeded".into()),
        Err(err) => {
            let pid = match &err {
                Error::Pool(PoolError::Panicked { pid, .. }) => *pid,
                _ => 0,
            };
            check_panic(err, &[pid])
        }
    }
}

fn panic_mid_chunk(registry: &Registry) -> Outcome {
    let workload = built(registry, &PANICS);
    let exe = std::env::current_exe().expect("this test's executable");
    let options = PoolOptions {
        chunk: Some(8),
        ..PoolOptions::default()
    };
    let mut pool =
        ProcessPool::start(&exe, workload.spec(), 1, options).map_err(|e| format!("start: {e}"))?;
    let pids = pool.pids();
    match pool.run(workload.as_ref()) {
        Ok(_) => Err("the batch with a panicking task succeeded".into()),
        Err(err) => check_panic(Error::Pool(err), &pids),
    }
}

/// Runs this executable as a bench (`mode` picks the registry) on the smoke profile, with
/// criterion's `--bench` and `filter`; returns its exit status and stderr.
fn bench(
    mode: &str,
    filter: &str,
) -> std::result::Result<(Option<i32>, String, tempfile::TempDir), String> {
    let reports = tempfile::tempdir().map_err(|e| e.to_string())?;
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--bench", filter])
        .env(BENCH_ENV, mode)
        .env("CONCBENCH_PROFILE", "smoke")
        .env("CONCBENCH_REPORTS_DIR", reports.path())
        .env("CRITERION_HOME", reports.path().join("criterion"))
        .output()
        .map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    Ok((out.status.code(), stderr, reports))
}

fn entry_point_mismatch(_: &Registry) -> Outcome {
    let (code, stderr, reports) = bench("mismatch", "^pid-mix/process/1$")?;
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    ensure(code == Some(1) && errors.len() == 1, || {
        format!("status {code:?}, stderr: {stderr}")
    })?;
    ensure(
        errors[0].contains("process with 1 workers returned checksum")
            && errors[0].contains("on pid-mix"),
        || stderr.clone(),
    )?;
    let written = walk(reports.path());
    ensure(!written.iter().any(|p| p.ends_with("results.json")), || {
        format!("a results file was written: {written:?}")
    })
}

fn entry_point_duplicate(_: &Registry) -> Outcome {
    let (code, stderr, _) = bench("duplicate", "spin")?;
    ensure(
        code == Some(2)
            && stderr.trim()
                == "error: workload 'spin' is registered twice; give each workload of a registry its own name",
        || format!("status {code:?}, stderr: {stderr}"),
    )
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
