//! The Python twins (`python/workloads.py`, run by `python/twin.py`) against the Rust
//! workloads: at the smoke profile's parameters every twin must return each task's value and
//! the batch checksum that the Rust workload returns, and those checksums are pinned here as
//! literals, so a change on either side shows. Also the twins' own unit tests
//! (`python/test_workloads.py`) and the runner's answers to bad input.
//!
//! These tests need `python3` on `PATH`, so they are ignored by a plain `cargo test` (which
//! needs only a Rust toolchain); `.ci/run` runs them with `cargo test --test python_twins --
//! --ignored`, and run that way without `python3` they fail and say so, rather than pass
//! having checked nothing.

use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::Duration;

use concbench::bench::python_twins::INTERPRETER;
use concbench::workload::{self, Workload};
use concbench::{Profile, TaskCtx};
use wait_timeout::ChildExt;

/// The crate's `python/` folder.
const PYTHON_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python");
/// The twins' runner.
const RUNNER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/twin.py");
/// How long one Python run may take (each takes a few seconds at most) before it is killed.
const TIMEOUT: Duration = Duration::from_secs(180);

/// Every twin's batch checksum at the smoke profile (`WorkloadInfo::spec_for(Profile::Smoke)`),
/// in the runner's `--list` order. Rust and Python must both return these.
const SMOKE_CHECKSUMS: [(&str, u64); 7] = [
    ("sum-squares", 0x89e2_c8a4_2743_e126),
    ("primes", 0xef6b_c3d9_afaf_d0f5),
    ("sha256", 0x31ec_85cd_6a70_d9ed),
    ("sleep", 0x2564_a3ef_de08_c65b),
    ("http", 0x5d57_95d2_5cc8_d75f),
    ("file", 0xafa2_c21c_f6df_fde7),
    ("bank", 0xb2b6_b76f_e78d_b191),
];

/// What one Python run did.
struct Ran {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Runs `python3 args...` (no bytecode written into the source tree) and waits for it.
fn python(args: &[&str]) -> Ran {
    let spawned = Command::new(INTERPRETER)
        .args(args)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) if e.kind() == io::ErrorKind::NotFound => panic!(
            "these tests need `{INTERPRETER}` on PATH to check the Python twins against the \
             Rust workloads; install Python 3 (the standard library is enough)"
        ),
        Err(e) => panic!("cannot start {INTERPRETER}: {e}"),
    };
    let status = match child.wait_timeout(TIMEOUT).unwrap() {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{INTERPRETER} {args:?} ran longer than {TIMEOUT:?} and was stopped");
        }
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    Ran {
        status,
        stdout,
        stderr,
    }
}

/// The Rust workload at the smoke profile.
fn smoke(name: &str) -> Arc<dyn Workload> {
    let info = workload::find(name).unwrap();
    (info.build)(&(info.spec_for)(Profile::Smoke)).unwrap()
}

/// The twin's parameters: the workload's spec, plus, for `http`, the port of the server the
/// Rust workload started, found as a worker process finds it (its worker spec).
fn twin_params(workload: &dyn Workload) -> Vec<String> {
    let mut params = workload.spec().params.clone();
    if let Some(&port) = workload.worker_spec().params.get("port") {
        params.insert("port".to_string(), port);
    }
    params.iter().map(|(k, v)| format!("{k}={v}")).collect()
}

fn hex(value: u64) -> String {
    format!("{value:#018x}")
}

/// Runs the twin of `workload` with `--per-task`: each task's value and the checksum, as
/// printed (hex).
fn run_twin(workload: &dyn Workload) -> (Vec<String>, String) {
    let name = &workload.spec().name;
    let params = twin_params(workload);
    let mut args = vec![RUNNER, "--per-task", name.as_str()];
    args.extend(params.iter().map(String::as_str));
    let ran = python(&args);
    assert!(
        ran.status.success(),
        "the {name} twin failed ({}): {}",
        ran.status,
        ran.stderr
    );
    let (mut tasks, mut checksum) = (Vec::new(), None);
    for line in ran.stdout.lines() {
        match line.split_whitespace().collect::<Vec<_>>()[..] {
            ["task", index, value] => {
                assert_eq!(index, tasks.len().to_string(), "{name}: tasks in order");
                tasks.push(value.to_string());
            }
            ["checksum", value] => checksum = Some(value.to_string()),
            _ => panic!("{name}: unexpected line from the twin: {line:?}"),
        }
    }
    let checksum = checksum.unwrap_or_else(|| panic!("{name}: no checksum in {:?}", ran.stdout));
    (tasks, checksum)
}

/// The twin of `name` against the Rust workload, task by task and batch by batch, and both
/// against the pinned checksum.
fn check_twin(name: &str) {
    let workload = smoke(name);
    let rust_tasks: Vec<String> = (0..workload.tasks())
        .map(|t| hex(workload.run(t, &mut TaskCtx::free())))
        .collect();
    let rust = hex(workload::reference_checksum(&*workload));
    let (python_tasks, python) = run_twin(&*workload);
    assert_eq!(
        python_tasks, rust_tasks,
        "{name}: each task's value, Python (left) against Rust (right)"
    );
    assert_eq!(
        python, rust,
        "{name}: the batch checksum, Python (left) against Rust (right)"
    );
    let pinned = SMOKE_CHECKSUMS
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("{name} has no pinned smoke checksum"))
        .1;
    assert_eq!(
        rust,
        hex(pinned),
        "{name}: the smoke checksum is not the pinned one; if the workload was meant to change, \
         update SMOKE_CHECKSUMS (left: now, right: pinned)"
    );
}

