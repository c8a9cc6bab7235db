//! Results files and criterion import, on the committed fixtures under `tests/fixtures/`.
//!
//! `criterion/normal` is a real-shaped criterion 0.8 folder (2 groups x 2 functions x 2
//! values, made-up but consistent numbers: every sample's time per iteration is a whole
//! number of ns, the mean and median are those of the samples); `extra-groups` adds another
//! project's groups, a saved baseline and criterion's `report/` folders; `missing-estimates`
//! lacks one `estimates.json`; `extra-fields` has fields criterion 0.8 does not write.
//! `results/` holds a valid schema-1 file, one of an unknown version and a corrupt one, a
//! hollow one (no case, overhead or sync record) and one with only three sync records.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use concbench::results::criterion::{CriterionId, ImportError, import};
use concbench::results::{
    READABLE_SCHEMAS, Results, ResultsError, SCHEMA, write_atomic, write_atomic_with, write_results,
};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("results-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// File names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn concbench_ids(cases: &[(&str, &str, usize)]) -> HashSet<CriterionId> {
    cases
        .iter()
        .map(|&(w, m, n)| CriterionId::case(w, m, n))
        .collect()
}

// ---------------------------------------------------------------- criterion import

#[test]
fn a_normal_run_imports_with_the_exact_numbers() {
    let all = import(&fixture("criterion/normal"), |_| true).unwrap();
    let ids: Vec<String> = all.iter().map(|b| b.id.to_string()).collect();
    assert_eq!(
        ids,
        [
            "sleep/threads/1",
            "sleep/threads/2",
            "sleep/tokio/1",
            "sleep/tokio/2",
            "sum-squares/rayon/1",
            "sum-squares/rayon/2",
            "sum-squares/threads/1",
            "sum-squares/threads/2",
        ]
    );

    let b = &all[6];
    assert_eq!(b.id, CriterionId::case("sum-squares", "threads", 1));
    assert_eq!(b.id.value_number(), Some(1));
    assert!(b.dir.ends_with("sum-squares/threads/1/new"));
    assert_eq!(
        (b.mean.point, b.mean.lower, b.mean.upper),
        (1_000_000.5, 999_985.5, 1_000_015.5)
    );
    assert_eq!(
        (b.median.point, b.median.lower, b.median.upper),
        (1_000_002.5, 999_992.5, 1_000_022.5)
    );
    assert_eq!(b.std_dev_ns, 21.141060627235436);
    assert_eq!(b.confidence_level, 0.95);
    assert_eq!(b.samples(), 10);
    assert_eq!(
        b.per_iteration_ns,
        [
            999_970.0,
            999_990.0,
            1_000_000.0,
            1_000_010.0,
            1_000_020.0,
            999_980.0,
            1_000_040.0,
            1_000_005.0,
            1_000_010.0,
            999_980.0
        ]
    );
    assert!(b.measured_at.is_some());

    // The per-iteration samples are consistent with the estimates.
    for b in &all {
        let mean = b.per_iteration_ns.iter().sum::<f64>() / b.samples() as f64;
        assert!((mean - b.mean.point).abs() < 1e-6, "{}", b.id);
    }

    let t = b.time_estimate();
    assert_eq!((t.mean, t.median, t.samples), (b.mean, b.median, 10));
    assert_eq!(t.sample_ns, b.per_iteration_ns);

    // A keep set picks a subset.
    let wanted = concbench_ids(&[("sleep", "tokio", 2), ("sum-squares", "rayon", 1)]);
    let some = import(&fixture("criterion/normal"), |id| wanted.contains(id)).unwrap();
    let got: HashSet<CriterionId> = some.into_iter().map(|b| b.id).collect();
    assert_eq!(got, wanted);
}

