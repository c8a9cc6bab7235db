//! The process pool against the real `concbench` binary: results match the sequential
//! reference, and every failure (crash, abort, hang, garbage, a binary that is not a worker)
//! is reported with the worker's pid, the task and the exit status, after which no worker
//! process is left: each is reaped, so not even a zombie keeps its `/proc/<pid>`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use concbench::model::process::{self, Fault, FaultKind, PoolError, PoolOptions, ProcessPool};
use concbench::model::{self, ModelConfig};
use concbench::workload::{self, Workload, WorkloadSpec, reference_checksum};

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_concbench"))
}

fn sleep_spec() -> WorkloadSpec {
    WorkloadSpec::new("sleep").with("tasks", 16).with("ms", 1)
}

fn squares_spec() -> WorkloadSpec {
    WorkloadSpec::new("sum-squares")
        .with("tasks", 8)
        .with("n", 1000)
}

fn built(spec: &WorkloadSpec) -> Arc<dyn Workload> {
    workload::build(spec).expect("spec builds")
}

/// True once `pid` is neither running nor a zombie awaiting its parent.
fn gone(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        !Path::new(&format!("/proc/{pid}")).exists()
    } else {
        // SAFETY: signal 0 only checks for existence; a zombie still exists.
        unsafe { libc::kill(pid as libc::pid_t, 0) != 0 }
    }
}

fn assert_all_gone(pids: &[u32]) {
    for &pid in pids {
        assert!(gone(pid), "worker pid {pid} is still there (not reaped)");
    }
}

/// True when `message` says `task N` for exactly this N (not `task 50` for 5).
fn names_task(message: &str, task: usize) -> bool {
    let needle = format!("task {task}");
    message
        .match_indices(&needle)
        .any(|(at, _)| !message[at + needle.len()..].starts_with(|c: char| c.is_ascii_digit()))
}

fn options(fault: Option<Fault>, timeout_ms: u64) -> PoolOptions {
    PoolOptions {
        task_timeout: Duration::from_millis(timeout_ms),
        fault,
        ..PoolOptions::default()
    }
}

/// Runs `spec` on a pool whose workers misbehave as `kind` on `task`; returns the error and
/// the pids, after checking that the pool refuses further work, that every worker is gone
/// and that the error names a worker and the task.
fn failing_run(
    spec: &WorkloadSpec,
    kind: FaultKind,
    task: usize,
    timeout_ms: u64,
) -> (PoolError, Vec<u32>) {
    let fault = Some(Fault { task, kind });
    let (err, pids) = failing_run_with(spec, options(fault, timeout_ms));
    let message = err.to_string();
    assert!(names_task(&message, task), "{message}");
    (err, pids)
}

/// As [`failing_run`], with any pool options, without checking which task is named.
fn failing_run_with(spec: &WorkloadSpec, options: PoolOptions) -> (PoolError, Vec<u32>) {
    let workload = built(spec);
    let mut pool = ProcessPool::start(exe(), spec, 2, options).expect("pool starts");
    let pids = pool.pids();
    let err = pool
        .run(workload.as_ref())
        .expect_err("the injected fault must fail the run");
    assert_all_gone(&pids);
    let again = pool
        .run(workload.as_ref())
        .expect_err("a failed pool refuses work");
    assert!(matches!(again, PoolError::Unusable(_)), "{again}");
    assert!(pool.shutdown().is_err());
    let message = err.to_string();
    assert!(
        pids.iter()
            .any(|pid| message.contains(&format!("pid {pid} "))),
        "{message}"
    );
    (err, pids)
}

#[test]
fn results_match_the_reference_and_workers_are_reaped() {
    for spec in [sleep_spec(), squares_spec()] {
        let workload = built(&spec);
        let want = reference_checksum(workload.as_ref());
        for workers in [1, 2, 3, 8] {
            let mut pool = ProcessPool::start(exe(), &spec, workers, PoolOptions::default())
                .expect("pool starts");
            let pids = pool.pids();
            assert_eq!(pids.len(), workers);
            assert_eq!(
                pool.run(workload.as_ref()).expect("run"),
                want,
                "{} on {workers}",
                spec.name
            );
            assert_eq!(
                pool.run(workload.as_ref()).expect("second run"),
                want,
                "a pool is reusable"
            );
            let usage = pool.shutdown().expect("orderly shutdown");
            assert_eq!(usage.iter().map(|u| u.pid).collect::<Vec<_>>(), pids);
            for u in &usage {
                assert!(u.peak_rss_bytes > 1 << 20, "{u:?}");
                assert!(u.user_cpu_s >= 0.0 && u.sys_cpu_s >= 0.0, "{u:?}");
            }
            assert_all_gone(&pids);
        }
    }
}

#[test]
fn more_workers_than_tasks_work() {
    let spec = WorkloadSpec::new("sum-squares")
        .with("tasks", 1)
        .with("n", 10);
    let workload = built(&spec);
    let mut pool =
        ProcessPool::start(exe(), &spec, 4, PoolOptions::default()).expect("pool starts");
    assert_eq!(
        pool.run(workload.as_ref()).expect("run"),
        reference_checksum(workload.as_ref())
    );
    assert_eq!(pool.shutdown().expect("shutdown").len(), 4);
}

