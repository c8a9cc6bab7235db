//! `report --hyperfine` on scans that are not clean: a value that is no number (left out,
//! listed, deciding nothing), entries whose runs give no interval, a command listed twice
//! at one value, and weak scaling asked of a scan without worker counts.
//!
//! Each scan is `hyperfine/threads.json` (two commands, `threads` from 1 to 4, ten runs
//! each) or `hyperfine/sizes.json` (an input size `n`) edited in a scratch folder, so
//! each test changes one thing of a committed file.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

use common::{concbench, fixture, refused, s, scratch, stderr};
use serde_json::{Value, json};

/// The committed scan `name` (`threads`, `sizes`) with `edit` applied to its `results`,
/// written as `<scratch dir>/<name>.json` (so the workload keeps its name).
fn edited(dir: &Path, name: &str, edit: impl FnOnce(&mut Vec<Value>)) -> PathBuf {
    let text = fs::read_to_string(fixture(&format!("hyperfine/{name}.json"))).unwrap();
    let mut scan: Value = serde_json::from_str(&text).unwrap();
    edit(scan["results"].as_array_mut().unwrap());
    let path = dir.join(format!("{name}.json"));
    fs::write(&path, serde_json::to_string_pretty(&scan).unwrap()).unwrap();
    path
}

/// `report --hyperfine FILE --out DIR/out --format svg` plus `extra`.
fn report(file: &Path, out_dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "report",
        "--hyperfine",
        s(file),
        "--out",
        s(out_dir),
        "--format",
        "svg",
    ];
    args.extend_from_slice(extra);
    concbench(&args)
}

#[test]
fn a_value_that_is_no_number_is_left_out_and_listed_and_the_numbers_decide_the_axis() {
    let dir = scratch("hyperfine", "word");
    let file = edited(&dir, "threads", |results| {
        let mut word = results[1].clone();
        word["command"] = json!("./sum --threads x --n 20000000");
        word["parameters"] = json!({"threads": "x"});
        results.push(word);
    });
    let out_dir = dir.join("out");
    let out = report(&file, &out_dir, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = fs::read_to_string(out_dir.join("report.md")).unwrap();
    assert!(
        md.contains("Axis: workers, chosen automatically: every numeric value of the scanned parameter `threads`"),
        "{md}"
    );
    let warning = "1 of the file's 9 entries has no number as its value of threads";
    assert!(md.contains(warning), "{md}");
    assert!(md.contains("./sum --threads x --n 20000000"), "{md}");
    assert!(stderr(&out).contains(warning), "{}", stderr(&out));
    // The eight numeric entries are the cases, on the workers axis.
    let results: Value =
        serde_json::from_str(&fs::read_to_string(out_dir.join("results.json")).unwrap()).unwrap();
    let cases = results["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 8);
    assert!(cases.iter().all(|c| c["workers"].as_u64().unwrap() <= 4));
    assert!(out_dir.join("threads/time.svg").is_file());
}

#[test]
fn a_word_on_a_parameter_scan_is_left_out_and_listed_too() {
    let dir = scratch("hyperfine", "word-sizes");
    let file = edited(&dir, "sizes", |results| {
        let mut word = results[0].clone();
        word["parameters"] = json!({"n": "large"});
        word["command"] = json!("./sort --n large");
        results.push(word);
    });
    let out_dir = dir.join("out");
    let out = report(&file, &out_dir, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = fs::read_to_string(out_dir.join("report.md")).unwrap();
    assert!(md.contains("Axis: parameter, chosen automatically"), "{md}");
    assert!(
        md.contains("1 entry left out: its value of n is not a number above 0"),
        "{md}"
    );
    assert!(md.contains("./sort --n large"), "{md}");
}

#[test]
fn a_scan_of_words_only_is_refused() {
    let dir = scratch("hyperfine", "words-only");
    let file = edited(&dir, "threads", |results| {
        for (i, r) in results.iter_mut().enumerate() {
            r["parameters"] = json!({"threads": format!("w{i}")});
        }
    });
    let out_dir = dir.join("out");
    let line = refused(&report(&file, &out_dir, &[]));
    assert!(line.contains("results[0].parameters.threads"), "{line}");
    assert!(line.contains("hyperfine -P threads 1 16"), "{line}");
    assert!(!out_dir.exists(), "nothing written");
}

#[test]
fn an_entry_whose_runs_give_no_interval_is_refused_naming_it() {
    for (name, times) in [
        ("no-times", None),
        ("empty-times", Some(json!([]))),
        ("one-run", Some(json!([0.41]))),
    ] {
        let dir = scratch("hyperfine", name);
        let file = edited(&dir, "threads", |results| {
            let entry = results[5].as_object_mut().unwrap();
            match &times {
                None => {
                    entry.remove("times");
                }
                Some(t) => {
                    entry.insert("times".into(), t.clone());
                }
            }
        });
        let out_dir = dir.join("out");
        let line = refused(&report(&file, &out_dir, &[]));
        assert!(line.contains("results[5].times"), "{name}: {line}");
        assert!(line.contains("./sum-rayon -t 2"), "{name}: {line}");
        assert!(line.contains("interval"), "{name}: {line}");
        assert!(line.contains("--runs"), "{name}: {line}");
        assert!(!out_dir.exists(), "{name}: nothing written");
    }
}

#[test]
fn a_command_listed_twice_at_one_value_is_refused_naming_both() {
    let dir = scratch("hyperfine", "duplicate");
    let file = edited(&dir, "threads", |results| {
        let again = results[1].clone();
        results.push(again);
    });
    let out_dir = dir.join("out");
    let line = refused(&report(&file, &out_dir, &[]));
    assert!(line.contains("results[8]"), "{line}");
    assert!(line.contains("./sum --threads 2 --n 20000000"), "{line}");
    assert!(line.contains("threads = 2"), "{line}");
    assert!(line.contains("results[1]"), "{line}");
    assert!(!out_dir.exists(), "nothing written");
}

#[test]
fn weak_scaling_of_a_scan_without_worker_counts_names_a_fix_that_works() {
    let dir = scratch("hyperfine", "weak");
    let sizes = fixture("hyperfine/sizes.json");
    let line = refused(&report(&sizes, &dir.join("out"), &["--scaling", "weak"]));
    assert!(
        line.contains("--scaling weak needs worker counts"),
        "{line}"
    );
    assert!(line.contains("the scanned parameter `n`"), "{line}");
    assert!(line.contains("leave out `--scaling weak`"), "{line}");
    // Criterion's wording and a flag that would fail for this file are not offered.
    assert!(!line.contains("last segment"), "{line}");
    assert!(!line.contains("--axis workers"), "{line}");
    let refused_too = refused(&report(
        &sizes,
        &dir.join("as-workers"),
        &["--axis", "workers"],
    ));
    assert!(
        refused_too.contains("not a whole number of workers"),
        "{refused_too}"
    );
    // The fix named works.
    let out = report(&sizes, &dir.join("fixed"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    // A worker-count scan read as a parameter on request: there `--axis workers` is the fix.
    let threads = fixture("hyperfine/threads.json");
    let line = refused(&report(
        &threads,
        &dir.join("asked"),
        &["--axis", "param", "--scaling", "weak"],
    ));
    assert!(line.contains("pass `--axis workers`"), "{line}");
    let out = report(
        &threads,
        &dir.join("weak"),
        &["--axis", "workers", "--scaling", "weak"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}