#[test]
fn other_groups_baselines_and_reports_are_ignored_and_ids_come_from_benchmark_json() {
    let wanted = concbench_ids(&[
        ("sum-squares", "threads", 1),
        ("sum-squares", "threads", 2),
        ("sum-squares", "threads", 8),
    ]);
    let seen = RefCell::new(Vec::new());
    let got = import(&fixture("criterion/extra-groups"), |id| {
        seen.borrow_mut().push(id.clone());
        wanted.contains(id)
    })
    .unwrap();
    let ids: Vec<String> = got.iter().map(|b| b.id.to_string()).collect();
    // sum-squares/threads/8's folder holds another project's "legacy sum-squares" group.
    assert_eq!(ids, ["sum-squares/threads/1", "sum-squares/threads/2"]);
    assert!(got.iter().all(|b| b.dir.ends_with("new")));

    let seen = seen.into_inner();
    assert_eq!(seen.len(), 5, "{seen:?}");
    // The id is "parse/json" even though criterion's folder is "parse_json".
    let foreign = seen.iter().find(|id| id.group == "parse/json").unwrap();
    assert_eq!(foreign.value.as_deref(), Some("small"));
    assert_eq!(
        foreign.value_number(),
        None,
        "a non-numeric value is not a panic"
    );
    assert!(seen.iter().any(|id| id.group == "legacy sum-squares"));
}

#[test]
fn a_missing_estimates_file_is_an_error_naming_its_path() {
    let dir = fixture("criterion/missing-estimates");
    let wanted = concbench_ids(&[("sum-squares", "threads", 1), ("sum-squares", "threads", 2)]);
    let err = import(&dir, |id| wanted.contains(id)).unwrap_err();
    let expected = dir.join("sum-squares/threads/2/new/estimates.json");
    match &err {
        ImportError::MissingFile { path, id } => {
            assert_eq!(path, &expected);
            assert_eq!(id, "sum-squares/threads/2");
        }
        other => panic!("wrong error: {other}"),
    }
    let text = err.to_string();
    assert!(text.contains(&expected.display().to_string()), "{text}");
    assert!(!text.contains('\n'), "one line: {text}");

    // The broken case is not read when it is not kept.
    let only_one = concbench_ids(&[("sum-squares", "threads", 1)]);
    let got = import(&dir, |id| only_one.contains(id)).unwrap();
    assert_eq!(got.len(), 1);
}

#[test]
fn unexpected_fields_are_accepted() {
    let got = import(&fixture("criterion/extra-fields"), |_| true).unwrap();
    assert_eq!(got.len(), 1);
    let b = &got[0];
    assert_eq!(b.id, CriterionId::case("sum-squares", "threads", 4));
    assert_eq!(b.id.value_number(), Some(4));
    assert_eq!(b.mean.point, 300_000.5);
    assert_eq!(b.median.point, 300_002.5);
    assert_eq!(b.samples(), 10);
}

#[test]
fn a_missing_folder_is_named() {
    let dir = scratch("no-folder").join("criterion");
    let err = import(&dir, |_| true).unwrap_err();
    assert!(matches!(err, ImportError::NoFolder(_)), "{err}");
    assert!(
        err.to_string().contains(&dir.display().to_string()),
        "{err}"
    );
    // A file given for the folder is named as a file.
    fs::create_dir_all(dir.parent().unwrap()).unwrap();
    fs::write(&dir, "{}").unwrap();
    let err = import(&dir, |_| true).unwrap_err();
    assert!(matches!(err, ImportError::NotAFolder(_)), "{err}");
    assert!(
        err.to_string()
            .contains("is a file, not a criterion folder"),
        "{err}"
    );
}

/// A copy of one normal case in a scratch folder, with one file replaced.
fn broken_case(name: &str, file: &str, text: &str) -> (PathBuf, PathBuf) {
    let root = scratch(name);
    let case = "sum-squares/threads/1";
    copy_dir(&fixture("criterion/normal").join(case), &root.join(case));
    let path = root.join(case).join("new").join(file);
    fs::write(&path, text).unwrap();
    (root, path)
}

