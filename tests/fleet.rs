//! `concbench compare FOLDER` over a fleet: tests/fixtures/fleet/ holds four machine folders
//! (version-1 results, profile smoke, sum-squares and sleep):
//!
//! | folder | CPU | usable CPUs | memory | busy | sum-squares best | sleep best |
//! |---|---|---|---|---|---|---|
//! | ci-runner-4cpu | Intel Xeon Platinum 8370C | 4 | 16 GiB | yes | rayon x4 3.45x | tokio-current x4 3.81x |
//! | laptop-2cpu | Intel Xeon 2.20GHz | 2 | 8 GiB | no | rayon x2 2.00x | threads x4 4.00x |
//! | pi-1cpu | Cortex-A72 | 1 | 4 GiB | no | sequential (all others < 1x) | tokio-current x4 4.15x |
//! | server-8cpu | AMD EPYC 7B13 | 8 | 32 GiB | no | threads x4 4.00x | threads x4 3.98x |
//!
//! sum-squares has threads x1, x2, x4, rayon x2, x4 and process x2; sleep threads x1, x2, x4
//! and tokio-current x4. So at the usable CPUs the chart takes x4 on server-8cpu (the most
//! workers below 8), process x2 on ci-runner-4cpu, and only threads x1 on pi-1cpu.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

const MACHINES: [&str; 4] = ["ci-runner-4cpu", "laptop-2cpu", "pi-1cpu", "server-8cpu"];

fn fleet() -> String {
    fixture("").display().to_string()
}

mod common;

fn fixture(machine: &str) -> PathBuf {
    common::fixture("fleet").join(machine)
}

fn scratch(name: &str) -> PathBuf {
    common::scratch("fleet-tests", name)
}

/// A copy of the fleet fixture's `machines` under `dir`, one folder each.
fn copy_fleet(dir: &Path, machines: &[&str]) {
    for m in machines {
        fs::create_dir_all(dir.join(m)).unwrap();
        fs::copy(
            fixture(m).join("results.json"),
            dir.join(m).join("results.json"),
        )
        .unwrap();
    }
}

