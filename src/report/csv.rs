//! `results.csv`: one row per case, every measured figure in plain units, for spreadsheets
//! and notebooks. To add a column, add it to [`HEADER`] and to the row in [`render`].

use crate::results::schema::{CaseRecord, Results};

/// The header row.
pub const HEADER: &[&str] = &[
    "workload",
    "kind",
    "model",
    "workers",
    "params",
    "checksum",
    "verified",
    "mean_ns",
    "mean_lower_ns",
    "mean_upper_ns",
    "median_ns",
    "median_lower_ns",
    "median_upper_ns",
    "samples",
    "speedup",
    "speedup_lower",
    "speedup_upper",
    "efficiency",
    "peak_rss_bytes",
    "parent_peak_rss_bytes",
    "user_cpu_s",
    "sys_cpu_s",
    "cpu_wall_s",
    "cpu_utilisation",
    "peak_threads",
    "measured_in",
];

/// Quotes a field when it holds a comma, a quote or a line break (RFC 4180).
pub(crate) fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn row(results: &Results, c: &CaseRecord) -> Vec<String> {
    let params = c
        .params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ");
    let speedup = results.speedup(c);
    let time = c.time.as_ref();
    vec![
        c.workload.clone(),
        c.kind.name().to_string(),
        c.model.clone(),
        c.workers.to_string(),
        params,
        format!("{:#018x}", c.checksum),
        c.verified.to_string(),
        opt(time.map(|t| t.mean.point)),
        opt(time.map(|t| t.mean.lower)),
        opt(time.map(|t| t.mean.upper)),
        opt(time.map(|t| t.median.point)),
        opt(time.map(|t| t.median.lower)),
        opt(time.map(|t| t.median.upper)),
        opt(time.map(|t| t.samples)),
        opt(speedup.map(|s| s.point)),
        opt(speedup.map(|s| s.lower)),
        opt(speedup.map(|s| s.upper)),
        opt(speedup.map(|s| s.point / c.workers as f64)),
        opt(c.memory.as_ref().map(|m| m.peak_rss_bytes)),
        opt(c.memory.as_ref().map(|m| m.parent_peak_rss_bytes)),
        opt(c.cpu.map(|u| u.user_s)),
        opt(c.cpu.map(|u| u.sys_s)),
        opt(c.cpu.map(|u| u.wall_s)),
        opt(c.cpu.map(|u| u.utilisation)),
        opt(c.peak_threads),
        c.measured_in.clone().unwrap_or_default(),
    ]
}

/// The whole CSV text, header first.
pub fn render(results: &Results) -> String {
    let mut out = HEADER.join(",");
    out.push('\n');
    for c in &results.cases {
        let cells: Vec<String> = row(results, c).iter().map(|f| field(f)).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn each_row_names_the_run_that_measured_its_case() {
        let mut results = Results::from_json(
            include_str!("../../tests/fixtures/results/valid.json"),
            std::path::Path::new("valid.json"),
        )
        .unwrap();
        results.cases[0].measured_in = Some("2026-04-30T08:00:00Z".to_string());
        let text = render(&results);
        let mut lines = text.lines();
        assert!(lines.next().unwrap().ends_with(",peak_threads,measured_in"));
        assert!(lines.next().unwrap().ends_with(",2026-04-30T08:00:00Z"));
        // Version-1 cases have no run: the cell is empty.
        assert!(lines.next().unwrap().ends_with(','));
    }
}
