//! The report: `report.md` from a committed results file (snapshot), its Measurement
//! section for results with and without rounds, the CSV, the CLI (a results file or its
//! machine folder), and bad input (a folder without results, a file that holds no
//! measurement or an impossible one) that must leave an earlier report untouched.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use concbench::machine::CalibrationPoint;
use concbench::machine::drift::{DEFAULT_BOUND, analyse};
use concbench::plot::{Format, Theme};
use concbench::profile::Profile;
use concbench::report::{ReportOptions, render};
use concbench::results::schema::{EarlierRun, Results, RoundsInfo, SCHEMA};

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
fn cli_reports_a_machine_folder_into_that_folder() {
    let dir = scratch("folder");
    let machine = dir.join("laptop-2cpu");
    fs::create_dir_all(&machine).unwrap();
    fs::copy(fixture("results/valid.json"), machine.join("results.json")).unwrap();
    let before = fs::read(machine.join("results.json")).unwrap();
    Command::cargo_bin("concbench")
        .unwrap()
        .arg("report")
        .arg(&machine)
        .args(["--format", "svg"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            machine.join("report.md").display().to_string(),
        ));
    assert!(machine.join("report.md").is_file());
    assert!(machine.join("summary-heatmap.svg").is_file());
    assert_eq!(fs::read(machine.join("results.json")).unwrap(), before);
    assert!(
        !dir.join("report.md").exists(),
        "the report goes into the machine folder, not beside it"
    );
}

#[test]
fn a_folder_without_results_json_is_refused_as_compare_refuses_it() {
    let dir = scratch("empty-folder");
    let empty = dir.join("empty");
    fs::create_dir_all(&empty).unwrap();
    refused_and_previous_report_kept(&empty, "is a folder without results.json");
    let line = String::from_utf8_lossy(
        &Command::cargo_bin("concbench")
            .unwrap()
            .arg("report")
            .arg(&empty)
            .assert()
            .code(2)
            .get_output()
            .stderr,
    )
    .to_string();
    assert!(
        line.contains(&empty.display().to_string()) && line.contains("machine folder"),
        "{line}"
    );
    assert_eq!(fs::read_dir(&empty).unwrap().count(), 0, "nothing written");
}

#[test]
fn a_results_file_without_measurements_is_refused() {
    let dir = scratch("hollow");
    let input = dir.join("hollow.json");
    fs::copy(fixture("results/hollow.json"), &input).unwrap();
    refused_and_previous_report_kept(&input, "holds no measurements");
}

#[test]
fn a_negative_median_is_refused_naming_its_field() {
    let dir = scratch("negative");
    let mut results: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(fixture("results/valid.json")).unwrap()).unwrap();
    results["cases"][1]["time"]["median"]["point"] = serde_json::json!(-4.0e6);
    let input = dir.join("negative.json");
    fs::write(&input, results.to_string()).unwrap();
    refused_and_previous_report_kept(&input, "field 'cases[1].time.median.point'");
}

#[test]
fn results_with_only_sync_or_overhead_records_are_reported() {
    let dir = scratch("sync-only");
    let out = dir.join("out");
    Command::cargo_bin("concbench")
        .unwrap()
        .arg("report")
        .arg(fixture("results/sync-only.json"))
        .args(["--out", out.to_str().unwrap(), "--format", "svg"])
        .assert()
        .success();
    let text = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        text.contains("## Synchronisation under contention"),
        "{text}"
    );

    let mut results: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(fixture("results/valid.json")).unwrap()).unwrap();
    results["cases"] = serde_json::json!([]);
    let input = dir.join("overhead-only.json");
    fs::write(&input, results.to_string()).unwrap();
    let out = dir.join("overhead-out");
    Command::cargo_bin("concbench")
        .unwrap()
        .arg("report")
        .arg(&input)
        .args(["--out", out.to_str().unwrap(), "--format", "svg"])
        .assert()
        .success();
    let text = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(text.contains("## Dispatch overhead"), "{text}");
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

/// The committed version-1 fixture turned into a run measured in rounds: seed 42, the smoke
/// profile's rounds, a calibration series with a slow spell from 40 s to 58 s, every case
/// of the same run, and sum-squares/threads/2 at 2.22x on 2 usable CPUs (implausible).
fn with_rounds() -> Results {
    let mut results = Results::read(&fixture("results/valid.json")).unwrap();
    results.schema = SCHEMA.to_string();
    results.run.rounds = Some(RoundsInfo {
        seed: 42,
        settings: Profile::Smoke.rounds(),
    });
    let points = (0..40)
        .map(|i| CalibrationPoint {
            at_s: 2.0 * i as f64,
            ns: if (20..30).contains(&i) {
                1e6 / 0.7
            } else {
                1e6
            },
        })
        .collect();
    results.run.drift = Some(analyse(points, DEFAULT_BOUND));
    let started = results.run.started_at.clone();
    for case in &mut results.cases {
        case.measured_in = Some(started.clone());
        if case.workload == "sum-squares" && case.model == "threads" && case.workers == 2 {
            let time = case.time.as_mut().unwrap();
            time.median.point = 1.8e6;
            time.median.lower = 1.79e6;
            time.median.upper = 1.81e6;
        }
    }
    results
}

