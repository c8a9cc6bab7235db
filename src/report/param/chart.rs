//! The charts of a parameter-axis report, per criterion group, both log-log: `time` (median
//! time per iteration against the parameter, with its confidence band) and `time-per-unit`
//! (median ÷ parameter: flat when the time grows in proportion to the parameter, rising
//! when it grows faster). Drawn by [`crate::plot::lines`], into `<group>/<chart>.<svg|png>`.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{ParamGroup, ParamPoint, ParamReport};
use crate::plot::lines::{self, LinePlot, Point, Series, YScale};
use crate::plot::{
    ChartError, DrawResult, Drawing, FolderNames, Header, RenderedChart, Theme, register_fonts,
    write_formats,
};
use crate::report::ReportOptions;
use crate::report::chart::time::time_unit;

/// The x axis title of both charts.
const X_LABEL: &str = "parameter: last id segment (log scale)";

/// The figures of one group: (chart name, what it shows, lines).
pub fn figures(group: &ParamGroup) -> Vec<(&'static str, &'static str, LinePlot)> {
    vec![
        ("time", "median time vs parameter", time(group)),
        (
            "time-per-unit",
            "time per unit of the parameter",
            per_unit(group),
        ),
    ]
}

/// One line per function, `value` (ns) and its interval (ns) placed at each parameter,
/// scaled to the unit of the largest value; returns the lines and the unit.
fn lines_of(
    group: &ParamGroup,
    value: impl Fn(&ParamPoint) -> (f64, (f64, f64)),
) -> (Vec<Series>, &'static str) {
    let largest = group
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| value(p).0))
        .fold(0.0, f64::max);
    let (unit, scale) = time_unit(largest);
    let series = group
        .series
        .iter()
        .map(|s| Series {
            model: s.name.clone(),
            points: s
                .points
                .iter()
                .filter_map(|p| {
                    let (y, (lo, hi)) = value(p);
                    (y > 0.0 && y.is_finite()).then_some(Point {
                        x: p.value,
                        y: y / scale,
                        interval: (lo > 0.0 && hi.is_finite() && lo <= hi)
                            .then_some((lo / scale, hi / scale)),
                    })
                })
                .collect(),
            fit: Vec::new(),
            baseline: false,
        })
        .filter(|s| !s.points.is_empty())
        .collect();
    (series, unit)
}

/// Median time per iteration against the parameter.
fn time(group: &ParamGroup) -> LinePlot {
    let (series, unit) = lines_of(group, |p| {
        let m = p.time.median;
        (m.point, (m.lower, m.upper))
    });
    plot(
        series,
        format!("median time per iteration ({unit}, log scale)"),
    )
}

/// Median time divided by the parameter against the parameter.
fn per_unit(group: &ParamGroup) -> LinePlot {
    let (series, unit) = lines_of(group, |p| {
        let m = p.time.median;
        (p.per_unit_ns(), (m.lower / p.value, m.upper / p.value))
    });
    plot(
        series,
        format!("median time ÷ parameter ({unit} per unit, log scale)"),
    )
}

fn plot(series: Vec<Series>, y_label: String) -> LinePlot {
    LinePlot {
        x_label: X_LABEL.to_string(),
        y_label,
        y_scale: YScale::Log,
        y_at_least: 0.0,
        series,
        guides: Vec::new(),
        band_label: Some("95% CI".to_string()),
        fit_label: None,
    }
}

/// A line plot with its header, ready to write.
struct PlotDrawing<'a> {
    plot: &'a LinePlot,
    header: &'a Header,
    theme: Theme,
}

impl Drawing for PlotDrawing<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        lines::draw(root, self.plot, self.header, self.theme)
    }
}

/// Writes every chart of `report` with data into `dir`, in every format of `options`, in
/// report order (groups by name, then [`figures`] order).
pub fn render_all(
    report: &ParamReport,
    options: &ReportOptions,
    dir: &Path,
) -> Result<Vec<RenderedChart>, ChartError> {
    register_fonts();
    let subtitle = format!(
        "{} {} · machine: {}",
        report.what(),
        report.source.display(),
        report.machine()
    );
    let mut out = Vec::new();
    if options.formats.is_empty() {
        return Ok(out);
    }
    let folders = FolderNames::new(report.groups.iter().map(|g| g.name.as_str()));
    for group in &report.groups {
        for (chart, what, mut plot) in figures(group) {
            if plot.is_empty() {
                continue;
            }
            // A hyperfine scan names its parameter and times whole runs.
            if let Some(name) = &report.parameter {
                plot.x_label = format!("parameter {name} (log scale)");
                plot.y_label = plot.y_label.replace("per iteration", "per run");
            }
            let header = Header {
                title: format!("{}: {what}", group.name),
                subtitle: subtitle.clone(),
            };
            let drawing = PlotDrawing {
                plot: &plot,
                header: &header,
                theme: options.theme,
            };
            let stem = Path::new(&folders.get(&group.name)).join(chart);
            let files = write_formats(&drawing, &options.formats, dir, &stem)?;
            out.push(RenderedChart {
                workload: Some(group.name.clone()),
                chart,
                title: header.title,
                files,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::param::ParamSeries;
    use crate::results::{Estimate, TimeEstimate};

    fn point(value: f64, ns: f64) -> ParamPoint {
        let e = Estimate {
            point: ns,
            lower: ns * 0.9,
            upper: ns * 1.1,
        };
        ParamPoint {
            label: value.to_string(),
            value,
            time: TimeEstimate {
                mean: e,
                median: e,
                std_dev_ns: 0.0,
                samples: 10,
                confidence_level: 0.95,
                sample_ns: Vec::new(),
                rounds: Vec::new(),
            },
        }
    }

    #[test]
    fn time_and_time_per_unit_are_log_log_against_the_parameter() {
        let group = ParamGroup {
            name: "sort".to_string(),
            series: vec![ParamSeries {
                name: "std sort".to_string(),
                // 2 ns per element: 2 µs, 200 µs, 200 ms.
                points: vec![point(1e3, 2e3), point(1e5, 2e5), point(1e8, 2e8)],
            }],
        };
        let figs = figures(&group);
        assert_eq!(
            figs.iter().map(|f| f.0).collect::<Vec<_>>(),
            ["time", "time-per-unit"]
        );
        let time = &figs[0].2;
        assert_eq!(time.y_scale, YScale::Log);
        assert!(time.y_label.contains("(ms, log scale)"), "{}", time.y_label);
        let xs: Vec<f64> = time.series[0].points.iter().map(|p| p.x).collect();
        assert_eq!(xs, [1e3, 1e5, 1e8]);
        assert!((time.series[0].points[2].y - 200.0).abs() < 1e-9);
        let per = &figs[1].2;
        assert!(per.y_label.contains("ns per unit"), "{}", per.y_label);
        for p in &per.series[0].points {
            assert!((p.y - 2.0).abs() < 1e-9, "{p:?}");
            let (lo, hi) = p.interval.unwrap();
            assert!((lo - 1.8).abs() < 1e-9 && (hi - 2.2).abs() < 1e-9);
        }
        // No speedup, efficiency or fit on a parameter axis.
        assert!(
            figs.iter()
                .all(|f| f.2.guides.is_empty() && f.2.fit_label.is_none())
        );
    }
}