#[test]
fn shipped_inputs_travel_with_their_tasks() {
    // 1 MiB per task: far over a pipe's buffer, so frames go out in many partial writes.
    let spec = WorkloadSpec::new("ship")
        .with("tasks", 12)
        .with("kib", 1024)
        .with("seed", 7);
    let workload = built(&spec);
    let input = workload.shipped_input(0).expect("ship ships its payloads");
    assert_eq!(input.len(), 1 << 20);
    let mut pool =
        ProcessPool::start(exe(), &spec, 3, PoolOptions::default()).expect("pool starts");
    assert_eq!(
        pool.run(workload.as_ref()).expect("run"),
        reference_checksum(workload.as_ref())
    );
    assert_eq!(pool.shutdown().expect("shutdown").len(), 3);
}

#[test]
fn a_crash_names_pid_task_and_exit_status() {
    let (err, _) = failing_run(&squares_spec(), FaultKind::Exit, 5, 10_000);
    assert!(matches!(err, PoolError::Died { .. }), "{err}");
    assert!(err.to_string().contains("exit status: 101"), "{err}");
}

/// 1000 near-empty tasks in chunks of 50 on 2 workers: up to 100 tasks in flight per worker.
fn chunked(kind: FaultKind, task: usize) -> PoolOptions {
    PoolOptions {
        fault: Some(Fault { task, kind }),
        chunk: Some(50),
        ..PoolOptions::default()
    }
}

fn many_tiny_tasks() -> WorkloadSpec {
    WorkloadSpec::new("sum-squares")
        .with("tasks", 1000)
        .with("n", 1)
}

#[test]
fn a_crash_mid_chunk_names_the_task_and_leaves_no_worker() {
    let (err, pids) = failing_run_with(&many_tiny_tasks(), chunked(FaultKind::Exit, 517));
    let message = err.to_string();
    assert!(matches!(err, PoolError::Died { .. }), "{message}");
    // The answers of tasks 500 to 516 arrived before the worker exited: task 517 is named.
    assert!(names_task(&message, 517), "{message}");
    assert!(message.contains("chunk of tasks 500–549"), "{message}");
    assert!(message.contains("exit status: 101"), "{message}");
    assert_all_gone(&pids);
}

#[test]
fn a_hard_crash_mid_chunk_names_its_chunk() {
    // An abort sends nothing more: the pool names the chunk and its first unanswered task.
    let (err, pids) = failing_run_with(&many_tiny_tasks(), chunked(FaultKind::Abort, 517));
    let message = err.to_string();
    assert!(matches!(err, PoolError::Died { .. }), "{message}");
    assert!(names_task(&message, 500), "{message}");
    assert!(message.contains("chunk of tasks 500–549"), "{message}");
    assert!(message.contains("killed by signal 6"), "{message}");
    assert_all_gone(&pids);
}

#[test]
fn near_empty_tasks_go_in_chunks_after_the_first_batch_and_big_ones_do_not() {
    let spec = many_tiny_tasks();
    let workload = built(&spec);
    let want = reference_checksum(workload.as_ref());
    let mut pool =
        ProcessPool::start(exe(), &spec, 2, PoolOptions::default()).expect("pool starts");
    assert_eq!(pool.run(workload.as_ref()).expect("warm-up"), want);
    assert_eq!(
        pool.last_chunk(),
        1,
        "the first batch goes one task per frame"
    );
    let task_ns = pool.task_ns().expect("the workers reported their time");
    assert!(task_ns > 0.0, "{task_ns}");
    for _ in 0..3 {
        assert_eq!(pool.run(workload.as_ref()).expect("chunked run"), want);
        // A task of one multiply-add is far below the chunk's time target: the balance
        // rule, 1000 / (2 workers x 4), sets the size.
        assert_eq!(pool.last_chunk(), 125);
    }
    let pids = pool.pids();
    pool.shutdown().expect("shutdown");
    assert_all_gone(&pids);

    let spec = sleep_spec();
    let workload = built(&spec);
    let mut pool =
        ProcessPool::start(exe(), &spec, 2, PoolOptions::default()).expect("pool starts");
    for _ in 0..2 {
        pool.run(workload.as_ref()).expect("run");
    }
    assert_eq!(pool.last_chunk(), 1, "1 ms tasks go one per frame");
    assert!(pool.task_ns().expect("measured") >= 1e6);
    pool.shutdown().expect("shutdown");
}

#[test]
fn a_chunk_size_out_of_bounds_is_refused() {
    let options = PoolOptions {
        chunk: Some(0),
        ..PoolOptions::default()
    };
    let err = ProcessPool::start(exe(), &sleep_spec(), 2, options).err();
    assert!(matches!(err, Some(PoolError::Spawn { .. })), "{err:?}");
}

