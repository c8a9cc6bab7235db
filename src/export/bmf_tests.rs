//! Tests of the BMF export on the committed fixtures: the documented shape (benchmark names
//! as keys, measure slugs inside, each a `value` with optional ordered bounds), the exact
//! figures, what is left out, and what `--out` may replace.

use std::path::Path;

use serde_json::Value;

use super::*;
use crate::export::{ExportError, ExportFormat, write_out};

const VALID: &str = include_str!("../../tests/fixtures/results/valid.json");
const ROUNDS: &str = include_str!("../../tests/fixtures/compare/rounds-a.json");

fn results(text: &str) -> Results {
    Results::from_json(text, Path::new("fixture.json")).unwrap()
}

fn exported(text: &str) -> (Export, Value) {
    let export = Bmf.export(&results(text)).unwrap();
    let json: Value = serde_json::from_str(&export.text).unwrap();
    (export, json)
}

/// Checks the shape the format documents: a non-empty object of benchmarks, each a
/// non-empty object of measures (slugs concbench writes), each an object with a numeric
/// `value` and, both or neither, numeric `lower_value` ≤ `value` ≤ `upper_value`; nothing
/// else.
fn assert_bmf_shape(json: &Value) {
    let benchmarks = json.as_object().expect("a JSON object");
    assert!(!benchmarks.is_empty());
    for (name, measures) in benchmarks {
        let measures = measures.as_object().expect("measures are an object");
        assert!(!measures.is_empty(), "{name} has no measure");
        for (slug, metric) in measures {
            assert!(MEASURES.contains(&slug.as_str()), "{name}: slug {slug}");
            let fields = metric.as_object().expect("a metric is an object");
            for key in fields.keys() {
                assert!(
                    ["value", "lower_value", "upper_value"].contains(&key.as_str()),
                    "{name} {slug}: unexpected field {key}"
                );
            }
            let value = fields["value"].as_f64().expect("value is a number");
            let lower = fields.get("lower_value").map(|v| v.as_f64().unwrap());
            let upper = fields.get("upper_value").map(|v| v.as_f64().unwrap());
            assert_eq!(lower.is_some(), upper.is_some(), "{name} {slug}");
            if let (Some(lower), Some(upper)) = (lower, upper) {
                assert!(lower <= value && value <= upper, "{name} {slug}: {metric}");
            }
        }
    }
}

fn metric(json: &Value, name: &str, slug: &str) -> (f64, Option<f64>, Option<f64>) {
    let m = &json[name][slug];
    assert!(m.is_object(), "{name} has no {slug}: {json}");
    (
        m["value"].as_f64().unwrap(),
        m.get("lower_value").map(|v| v.as_f64().unwrap()),
        m.get("upper_value").map(|v| v.as_f64().unwrap()),
    )
}

fn slugs(json: &Value, name: &str) -> Vec<String> {
    let mut slugs: Vec<String> = json[name].as_object().unwrap().keys().cloned().collect();
    slugs.sort();
    slugs
}

#[test]
fn the_valid_fixture_exports_its_timed_cases_and_overhead_records() {
    let (export, json) = exported(VALID);
    assert_bmf_shape(&json);
    let mut names: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "overhead/floor/thread-spawn-join",
            "overhead/process/1000",
            "sleep/sequential/1",
            "sum-squares/process/2",
            "sum-squares/sequential/1",
            "sum-squares/threads/2",
        ]
    );
    assert_eq!(export.benchmarks, 6);
    assert_eq!(
        export.skipped,
        [Skipped {
            name: "sleep/tokio-current/2".into(),
            why: "no time"
        }]
    );

    // Latency: the mean batch time and its bounds, in ns.
    assert_eq!(
        metric(&json, "sum-squares/threads/2", LATENCY),
        (2100500.0, Some(2050500.0), Some(2200500.0))
    );
    // Peak memory of the whole process tree, in bytes, without bounds.
    assert_eq!(
        metric(&json, "sum-squares/process/2", PEAK_MEMORY),
        (8454144.0, None, None)
    );
    // Speedup from the median times (a version-1 file): seq / case, bounds crossed.
    assert_eq!(
        metric(&json, "sum-squares/threads/2", SPEEDUP),
        (
            4000000.0 / 2100000.0,
            Some(3960000.0 / 2200000.0),
            Some(4040000.0 / 2050000.0)
        )
    );
    assert_eq!(
        slugs(&json, "sum-squares/sequential/1"),
        [LATENCY, PEAK_MEMORY, SPEEDUP]
    );
    // No probe: no peak memory.
    assert_eq!(slugs(&json, "sleep/sequential/1"), [LATENCY, SPEEDUP]);
    // Overhead records: ns per task as latency.
    assert_eq!(
        metric(&json, "overhead/process/1000", LATENCY),
        (9500.0, Some(9300.0), Some(9800.0))
    );
    assert_eq!(
        metric(&json, "overhead/floor/thread-spawn-join", LATENCY),
        (21000.0, Some(20500.0), Some(21800.0))
    );
    assert_eq!(slugs(&json, "overhead/process/1000"), [LATENCY]);
}

#[test]
fn benchmarks_keep_the_order_of_the_results_file() {
    let (export, _) = exported(VALID);
    let at = |name: &str| export.text.find(&format!("\"{name}\": {{")).unwrap();
    let order = [
        "sum-squares/sequential/1",
        "sum-squares/threads/2",
        "sum-squares/process/2",
        "sleep/sequential/1",
        "overhead/process/1000",
        "overhead/floor/thread-spawn-join",
    ];
    assert!(order.windows(2).all(|w| at(w[0]) < at(w[1])));
    assert!(export.text.ends_with("}\n"));
}

