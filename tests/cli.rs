//! Command-line tests: `list`, `run` (table and JSON), and the exit status of every command:
//! 2 with one `error:` line naming the thing and the fix for bad input, 1 for a failure while
//! running (an output that cannot be written), never a cause printed twice.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use assert_cmd::Command;
use serde_json::Value;

fn concbench() -> Command {
    Command::cargo_bin("concbench").expect("the concbench binary is built for tests")
}

#[test]
fn list_names_every_workload_and_model_with_sizes() {
    let out = concbench().arg("list").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for w in concbench::workload::WORKLOADS {
        assert!(text.contains(w.name), "list misses workload {}", w.name);
        assert!(
            text.contains(w.teaches),
            "list misses {}'s teaching point",
            w.name
        );
        let quick = (w.spec_for)(concbench::Profile::Quick).params_text();
        assert!(
            text.contains(&quick),
            "list misses {}'s quick sizes",
            w.name
        );
    }
    for m in concbench::model::MODELS {
        assert!(text.contains(m.name), "list misses model {}", m.name);
        assert!(text.contains(m.workers_are));
    }
}

#[test]
fn run_prints_a_row_per_worker_count_and_a_column_per_model() {
    let out = concbench()
        .args([
            "run",
            "--workload",
            "sum-squares",
            "--model",
            "threads,rayon",
        ])
        .args(["--workers", "1,2,3", "--profile", "smoke", "--repeats", "1"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let header = text
        .lines()
        .find(|l| l.starts_with("| Workers"))
        .expect("a table header");
    for column in ["sequential", "threads", "rayon"] {
        assert!(header.contains(column), "{header}");
    }
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Workers"))
        .collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert!(rows.iter().all(|r| r.matches('x').count() >= 3), "{text}");
}

#[test]
fn run_json_has_one_verified_record_per_case() {
    let out = concbench()
        .args([
            "run",
            "--workload",
            "sleep",
            "--model",
            "all",
            "--workers",
            "1,2",
        ])
        .args(["--profile", "smoke", "--repeats", "1", "--json"])
        .assert()
        .success();
    let records: Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON output");
    let records = records.as_array().expect("a JSON array");
    // sequential once, six other models at two worker counts.
    assert_eq!(records.len(), 1 + 6 * 2);
    let checksum = records[0]["checksum"].as_str().unwrap().to_string();
    assert!(
        checksum.starts_with("0x") && checksum.len() == 18,
        "{checksum}"
    );
    for r in records {
        assert_eq!(r["workload"], "sleep");
        assert!(r["model"].is_string());
        assert!(r["workers"].as_u64().unwrap() >= 1);
        assert!(r["median_ns"].as_u64().unwrap() > 0);
        assert!(r["speedup"].as_f64().unwrap() > 0.0);
        assert_eq!(r["checksum"].as_str().unwrap(), checksum);
        assert_eq!(r["verified"], true);
    }
}

// ---------------------------------------------------------------- exit statuses

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
        .display()
        .to_string()
}

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// A folder that cannot be created, also not by root, whom permissions would not stop: the
/// kernel's `/proc` takes no new entries. (A path under a regular file is bad input instead,
/// exit status 2: see [`under_a_file`].)
fn unwritable(name: &str) -> String {
    format!("/proc/concbench-test-{name}/out")
}

/// A path whose parent is a regular file: refused as bad input, naming the file.
fn under_a_file(name: &str) -> (String, String) {
    let file = scratch(name).join("a-file");
    fs::write(&file, "not a folder").unwrap();
    (
        file.join("out").display().to_string(),
        file.display().to_string(),
    )
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Fails if the `error:` line says one cause twice, e.g. `cannot read x: No such file or
/// directory (os error 2): No such file or directory (os error 2)`.
fn assert_no_repeated_cause(line: &str) {
    assert!(
        line.matches("(os error").count() <= 1,
        "repeated cause: {line}"
    );
    let body = line.strip_prefix("error: ").unwrap_or(line);
    let parts: Vec<&str> = body
        .split(": ")
        .flat_map(|p| p.split("; "))
        .map(str::trim)
        .filter(|p| p.len() >= 4)
        .collect();
    for (i, part) in parts.iter().enumerate() {
        assert!(
            !parts[i + 1..].contains(part),
            "'{part}' is said twice in: {line}"
        );
    }
}

/// Asserts exit status `code`, nothing on stdout, and one stderr line, `error: ...`,
/// holding every needle and no cause twice. Returns the line.
fn one_error_line(out: &Output, code: i32, needles: &[&str]) -> String {
    let stderr = stderr_of(out);
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(stderr.lines().count(), 1, "one line expected: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "'{needle}' missing from: {stderr}");
    }
    assert_no_repeated_cause(stderr.trim_end());
    stderr
}

/// Runs `args`, expecting bad input: exit status 2, one `error:` line holding every needle
/// (the thing at fault and what to do).
fn rejects(args: &[&str], needles: &[&str]) -> String {
    let out = concbench().args(args).output().unwrap();
    one_error_line(&out, 2, needles)
}

/// Runs `args`, expecting a failure while running: exit status 1, one `error:` line holding
/// every needle.
fn fails(args: &[&str], needles: &[&str]) -> String {
    let out = concbench().args(args).output().unwrap();
    one_error_line(&out, 1, needles)
}

/// Runs `args` with standard output on `/dev/full`, where every write fails: exit status 1
/// and one `error:` line saying so.
fn fails_writing_stdout(args: &[&str]) {
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full is needed to make writing standard output fail");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_concbench"))
        .args(args)
        .stdout(Stdio::from(full))
        .output()
        .unwrap();
    one_error_line(&out, 1, &["standard output", "No space left on device"]);
}