#[test]
#[ignore = "needs python3; .ci/run runs these with --ignored"]
fn sum_squares_twin_matches() {
    check_twin("sum-squares");
}

#[test]
#[ignore = "needs python3; .ci/run runs these with --ignored"]
fn primes_twin_matches() {
    check_twin("primes");
}

#[test]
#[ignore = "needs python3; .ci/run runs these with --ignored"]
fn sha256_twin_matches() {
    check_twin("sha256");
}

#[test]
#[ignore = "needs python3; .ci/run runs these with --ignored"]
fn sleep_twin_matches() {
    check_twin("sleep");
}

#[test]
#[ignore = "needs python3; .ci/run runs these with --ignored"]
fn http_twin_matches_against_the_rust_server() {
    check_twin("http");
}

#[test]
#[ignore = "needs python3; .ci/run runs these with --ignored"]
fn file_twin_matches() {
    check_twin("file");
}

#[test]
#[ignore = "needs python3; .ci/run runs these with --ignored"]
fn bank_twin_matches_ledger_included() {
    check_twin("bank");
}

#[test]
#[ignore = "needs python3; .ci/run runs these with --ignored"]
fn every_twin_is_a_workload_with_a_pinned_checksum() {
    let ran = python(&[RUNNER, "--list"]);
    assert!(ran.status.success(), "{}", ran.stderr);
    let listed: Vec<&str> = ran
        .stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let pinned: Vec<&str> = SMOKE_CHECKSUMS.iter().map(|(n, _)| *n).collect();
    assert_eq!(listed, pinned);
    for name in listed {
        let info = workload::find(name).unwrap();
        let line = ran.stdout.lines().find(|l| l.starts_with(name)).unwrap();
        let listed_params: Vec<&str> = line.split_whitespace().skip(1).collect();
        let mut rust_params: Vec<String> =
            (info.spec_for)(Profile::Smoke).params.into_keys().collect();
        if name == "http" {
            rust_params.push("port".to_string());
        }
        let mut twin_sorted = listed_params.clone();
        twin_sorted.sort_unstable();
        rust_params.sort_unstable();
        assert_eq!(twin_sorted, rust_params, "{name}: the twin's parameters");
    }
}

#[test]
#[ignore = "needs python3; .ci/run runs these with --ignored"]
fn the_twins_unit_tests_pass() {
    let ran = python(&[
        "-m",
        "unittest",
        "discover",
        "-s",
        PYTHON_DIR,
        "-p",
        "test_*.py",
    ]);
    assert!(
        ran.status.success(),
        "python/test_workloads.py failed:\n{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("\nOK"), "{}", ran.stderr);
}

/// Runs the runner with `args` and returns its exit code and its one `error:` line.
fn refused(args: &[&str]) -> (i32, String) {
    let mut all = vec![RUNNER];
    all.extend_from_slice(args);
    let ran = python(&all);
    let lines: Vec<&str> = ran.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line for {args:?}: {}", ran.stderr);
    assert!(lines[0].starts_with("error: "), "{}", lines[0]);
    assert!(!ran.stdout.contains("checksum"), "{args:?}: {}", ran.stdout);
    (ran.status.code().unwrap(), lines[0].to_string())
}

#[test]
#[ignore = "needs python3; .ci/run runs these with --ignored"]
fn the_runner_refuses_bad_input_in_one_line() {
    let (code, line) = refused(&["mandelbrot", "tasks=4"]);
    assert_eq!(code, 2);
    assert!(
        line.contains("unknown workload 'mandelbrot'") && line.contains("sum-squares, primes"),
        "{line}"
    );
    let (code, line) = refused(&["sum-squares", "tasks=4"]);
    assert_eq!(code, 2);
    assert!(line.contains("parameter 'n' is missing"), "{line}");
    let (code, line) = refused(&["sleep", "tasks=4", "ms=70000"]);
    assert_eq!(code, 2);
    assert!(line.contains("use a value from 0 to 60000"), "{line}");
    let (code, line) = refused(&["file", "tasks=4", "kib=1", "dir_id=9"]);
    assert_eq!(code, 2);
    assert!(line.contains("unknown parameter 'dir_id'"), "{line}");
    let (code, line) = refused(&["sleep", "tasks=four", "ms=1"]);
    assert_eq!(code, 2);
    assert!(line.contains("use a whole number"), "{line}");
}

#[test]
#[ignore = "needs python3; .ci/run runs these with --ignored"]
fn an_http_twin_given_a_refusal_fails_naming_the_task() {
    // A one-shot server on loopback that answers its first request with 404.
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = format!("port={}", listener.local_addr().unwrap().port());
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0u8; 1024];
        let _ = stream.read(&mut request);
        let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope");
    });
    let (code, line) = refused(&["http", "tasks=2", "ms=0", "bytes=8", &port]);
    assert_eq!(code, 1);
    assert!(
        line.contains(
            "http task 0: the server answered status 404 with 4 bytes, expected 200 with 8: nope"
        ),
        "{line}"
    );
}
