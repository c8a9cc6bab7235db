//! The probe: one case in a fresh process, reporting the process tree's peak memory and CPU.

use std::path::Path;

use assert_cmd::Command;
use concbench::Profile;
use concbench::probe::probe_in_child;

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_concbench"))
}

#[test]
fn process_tree_peak_counts_every_worker_and_the_parent() {
    let report = probe_in_child(exe(), "ship", "process", 2, Profile::Smoke, None).unwrap();
    assert!(report.verified);
    assert_eq!(report.workers_peak_rss_bytes.len(), 2, "{report:?}");
    let workers: u64 = report.workers_peak_rss_bytes.iter().sum();
    assert!(
        report.workers_peak_rss_bytes.iter().all(|&p| p > 0),
        "{report:?}"
    );
    assert!(report.peak_rss_bytes >= workers, "{report:?}");
    assert!(
        report.peak_rss_bytes > report.parent_peak_rss_bytes,
        "{report:?}"
    );
    assert!(report.runs >= 1 && report.wall_s > 0.0);
}

#[test]
fn threads_have_no_worker_processes_and_use_cpu() {
    let report = probe_in_child(exe(), "sum-squares", "threads", 2, Profile::Smoke, None).unwrap();
    assert!(report.workers_peak_rss_bytes.is_empty());
    assert_eq!(report.peak_rss_bytes, report.parent_peak_rss_bytes);
    assert!(report.user_s + report.sys_s > 0.0, "{report:?}");
    assert!(report.utilisation > 0.0);
}

#[test]
fn a_wrong_expected_checksum_fails_naming_the_case() {
    let err = probe_in_child(exe(), "sleep", "rayon", 2, Profile::Smoke, Some(42)).unwrap_err();
    let text = format!("{err:#}");
    assert!(text.contains("rayon") && text.contains("sleep"), "{text}");
    assert!(text.contains("0x000000000000002a"), "{text}");
}

#[test]
fn probe_takes_one_worker_count() {
    let out = Command::new(exe())
        .args(["probe", "-w", "sleep", "-m", "threads", "--workers", "1,2"])
        .assert()
        .code(2)
        .stdout("");
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.starts_with("error: ") && stderr.contains("one count"),
        "{stderr}"
    );
}

#[test]
fn probe_rejects_a_malformed_checksum() {
    Command::new(exe())
        .args(["probe", "-w", "sleep", "-m", "threads", "--workers", "1"])
        .args(["--profile", "smoke", "--expect", "zz"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("--expect 'zz'"));
}