/// The text of `## Measurement`, up to the next section.
fn measurement(text: &str) -> &str {
    let start = text
        .find("## Measurement\n")
        .expect("a Measurement section");
    let end = text[start + 3..]
        .find("\n## ")
        .map_or(text.len(), |i| start + 3 + i);
    &text[start..end]
}

#[test]
fn a_report_of_rounds_says_how_it_was_measured_and_lists_the_doubts() {
    let results = with_rounds();
    let out = scratch("rounds");
    render(&results, &options(&out)).unwrap();
    let text = fs::read_to_string(out.join("report.md")).unwrap();
    // After the machine and the warnings, before the charts.
    let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle}"));
    assert!(at("## Machine") < at("## Warnings"));
    assert!(at("## Warnings") < at("## Measurement"));
    assert!(at("## Measurement") < at("## Which model wins where"));

    let section = measurement(&text);
    for needle in [
        "measured in 3 rounds spread over the run",
        "seed `42`",
        "`CONCBENCH_SEED=42`",
        "at least 4 batches, more until 60.0 ms have passed, at most 200 batches",
        "Speedups are paired round by round with the sequential baseline measured in the same round",
        "timed 40 times through the run",
        "left ±10% of its median (0.70x–1.00x of its median); slow spell at 40–58 s (0.70x)",
        "![machine speed over the run](drift.svg)",
        "### Doubts",
        "| case | doubt | why |",
        "| sum-squares/threads/2 | implausible speedup | speedup 2.22x with at most 2 CPUs busy",
    ] {
        assert!(section.contains(needle), "{needle}\n---\n{section}");
    }
    assert!(!section.contains("not paired"), "{section}");
    // Only the implausible case is doubted: no wide intervals in the table.
    assert_eq!(
        section
            .lines()
            .filter(|l| l.starts_with("| sum-squares"))
            .count(),
        1,
        "{section}"
    );
    assert!(out.join("drift.svg").is_file());
}

#[test]
fn a_steady_run_held_its_speed_and_has_no_doubts() {
    let mut results = with_rounds();
    let steady = (0..40)
        .map(|i| CalibrationPoint {
            at_s: 2.0 * i as f64,
            ns: 1e6 * (1.0 + 0.01 * (i % 2) as f64),
        })
        .collect();
    results.run.drift = Some(analyse(steady, DEFAULT_BOUND));
    let threads = results
        .cases
        .iter_mut()
        .find(|c| c.model == "threads" && c.workers == 2)
        .unwrap();
    threads.time.as_mut().unwrap().median.point = 2.1e6;
    // Kept from an earlier, filtered run.
    let process = results
        .cases
        .iter_mut()
        .find(|c| c.model == "process" && c.workers == 2)
        .unwrap();
    process.measured_in = Some("2026-04-30T08:00:00Z".to_string());
    results.run.earlier.push(EarlierRun {
        started_at: "2026-04-30T08:00:00Z".to_string(),
        rounds: Some(RoundsInfo {
            seed: 7,
            settings: Profile::Smoke.rounds(),
        }),
        drift: None,
        warnings: vec!["busy: others used 0.9 CPUs".to_string()],
    });
    let text = concbench::report::markdown::render(&results, &[], &[]);
    let section = measurement(&text);
    assert!(
        section.contains(
            "1 case measured in another run than its sequential baseline is compared by medians, not paired."
        ),
        "{section}"
    );
    assert!(
        section.contains("By the rolling median of 5 timings, the machine held its speed within ±10% (1.00x–1.00x of its median)."),
        "{section}"
    );
    assert!(
        section.contains(
            "1 case was kept from an earlier run started 2026-04-30T08:00:00Z (seed `7`), which this section's drift chart does not cover; its warning is listed under Warnings."
        ),
        "{section}"
    );
    assert!(text.contains("This run was filtered: 1 of its "), "{text}");
    assert!(
        text.contains("- earlier run started 2026-04-30T08:00:00Z: busy: others used 0.9 CPUs\n"),
        "{text}"
    );
    assert!(section.contains("### Doubts\n\nNone"), "{section}");
    // No chart was rendered: none is linked.
    assert!(!section.contains("drift.svg"), "{section}");
}

#[test]
fn a_report_of_results_before_rounds_says_they_are_not_paired() {
    let results = Results::read(&fixture("results/valid.json")).unwrap();
    assert!(results.run.rounds.is_none());
    let text = concbench::report::markdown::render(&results, &[], &[]);
    let section = measurement(&text);
    assert!(
        section.contains(
            "measured in one block per case (results from before rounds); speedups are not paired"
        ),
        "{section}"
    );
    assert!(section.contains("was not tracked"), "{section}");
    assert!(!section.contains("seed"), "{section}");
}
