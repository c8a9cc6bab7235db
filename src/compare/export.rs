//! The comparison as JSON (the whole [`Comparison`] plus its regressions) and as CSV (one
//! row per case and machine, in plain units, for spreadsheets and CI checks).
//!
//! To add a CSV column, add it to [`CSV_HEADER`] and to both row builders in [`csv`].

use serde::Serialize;

use super::{Cell, Comparison, Row, WorkloadComparison};

/// The CSV header.
pub const CSV_HEADER: &[&str] = &[
    "workload",
    "kind",
    "model",
    "workers",
    "machine",
    "base",
    "present",
    "median_ns",
    "median_lower_ns",
    "median_upper_ns",
    "speedup",
    "speedup_lower",
    "speedup_upper",
    "ratio",
    "verdict",
    "significant",
    "basis",
    "p_value",
];

#[derive(Serialize)]
struct JsonOut<'a> {
    #[serde(flatten)]
    comparison: &'a Comparison,
    regressions: Vec<JsonRegression<'a>>,
}

#[derive(Serialize)]
struct JsonRegression<'a> {
    workload: &'a str,
    model: &'a str,
    workers: usize,
    machine: &'a str,
    ratio: Option<f64>,
}

/// Pretty JSON of the comparison, with a `regressions` list of the slower cases.
pub fn json(c: &Comparison) -> String {
    let out = JsonOut {
        comparison: c,
        regressions: c
            .regressions()
            .iter()
            .map(|r| JsonRegression {
                workload: r.workload,
                model: &r.row.model,
                workers: r.row.workers,
                machine: &r.cell.machine,
                ratio: r.cell.ratio,
            })
            .collect(),
    };
    // Every map key is a string and non-finite floats become null: this cannot fail.
    serde_json::to_string_pretty(&out).expect("a comparison serializes to JSON") + "\n"
}

/// CSV: one row per (compared case, machine), then one per case only some machines have
/// (verdict `not compared`, figures empty).
pub fn csv(c: &Comparison) -> String {
    let mut out = CSV_HEADER.join(",");
    out.push('\n');
    for w in &c.workloads {
        for row in &w.rows {
            for (i, cell) in row.cells.iter().enumerate() {
                push_row(&mut out, case_row(w, row, cell, i == 0));
            }
        }
        for case in &w.one_sided {
            for label in &case.on {
                let mut fields = vec![String::new(); CSV_HEADER.len()];
                fields[..7].clone_from_slice(&[
                    w.workload.clone(),
                    w.kind.name().to_string(),
                    case.id.clone().unwrap_or_else(|| case.model.clone()),
                    if case.id.is_some() {
                        String::new()
                    } else {
                        case.workers.to_string()
                    },
                    label.clone(),
                    (label == c.base()).to_string(),
                    "true".to_string(),
                ]);
                fields[14] = "not compared".to_string();
                push_row(&mut out, fields);
            }
        }
    }
    out
}

fn case_row(w: &WorkloadComparison, row: &Row, cell: &Cell, base: bool) -> Vec<String> {
    let num = |v: Option<f64>| {
        v.filter(|v| v.is_finite())
            .map_or(String::new(), |v| v.to_string())
    };
    let (verdict, significant, basis, p) = match (&cell.judgement, base) {
        (_, true) => ("base".to_string(), String::new(), String::new(), None),
        (Some(j), false) => (
            j.verdict.name().to_string(),
            j.significant.to_string(),
            j.basis(),
            j.evidence.p(),
        ),
        (None, false) => (
            if cell.present { "untimed" } else { "missing" }.to_string(),
            String::new(),
            String::new(),
            None,
        ),
    };
    vec![
        w.workload.clone(),
        w.kind.name().to_string(),
        row.id.clone().unwrap_or_else(|| row.model.clone()),
        if row.id.is_some() {
            String::new()
        } else {
            row.workers.to_string()
        },
        cell.machine.clone(),
        base.to_string(),
        cell.present.to_string(),
        num(cell.time_ns.map(|t| t.point)),
        num(cell.time_ns.map(|t| t.lower)),
        num(cell.time_ns.map(|t| t.upper)),
        num(cell.speedup.map(|s| s.point)),
        num(cell.speedup.map(|s| s.lower)),
        num(cell.speedup.map(|s| s.upper)),
        num(if base { Some(1.0) } else { cell.ratio }),
        verdict,
        significant,
        basis,
        num(p),
    ]
}

fn push_row(out: &mut String, fields: Vec<String>) {
    let quoted: Vec<String> = fields.iter().map(|f| field(f)).collect();
    out.push_str(&quoted.join(","));
    out.push('\n');
}

/// Quotes a field when it holds a comma, a quote or a line break (RFC 4180).
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}
