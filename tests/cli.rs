//! Command-line tests: `list`, `run` (table and JSON) and every bad-input path.

use assert_cmd::Command;
use predicates::prelude::*;
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
        assert!(text.contains(m.workers_mean));
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

/// Runs `args`, expecting exit status 2, nothing on stdout and one stderr line containing
/// every `needle`.
fn rejects(args: &[&str], needles: &[&str]) {
    let out = concbench().args(args).assert().code(2).stdout("");
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "one line expected: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "'{needle}' missing from: {stderr}");
    }
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
fn unknown_profile_is_refused_by_the_parser() {
    concbench()
        .args(["run", "-w", "sleep", "--profile", "huge"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("huge").and(predicate::str::contains("smoke")));
}
