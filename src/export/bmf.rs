//! The Bencher Metric Format (BMF): the JSON that Bencher's `json` adapter reads.
//!
//! Its shape: one object whose keys are benchmark names; each holds an object whose keys are
//! measure slugs; each of those holds a metric, `value` (a number, required) with optional
//! `lower_value` and `upper_value`. Bencher creates a measure the first time it sees its
//! slug; `latency` is built in and counts nanoseconds.
//!
//! What concbench writes:
//!
//! | benchmark | measure | value | bounds |
//! |---|---|---|---|
//! | `<workload>/<model>/<workers>` | `latency` | mean batch time, ns | its confidence interval |
//! | | `peak-memory` | peak RSS of the process tree, bytes | none (one probe) |
//! | | `speedup` | over the same run's sequential case (x) | its confidence interval |
//! | `overhead/<model>/<batch>` (floors: `overhead/<floor id>`) | `latency` | ns per task | its confidence interval |
//!
//! A case without a time is left out (and listed in [`super::Export::skipped`]); a measure
//! the case lacks (no probe, no timed sequential case) is left out of its benchmark. Bounds
//! are written only when both are finite and `lower ≤ value ≤ upper`.
//!
//! To add a measure: a slug in [`MEASURES`] and one line in `case_measures`.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::{Export, ExportError, Exporter, Skipped};
use crate::measure::Estimate;
use crate::results::schema::{CaseRecord, OverheadRecord, Results};

/// Slug of the built-in measure of time, in nanoseconds.
pub const LATENCY: &str = "latency";
/// Slug of peak memory, in bytes.
pub const PEAK_MEMORY: &str = "peak-memory";
/// Slug of the speedup over sequential, a ratio.
pub const SPEEDUP: &str = "speedup";
/// Every measure slug concbench writes.
pub const MEASURES: &[&str] = &[LATENCY, PEAK_MEMORY, SPEEDUP];

/// The BMF exporter (`--format bmf`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Bmf;

/// One measure's figure: a value with optional bounds, in the measure's unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Metric {
    /// The figure.
    pub value: f64,
    /// Lower confidence bound; never above `value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_value: Option<f64>,
    /// Upper confidence bound; never below `value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper_value: Option<f64>,
}

impl Metric {
    /// A value without bounds; `None` when it is not finite (JSON cannot carry it).
    pub fn value(value: f64) -> Option<Metric> {
        value.is_finite().then_some(Metric {
            value,
            lower_value: None,
            upper_value: None,
        })
    }

    /// An estimate with its bounds; the bounds are dropped unless both are finite and
    /// ordered around the point. `None` when the point is not finite.
    pub fn estimate(e: Estimate) -> Option<Metric> {
        let mut metric = Metric::value(e.point)?;
        if e.lower.is_finite() && e.upper.is_finite() && e.lower <= e.point && e.point <= e.upper {
            metric.lower_value = Some(e.lower);
            metric.upper_value = Some(e.upper);
        }
        Some(metric)
    }
}

/// One benchmark: its name and its measures, in [`MEASURES`] order.
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    /// `<workload>/<model>/<workers>` or `overhead/...`.
    pub name: String,
    /// (slug, metric) pairs.
    pub measures: Vec<(&'static str, Metric)>,
}

/// A whole BMF document: the benchmarks in the results file's order, and what was left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Cases first, then overhead records.
    pub benchmarks: Vec<Benchmark>,
    /// Records left out, with why.
    pub skipped: Vec<Skipped>,
}

impl Serialize for Document {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.benchmarks.len()))?;
        for b in &self.benchmarks {
            map.serialize_entry(&b.name, &Measures(&b.measures))?;
        }
        map.end()
    }
}

struct Measures<'a>(&'a [(&'static str, Metric)]);

impl Serialize for Measures<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (slug, metric) in self.0 {
            map.serialize_entry(slug, metric)?;
        }
        map.end()
    }
}

/// The benchmark name of a case: `<workload>/<model>/<workers>`.
pub fn case_name(c: &CaseRecord) -> String {
    format!("{}/{}/{}", c.workload, c.model, c.workers)
}

/// The benchmark name of an overhead record: `overhead/<model>/<batch>`, or for a floor
/// (no model) `overhead/` and its criterion id.
pub fn overhead_name(r: &OverheadRecord) -> String {
    match &r.model {
        Some(model) => format!("overhead/{model}/{}", r.batch),
        None => format!("overhead/{}", r.name),
    }
}