#[test]
fn bad_criterion_files_name_the_file_and_field() {
    let cases = [
        (
            "estimates.json",
            r#"{"mean": {"point_estimate": "fast"}}"#,
            "mean.point_estimate",
        ),
        (
            "estimates.json",
            r#"{"median": {}, "mean": {"point_estimate": 1.0, "confidence_interval": {"lower_bound": 1.0, "upper_bound": 2.0, "confidence_level": 0.95}}}"#,
            "median.point_estimate",
        ),
        (
            "sample.json",
            r#"{"iters": [1.0, 2.0], "times": [1.0]}"#,
            "times",
        ),
        (
            "sample.json",
            r#"{"iters": [1.0, "x"], "times": [1.0, 2.0]}"#,
            "iters[1]",
        ),
        ("sample.json", r#"{"iters": [], "times": []}"#, "iters"),
        (
            "benchmark.json",
            r#"{"function_id": "threads"}"#,
            "group_id",
        ),
    ];
    for (i, (file, text, field)) in cases.into_iter().enumerate() {
        let (root, path) = broken_case(&format!("bad-{i}"), file, text);
        let err = import(&root, |_| true).unwrap_err();
        let msg = err.to_string();
        assert!(
            matches!(&err, ImportError::Field { field: f, .. } if f == field),
            "case {i}: {msg}"
        );
        assert!(msg.contains(&path.display().to_string()), "case {i}: {msg}");
        assert!(msg.contains(&format!("'{field}'")), "case {i}: {msg}");
    }
}

#[test]
fn corrupt_and_missing_criterion_json_is_named() {
    let (root, path) = broken_case("truncated", "estimates.json", "{\"mean\": {");
    let err = import(&root, |_| true).unwrap_err();
    assert!(matches!(err, ImportError::Corrupt { line: 1, .. }), "{err}");
    assert!(err.to_string().contains(&path.display().to_string()));

    let (root, path) = broken_case("no-benchmark-json", "benchmark.json", "");
    fs::remove_file(&path).unwrap();
    let err = import(&root, |id| {
        id == &CriterionId::case("sum-squares", "threads", 1)
    })
    .unwrap_err();
    assert!(matches!(err, ImportError::MissingFile { .. }), "{err}");
    assert!(err.to_string().contains(&path.display().to_string()));
    // Not ours: ignored.
    assert!(import(&root, |id| id.group == "other").unwrap().is_empty());
}

// ---------------------------------------------------------------- results files

#[test]
fn the_valid_fixture_reads_with_its_values() {
    let r = Results::read(&fixture("results/valid.json")).unwrap();
    // A version-1 file: still read, and its tag kept as written.
    assert_eq!(r.schema, "concbench.results/1");
    assert_ne!(r.schema, SCHEMA);
    assert!(READABLE_SCHEMAS.contains(&r.schema.as_str()));
    assert_eq!(r.run.profile, concbench::Profile::Smoke);
    assert_eq!(r.run.workers, [1, 2]);
    assert_eq!(r.run.criterion.sample_size, 10);
    assert_eq!(r.cases.len(), 5);
    assert_eq!(r.overhead.len(), 2);
    assert_eq!(r.overhead[1].model, None);

    let seq = r.case("sum-squares", "sequential", 1).unwrap();
    assert_eq!(seq.checksum, 0x9e37_79b9_7f4a_7c15);
    assert_eq!(seq.kind, concbench::Kind::Cpu);
    assert_eq!(seq.params["n"], 200_000);
    assert_eq!(seq.time.as_ref().unwrap().sample_ns.len(), 3);

    let process = r.case("sum-squares", "process", 2).unwrap();
    let mem = process.memory.as_ref().unwrap();
    assert_eq!(
        mem.peak_rss_bytes,
        mem.parent_peak_rss_bytes + mem.workers_peak_rss_bytes.iter().sum::<u64>()
    );
    assert!(process.time.as_ref().unwrap().sample_ns.is_empty());

    let threads = r.case("sum-squares", "threads", 2).unwrap();
    let s = r.speedup(threads).unwrap();
    assert_eq!(s.point, 4_000_000.0 / 2_100_000.0);
    assert_eq!(s.lower, 3_960_000.0 / 2_200_000.0);
    assert_eq!(s.upper, 4_040_000.0 / 2_050_000.0);
    assert!(s.lower < s.point && s.point < s.upper);

    // Untimed case, or untimed baseline: no speedup.
    assert!(
        r.speedup(r.case("sleep", "tokio-current", 2).unwrap())
            .is_none()
    );
    assert!(r.case("sleep", "sequential", 1).unwrap().memory.is_none());

    // The machine is a real fingerprint.
    assert_eq!(r.machine.logical_cores, 2);
}

#[test]
fn a_results_file_round_trips() {
    let dir = scratch("round-trip");
    let original = Results::read(&fixture("results/valid.json")).unwrap();
    let path = dir.join("reports/machine/results.json");
    write_results(&path, &original).unwrap();
    let back = Results::read(&path).unwrap();
    assert_eq!(back, original);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"schema\": \"concbench.results/1\""));
    assert!(text.contains("\"checksum\": \"0x9e3779b97f4a7c15\""));
    assert_eq!(names(path.parent().unwrap()), ["results.json"]);
}

