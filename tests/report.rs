//! The report: `report.md` from a committed results file (snapshot), the CSV, the CLI, and
//! bad input that must leave an earlier report untouched.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use concbench::report::chart::{Format, Theme};
use concbench::report::{ReportOptions, render};
use concbench::results::schema::Results;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("report-tests")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn options(out: &Path) -> ReportOptions {
    ReportOptions {
        out_dir: out.to_path_buf(),
        formats: vec![Format::Svg],
        theme: Theme::Light,
    }
}

#[test]
fn report_md_matches_its_snapshot() {
    let results = Results::read(&fixture("results/valid.json")).unwrap();
    let out = scratch("snapshot");
    let summary = render(&results, &options(&out)).unwrap();
    assert!(summary.files.iter().any(|f| f.ends_with("report.md")));
    let text = fs::read_to_string(out.join("report.md")).unwrap();
    // Every chart the report links to exists.
    for line in text.lines().filter(|l| l.starts_with("![")) {
        let file = &line[line.find("](").unwrap() + 2..line.len() - 1];
        assert!(out.join(file).is_file(), "{file} is linked but missing");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn csv_has_a_row_per_case_and_a_fixed_header() {
    let results = Results::read(&fixture("results/valid.json")).unwrap();
    let text = concbench::report::csv::render(&results);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + results.cases.len());
    let columns = concbench::report::csv::HEADER.len();
    assert!(lines[0].starts_with("workload,kind,model,workers"));
    for line in &lines[1..] {
        assert_eq!(line.split(',').count(), columns, "{line}");
    }
}

#[test]
fn cli_regenerates_a_report_beside_its_results_file() {
    let dir = scratch("cli");
    fs::copy(fixture("results/valid.json"), dir.join("results.json")).unwrap();
    Command::cargo_bin("concbench")
        .unwrap()
        .args(["report", dir.join("results.json").to_str().unwrap()])
        .args(["--format", "svg", "--theme", "dark"])
        .assert()
        .success()
        .stdout(predicates::str::contains("report.md"));
    assert!(dir.join("report.md").is_file());
    assert!(dir.join("results.csv").is_file());
    assert!(dir.join("summary-heatmap.svg").is_file());
    assert!(
        !dir.join("summary-heatmap.png").exists(),
        "only svg was asked for"
    );
    assert!(dir.join("results.json").is_file(), "the results file stays");
    let leftovers: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".report"))
        .collect();
    assert!(leftovers.is_empty(), "no staging folder is left behind");
}

/// Runs `concbench report <input> --out <out>` expecting a one-line error that names the
/// input, and checks that the report already in `out` is untouched.
fn refused_and_previous_report_kept(input: &Path, needle: &str) {
    let out = input.parent().unwrap().join("out");
    let results = Results::read(&fixture("results/valid.json")).unwrap();
    render(&results, &options(&out)).unwrap();
    let before = fs::read(out.join("report.md")).unwrap();
    let assert = Command::cargo_bin("concbench")
        .unwrap()
        .args([
            "report",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains(needle),
        "{stderr}"
    );
    assert_eq!(fs::read(out.join("report.md")).unwrap(), before);
}

#[test]
fn a_corrupt_results_file_is_named_and_the_old_report_kept() {
    let dir = scratch("corrupt");
    let input = dir.join("corrupt.json");
    fs::copy(fixture("results/corrupt.json"), &input).unwrap();
    refused_and_previous_report_kept(&input, "corrupt.json");
}

#[test]
fn a_missing_results_file_is_named_and_the_old_report_kept() {
    let dir = scratch("missing");
    refused_and_previous_report_kept(&dir.join("nowhere.json"), "nowhere.json");
}

#[test]
fn an_unknown_schema_is_refused() {
    let dir = scratch("schema");
    let input = dir.join("future.json");
    fs::copy(fixture("results/unknown-schema.json"), &input).unwrap();
    refused_and_previous_report_kept(&input, "concbench.results/99");
}

#[test]
fn a_criterion_folder_renders_times_for_any_model_names() {
    let out = scratch("criterion");
    Command::cargo_bin("concbench")
        .unwrap()
        .args(["report", "--criterion"])
        .arg(fixture("criterion/normal"))
        .args(["--out", out.to_str().unwrap(), "--format", "svg"])
        .assert()
        .success();
    let text = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(text.contains("built from the criterion folder"), "{text}");
}