fn concbench(args: &[&str]) -> Output {
    Command::cargo_bin("concbench")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs concbench, requires success, returns stdout.
fn succeeds(args: &[&str]) -> String {
    let out = concbench(args);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// Asserts one `error:` line on stderr, exit status 2, nothing on stdout; returns the line.
fn usage_error(out: &Output) -> String {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: "), "{err}");
    err
}

/// The Markdown table under `## Fleet`, as trimmed cells per row (header first).
fn fleet_table(md: &str) -> Vec<Vec<String>> {
    let section = &md[md.find("## Fleet\n").expect("a fleet section")..];
    section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter(|l| !l.starts_with("|-") && !l.starts_with("|:"))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn a_folder_of_four_machines_leads_with_the_fleet_table() {
    let md = succeeds(&["compare", &fleet()]);
    assert!(
        md.starts_with("# concbench compare: 4 machines, base ci-runner-4cpu\n\n## Fleet\n"),
        "{md}"
    );
    let table = fleet_table(&md);
    assert_eq!(
        table[0],
        [
            "machine",
            "CPU",
            "usable CPUs",
            "memory",
            "busy",
            "sum-squares: best",
            "sleep: best"
        ]
    );
    let expect = [
        [
            "ci-runner-4cpu (base)",
            "Intel Xeon Platinum 8370C",
            "4",
            "16.0 GiB",
            "yes",
            "rayon x4: 3.45x",
            "tokio-current x4: 3.81x",
        ],
        [
            "laptop-2cpu",
            "Intel Xeon 2.20GHz",
            "2",
            "8.0 GiB",
            "no",
            "rayon x2: 2.00x",
            "threads x4: 4.00x",
        ],
        [
            "pi-1cpu",
            "Cortex-A72",
            "1",
            "4.0 GiB",
            "no",
            "sequential x1: 1.00x",
            "tokio-current x4: 4.15x",
        ],
        [
            "server-8cpu",
            "AMD EPYC 7B13",
            "8",
            "32.0 GiB",
            "no",
            "threads x4: 4.00x",
            "threads x4: 3.98x",
        ],
    ];
    assert_eq!(table.len(), 5, "{table:?}");
    for (row, want) in table[1..].iter().zip(expect) {
        assert_eq!(row, &want);
    }
    // Then the pairwise details against the base, every machine a column.
    let pairwise = &md[md.find("## Against ci-runner-4cpu\n").unwrap()..];
    assert!(pairwise.contains("Base: **ci-runner-4cpu**"), "{pairwise}");
    assert!(pairwise.contains("\n## Machines\n") && pairwise.contains("\n## Summary\n"));
    for m in &MACHINES[1..] {
        assert!(
            pairwise.contains(&format!("| {m} vs ci-runner-4cpu ")),
            "{m}"
        );
    }
    assert!(pairwise.contains("**ci-runner-4cpu** ran on a busy machine"));
}

#[test]
fn json_carries_the_fleet_and_three_machines_have_none() {
    let json: serde_json::Value =
        serde_json::from_str(&succeeds(&["compare", &fleet(), "--format", "json"])).unwrap();
    let machines = json["fleet"]["machines"].as_array().unwrap();
    let labels: Vec<&str> = machines
        .iter()
        .map(|m| m["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, MACHINES);
    assert_eq!(
        json["fleet"]["workloads"],
        serde_json::json!(["sum-squares", "sleep"])
    );
    let pi = &machines[2];
    assert_eq!(pi["usable_cpus"], 1);
    assert_eq!(pi["memory_bytes"], 4u64 << 30);
    assert_eq!(pi["best"][0]["model"], "sequential");
    assert_eq!(machines[0]["busy"], true);
    let speedup = machines[3]["best"][0]["speedup"]["point"].as_f64().unwrap();
    assert!((speedup - 4.0).abs() < 1e-9, "{speedup}");

    let three: Vec<String> = MACHINES[..3]
        .iter()
        .map(|m| fixture(m).display().to_string())
        .collect();
    let mut args = vec!["compare"];
    args.extend(three.iter().map(String::as_str));
    let md = succeeds(&args);
    assert!(!md.contains("## Fleet"), "{md}");
    assert!(md.starts_with("# concbench compare: ci-runner-4cpu vs laptop-2cpu vs pi-1cpu\n"));
    args.extend(["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&succeeds(&args)).unwrap();
    assert!(json.get("fleet").is_none());
}

/// Width and height of a PNG file, from its IHDR chunk.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = fs::read(path).unwrap();
    assert_eq!(&bytes[1..4], b"PNG", "{}", path.display());
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn out_draws_a_fleet_chart_per_workload() {
    let dir = scratch("charts");
    copy_fleet(&dir, &MACHINES);
    let out_dir = dir.join("compare");
    let o = out_dir.display().to_string();
    let d = dir.display().to_string();
    succeeds(&["compare", &d, "--out", &o]);
    for workload in ["sum-squares", "sleep"] {
        for chart in ["fleet", "speedup", "ratio"] {
            let png = out_dir.join(workload).join(format!("{chart}.png"));
            assert_eq!(png_size(&png), (1920, 1080), "{}", png.display());
            assert!(
                out_dir
                    .join(workload)
                    .join(format!("{chart}.svg"))
                    .is_file()
            );
        }
    }
    let svg = fs::read_to_string(out_dir.join("sum-squares/fleet.svg")).unwrap();
    assert!(
        svg.contains("\nsum-squares: speedup at each machine"),
        "the title"
    );
    // One colour per model, as on every chart: threads blue, rayon bluish green, process
    // vermillion; sequential is the guide, not a bar.
    for colour in ["#0072B2", "#009E73", "#D55E00"] {
        assert!(svg.contains(&format!("fill=\"{colour}\"")), "{colour}");
    }
    // Bars at the usable CPUs, or marked with the worker count below them.
    for label in [
        "3.45x",
        "3.23x",
        "1.67x ×2",
        "4.00x ×4",
        "3.95x ×4",
        "0.98x",
        "4 CPUs",
        "1 CPU",
    ] {
        assert!(
            svg.contains(&format!(">\n{label}\n</text>")),
            "{label} missing from the chart"
        );
    }
    assert!(svg.contains(">\nideal: the usable CPUs\n</text>"));
    let sleep = fs::read_to_string(out_dir.join("sleep/fleet.svg")).unwrap();
    assert!(
        !sleep.contains("ideal: the usable CPUs"),
        "no ideal for io work"
    );
    // compare.md leads with the fleet and links the charts, which exist.
    let md = fs::read_to_string(out_dir.join("compare.md")).unwrap();
    let fleet_links: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("![") && l.contains("/fleet.svg)"))
        .collect();
    assert_eq!(fleet_links.len(), 2, "{md}");
    assert!(md.find("sum-squares/fleet.svg").unwrap() < md.find("## Machines").unwrap());
    for line in md.lines().filter(|l| l.starts_with("![")) {
        let file = &line[line.find("](").unwrap() + 2..line.len() - 1];
        assert!(out_dir.join(file).is_file(), "{file} is linked but missing");
    }

    // The folder again: its compare/ output is no machine.
    let again = concbench(&["compare", &d, "--out", &o, "--chart-format", "svg"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(text(&again.stderr).starts_with("compare: "));
    assert!(
        !text(&again.stderr).contains("skipped"),
        "{}",
        text(&again.stderr)
    );
    let md = fs::read_to_string(out_dir.join("compare.md")).unwrap();
    assert!(md.starts_with("# concbench compare: 4 machines, base ci-runner-4cpu\n"));
}

#[test]
fn baseline_picks_the_base_by_name() {
    let md = succeeds(&["compare", &fleet(), "--baseline", "laptop-2cpu"]);
    assert!(
        md.starts_with("# concbench compare: 4 machines, base laptop-2cpu\n"),
        "{md}"
    );
    let rows: Vec<String> = fleet_table(&md)[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(
        rows,
        [
            "laptop-2cpu (base)",
            "ci-runner-4cpu",
            "pi-1cpu",
            "server-8cpu"
        ]
    );
    assert!(md.contains("Base: **laptop-2cpu** (`"), "{md}");
    let machines = md.lines().find(|l| l.starts_with("|  ")).unwrap();
    let columns: Vec<&str> = machines.split('|').map(str::trim).collect();
    assert_eq!(
        columns[2..6],
        ["laptop-2cpu", "ci-runner-4cpu", "pi-1cpu", "server-8cpu"]
    );
    // Without the flag the first stays the base; with it, files and folders mix.
    let csv = succeeds(&[
        "compare",
        &fixture("server-8cpu")
            .join("results.json")
            .display()
            .to_string(),
        &fixture("pi-1cpu").display().to_string(),
        "--format",
        "csv",
    ]);
    assert!(csv.contains(",server-8cpu,true,"), "{csv}");
    assert!(csv.contains(",pi-1cpu,false,"), "{csv}");
    let csv = succeeds(&[
        "compare",
        &fixture("server-8cpu")
            .join("results.json")
            .display()
            .to_string(),
        &fixture("pi-1cpu").display().to_string(),
        "--baseline",
        "pi-1cpu",
        "--format",
        "csv",
    ]);
    assert!(csv.contains(",pi-1cpu,true,"), "{csv}");
}

#[test]
fn an_unknown_baseline_lists_the_names() {
    let err = usage_error(&concbench(&[
        "compare",
        &fleet(),
        "--baseline",
        "mainframe",
    ]));
    assert!(err.contains("--baseline mainframe"), "{err}");
    assert!(
        err.contains("ci-runner-4cpu, laptop-2cpu, pi-1cpu, server-8cpu"),
        "{err}"
    );
}

#[test]
fn folders_without_machines_are_clear_errors() {
    let dir = scratch("errors");
    let empty = dir.join("empty");
    fs::create_dir_all(empty.join("notes")).unwrap();
    let e = empty.display().to_string();
    let err = usage_error(&concbench(&["compare", &e]));
    assert!(
        err.contains(&e) && err.contains("without machine folders"),
        "{err}"
    );

    // One results file or machine folder alone: nothing to compare it with.
    let file = fixture("pi-1cpu")
        .join("results.json")
        .display()
        .to_string();
    let err = usage_error(&concbench(&["compare", &file]));
    assert!(
        err.contains("at least two") && err.contains("got 1"),
        "{err}"
    );

    // A folder with one machine: too few, named.
    let one = dir.join("one");
    copy_fleet(&one, &["laptop-2cpu"]);
    let o = one.display().to_string();
    let err = usage_error(&concbench(&["compare", &o]));
    assert!(
        err.contains("need at least two machine folders") && err.contains("1 (laptop-2cpu)"),
        "{err}"
    );

    // A folder without results.json among the machines is skipped, and said so.
    copy_fleet(&one, &["server-8cpu"]);
    fs::create_dir_all(one.join("failed-leg")).unwrap();
    let out = concbench(&["compare", &o]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("skipped") && err.contains("failed-leg"),
        "{err}"
    );
    assert!(text(&out.stdout).starts_with("# concbench compare: laptop-2cpu vs server-8cpu\n"));
}

#[test]
fn compare_all_script_wraps_compare_of_the_folder() {
    let reports = scratch("script");
    copy_fleet(&reports, &MACHINES);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/compare-all.sh");
    let out = std::process::Command::new("bash")
        .arg(&script)
        .arg(&reports)
        .env("CONCBENCH", env!("CARGO_BIN_EXE_concbench"))
        .env("BASE", "server-8cpu")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = fs::read_to_string(reports.join("compare/compare.md")).unwrap();
    assert!(
        md.starts_with("# concbench compare: 4 machines, base server-8cpu\n"),
        "{md}"
    );
    assert!(reports.join("compare/sleep/fleet.svg").is_file());
}
