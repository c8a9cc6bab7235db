//! A criterion id in two folders: `criterion/duplicate` holds `sum/threads/2` twice, in
//! `sum/threads/2/new` (the folder criterion names it now, median 520 µs) and in a stale
//! `sum_threads_2/new` (median 910 µs), beside `sum/sequential/1`. The report and `compare`
//! read the folder whose estimates were written last and say so, naming both folders, in
//! the report's warnings and on stderr.
//!
//! Git does not keep modification times, so each test copies the fixture and sets them.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

mod common;

use common::{concbench, copy_dir, fixture, scratch};

const CURRENT: &str = "sum/threads/2/new";
const STALE: &str = "sum_threads_2/new";

/// A copy of the fixture in `<scratch>/<name>/criterion` whose `estimates.json` files were
/// written `current` and `stale` seconds after the epoch (sequential's at `current`).
fn copy(name: &str, current: u64, stale: u64) -> PathBuf {
    let dir = scratch("duplicate_ids", name).join("criterion");
    copy_dir(&fixture("criterion/duplicate"), &dir);
    for (folder, at) in [
        (CURRENT, current),
        (STALE, stale),
        ("sum/sequential/1/new", current),
    ] {
        fs::File::options()
            .write(true)
            .open(dir.join(folder).join("estimates.json"))
            .unwrap()
            .set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(at))
            .unwrap();
    }
    dir
}

/// `report --criterion dir` into a sibling `out`: (report.md, stderr, the median of
/// sum/threads/2 in the results.json written).
fn report(dir: &Path) -> (String, String, f64) {
    let out = dir.parent().unwrap().join("out");
    let output = concbench(&[
        "report",
        "--criterion",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "svg",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    let text = fs::read_to_string(out.join("report.md")).unwrap();
    let results: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    let cases = results["cases"].as_array().unwrap();
    let threads: Vec<&serde_json::Value> = cases
        .iter()
        .filter(|c| c["model"] == "threads" && c["workers"] == 2)
        .collect();
    assert_eq!(threads.len(), 1, "one case per id: {cases:?}");
    let median = threads[0]["time"]["median"]["point"].as_f64().unwrap();
    (text, stderr, median)
}

/// The one stderr line about ids in more than one folder.
fn warning_line(stderr: &str) -> &str {
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("in more than one folder"))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    lines[0]
}

#[test]
fn the_newer_estimates_are_read_and_both_folders_are_named() {
    let dir = copy("newer-current", 2_000_000_000, 1_000_000_000);
    let (text, stderr, median) = report(&dir);
    assert_eq!(median, 520_000.0, "the current folder's estimates");
    let line = warning_line(&stderr);
    assert!(
        line.starts_with("warning: 1 benchmark id of the criterion folder "),
        "{line}"
    );
    assert!(
        line.contains(&format!(
            "\"sum/threads/2\" read from {CURRENT} (its estimates.json is the newest), not from {STALE}"
        )),
        "{line}"
    );
    let warnings = &text[text.find("## Warnings").expect("a Warnings section")..];
    assert!(
        warnings.contains("1 benchmark id of the criterion folder")
            && warnings.contains("sum/threads/2/new")
            && warnings.contains("sum\\_threads\\_2/new"),
        "{warnings}"
    );
}

#[test]
fn a_stale_folder_written_later_is_the_one_read() {
    let dir = copy("newer-stale", 1_000_000_000, 2_000_000_000);
    let (_, stderr, median) = report(&dir);
    assert_eq!(
        median, 910_000.0,
        "the newer estimates, whatever the folder"
    );
    let line = warning_line(&stderr);
    assert!(
        line.contains(&format!(
            "read from {STALE} (its estimates.json is the newest), not from {CURRENT}"
        )),
        "{line}"
    );
}

#[test]
fn compare_says_so_too() {
    let a = copy("compare-a", 2_000_000_000, 1_000_000_000);
    let b = copy("compare-b", 2_000_000_000, 1_000_000_000);
    let output = concbench(&["compare", a.to_str().unwrap(), b.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("compare: warning: 1 benchmark id"))
        .collect();
    assert_eq!(lines.len(), 2, "one per input: {stderr}");
    for line in lines {
        assert!(line.contains(CURRENT) && line.contains(STALE), "{line}");
    }
}
