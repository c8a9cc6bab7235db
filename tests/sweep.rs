//! `concbench run --param` and `concbench run --sweep`: overrides that reach every case and
//! its record, one `error:` line (exit status 2) for each kind of bad parameter, and a sweep
//! of sum-squares at tiny sizes writing its table, break-even list, `sweep.json` and chart.
//! No assertion depends on how fast anything ran.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

fn concbench() -> Command {
    Command::cargo_bin("concbench").expect("the concbench binary is built for tests")
}

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sweep-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts exit status 2, nothing on stdout and one `error:` line holding every needle.
fn rejected(out: &Output, needles: &[&str]) -> String {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert_eq!(stderr.lines().count(), 1, "one line expected: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "'{needle}' missing from: {stderr}");
    }
    stderr
}

fn run(args: &[&str]) -> Output {
    concbench()
        .args(["run", "--profile", "smoke", "--repeats", "1"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn list_shows_every_parameter_with_its_range_and_meaning() {
    let out = concbench().arg("list").output().unwrap();
    assert!(out.status.success());
    let list = text(&out.stdout);
    for w in concbench::workload::WORKLOADS {
        for p in w.params {
            let line = list
                .lines()
                .find(|l| l.split_whitespace().next() == Some(p.name) && l.contains(p.meaning))
                .unwrap_or_else(|| panic!("no line for {} {}:\n{list}", w.name, p.name));
            assert!(line.contains(&format!("{} to {}", p.min, p.max)), "{line}");
        }
    }
}

#[test]
fn param_overrides_reach_every_case_and_its_record() {
    let out = run(&[
        "--workload",
        "sum-squares",
        "--model",
        "threads",
        "--workers",
        "2",
        "--param",
        "n=2000",
        "--param",
        "sum-squares:tasks=8",
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let records: Value = serde_json::from_slice(&out.stdout).unwrap();
    let records = records.as_array().unwrap();
    assert_eq!(records.len(), 2);
    for r in records {
        assert_eq!(r["params"]["n"], 2000, "{r}");
        assert_eq!(r["params"]["tasks"], 8, "{r}");
        assert_eq!(r["verified"], true);
    }
}

#[test]
fn bad_parameters_get_one_error_line_naming_the_fix() {
    let sum = ["--workload", "sum-squares", "--model", "threads"];
    let with = |extra: &[&str]| run(&[&sum[..], extra].concat());
    rejected(
        &with(&["--param", "m=5"]),
        &[
            "'sum-squares' has no parameter 'm'",
            "tasks (1 to 1048576)",
            "n (1 to 1099511627776)",
        ],
    );
    rejected(
        &with(&["--param", "n=0"]),
        &["parameter 'n' is 0, out of range; use a value from 1 to"],
    );
    rejected(
        &with(&["--param", "n"]),
        &["--param 'n'", "NAME=VALUE", "n=2000"],
    );
    rejected(
        &with(&["--param", "sum-cubes:n=5"]),
        &["unknown workload 'sum-cubes'", "sum-squares"],
    );
    rejected(
        &with(&["--param", "primes:span=5"]),
        &["--param 'primes'", "does not run"],
    );
    rejected(
        &run(&["--workload", "sum-cubes", "--sweep", "n=1,2"]),
        &["unknown workload 'sum-cubes'"],
    );
    rejected(
        &with(&["--sweep", "n=10,100", "--workers", "1,2"]),
        &["--workers '1,2'", "a sweep runs one"],
    );
    rejected(
        &run(&["--workload", "sum-squares,primes", "--sweep", "n=10,100"]),
        &["--sweep", "sweeps one workload"],
    );
    rejected(
        &with(&["--sweep", "n=10,2000000000000"]),
        &["parameter 'n' is 2000000000000, out of range"],
    );
    rejected(&with(&["--sweep", "n=10"]), &["fewer than two"]);
    rejected(
        &with(&["--sweep", "n=10,100", "--param", "n=5"]),
        &["--param 'n'", "give its values in --sweep only"],
    );
}

/// The colour of `model`'s lines, as SVG writes it.
fn colour(model: &str) -> String {
    let c = concbench::plot::style::model_style(model).colour;
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

#[test]
fn a_sweep_prints_its_table_and_break_evens_and_writes_its_chart() {
    let dir = scratch("tiny");
    let out_dir = dir.join("out");
    let models = ["threads", "rayon", "tokio"];
    let out = run(&[
        "--workload",
        "sum-squares",
        "--sweep",
        "n=10,100,1000",
        "--model",
        "sequential,threads,rayon,tokio",
        "--workers",
        "2",
        "--param",
        "tasks=4",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // The table: a row per size, a column per model.
    let header = stdout
        .lines()
        .find(|l| l.starts_with("| n "))
        .expect("a table header");
    for m in ["sequential", "threads", "rayon", "tokio"] {
        assert!(header.contains(m), "{header}");
    }
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("| 10 ") || l.starts_with("| 100 ") || l.starts_with("| 1000 "))
        .collect();
    assert_eq!(rows.len(), 3, "{stdout}");
    assert!(rows.iter().all(|r| r.contains("(1.00x)")), "{stdout}");
    // The break-even list: one line per model compared with sequential.
    assert!(stdout.contains("Break-even n"), "{stdout}");
    for m in models {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(&format!("- {m}: ")))
            .unwrap_or_else(|| panic!("no break-even line for {m}: {stdout}"));
        assert!(
            line.contains("never: not") || line.contains(" above)"),
            "{line}"
        );
    }

    // The folder: its Markdown, JSON and chart.
    let md = fs::read_to_string(out_dir.join("sweep.md")).unwrap();
    assert!(md.contains("Break-even n") && md.contains("speedup-vs-size.svg"));
    let json: Value =
        serde_json::from_str(&fs::read_to_string(out_dir.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(json["schema"], "concbench.sweep/1");
    let points = json["points"].as_array().unwrap();
    assert_eq!(points.len(), 3);
    for p in points {
        for case in p["cases"].as_array().unwrap() {
            assert_eq!(case["params"]["n"], p["value"]);
            assert_eq!(case["params"]["tasks"], 4);
            assert_eq!(case["verified"], true);
        }
    }
    assert_eq!(json["break_even"].as_array().unwrap().len(), models.len());
    assert!(out_dir.join("speedup-vs-size.png").is_file());

    let svg = fs::read_to_string(out_dir.join("speedup-vs-size.svg")).unwrap();
    // Model lines are the chart's only 5 px strokes: per model one line on the plot and
    // one in its legend row; sequential is the 1x guide, not a line.
    let line =
        regex::Regex::new(r#"<polyline[^>]*stroke="(#[0-9A-Fa-f]{6})"[^>]*stroke-width="5""#)
            .unwrap();
    let strokes: Vec<String> = line
        .captures_iter(&svg)
        .map(|c| c[1].to_ascii_uppercase())
        .collect();
    for m in models {
        let n = strokes.iter().filter(|s| **s == colour(m)).count();
        assert_eq!(n, 2, "{m}: {strokes:?}");
    }
    assert_eq!(strokes.len(), 2 * models.len(), "{strokes:?}");
    assert!(!strokes.contains(&colour("sequential")));
    assert!(
        svg.contains("sequential (1×)"),
        "the 1x guide is in the legend"
    );
    assert!(svg.contains("Break-even n:"), "the break-evens are listed");
    for m in models {
        // Plotters writes a text element's content on a line of its own.
        assert!(
            svg.contains(&format!(">\n{m}\n</text>")),
            "legend misses {m}"
        );
    }
}

#[test]
fn a_sweep_without_out_writes_beside_and_refuses_someone_elses_folder() {
    let dir = scratch("default-dir");
    let args = [
        "run",
        "--profile",
        "smoke",
        "--repeats",
        "1",
        "--workload",
        "sum-squares",
        "--sweep",
        "n=10,20",
        "--model",
        "threads",
        "--workers",
        "1",
    ];
    let out = concbench().current_dir(&dir).args(args).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let folder = dir.join("sweep-sum-squares-n");
    assert!(folder.join("sweep.md").is_file());
    assert!(folder.join("speedup-vs-size.svg").is_file());
    // Again: it replaces its own files.
    let out = concbench().current_dir(&dir).args(args).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A folder with someone else's file is refused before anything runs, and kept as it was.
    let theirs = dir.join("theirs");
    fs::create_dir_all(&theirs).unwrap();
    fs::write(theirs.join("notes.txt"), "mine").unwrap();
    let out = concbench()
        .current_dir(&dir)
        .args(args)
        .args(["--out", "theirs"])
        .output()
        .unwrap();
    rejected(&out, &["theirs", "concbench did not write"]);
    assert_eq!(
        fs::read_to_string(theirs.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(fs::read_dir(&theirs).unwrap().count(), 1);
}
