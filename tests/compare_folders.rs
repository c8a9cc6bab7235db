//! How `compare` takes a folder argument: a folder holding criterion benchmarks is a
//! criterion folder even when a report folder (holding `results.json`) sits inside it, and
//! a criterion folder that gives one input names `--baselines` in its refusal.
//!
//! `criterion/baselines` holds two baselines, `base` and `new`, of five ids (see
//! `tests/imported.rs`); each test copies it into a scratch folder before adding to it.

use std::fs;
use std::path::PathBuf;

mod common;

use common::{concbench, files_under, fixture, refused, s, scratch, stderr};
use serde_json::Value;

/// A copy of `criterion/baselines` as `<scratch>/criterion`.
fn criterion_copy(name: &str) -> PathBuf {
    let from = fixture("criterion/baselines");
    let dir = scratch("compare_folders", name).join("criterion");
    for file in files_under(&from) {
        let to = dir.join(&file);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(from.join(&file), to).unwrap();
    }
    dir
}

#[test]
fn a_report_folder_inside_a_criterion_folder_does_not_make_it_a_folder_of_machines() {
    let dir = criterion_copy("report-inside");
    // The report of one group, written into the criterion folder: it holds results.json.
    let out = concbench(&[
        "report",
        "--criterion",
        s(&dir.join("sum")),
        "--out",
        s(&dir.join("x")),
        "--format",
        "svg",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.join("x/results.json").is_file());
    let out = concbench(&[
        "compare",
        s(&dir),
        "--baselines",
        "base,new",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let c: Value = serde_json::from_slice(&out.stdout).unwrap();
    let labels: Vec<&str> = c["machines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["base", "new"]);
    // Without --baselines it is still a criterion folder, and the refusal says so.
    let line = refused(&concbench(&["compare", s(&dir)]));
    assert!(line.contains("--baselines base,new"), "{line}");
    assert!(
        line.contains("so it is read as a criterion folder, not as a folder of machine folders"),
        "{line}"
    );
    assert!(line.contains("(x)"), "{line}");
}

#[test]
fn a_folder_of_machine_folders_is_still_one() {
    let dir = scratch("compare_folders", "fleet");
    for name in ["laptop", "server"] {
        fs::create_dir_all(dir.join(name)).unwrap();
        fs::copy(
            fixture(&format!("compare/{name}.json")),
            dir.join(name).join("results.json"),
        )
        .unwrap();
    }
    // A folder without results.json or criterion data is skipped, as before.
    fs::create_dir_all(dir.join("notes")).unwrap();
    let out = concbench(&["compare", s(&dir), "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("skipped"), "{}", stderr(&out));
}

#[test]
fn a_criterion_folder_alone_names_the_baselines_to_pass() {
    let dir = criterion_copy("alone");
    for extra in [&[][..], &["--baselines", "new"][..]] {
        let mut args = vec!["compare", s(&dir)];
        args.extend_from_slice(extra);
        let line = refused(&concbench(&args));
        assert!(
            line.contains("compare needs two inputs"),
            "{extra:?}: {line}"
        );
        assert!(line.contains("the criterion folder"), "{extra:?}: {line}");
        assert!(line.contains("`--baselines base,new`"), "{extra:?}: {line}");
        // Nothing else is in it: no word of machine folders.
        assert!(!line.contains("machine folders"), "{extra:?}: {line}");
    }
    // Against a results file it is one input of two: whatever the join says of them, it is
    // not this refusal.
    let out = concbench(&["compare", s(&dir), s(&fixture("compare/laptop.json"))]);
    assert!(
        !stderr(&out).contains("compare needs two inputs"),
        "{}",
        stderr(&out)
    );
}
