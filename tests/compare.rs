//! `concbench compare`: two fixture machines with known ratios (tests/fixtures/compare/).
//!
//! laptop is the base. server is exactly 2x slower on sum-squares sequential (samples on
//! both sides: Welch) and threads x2 (tight intervals), equal on rayon x2 and sleep
//! sequential, 2x slower but inside wide intervals on process x2, 0.9x on sleep threads x2,
//! 1.03x with tight intervals on sleep tokio-current x2 (significant, within 5%). rayon x4 is
//! only on laptop, tokio-current x4 only on server. Both are version-1 files, without rounds.
//!
//! rounds-a, rounds-b and rounds-one-cpu are version-2 files: every case in 5 rounds of 5
//! batches, tight within a round (±0.2%), the machine's speed drifting by a few percent
//! between rounds (rounds-a 1.00, 1.04, 0.98, 1.01, 0.97; rounds-b 0.99, 0.95, 1.03, 1.00,
//! 1.02). rounds-a and rounds-b are the same commit twice (an A/A test); rounds-one-cpu has
//! its `cpu`-kind cases at 2 workers 1.95x slower, as on one CPU, and everything else equal.
//!
//! server-other-params is server with sum-squares run at n=400000 instead of 200000.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use concbench::compare::verdict::Evidence;
use concbench::compare::{self, CompareError, CompareOptions, Comparison, Verdict};
use concbench::plot::{Format, Theme};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/compare")
        .join(name)
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("compare-tests")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn concbench(args: &[&str]) -> Output {
    Command::cargo_bin("concbench")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
}

fn path(name: &str) -> String {
    fixture(name).display().to_string()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn options(inputs: &[&str]) -> CompareOptions {
    CompareOptions {
        inputs: inputs.iter().map(|n| fixture(n)).collect(),
        baseline: None,
        baselines: Vec::new(),
        threshold: 0.05,
        allow_profile_mismatch: false,
        allow_param_mismatch: false,
        out_dir: None,
        chart_formats: vec![Format::Svg, Format::Png],
        theme: Theme::Light,
    }
}

fn laptop_vs_server() -> Comparison {
    compare::run(&options(&["laptop.json", "server.json"]))
        .unwrap()
        .comparison
}

/// The server cell of (workload, model, workers).
fn server_cell<'a>(
    c: &'a Comparison,
    workload: &str,
    model: &str,
    workers: usize,
) -> &'a compare::Cell {
    let w = c.workloads.iter().find(|w| w.workload == workload).unwrap();
    let row = w
        .rows
        .iter()
        .find(|r| r.model == model && r.workers == workers)
        .unwrap_or_else(|| panic!("no row {workload} {model} x{workers}"));
    &row.cells[1]
}

#[test]
fn ratios_and_verdicts_match_the_known_values() {
    let c = laptop_vs_server();
    let expect = [
        ("sum-squares", "sequential", 1, 2.0, Verdict::Slower, true),
        ("sum-squares", "threads", 2, 2.0, Verdict::Slower, true),
        ("sum-squares", "rayon", 2, 1.0, Verdict::Same, false),
        ("sum-squares", "process", 2, 2.0, Verdict::Same, false),
        ("sleep", "sequential", 1, 1.0, Verdict::Same, false),
        ("sleep", "threads", 2, 0.9, Verdict::Faster, true),
        ("sleep", "tokio-current", 2, 1.03, Verdict::Same, true),
    ];
    for (workload, model, workers, ratio, verdict, significant) in expect {
        let cell = server_cell(&c, workload, model, workers);
        let j = cell.judgement.unwrap();
        let what = format!("{workload} {model} x{workers}: {j:?}");
        assert!((j.ratio - ratio).abs() < 1e-9, "{what}");
        assert_eq!(cell.ratio, Some(j.ratio), "{what}");
        assert_eq!(j.verdict, verdict, "{what}");
        assert_eq!(j.significant, significant, "{what}");
    }
    // Samples on both sides: the Welch test decided; elsewhere the intervals.
    let seq = server_cell(&c, "sum-squares", "sequential", 1)
        .judgement
        .unwrap();
    assert!(matches!(seq.evidence, compare::verdict::Evidence::Welch { p, .. } if p < 0.001));
    let thr = server_cell(&c, "sum-squares", "threads", 2)
        .judgement
        .unwrap();
    assert!(matches!(
        thr.evidence,
        compare::verdict::Evidence::Intervals { apart: true, .. }
    ));
    // Speedups are per machine, over that machine's own sequential time.
    let w = &c.workloads[0];
    let threads = w.rows.iter().find(|r| r.model == "threads").unwrap();
    assert!((threads.cells[0].speedup.unwrap().point - 2.0).abs() < 1e-9);
    assert!((threads.cells[1].speedup.unwrap().point - 2.0).abs() < 1e-9);
    let rayon = server_cell(&c, "sum-squares", "rayon", 2);
    assert!((rayon.speedup.unwrap().point - 4.0).abs() < 1e-9);
    // The base row carries no verdict.
    assert!(threads.cells[0].judgement.is_none() && threads.cells[0].ratio.is_none());
}

