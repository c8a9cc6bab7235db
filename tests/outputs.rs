//! Snapshots of what `run`, `report` and `compare` write, so a change to the code that draws,
//! formats or judges shows up as a diff here before it reaches a user.
//!
//! - `report` and `compare` run through the command line on committed fixtures (a results
//!   file without rounds, one with rounds, two machines, an A/A pair, a folder of four
//!   machine folders). Text outputs (stdout,
//!   Markdown, CSV, JSON) are snapshotted whole; every chart file as its size and a digest
//!   of its bytes, so a moved pixel in any chart fails the test. Charts are compared as SVG:
//!   PNGs are drawn by the same code through another backend.
//! - `run` measures, so its times change from run to run: its snapshot keeps the layout,
//!   the parameters and the models, with every time and speedup replaced by a placeholder.
//!
//! When an output changes on purpose, review the diff with `cargo insta review` (or delete
//! the `.snap` file and rerun) and commit the new snapshot with the change that caused it.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use sha2::{Digest, Sha256};

mod common;

use common::{files_under, fixture};

fn scratch(name: &str) -> PathBuf {
    common::scratch("output-snapshots", name)
}

/// Runs concbench with `args`, requires success, and returns its stdout with `dir` written
/// as `<out>` and the time a write took as `<elapsed>`.
fn concbench(args: &[&str], dir: &Path) -> String {
    let output = Command::cargo_bin("concbench")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "concbench {args:?} failed: {stderr}"
    );
    let stdout = stdout.replace(&dir.display().to_string(), "<out>");
    // How long writing took ("0.0 s") depends on the machine's load, not on the output.
    let elapsed = regex::Regex::new(r", \d+(\.\d+)? s\)").unwrap();
    elapsed.replace_all(&stdout, ", <elapsed>)").into_owned()
}

/// One line per chart under `dir` (SVG and PNG files; text outputs are snapshotted whole):
/// its path, size in bytes and the first 16 hex digits of its SHA-256.
fn manifest(dir: &Path) -> String {
    files_under(dir)
        .iter()
        .filter(|relative| {
            relative
                .extension()
                .is_some_and(|e| e == "svg" || e == "png")
        })
        .map(|relative| {
            let bytes = fs::read(dir.join(relative)).unwrap();
            let digest = Sha256::digest(&bytes);
            let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
            format!(
                "{}  {} bytes  {hex}\n",
                relative.display().to_string().replace('\\', "/"),
                bytes.len()
            )
        })
        .collect()
}

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap()
}

/// `report` of `fixture` (copied beside its report, as `cargo bench` leaves it).
fn report_outputs(name: &str, fixture_file: &str) -> PathBuf {
    let dir = scratch(name);
    fs::copy(fixture(fixture_file), dir.join("results.json")).unwrap();
    let results = dir.join("results.json").display().to_string();
    let stdout = concbench(&["report", &results, "--format", "svg"], &dir);
    insta::assert_snapshot!(format!("{name}-stdout"), stdout);
    insta::assert_snapshot!(format!("{name}-report.md"), read(&dir, "report.md"));
    insta::assert_snapshot!(format!("{name}-results.csv"), read(&dir, "results.csv"));
    insta::assert_snapshot!(format!("{name}-files"), manifest(&dir));
    dir
}

#[test]
fn report_of_a_run_without_rounds() {
    report_outputs("report-v1", "results/valid.json");
}

#[test]
fn report_of_a_run_with_rounds() {
    report_outputs("report-v2", "compare/rounds-a.json");
}

/// `compare` of `inputs` (fixture files) with `--out`.
fn compare_outputs(name: &str, inputs: &[&str]) {
    let dir = scratch(name);
    let out = dir.join("out");
    let paths: Vec<String> = inputs
        .iter()
        .map(|i| fixture(i).display().to_string())
        .collect();
    let fixtures = fixture("").display().to_string();
    let mut args: Vec<&str> = vec!["compare"];
    args.extend(paths.iter().map(String::as_str));
    let out_text = out.display().to_string();
    args.extend(["--out", &out_text, "--chart-format", "svg"]);
    let normalise = |text: String| text.replace(&fixtures, "<fixtures>/");
    let stdout = normalise(concbench(&args, &dir));
    insta::assert_snapshot!(format!("{name}-stdout"), stdout);
    for file in ["compare.md", "compare.csv", "compare.json"] {
        insta::assert_snapshot!(format!("{name}-{file}"), normalise(read(&out, file)));
    }
    insta::assert_snapshot!(format!("{name}-files"), manifest(&out));
}

#[test]
fn compare_of_two_machines() {
    compare_outputs(
        "compare-machines",
        &["compare/laptop.json", "compare/server.json"],
    );
}

#[test]
fn compare_of_two_runs_with_rounds() {
    compare_outputs(
        "compare-rounds",
        &[
            "compare/rounds-a.json",
            "compare/rounds-b.json",
            "compare/rounds-one-cpu.json",
        ],
    );
}

#[test]
fn compare_of_a_fleet_folder() {
    compare_outputs("compare-fleet", &["fleet"]);
}

/// `text` with every time (`1.23 ms`) and speedup (`(0.98x)`) replaced by a placeholder and
/// runs of spaces and table rules collapsed, so only what does not depend on the machine's
/// speed is left.
fn without_measurements(text: &str) -> String {
    let time = regex::Regex::new(r"\d+(\.\d+)? ?(ns|µs|us|ms|s)\b").unwrap();
    let speedup = regex::Regex::new(r"\d+(\.\d+)?x").unwrap();
    let rule = regex::Regex::new(r"-{3,}").unwrap();
    let spaces = regex::Regex::new(r" {2,}").unwrap();
    text.lines()
        .map(|line| {
            let line = time.replace_all(line, "<time>");
            let line = speedup.replace_all(&line, "<speedup>");
            let line = rule.replace_all(&line, "---");
            spaces.replace_all(&line, " ").trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn run_prints_the_same_table_layout() {
    let dir = scratch("run");
    let stdout = concbench(
        &[
            "run",
            "--workload",
            "sum-squares,sleep",
            "--model",
            "sequential,threads,rayon,tokio",
            "--workers",
            "1,2",
            "--profile",
            "smoke",
            "--repeats",
            "1",
        ],
        &dir,
    );
    insta::assert_snapshot!("run-stdout", without_measurements(&stdout));
}