#[test]
fn a_rounds_file_exports_latency_and_speedup_per_case() {
    let r = results(ROUNDS);
    let (export, json) = exported(ROUNDS);
    assert_bmf_shape(&json);
    assert_eq!(export.benchmarks, r.cases.len());
    assert!(export.skipped.is_empty());
    for c in &r.cases {
        let name = case_name(c);
        assert_eq!(slugs(&json, &name), [LATENCY, SPEEDUP], "{name}");
        let mean = c.time.as_ref().unwrap().mean;
        assert_eq!(
            metric(&json, &name, LATENCY),
            (mean.point, Some(mean.lower), Some(mean.upper))
        );
        let s = r.speedup(c).unwrap();
        assert_eq!(
            metric(&json, &name, SPEEDUP),
            (s.point, Some(s.lower), Some(s.upper))
        );
    }
    assert!(json.get("sleep/tokio-current/2").is_some());
}

#[test]
fn bounds_are_kept_only_when_finite_and_ordered() {
    let e = |point, lower, upper| Estimate {
        point,
        lower,
        upper,
    };
    let kept = Metric::estimate(e(2.0, 1.0, 3.0)).unwrap();
    assert_eq!((kept.lower_value, kept.upper_value), (Some(1.0), Some(3.0)));
    let flat = Metric::estimate(e(2.0, 2.0, 2.0)).unwrap();
    assert_eq!((flat.lower_value, flat.upper_value), (Some(2.0), Some(2.0)));
    for bad in [
        e(2.0, 2.5, 3.0),
        e(2.0, 1.0, 1.5),
        e(2.0, f64::NAN, 3.0),
        e(2.0, 1.0, f64::INFINITY),
    ] {
        let m = Metric::estimate(bad).unwrap();
        assert_eq!((m.value, m.lower_value, m.upper_value), (2.0, None, None));
    }
    assert!(Metric::estimate(e(f64::NAN, 1.0, 3.0)).is_none());
    assert!(Metric::value(f64::INFINITY).is_none());
    let json = serde_json::to_string(&Metric::value(5.0).unwrap()).unwrap();
    assert_eq!(json, r#"{"value":5.0}"#);
}

#[test]
fn a_case_without_a_usable_time_is_skipped_and_counted() {
    let mut r = results(VALID);
    r.cases[1].time.as_mut().unwrap().mean.point = f64::NAN;
    let export = Bmf.export(&r).unwrap();
    assert_eq!(export.benchmarks, 5);
    let skipped: Vec<&str> = export.skipped.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(skipped, ["sum-squares/threads/2", "sleep/tokio-current/2"]);
    assert!(!export.text.contains("sum-squares/threads/2"));
}

#[test]
fn nothing_to_export_and_a_case_twice_are_errors() {
    let mut r = results(VALID);
    r.cases.push(r.cases[1].clone());
    let err = Bmf.export(&r).unwrap_err();
    assert!(
        matches!(&err, ExportError::DuplicateBenchmark { name } if name == "sum-squares/threads/2"),
        "{err}"
    );
    let mut r = results(VALID);
    for c in &mut r.cases {
        c.time = None;
    }
    r.overhead.clear();
    assert!(matches!(
        Bmf.export(&r).unwrap_err(),
        ExportError::NothingToExport
    ));
}

#[test]
fn only_an_earlier_export_counts_as_its_own() {
    let (export, _) = exported(VALID);
    assert_eq!(Bmf.foreign(export.text.as_bytes()), None);
    assert_eq!(Bmf.foreign(exported(ROUNDS).0.text.as_bytes()), None);
    let why = |text: &str| Bmf.foreign(text.as_bytes()).expect("foreign");
    assert!(why(VALID).contains("'schema'"));
    assert!(why("").contains("empty"));
    assert!(why("name,value\n").contains("not JSON"));
    assert!(why("{}").contains("not a JSON object of benchmarks"));
    assert!(why("[1, 2]").contains("not a JSON object of benchmarks"));
    assert!(why(r#"{"benchmark_name": {"latency": {"value": 1}}}"#).contains("benchmark_name"));
    assert!(why(r#"{"sleep/threads/2": {"throughput": {"value": 1}}}"#).contains("'throughput'"));
    assert!(why(r#"{"sleep/threads/2": {"latency": {"value": "1"}}}"#).contains("not a metric"));
    assert!(
        why(r#"{"sleep/threads/2": {"latency": {"value": 1, "note": 2}}}"#)
            .contains("not a metric")
    );
    assert!(why(r#"{"sleep/threads/x": {"latency": {"value": 1}}}"#).contains("sleep/threads/x"));
    assert!(why(r#"{"sleep/threads/2": {}}"#).contains("no measures"));
}

#[test]
fn out_replaces_an_earlier_export_and_nothing_else() {
    let exporter = ExportFormat::Bmf.exporter();
    let dir = tempfile::tempdir().unwrap();
    let (export, _) = exported(VALID);
    let out = dir.path().join("sub/bmf.json");
    write_out(exporter, &export, &out).unwrap();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), export.text);
    let (other, _) = exported(ROUNDS);
    write_out(exporter, &other, &out).unwrap();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), other.text);

    let notes = dir.path().join("notes.json");
    std::fs::write(&notes, "{\"mine\": true}").unwrap();
    let err = write_out(exporter, &export, &notes).unwrap_err();
    assert!(matches!(err, ExportError::NotAnExport { .. }), "{err}");
    assert!(err.is_bad_input());
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "{\"mine\": true}");

    let err = write_out(exporter, &export, dir.path()).unwrap_err();
    assert!(matches!(err, ExportError::OutIsFolder { .. }), "{err}");
    let mut left: Vec<String> = std::fs::read_dir(dir.path().join("sub"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["bmf.json"], "no temp file is left behind");
}