#[test]
fn one_sided_cases_are_listed_not_dropped() {
    let c = laptop_vs_server();
    let one_sided: Vec<(String, usize, Vec<String>)> = c
        .workloads
        .iter()
        .flat_map(|w| w.one_sided.iter())
        .map(|o| (o.model.clone(), o.workers, o.on.clone()))
        .collect();
    assert_eq!(
        one_sided,
        [
            ("rayon".to_string(), 4, vec!["laptop".to_string()]),
            ("tokio-current".to_string(), 4, vec!["server".to_string()]),
        ]
    );
    let md = c.render(compare::TableFormat::Md);
    assert!(
        md.contains("Only on laptop (not compared): rayon x4."),
        "{md}"
    );
    assert!(
        md.contains("Only on server (not compared): tokio-current x4."),
        "{md}"
    );
}

#[test]
fn markdown_starts_with_the_machines_and_marks_differences() {
    let out = concbench(&["compare", &path("laptop.json"), &path("server.json")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    let machines = md.find("## Machines").unwrap();
    let first_workload = md.find("## sum-squares (cpu)").unwrap();
    assert!(machines < first_workload);
    let line = |start: &str| {
        md.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line starting {start:?} in\n{md}"))
            .to_string()
    };
    // Differences are marked and bold; equal fields are not.
    let usable = line("| **usable CPUs** ≠");
    assert!(
        usable.contains("**2**") && usable.contains("**8**"),
        "{usable}"
    );
    let rustc = line("| rustc ");
    assert!(!rustc.contains("**"), "{rustc}");
    // Rows: time on each machine, ratio, speedup on each, verdict.
    let cells = |row: &str| -> Vec<String> {
        row.trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect()
    };
    let header = cells(&line("| model "));
    assert_eq!(
        header,
        [
            "model",
            "workers",
            "time laptop",
            "time server",
            "server/laptop",
            "speedup laptop",
            "speedup server",
            "verdict server"
        ]
    );
    let seq = cells(&line("| sequential "));
    assert_eq!(
        seq,
        [
            "sequential",
            "1",
            "4.00 ms",
            "8.00 ms",
            "2.00x",
            "1.00x",
            "1.00x",
            "**slower** (p<0.001)"
        ]
    );
    let process = cells(&line("| process "));
    assert_eq!(process[4], "2.00x");
    assert_eq!(process[7], "same (noise: 95% CIs overlap)");
    assert!(md.contains("faster (95% CIs apart)"), "{md}");
    assert!(md.contains("same (within 5%, 95% CIs apart)"), "{md}");
}

#[test]
fn json_output_parses_and_holds_the_verdicts() {
    let out = concbench(&[
        "compare",
        &path("laptop.json"),
        &path("server.json"),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], "concbench.compare/1");
    assert_eq!(v["threshold"], 0.05);
    assert_eq!(v["machines"][0]["label"], "laptop");
    assert_eq!(v["machines"][1]["machine"]["usable_cpus"], 8);
    let row = &v["workloads"][0]["rows"][0];
    assert_eq!(row["model"], "sequential");
    assert_eq!(row["cells"][1]["ratio"], 2.0);
    assert_eq!(row["cells"][1]["judgement"]["verdict"], "slower");
    assert_eq!(row["cells"][1]["judgement"]["evidence"]["test"], "welch");
    let regressions = v["regressions"].as_array().unwrap();
    assert_eq!(regressions.len(), 2);
    assert_eq!(regressions[1]["model"], "threads");
}

#[test]
fn csv_output_splits_into_equal_rows() {
    let out = concbench(&[
        "compare",
        &path("laptop.json"),
        &path("server.json"),
        "--format",
        "csv",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let header = &rows[0];
    assert_eq!(header.len(), compare::export::CSV_HEADER.len());
    assert!(rows.iter().all(|r| r.len() == header.len()), "{csv}");
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let find = |model: &str, machine: &str| {
        rows.iter()
            .find(|r| r[col("model")] == model && r[col("machine")] == machine)
            .unwrap()
    };
    let threads = find("threads", "server");
    assert_eq!(threads[col("ratio")].parse::<f64>().unwrap(), 2.0);
    assert_eq!(threads[col("verdict")], "slower");
    assert_eq!(find("threads", "laptop")[col("verdict")], "base");
    // 7 compared cases x 2 machines + 2 one-sided cases.
    assert_eq!(rows.len() - 1, 7 * 2 + 2);
    assert_eq!(find("rayon", "laptop")[col("verdict")], "base");
}

#[test]
fn report_folders_are_accepted_and_named_by_folder() {
    let dir = scratch("folders");
    for (name, file) in [("laptop", "laptop.json"), ("server", "server.json")] {
        fs::create_dir_all(dir.join(name)).unwrap();
        fs::copy(fixture(file), dir.join(name).join("results.json")).unwrap();
    }
    fs::create_dir_all(dir.join("empty")).unwrap();
    let a = dir.join("laptop").display().to_string();
    let b = dir.join("server").display().to_string();
    let out = concbench(&["compare", &a, &b]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("# concbench compare: laptop vs server\n"));
    let empty = dir.join("empty").display().to_string();
    let out = concbench(&["compare", &a, &empty]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains(&empty) && err.contains("without results.json"),
        "{err}"
    );
}

#[test]
fn the_same_results_file_twice_is_refused() {
    let dir = scratch("same-file");
    let machine = dir.join("laptop");
    fs::create_dir_all(&machine).unwrap();
    let file = machine.join("results.json");
    fs::copy(fixture("laptop.json"), &file).unwrap();
    let folder = machine.display().to_string();
    let file = file.display().to_string();
    let dotted = dir
        .join("laptop/../laptop/results.json")
        .display()
        .to_string();
    for (a, b) in [(&file, &file), (&folder, &file), (&file, &dotted)] {
        let err = usage_error(&concbench(&["compare", a, b]));
        assert!(
            err.contains("the same results file is given twice") && err.contains(b.as_str()),
            "{a} {b}: {err}"
        );
    }
    // A third input does not hide the repeat.
    let err = usage_error(&concbench(&[
        "compare",
        &path("server.json"),
        &folder,
        &file,
    ]));
    assert!(err.contains("given twice"), "{err}");
    let lib = compare::run(&options(&["laptop.json", "laptop.json"])).unwrap_err();
    assert!(matches!(lib, CompareError::SameFile { .. }), "{lib}");
    // Two copies of one run are two files: an A/A comparison of identical data is allowed.
    let copy = dir.join("copy.json");
    fs::copy(fixture("laptop.json"), &copy).unwrap();
    let out = concbench(&["compare", &file, &copy.display().to_string()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// Asserts one `error:` line on stderr, exit status 2, and returns the line.
fn usage_error(out: &Output) -> String {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: "), "{err}");
    err
}

#[test]
fn no_common_case_is_a_clear_error() {
    let out = concbench(&["compare", &path("laptop.json"), &path("no-common.json")]);
    let err = usage_error(&out);
    assert!(err.contains("no common case"), "{err}");
    assert!(
        err.contains("laptop.json") && err.contains("no-common.json"),
        "{err}"
    );
    assert!(
        err.contains("sum-squares, sleep") && err.contains("mandelbrot"),
        "{err}"
    );
    let lib = compare::run(&options(&["laptop.json", "no-common.json"])).unwrap_err();
    assert!(matches!(lib, CompareError::NoCommonCase { .. }));
    let one = compare::run(&options(&["laptop.json"])).unwrap_err();
    assert!(matches!(one, CompareError::TooFewInputs(1)), "{one}");
}

#[test]
fn an_unknown_schema_version_names_the_file() {
    let out = concbench(&[
        "compare",
        &path("laptop.json"),
        &path("unknown-schema.json"),
    ]);
    let err = usage_error(&out);
    assert!(err.contains("unknown-schema.json"), "{err}");
    assert!(err.contains("concbench.results/99"), "{err}");
    let missing = fixture("missing.json").display().to_string();
    let err = usage_error(&concbench(&["compare", &path("laptop.json"), &missing]));
    assert!(err.contains("missing.json"), "{err}");
}

#[test]
fn a_profile_mismatch_is_refused_then_allowed() {
    let other = path("server-default-profile.json");
    let out = concbench(&["compare", &path("laptop.json"), &other]);
    let err = usage_error(&out);
    assert!(err.contains("profiles differ"), "{err}");
    assert!(
        err.contains("'smoke'") && err.contains("'default'"),
        "{err}"
    );
    assert!(err.contains("--allow-profile-mismatch"), "{err}");

    let out = concbench(&[
        "compare",
        &path("laptop.json"),
        &other,
        "--allow-profile-mismatch",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(md.contains("**Profiles differ**"), "{md}");
    assert!(md.contains("| **profile** ≠"), "{md}");
}

#[test]
fn a_parameter_mismatch_is_refused_then_allowed() {
    let other = path("server-other-params.json");
    let out = concbench(&["compare", &path("laptop.json"), &other]);
    let err = usage_error(&out);
    assert!(err.contains("parameters differ"), "{err}");
    assert!(err.contains("sum-squares sequential x1"), "{err}");
    assert!(
        err.contains("n=200000 tasks=16") && err.contains("n=400000 tasks=16"),
        "{err}"
    );
    assert!(
        err.contains("laptop.json") && err.contains("server-other-params.json"),
        "{err}"
    );
    assert!(err.contains("--allow-param-mismatch"), "{err}");

    let out = concbench(&[
        "compare",
        &path("laptop.json"),
        &other,
        "--allow-param-mismatch",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(md.contains("parameters differ"), "{md}");

    // Through the library: the same refusal as a typed error.
    let err = compare::run(&options(&["laptop.json", "server-other-params.json"])).unwrap_err();
    assert!(matches!(err, CompareError::ParamMismatch { .. }), "{err}");
    assert!(err.is_usage());
}

#[test]
fn fail_on_regression_exits_1_only_when_something_is_slower() {
    let (laptop, server) = (path("laptop.json"), path("server.json"));
    let out = concbench(&["compare", &laptop, &server, "--fail-on-regression"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: 2 cases slower than on laptop beyond 5% and the noise: "),
        "{err}"
    );
    assert!(
        err.contains("sum-squares sequential x1 on server (2.00x)"),
        "{err}"
    );
    assert!(
        err.contains("sum-squares threads x2 on server (2.00x)"),
        "{err}"
    );
    assert!(!err.contains("process"), "noise is no regression: {err}");
    // The table is still printed.
    assert!(text(&out.stdout).contains("## Machines"));

    // No regression: one run against a copy of itself, or a threshold the 2x cases stay
    // under.
    let copy = scratch("regression-copy").join("laptop.json");
    fs::copy(fixture("laptop.json"), &copy).unwrap();
    let copy = copy.display().to_string();
    let out = concbench(&["compare", &laptop, &copy, "--fail-on-regression"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty());
    let out = concbench(&[
        "compare",
        &laptop,
        &server,
        "--fail-on-regression",
        "--threshold",
        "150%",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Without the flag a regression does not fail the command.
    let out = concbench(&["compare", &laptop, &server]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn thresholds_read_as_percent_or_fraction() {
    let (laptop, server) = (path("laptop.json"), path("server.json"));
    let percent = concbench(&["compare", &laptop, &server, "--threshold", "5%"]);
    let fraction = concbench(&["compare", &laptop, &server, "--threshold", "0.05"]);
    assert!(percent.status.success() && fraction.status.success());
    assert_eq!(percent.stdout, fraction.stdout);
    // 2% makes the 1.03x case with tight intervals slower.
    let strict = concbench(&["compare", &laptop, &server, "--threshold", "2%"]);
    let md = text(&strict.stdout);
    let row = md
        .lines()
        .find(|l| l.starts_with("| tokio-current "))
        .unwrap();
    assert!(row.contains("**slower**"), "{row}");
    let bad = concbench(&["compare", &laptop, &server, "--threshold", "5"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("5%"));
    let chart = concbench(&["compare", &laptop, &server, "--format", "png"]);
    assert_eq!(chart.status.code(), Some(2));
    assert!(text(&chart.stderr).contains("--chart-format"));
}

/// Width and height of a PNG file, from its IHDR chunk.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = fs::read(path).unwrap();
    assert_eq!(&bytes[1..4], b"PNG", "{}", path.display());
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn out_writes_markdown_tables_and_overlay_charts() {
    let dir = scratch("out");
    let out_dir = dir.join("cmp");
    let o = out_dir.display().to_string();
    let out = concbench(&[
        "compare",
        &path("laptop.json"),
        &path("server.json"),
        "--out",
        &o,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).starts_with("compare: "));
    for file in ["compare.md", "compare.json", "compare.csv"] {
        assert!(out_dir.join(file).is_file(), "{file}");
    }
    for workload in ["sum-squares", "sleep"] {
        for chart in ["speedup", "ratio"] {
            let svg = out_dir.join(workload).join(format!("{chart}.svg"));
            let png = out_dir.join(workload).join(format!("{chart}.png"));
            assert_eq!(png_size(&png), (1920, 1080));
            let svg_text = fs::read_to_string(&svg).unwrap();
            // Text only in the embedded font's family.
            for family in svg_text.split("font-family=\"").skip(1) {
                assert!(family.starts_with("DejaVu Sans"), "{}", svg.display());
            }
        }
    }
    let md = fs::read_to_string(out_dir.join("compare.md")).unwrap();
    let links: Vec<&str> = md.lines().filter(|l| l.starts_with("![")).collect();
    assert_eq!(links.len(), 4, "{md}");
    for line in links {
        let file = &line[line.find("](").unwrap() + 2..line.len() - 1];
        assert!(out_dir.join(file).is_file(), "{file} is linked but missing");
    }
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out_dir.join("compare.json")).unwrap()).unwrap();
    assert_eq!(json["machines"][1]["label"], "server");

    // SVG only, into the same folder: the PNGs of the first run are replaced.
    let out = concbench(&[
        "compare",
        &path("laptop.json"),
        &path("server.json"),
        "--out",
        &o,
        "--chart-format",
        "svg",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!out_dir.join("sleep/speedup.png").exists());
    assert!(out_dir.join("sleep/speedup.svg").exists());
}

#[test]
fn out_refuses_a_report_folder() {
    let dir = scratch("report-folder");
    fs::copy(fixture("laptop.json"), dir.join("results.json")).unwrap();
    fs::create_dir_all(dir.join("sleep")).unwrap();
    fs::write(dir.join("sleep/speedup.svg"), "the report's chart").unwrap();
    let o = dir.display().to_string();
    let out = concbench(&[
        "compare",
        &path("laptop.json"),
        &path("server.json"),
        "--out",
        &o,
    ]);
    let err = usage_error(&out);
    assert!(err.contains("report folder") && err.contains(&o), "{err}");
    assert_eq!(
        fs::read_to_string(dir.join("sleep/speedup.svg")).unwrap(),
        "the report's chart"
    );
}

#[test]
fn three_inputs_compare_each_against_the_first() {
    // Two copies of one run: two files with one label, told apart by number.
    let copy = scratch("three-inputs").join("server.json");
    fs::copy(fixture("server.json"), &copy).unwrap();
    let out = concbench(&[
        "compare",
        &path("laptop.json"),
        &path("server.json"),
        &copy.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(md.starts_with("# concbench compare: laptop vs server vs server#2\n"));
    let header = md.lines().find(|l| l.starts_with("| model ")).unwrap();
    assert!(header.contains("server#2/laptop") && header.contains("verdict server#2"));
    let seq = md.lines().find(|l| l.starts_with("| sequential ")).unwrap();
    assert_eq!(seq.matches("**slower**").count(), 2, "{seq}");
}

#[test]
fn compare_all_script_needs_two_machines_then_writes_reports_compare() {
    let reports = scratch("script");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/compare-all.sh");
    let run = || {
        std::process::Command::new("bash")
            .arg(&script)
            .arg(&reports)
            .env("CONCBENCH", env!("CARGO_BIN_EXE_concbench"))
            .output()
            .unwrap()
    };
    fs::create_dir_all(reports.join("laptop")).unwrap();
    fs::copy(fixture("laptop.json"), reports.join("laptop/results.json")).unwrap();
    let out = run();
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("need at least two machine folders"), "{err}");

    fs::create_dir_all(reports.join("server")).unwrap();
    fs::copy(fixture("server.json"), reports.join("server/results.json")).unwrap();
    let out = run();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = fs::read_to_string(reports.join("compare/compare.md")).unwrap();
    assert!(
        md.starts_with("# concbench compare: laptop vs server\n"),
        "{md}"
    );
    // A second run skips reports/compare itself.
    let out = run();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("compare (no results.json)"));
}

/// Every judged cell of input `i` (1 or more) with its workload, kind, model and workers.
fn judged(c: &Comparison, i: usize) -> Vec<(String, String, String, usize, compare::Judgement)> {
    c.workloads
        .iter()
        .flat_map(|w| {
            w.rows.iter().map(move |r| {
                (
                    w.workload.clone(),
                    w.kind.name().to_string(),
                    r.model.clone(),
                    r.workers,
                    r.cells[i].judgement.unwrap(),
                )
            })
        })
        .collect()
}

#[test]
fn drift_between_rounds_is_no_difference() {
    let c = compare::run(&options(&["rounds-a.json", "rounds-b.json"]))
        .unwrap()
        .comparison;
    let cells = judged(&c, 1);
    assert_eq!(cells.len(), 8);
    for (workload, _, model, workers, j) in &cells {
        let what = format!("{workload} {model} x{workers}: {j:?}");
        assert_eq!(j.verdict, Verdict::Same, "{what}");
        assert!(!j.significant, "{what}");
        assert!(
            matches!(j.evidence, Evidence::Rounds { rounds: (5, 5), .. }),
            "{what}"
        );
        assert!((j.ratio - 1.0).abs() < 0.02, "{what}");
    }
    assert_eq!(c.machines[0].rounds, 5);
    let md = c.render(compare::TableFormat::Md);
    assert!(!md.contains("no rounds"), "{md}");
    assert!(
        md.contains("Welch's t-test on the log per-round medians"),
        "{md}"
    );
    let (a, b) = (path("rounds-a.json"), path("rounds-b.json"));
    for threshold in ["5%", "10%"] {
        let out = concbench(&[
            "compare",
            &a,
            &b,
            "--fail-on-regression",
            "--threshold",
            threshold,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    let csv = text(&concbench(&["compare", &a, &b, "--format", "csv"]).stdout);
    assert!(csv.contains(",welch on 5+5 round medians p="), "{csv}");
}

#[test]
fn one_cpu_is_slower_on_every_parallel_cpu_case_and_swapping_makes_it_faster() {
    let c = compare::run(&options(&["rounds-a.json", "rounds-one-cpu.json"]))
        .unwrap()
        .comparison;
    for (workload, kind, model, workers, j) in judged(&c, 1) {
        let what = format!("{workload} {model} x{workers}: {j:?}");
        assert!(matches!(j.evidence, Evidence::Rounds { .. }), "{what}");
        if kind == "cpu" && workers >= 2 {
            assert_eq!(j.verdict, Verdict::Slower, "{what}");
            assert!(j.evidence.p().unwrap() < compare::ALPHA, "{what}");
            assert!((j.ratio - 1.95).abs() < 0.05, "{what}");
        } else {
            assert_eq!(j.verdict, Verdict::Same, "{what}");
        }
    }
    let swapped = compare::run(&options(&["rounds-one-cpu.json", "rounds-a.json"]))
        .unwrap()
        .comparison;
    for ((_, _, _, _, j), (_, _, _, _, k)) in judged(&c, 1).into_iter().zip(judged(&swapped, 1)) {
        let mirror = match j.verdict {
            Verdict::Slower => Verdict::Faster,
            Verdict::Faster => Verdict::Slower,
            Verdict::Same => Verdict::Same,
        };
        assert_eq!(k.verdict, mirror, "{j:?} swapped is {k:?}");
        assert!((j.ratio * k.ratio - 1.0).abs() < 1e-9);
    }
    let out = concbench(&[
        "compare",
        &path("rounds-a.json"),
        &path("rounds-one-cpu.json"),
        "--fail-on-regression",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("error: 4 cases slower than on rounds-a"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn results_without_rounds_still_compare_with_a_note() {
    let md = text(&concbench(&["compare", &path("laptop.json"), &path("server.json")]).stdout);
    let notes: Vec<&str> = md.lines().filter(|l| l.contains("no rounds")).collect();
    assert_eq!(
        notes,
        [
            "> Note: no rounds in laptop, server: verdicts involving them rest on within-run \
          noise only (one block of samples per case), which overstates significance on a \
          machine whose speed drifts."
        ]
    );
    // A version-1 file against a version-2 one: the within-run rule, one input named.
    let c = compare::run(&options(&["laptop.json", "rounds-a.json"]))
        .unwrap()
        .comparison;
    assert_eq!((c.machines[0].rounds, c.machines[1].rounds), (0, 5));
    let md = c.render(compare::TableFormat::Md);
    assert!(
        md.contains("> Note: no rounds in laptop: verdicts involving it rest on"),
        "{md}"
    );
    let seq = server_cell(&c, "sum-squares", "sequential", 1)
        .judgement
        .unwrap();
    assert!(matches!(seq.evidence, Evidence::Welch { .. }), "{seq:?}");
    assert!(
        seq.basis().ends_with("(no rounds: within-run noise only)"),
        "{}",
        seq.basis()
    );
    let threads = server_cell(&c, "sum-squares", "threads", 2)
        .judgement
        .unwrap();
    assert!(
        matches!(threads.evidence, Evidence::Intervals { .. }),
        "{threads:?}"
    );
    let v: serde_json::Value = serde_json::from_str(&c.render(compare::TableFormat::Json)).unwrap();
    assert_eq!(v["machines"][0]["rounds"], 0);
    assert_eq!(v["machines"][1]["rounds"], 5);
}

/// Writes fixture `file` as `<dir>/<folder>/results.json` with its machine's name, host and
/// CPU identity set (`None` leaves them out, as in files written before they existed).
fn with_identity(
    dir: &Path,
    folder: &str,
    file: &str,
    name: Option<&str>,
    identity: Option<(&str, u32, &str)>,
) -> String {
    let mut results: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(fixture(file)).unwrap()).unwrap();
    let machine = &mut results["machine"];
    machine["cpu_brand"] = "AMD EPYC".into();
    if let Some(name) = name {
        machine["name"] = name.into();
    }
    if let Some((host, model, flags)) = identity {
        machine["host"] = serde_json::json!({"id": host, "source": "machine-id"});
        machine["cpu_id"] = serde_json::json!({
            "vendor": "AuthenticAMD", "family": 25, "model": model, "stepping": 1,
            "flag_count": 98, "flags_digest": flags,
            "caches": [
                {"level": 1, "kind": "data", "size_bytes": 32768},
                {"level": 2, "kind": "unified", "size_bytes": 524288}
            ]
        });
    }
    let path = dir.join(folder).join("results.json");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, serde_json::to_string_pretty(&results).unwrap()).unwrap();
    path.display().to_string()
}

#[test]
fn named_machines_label_their_runs_and_show_their_identity() {
    let dir = scratch("identity");
    // Two hosts behind the same brand string: another CPU model and flags, the same caches.
    let a = with_identity(
        &dir,
        "lab-1-2cpu",
        "laptop.json",
        Some("lab-1"),
        Some(("0ad5428a", 1, "1a2b3c4d")),
    );
    let b = with_identity(
        &dir,
        "amd-epyc-77aa0011-8cpu",
        "server.json",
        Some("Lab PC (room 2)"),
        Some(("77aa0011", 17, "99ff0000")),
    );
    let old = with_identity(&dir, "amd-epyc-8cpu", "server.json", None, None);
    let out = concbench(&["compare", &a, &b, &old]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(
        md.starts_with("# concbench compare: lab-1 vs Lab PC (room 2) vs amd-epyc-8cpu\n"),
        "{md}"
    );
    let line = |start: &str| {
        md.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line starting {start:?} in\n{md}"))
            .to_string()
    };
    let name = line("| name ");
    assert!(
        name.contains("lab-1") && name.contains("(not set)"),
        "{name}"
    );
    let host = line("| **host** ≠");
    assert!(
        host.contains("**0ad5428a**") && host.contains("**77aa0011**"),
        "{host}"
    );
    assert!(host.contains("**(not recorded)**"), "{host}");
    assert!(!line("| CPU ").contains("**"), "one brand string");
    let id = line("| **CPU id** ≠");
    assert!(
        id.contains("AuthenticAMD family 25 model 1 stepping 1")
            && id.contains("AuthenticAMD family 25 model 17 stepping 1"),
        "{id}"
    );
    let caches = line("| caches ");
    assert!(!caches.contains("**"), "{caches}");
    assert!(caches.contains("L1d 32 KiB, L2 512 KiB"), "{caches}");
    assert!(line("| **CPU flags** ≠").contains("99ff0000 (98 flags)"));

    // A run from before identities beside one that has them: nothing to tell apart.
    let out = concbench(&["compare", &a, &old]);
    let md = text(&out.stdout);
    assert!(md.contains("| host "), "{md}");
    assert!(!md.contains("**host**"), "{md}");

    // Two runs of one named machine are labelled by their folders.
    let pinned = with_identity(
        &dir,
        "lab-1-1cpu",
        "laptop.json",
        Some("lab-1"),
        Some(("0ad5428a", 1, "1a2b3c4d")),
    );
    let out = concbench(&["compare", &a, &pinned]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("# concbench compare: lab-1-2cpu vs lab-1-1cpu\n"),
        "{}",
        text(&out.stdout)
    );
}