/// Runs `args`, expecting clap to refuse them: exit status 2, nothing on stdout, exactly one
/// `error:` line holding every needle, and clap's rendering below it holding every `fix`
/// (the usage, the valid values, the missing option).
fn rejected_by_parser(args: &[&str], needles: &[&str], fix: &[&str]) {
    let out = concbench().args(args).output().unwrap();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one error line expected: {stderr}");
    for needle in needles {
        assert!(
            errors[0].contains(needle),
            "'{needle}' missing from: {stderr}"
        );
    }
    for needle in fix {
        assert!(stderr.contains(needle), "'{needle}' missing from: {stderr}");
    }
    assert!(stderr.contains("--help"), "{stderr}");
}

#[test]
fn no_or_an_unknown_command_is_a_usage_error() {
    let out = concbench().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("Usage: concbench <COMMAND>"));
    rejected_by_parser(
        &["lsit"],
        &["unrecognized subcommand 'lsit'"],
        &["Usage: concbench <COMMAND>"],
    );
    concbench().arg("--help").assert().code(0);
    concbench().arg("--version").assert().code(0);
}

#[test]
fn list_rejects_arguments() {
    rejected_by_parser(&["list", "--all"], &["'--all'"], &["Usage: concbench list"]);
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs /dev/full to make writing fail"
)]
fn list_exits_1_when_standard_output_fails() {
    fails_writing_stdout(&["list"]);
}

#[test]
fn machine_rejects_arguments() {
    rejected_by_parser(
        &["machine", "laptop"],
        &["'laptop'"],
        &["Usage: concbench machine"],
    );
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs /dev/full to make writing fail"
)]
fn machine_exits_1_when_standard_output_fails() {
    fails_writing_stdout(&["machine"]);
}

#[test]
fn run_rejects_an_unusable_interval() {
    rejects(
        &["run", "-w", "sleep", "--gil-switch-interval-ms", "0"],
        &["--gil-switch-interval-ms '0'", "use a value above 0"],
    );
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs /dev/full to make writing fail"
)]
fn run_exits_1_when_standard_output_fails() {
    fails_writing_stdout(&[
        "run",
        "-w",
        "sum-squares",
        "-m",
        "threads",
        "--workers",
        "1",
        "--profile",
        "smoke",
        "--repeats",
        "1",
    ]);
}

#[test]
fn probe_rejects_bad_input() {
    let case = [
        "probe",
        "-w",
        "sleep",
        "-m",
        "threads",
        "--profile",
        "smoke",
    ];
    rejects(
        &[&case[..], &["--workers", "1,2"]].concat(),
        &["--workers '1,2'", "give one count"],
    );
    rejects(
        &[&case[..], &["--workers", "1", "--expect", "zz"]].concat(),
        &["--expect 'zz'", "e.g. 0x1f2e3d4c5b6a7980"],
    );
    rejects(
        &["probe", "-w", "sleep", "-m", "fibers", "--workers", "1"],
        &["'fibers'", "valid models: sequential"],
    );
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs /dev/full to make writing fail"
)]
fn probe_exits_1_when_standard_output_fails() {
    fails_writing_stdout(&[
        "probe",
        "-w",
        "sleep",
        "-m",
        "threads",
        "--workers",
        "1",
        "--profile",
        "smoke",
        "--min-wall-ms",
        "1",
    ]);
}