#[test]
fn an_unknown_schema_is_rejected_naming_file_and_versions() {
    let path = fixture("results/unknown-schema.json");
    let err = Results::read(&path).unwrap_err();
    assert!(
        matches!(&err, ResultsError::UnknownSchema { found, .. } if found == "concbench.results/99"),
        "{err}"
    );
    let text = err.to_string();
    for part in [
        path.display().to_string(),
        "concbench.results/99".into(),
        "concbench.results/1".into(),
    ] {
        assert!(text.contains(&part), "{text} lacks {part}");
    }

    let err = Results::from_json(r#"{"schema": 1}"#, Path::new("n.json")).unwrap_err();
    assert!(
        matches!(&err, ResultsError::UnknownSchema { found, .. } if found == "1"),
        "{err}"
    );
}

#[test]
fn a_corrupt_file_names_file_position_and_field() {
    let path = fixture("results/corrupt.json");
    let err = Results::read(&path).unwrap_err();
    let text = err.to_string();
    match &err {
        ResultsError::Corrupt { line, field, .. } => {
            assert_eq!(*line, 148);
            assert_eq!(field, "cases[2].time.median.point");
        }
        other => panic!("wrong error: {other}"),
    }
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(text.contains("cases[2].time.median.point"), "{text}");
    assert!(!text.contains('\n'), "one line: {text}");

    let valid = fs::read_to_string(fixture("results/valid.json")).unwrap();
    let truncated = &valid[..valid.len() / 2];
    let err = Results::from_json(truncated, Path::new("half.json")).unwrap_err();
    assert!(matches!(err, ResultsError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("half.json"));

    let err = Results::read(&scratch("absent").join("results.json")).unwrap_err();
    assert!(matches!(err, ResultsError::Read { .. }), "{err}");
}

// ---------------------------------------------------------------- atomic writes

#[test]
fn an_interrupted_write_keeps_the_old_file_and_leaves_no_temp() {
    let dir = scratch("interrupted");
    let path = dir.join("results.json");
    let good = Results::read(&fixture("results/valid.json")).unwrap();
    write_results(&path, &good).unwrap();
    let before = fs::read(&path).unwrap();

    // A write that fails half-way through.
    let err = write_atomic_with(&path, |f| {
        f.write_all(&before[..before.len() / 2])?;
        Err(std::io::Error::other("disk full"))
    })
    .unwrap_err();
    assert!(matches!(err, ResultsError::Write { .. }), "{err}");
    assert!(err.to_string().contains("results.json"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(names(&dir), ["results.json"]);

    // Results that would not read back (NaN becomes null) are refused before writing.
    let mut bad = good.clone();
    bad.cases[1].time.as_mut().unwrap().std_dev_ns = f64::NAN;
    let err = write_results(&path, &bad).unwrap_err();
    match &err {
        ResultsError::Unwritable { field, .. } => {
            assert_eq!(field, "cases[1].time.std_dev_ns")
        }
        other => panic!("wrong error: {other}"),
    }
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(names(&dir), ["results.json"]);

    // A rename that fails (the target is a folder) removes the temp file.
    let folder = dir.join("taken");
    fs::create_dir(&folder).unwrap();
    fs::write(folder.join("keep.txt"), b"x").unwrap();
    let err = write_atomic(&folder, b"new").unwrap_err();
    assert!(matches!(err, ResultsError::Write { .. }), "{err}");
    assert_eq!(names(&dir), ["results.json", "taken"]);
    assert_eq!(names(&folder), ["keep.txt"]);

    // A parent that is a file cannot be created.
    let err = write_atomic(&path.join("inner.json"), b"new").unwrap_err();
    assert!(matches!(err, ResultsError::Write { .. }), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before);
}

// ---------------------------------------------------------------- impossible values

/// A change to a results file's JSON.
type Edit = fn(&mut serde_json::Value);

/// The valid fixture as JSON, changed by `edit`, written to a fresh file.
fn edited(name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let mut value: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(fixture("results/valid.json")).unwrap()).unwrap();
    edit(&mut value);
    let path = scratch(name).join(format!("{name}.json"));
    fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    path
}

/// `concbench <command> <path> [extra]` fails with exit status 2 and one `error:` line
/// naming the file and `needle`.
fn refused_by(command: &str, path: &Path, extra: &[&Path], needle: &str) {
    let assert = Command::cargo_bin("concbench")
        .unwrap()
        .arg(command)
        .arg(path)
        .args(extra)
        .args(["--out"])
        .arg(path.with_extension("out"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: ")
            && stderr.contains(&path.display().to_string())
            && stderr.contains(needle),
        "{command}: {stderr}"
    );
    assert!(!path.with_extension("out").exists(), "nothing written");
}

#[test]
fn impossible_values_are_refused_naming_their_field() {
    let cases: [(&str, Edit, &str); 5] = [
        (
            "negative-median",
            |v| v["cases"][1]["time"]["median"]["point"] = (-4.0e6).into(),
            "cases[1].time.median.point",
        ),
        (
            "bounds-swapped",
            |v| {
                let median = &mut v["cases"][2]["time"]["median"];
                let lower = median["lower"].clone();
                median["lower"] = median["upper"].clone();
                median["upper"] = lower;
            },
            "cases[2].time.median.lower",
        ),
        (
            "zero-workers",
            |v| v["cases"][3]["workers"] = 0.into(),
            "cases[3].workers",
        ),
        (
            "negative-overhead",
            |v| v["overhead"][0]["ns_per_task"]["lower"] = (-1.0).into(),
            "overhead[0].ns_per_task.lower",
        ),
        (
            "negative-sample",
            |v| v["cases"][0]["time"]["sample_ns"][1] = (-1.0).into(),
            "cases[0].time.sample_ns[1]",
        ),
    ];
    let other = fixture("results/valid.json");
    for (name, edit, field) in cases {
        let path = edited(name, edit);
        let err = Results::read(&path).unwrap_err();
        assert!(
            matches!(&err, ResultsError::Invalid { field: f, .. } if f == field),
            "{name}: {err}"
        );
        let needle = format!("invalid (field '{field}')");
        refused_by("report", &path, &[], &needle);
        refused_by("compare", &path, &[&other], &needle);
    }
}

#[test]
fn a_number_too_large_for_a_float_is_corrupt() {
    let text = fs::read_to_string(fixture("results/valid.json"))
        .unwrap()
        .replacen("4000000.0", "1e999", 1);
    let err = Results::from_json(&text, Path::new("huge.json")).unwrap_err();
    assert!(matches!(err, ResultsError::Corrupt { .. }), "{err}");
}

#[test]
fn a_missing_field_is_named_where_it_is_missing() {
    let path = edited("no-machine", |v| {
        v.as_object_mut().unwrap().remove("machine");
    });
    let err = Results::read(&path).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("(field 'machine'): missing field `machine`"),
        "{text}"
    );
    refused_by("report", &path, &[], "(field 'machine')");

    let path = edited("no-lower", |v| {
        v["cases"][2]["time"]["median"]
            .as_object_mut()
            .unwrap()
            .remove("lower");
    });
    let text = Results::read(&path).unwrap_err().to_string();
    assert!(
        text.contains("(field 'cases[2].time.median.lower'): missing field `lower`"),
        "{text}"
    );
}

#[test]
fn a_file_holds_measurements_when_it_has_cases_overhead_or_sync_records() {
    let hollow_path = fixture("results/hollow.json");
    let hollow = Results::read(&hollow_path).unwrap();
    assert!(!hollow.has_measurements());
    let err = hollow.require_measurements(&hollow_path).unwrap_err();
    assert!(matches!(err, ResultsError::NoMeasurements { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("hollow.json holds no measurements")
    );

    let sync = Results::read(&fixture("results/sync-only.json")).unwrap();
    assert!(sync.cases.is_empty() && sync.overhead.is_empty());
    assert_eq!(sync.sync.len(), 3);
    assert!(sync.has_measurements());

    let mut overhead = Results::read(&fixture("results/valid.json")).unwrap();
    overhead.cases.clear();
    assert!(overhead.has_measurements());
}

#[test]
fn results_that_would_be_refused_on_reading_are_not_written() {
    let dir = scratch("unwritable");
    let path = dir.join("results.json");
    let mut bad = Results::read(&fixture("results/valid.json")).unwrap();
    bad.cases[4].workers = 0;
    let err = write_results(&path, &bad).unwrap_err();
    match &err {
        ResultsError::Unwritable { field, .. } => assert_eq!(field, "cases[4].workers"),
        other => panic!("wrong error: {other}"),
    }
    assert!(names(&dir).is_empty());
}