/// The measures of one case; empty when it has no usable time.
fn case_measures(results: &Results, c: &CaseRecord) -> Vec<(&'static str, Metric)> {
    let Some(latency) = c.time.as_ref().and_then(|t| Metric::estimate(t.mean)) else {
        return Vec::new();
    };
    let mut measures = vec![(LATENCY, latency)];
    if let Some(m) = c
        .memory
        .as_ref()
        .and_then(|m| Metric::value(m.peak_rss_bytes as f64))
    {
        measures.push((PEAK_MEMORY, m));
    }
    if let Some(s) = results.speedup(c).and_then(Metric::estimate) {
        measures.push((SPEEDUP, s));
    }
    measures
}

/// Converts a results file into a BMF document (cases, then overhead records).
///
/// Errors: [`ExportError::DuplicateBenchmark`] when two records share a name.
pub fn document(results: &Results) -> Result<Document, ExportError> {
    let mut doc = Document {
        benchmarks: Vec::new(),
        skipped: Vec::new(),
    };
    let cases = results
        .cases
        .iter()
        .map(|c| (case_name(c), case_measures(results, c)));
    let overhead = results.overhead.iter().map(|r| {
        let latency = Metric::estimate(r.ns_per_task).map(|m| (LATENCY, m));
        (overhead_name(r), latency.into_iter().collect())
    });
    for (name, measures) in cases.chain(overhead) {
        if doc.benchmarks.iter().any(|b| b.name == name)
            || doc.skipped.iter().any(|s| s.name == name)
        {
            return Err(ExportError::DuplicateBenchmark { name });
        }
        if measures.is_empty() {
            doc.skipped.push(Skipped {
                name,
                why: "no time",
            });
        } else {
            doc.benchmarks.push(Benchmark { name, measures });
        }
    }
    Ok(doc)
}

impl Exporter for Bmf {
    fn name(&self) -> &'static str {
        "bmf"
    }

    fn export(&self, results: &Results) -> Result<Export, ExportError> {
        let doc = document(results)?;
        if doc.benchmarks.is_empty() {
            return Err(ExportError::NothingToExport);
        }
        // Keys are strings and every number is finite: this cannot fail.
        let text = serde_json::to_string_pretty(&doc).expect("a BMF document serializes") + "\n";
        Ok(Export {
            text,
            benchmarks: doc.benchmarks.len(),
            skipped: doc.skipped,
        })
    }

    fn foreign(&self, existing: &[u8]) -> Option<String> {
        let value: serde_json::Value = match serde_json::from_slice(existing) {
            Ok(v) => v,
            Err(_) if existing.iter().all(u8::is_ascii_whitespace) => {
                return Some("it is empty".into());
            }
            Err(_) => return Some("it is not JSON".into()),
        };
        let Some(benchmarks) = value.as_object().filter(|o| !o.is_empty()) else {
            return Some("it is not a JSON object of benchmarks".into());
        };
        if value.get("schema").is_some() {
            return Some("it has a 'schema' field, as a results file does".into());
        }
        for (name, measures) in benchmarks {
            if !is_concbench_name(name) {
                return Some(format!(
                    "it holds benchmark '{name}', not one concbench names"
                ));
            }
            let Some(measures) = measures.as_object().filter(|m| !m.is_empty()) else {
                return Some(format!("benchmark '{name}' holds no measures"));
            };
            for (slug, metric) in measures {
                if !MEASURES.contains(&slug.as_str()) {
                    return Some(format!(
                        "it holds measure '{slug}', which concbench does not write"
                    ));
                }
                if !is_metric(metric) {
                    return Some(format!("{name} {slug} is not a metric"));
                }
            }
        }
        None
    }
}

/// True for the names [`case_name`] and [`overhead_name`] give.
fn is_concbench_name(name: &str) -> bool {
    if let Some(rest) = name.strip_prefix("overhead/") {
        return !rest.is_empty();
    }
    let parts: Vec<&str> = name.split('/').collect();
    matches!(parts.as_slice(), [w, m, n]
        if !w.is_empty() && !m.is_empty() && n.parse::<usize>().is_ok())
}

/// True for `{"value": n}` with optional numeric `lower_value` and `upper_value`, nothing else.
fn is_metric(metric: &serde_json::Value) -> bool {
    let Some(fields) = metric.as_object() else {
        return false;
    };
    fields.get("value").is_some_and(|v| v.is_number())
        && fields.iter().all(|(k, v)| {
            ["value", "lower_value", "upper_value"].contains(&k.as_str()) && v.is_number()
        })
}

#[cfg(test)]
#[path = "bmf_tests.rs"]
mod tests;