#[test]
fn report_exits_2_on_an_unusable_file_and_1_when_writing_fails() {
    // A missing file names itself and the OS error once.
    let missing = scratch("report-missing").join("results.json");
    let line = rejects(
        &["report", missing.to_str().unwrap()],
        &[missing.to_str().unwrap(), "No such file or directory"],
    );
    assert_eq!(
        line.matches("No such file or directory").count(),
        1,
        "{line}"
    );
    rejects(
        &["report", &fixture("results/unknown-schema.json")],
        &[
            "unknown-schema.json",
            "concbench.results/99",
            "re-run `cargo bench`",
        ],
    );
    rejects(
        &["report", &fixture("results/corrupt.json")],
        &[
            "corrupt.json",
            "cases[2].time.median.point",
            "re-run `cargo bench`",
        ],
    );
    let out = unwritable("report-out");
    fails(
        &["report", &fixture("results/valid.json"), "--out", &out],
        &[&out, "cannot write"],
    );
    let (under, file) = under_a_file("report-under-file");
    one_error_line(
        &concbench()
            .args(["report", &fixture("results/valid.json"), "--out", &under])
            .output()
            .unwrap(),
        2,
        &[&file, "is a file, not a folder"],
    );
}

#[test]
fn report_criterion_exits_2_on_an_unusable_folder_and_1_when_writing_fails() {
    let out = scratch("criterion-report")
        .join("out")
        .display()
        .to_string();
    let missing = scratch("criterion-missing").join("criterion");
    rejects(
        &[
            "report",
            "--criterion",
            missing.to_str().unwrap(),
            "--out",
            &out,
        ],
        &[
            missing.to_str().unwrap(),
            "does not exist",
            "run `cargo bench` first",
        ],
    );
    let empty = scratch("criterion-empty");
    rejects(
        &[
            "report",
            "--criterion",
            empty.to_str().unwrap(),
            "--out",
            &out,
        ],
        &[
            empty.to_str().unwrap(),
            "holds no benchmark",
            "BenchmarkId::new",
        ],
    );
    rejected_by_parser(
        &["report", "--criterion", empty.to_str().unwrap()],
        &["required arguments were not provided"],
        &["--out <DIR>"],
    );
    let unwritable = unwritable("criterion-out");
    fails(
        &[
            "report",
            "--criterion",
            &fixture("criterion/normal"),
            "--out",
            &unwritable,
            "--format",
            "svg",
        ],
        &[&unwritable, "cannot write"],
    );
}

#[test]
fn compare_exits_2_on_unusable_inputs_and_1_when_writing_fails() {
    let laptop = fixture("compare/laptop.json");
    let missing = scratch("compare-missing").join("server.json");
    let line = rejects(
        &["compare", &laptop, missing.to_str().unwrap()],
        &[missing.to_str().unwrap(), "No such file or directory"],
    );
    assert_eq!(
        line.matches("No such file or directory").count(),
        1,
        "{line}"
    );
    let folder = scratch("compare-folder");
    rejects(
        &["compare", &laptop, folder.to_str().unwrap()],
        &[
            folder.to_str().unwrap(),
            "without results.json",
            "pass a results file",
        ],
    );
    let out = unwritable("compare-out");
    fails(
        &[
            "compare",
            &laptop,
            &fixture("compare/server.json"),
            "--out",
            &out,
            "--chart-format",
            "svg",
        ],
        &[&out, "cannot write", "unchanged"],
    );
}

#[test]
fn unknown_workload_lists_the_valid_ones() {
    rejects(
        &["run", "--workload", "fibonacci"],
        &["fibonacci", "sum-squares", "sleep", "ship"],
    );
}

#[test]
fn unknown_model_lists_the_valid_ones() {
    rejects(
        &["run", "--workload", "sleep", "--model", "threads,greenlets"],
        &["greenlets", "tokio-current", "threads-gil", "process"],
    );
}

#[test]
fn worker_counts_out_of_range_are_refused() {
    rejects(
        &["run", "-w", "sleep", "--workers", "0"],
        &["0", "1 to 1024"],
    );
    rejects(
        &["run", "-w", "sleep", "--workers", "2,1025"],
        &["1025", "1 to 1024"],
    );
}

#[test]
fn malformed_worker_lists_are_refused() {
    rejects(
        &["run", "-w", "sleep", "--workers", "1,,4"],
        &["1,,4", "e.g. 1,2,4,8"],
    );
    rejects(&["run", "-w", "sleep", "--workers", "four"], &["four"]);
}

#[test]
fn unknown_profile_is_one_line_naming_the_valid_ones() {
    let out = concbench()
        .args(["run", "-w", "sleep", "--profile", "huge"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr_of(&out),
        "error: invalid value 'huge' for --profile; valid values: smoke, quick, default, full\n"
    );
}
