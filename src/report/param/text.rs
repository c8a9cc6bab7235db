//! `report.md` and `results.csv` of a parameter-axis report: the source folder and the axis
//! line, the ids left out, then per group its charts and a parameter-by-function table of
//! median times with the time per unit beside each. To add a column to the CSV, add it to
//! [`CSV_HEADER`] and to the row in [`csv`].

use std::fmt::Write;

use super::ParamReport;
use crate::plot::RenderedChart;
use crate::report::csv::field;
use crate::report::origin::escape as md;
use crate::table::markdown as table;
use crate::units::format_ns;

/// The header row of `results.csv`.
pub const CSV_HEADER: &[&str] = &[
    "group",
    "function",
    "parameter",
    "median_ns",
    "median_lower_ns",
    "median_upper_ns",
    "mean_ns",
    "samples",
    "per_unit_ns",
];

/// The whole `report.md`.
pub fn markdown(report: &ParamReport, charts: &[RenderedChart]) -> String {
    let what = report.what();
    let mut out = format!(
        "# concbench report: {what} {}\n\n",
        md(&report.source.display().to_string())
    );
    let _ = writeln!(
        out,
        "Built from the {what} {}: times only (no memory, CPU or checksum verification). Machine: {}.\n",
        md(&report.source.display().to_string()),
        md(&report.machine())
    );
    // The axis line is concbench's own Markdown; the id it quotes has no backticks.
    let _ = writeln!(out, "{}\n", report.axis_line);
    let warnings = report.warnings();
    if !warnings.is_empty() {
        let _ = writeln!(out, "## Warnings\n");
        for warning in &warnings {
            let _ = writeln!(out, "- {}", md(warning));
        }
        let _ = writeln!(out);
    }
    for group in &report.groups {
        let _ = writeln!(out, "## {}\n", md(&group.name));
        for chart in charts
            .iter()
            .filter(|c| c.workload.as_deref() == Some(group.name.as_str()))
        {
            let file = chart
                .files
                .iter()
                .find(|f| f.extension().is_some_and(|e| e == "svg"))
                .or(chart.files.first());
            if let Some(file) = file {
                let _ = writeln!(
                    out,
                    "![{}]({})\n",
                    md(&chart.title),
                    file.to_string_lossy().replace('\\', "/")
                );
            }
        }
        out.push_str("Median time per iteration (time per unit of the parameter):\n\n");
        let mut rows = vec![
            std::iter::once("Parameter".to_string())
                .chain(group.series.iter().map(|s| md(&s.name)))
                .collect::<Vec<_>>(),
        ];
        for (value, label) in group.values() {
            let mut row = vec![md(&label)];
            for s in &group.series {
                row.push(s.points.iter().find(|p| p.value == value).map_or(
                    "—".to_string(),
                    |p| {
                        format!(
                            "{} ({}/unit)",
                            format_ns(p.time.median.point),
                            format_ns(p.per_unit_ns())
                        )
                    },
                ));
            }
            rows.push(row);
        }
        out.push_str(&table(&rows));
        out.push('\n');
    }
    out
}

/// The whole `results.csv`: one row per benchmark.
pub fn csv(report: &ParamReport) -> String {
    let mut out = CSV_HEADER.join(",") + "\n";
    for group in &report.groups {
        for s in &group.series {
            for p in &s.points {
                let t = &p.time;
                let cells = [
                    field(&group.name),
                    field(&s.name),
                    field(&p.label),
                    t.median.point.to_string(),
                    t.median.lower.to_string(),
                    t.median.upper.to_string(),
                    t.mean.point.to_string(),
                    t.samples.to_string(),
                    p.per_unit_ns().to_string(),
                ];
                out.push_str(&cells.join(","));
                out.push('\n');
            }
        }
    }
    out
}
