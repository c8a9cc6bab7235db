//! `concbench export --format bmf`: standard output, `--out`, and the exit status of bad input
//! (2, one `error:` line) and of a failed write (1). The exact figures are checked by the
//! unit tests beside the exporter (src/export/bmf_tests.rs); these check the command.

use std::fs;
use std::path::PathBuf;
use std::process::Output;

use serde_json::Value;

mod common;

use common::concbench;

fn fixture(path: &str) -> String {
    common::fixture(path).display().to_string()
}

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    common::scratch("export-tests", name)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts exit status `code`, nothing on stdout and one `error:` line holding every needle.
fn one_error_line(out: &Output, code: i32, needles: &[&str]) -> String {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert_eq!(err.lines().count(), 1, "one line expected: {err}");
    assert!(err.starts_with("error: "), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "'{needle}' missing from: {err}");
    }
    err
}

#[test]
fn bmf_goes_to_standard_output_and_skipped_cases_to_standard_error() {
    let out = concbench(&["export", &fixture("results/valid.json"), "--format", "bmf"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let benchmarks = json.as_object().unwrap();
    assert_eq!(benchmarks.len(), 6, "{json}");
    let threads = &json["sum-squares/threads/2"];
    assert_eq!(threads["latency"]["value"], 2100500.0);
    assert_eq!(threads["latency"]["lower_value"], 2050500.0);
    assert_eq!(threads["latency"]["upper_value"], 2200500.0);
    assert_eq!(threads["peak-memory"]["value"], 3407872.0);
    assert!(threads["speedup"]["value"].as_f64().unwrap() > 1.9);
    assert_eq!(json["overhead/process/1000"]["latency"]["value"], 9500.0);
    assert!(json.get("sleep/tokio-current/2").is_none());
    let err = text(&out.stderr);
    assert_eq!(
        err,
        "export: skipped 1 record: sleep/tokio-current/2 (no time)\n"
    );
}

#[test]
fn a_machine_folder_exports_its_results_file() {
    let dir = scratch("folder");
    fs::copy(fixture("compare/rounds-a.json"), dir.join("results.json")).unwrap();
    let from_folder = concbench(&["export", dir.to_str().unwrap(), "--format", "bmf"]);
    let from_file = concbench(&[
        "export",
        &fixture("compare/rounds-a.json"),
        "--format",
        "bmf",
    ]);
    assert!(
        from_folder.status.success(),
        "{}",
        text(&from_folder.stderr)
    );
    assert_eq!(from_folder.stdout, from_file.stdout);
    assert!(
        from_folder.stderr.is_empty(),
        "nothing skipped, nothing said"
    );
    let json: Value = serde_json::from_slice(&from_folder.stdout).unwrap();
    assert_eq!(json.as_object().unwrap().len(), 8);
}

#[test]
fn out_writes_the_file_replaces_an_earlier_export_and_refuses_anything_else() {
    let dir = scratch("out");
    let out = dir.join("bmf.json");
    let out_arg = out.to_str().unwrap();
    let stdout = concbench(&["export", &fixture("results/valid.json"), "--format", "bmf"]).stdout;

    let first = concbench(&[
        "export",
        &fixture("compare/rounds-a.json"),
        "--format",
        "bmf",
        "--out",
        out_arg,
    ]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert_eq!(
        text(&first.stdout),
        format!("export: {out_arg} (8 benchmarks, bmf)\n")
    );
    // An earlier export is replaced.
    let again = concbench(&[
        "export",
        &fixture("results/valid.json"),
        "--format",
        "bmf",
        "--out",
        out_arg,
    ]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(fs::read(&out).unwrap(), stdout);
    let mut entries: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert_eq!(entries, ["bmf.json"], "no temp file is left behind");

    // Someone else's file, and a results file, are left alone.
    let notes = dir.join("notes.txt");
    fs::write(&notes, "my notes\n").unwrap();
    let results = dir.join("results.json");
    fs::copy(fixture("results/valid.json"), &results).unwrap();
    for (path, why) in [(&notes, "not JSON"), (&results, "'schema'")] {
        let before = fs::read(path).unwrap();
        let refused = concbench(&[
            "export",
            &fixture("results/valid.json"),
            "--format",
            "bmf",
            "--out",
            path.to_str().unwrap(),
        ]);
        one_error_line(
            &refused,
            2,
            &[
                "refusing to replace",
                path.to_str().unwrap(),
                why,
                "choose another --out",
            ],
        );
        assert_eq!(fs::read(path).unwrap(), before);
    }
    // A folder is not a file name.
    let refused = concbench(&[
        "export",
        &fixture("results/valid.json"),
        "--format",
        "bmf",
        "--out",
        dir.to_str().unwrap(),
    ]);
    one_error_line(&refused, 2, &["is a folder", "bmf.json"]);
}

#[test]
fn unusable_inputs_exit_2_with_one_error_line() {
    let missing = scratch("missing").join("results.json");
    let line = one_error_line(
        &concbench(&["export", missing.to_str().unwrap(), "--format", "bmf"]),
        2,
        &[missing.to_str().unwrap(), "No such file or directory"],
    );
    assert_eq!(line.matches("No such file or directory").count(), 1);
    one_error_line(
        &concbench(&[
            "export",
            &fixture("results/unknown-schema.json"),
            "--format",
            "bmf",
        ]),
        2,
        &["unknown-schema.json", "concbench.results/99"],
    );
    let empty_folder = scratch("empty-folder");
    one_error_line(
        &concbench(&["export", empty_folder.to_str().unwrap(), "--format", "bmf"]),
        2,
        &["without results.json", "pass a results file"],
    );

    // A results file with no time and no overhead record has nothing to export.
    let mut untimed: Value =
        serde_json::from_str(&fs::read_to_string(fixture("results/valid.json")).unwrap()).unwrap();
    for case in untimed["cases"].as_array_mut().unwrap() {
        case["time"] = Value::Null;
    }
    untimed["overhead"] = Value::Array(Vec::new());
    let file = scratch("untimed").join("results.json");
    fs::write(&file, serde_json::to_string_pretty(&untimed).unwrap()).unwrap();
    one_error_line(
        &concbench(&["export", file.to_str().unwrap(), "--format", "bmf"]),
        2,
        &[
            "exporting",
            file.to_str().unwrap(),
            "nothing to export",
            "cargo bench",
        ],
    );
}

#[test]
fn the_format_is_checked_by_the_parser() {
    let valid = fixture("results/valid.json");
    for (args, needles) in [
        (
            vec!["export", valid.as_str(), "--format", "csv"],
            ["'csv'", "valid values: bmf"],
        ),
        (
            vec!["export", valid.as_str()],
            ["required arguments were not provided", "--format <FORMAT>"],
        ),
    ] {
        let out = concbench(&args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(out.stdout.is_empty());
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{err}");
        assert!(errors[0].contains(needles[0]), "{err}");
        assert!(err.contains(needles[1]), "{err}");
    }
}

#[test]
fn a_failed_write_exits_1_and_names_the_file() {
    let dir = scratch("unwritable");
    let file = dir.join("a-file");
    fs::write(&file, "not a folder").unwrap();
    let out = file.join("sub").join("bmf.json");
    one_error_line(
        &concbench(&[
            "export",
            &fixture("results/valid.json"),
            "--format",
            "bmf",
            "--out",
            out.to_str().unwrap(),
        ]),
        1,
        &[out.to_str().unwrap(), "Not a directory", "unchanged"],
    );
}