#[test]
fn an_abort_names_the_signal() {
    let (err, _) = failing_run(&squares_spec(), FaultKind::Abort, 0, 10_000);
    assert!(err.to_string().contains("killed by signal 6"), "{err}");
}

#[test]
fn a_hang_times_out_and_is_killed() {
    // The same hang under a short and a four times longer task timeout: the pool must give
    // up after the timeout, so the first failure comes well before the second (start-up and
    // the tasks before the hang cost the same in both).
    let timed = |timeout_ms| {
        let start = Instant::now();
        let (err, _) = failing_run(&sleep_spec(), FaultKind::Hang, 3, timeout_ms);
        (start.elapsed(), err)
    };
    let (short, err) = timed(300);
    let (long, _) = timed(1200);
    assert!(
        short >= Duration::from_millis(300) && long >= Duration::from_millis(1200),
        "a hung worker is given its whole timeout: {short:?}, {long:?}"
    );
    assert!(
        short * 4 < long * 3,
        "a 300 ms timeout gave up after {short:?}, a 1200 ms one after {long:?}"
    );
    let message = err.to_string();
    assert!(matches!(err, PoolError::Hung { .. }), "{message}");
    assert!(
        message.contains("timed out") && message.contains("killed by signal 9"),
        "{message}"
    );
}

#[test]
fn garbage_is_a_bad_frame() {
    let (err, _) = failing_run(&squares_spec(), FaultKind::Garbage, 7, 10_000);
    assert!(matches!(err, PoolError::BadFrame { .. }), "{err}");
    assert!(err.to_string().contains("over the bound"), "{err}");
}

#[test]
fn drop_without_finish_reaps_every_worker() {
    let spec = sleep_spec();
    let workload = built(&spec);
    let pool = ProcessPool::start(exe(), &spec, 3, PoolOptions::default()).expect("pool starts");
    let pids = pool.pids();
    drop(pool);
    assert_all_gone(&pids);

    let mut pool =
        ProcessPool::start(exe(), &spec, 2, PoolOptions::default()).expect("pool starts");
    let pids = pool.pids();
    pool.run(workload.as_ref()).expect("run");
    drop(pool);
    assert_all_gone(&pids);
}

#[test]
fn zero_workers_are_refused() {
    let err = ProcessPool::start(exe(), &sleep_spec(), 0, PoolOptions::default()).err();
    assert!(matches!(err, Some(PoolError::Spawn { .. })), "{err:?}");
}

#[test]
fn a_spec_the_worker_cannot_build_is_reported() {
    let spec = WorkloadSpec::new("sum-squares").with("tasks", 4);
    let err = ProcessPool::start(exe(), &spec, 2, PoolOptions::default())
        .err()
        .expect("fails");
    let message = err.to_string();
    assert!(matches!(err, PoolError::Failed { .. }), "{message}");
    assert!(
        message.contains("start-up") && message.contains("'n'"),
        "{message}"
    );
}

#[test]
#[cfg_attr(not(unix), ignore = "needs a `true` binary (Unix)")]
fn a_binary_that_is_not_a_worker_is_reported() {
    let not_a_worker = ["/bin/true", "/usr/bin/true"]
        .into_iter()
        .map(Path::new)
        .find(|p| p.is_file())
        .expect("this test needs /bin/true or /usr/bin/true: a binary that exits at once");
    let err = ProcessPool::start(not_a_worker, &sleep_spec(), 2, PoolOptions::default())
        .err()
        .expect("fails");
    assert!(err.to_string().contains("during start-up"), "{err}");
}

#[test]
fn the_registry_builds_and_runs_the_model() {
    let workload = built(&squares_spec());
    let config = ModelConfig {
        worker_exe: Some(PathBuf::from(exe())),
        ..ModelConfig::default()
    };
    let mut m = model::build(&process::INFO, workload.clone(), 2, &config).expect("builds");
    assert_eq!(m.run().expect("run"), reference_checksum(workload.as_ref()));
    let usage = m.finish().expect("finish");
    assert_eq!(usage.len(), 2);
    assert!(usage.iter().all(|u| u.peak_rss_bytes > 0));
}

#[test]
fn a_missing_binary_is_a_build_error() {
    let config = ModelConfig {
        worker_exe: Some(PathBuf::from("/nonexistent/concbench")),
        ..ModelConfig::default()
    };
    let err = model::build(&process::INFO, built(&sleep_spec()), 2, &config)
        .err()
        .expect("fails");
    assert!(matches!(err, concbench::Error::Build { .. }), "{err}");
    assert!(err.to_string().contains("/nonexistent/concbench"), "{err}");
}

#[test]
fn without_a_worker_binary_a_test_harness_is_not_started() {
    let err = model::build(
        &process::INFO,
        built(&sleep_spec()),
        1,
        &ModelConfig::default(),
    )
    .err()
    .expect("fails");
    assert!(
        err.to_string().contains("not the concbench binary"),
        "{err}"
    );
}
