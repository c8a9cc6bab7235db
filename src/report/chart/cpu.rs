//! CPU utilisation, (user + system CPU time) / wall time = cores kept busy, against the worker
//! count, with the number of CPUs the run could use as a dashed guide.

use super::{Figure, WorkloadChart, WorkloadData};
use crate::plot::lines::{Guide, GuideKind, LinePlot, Point, Series, YScale};

/// The CPU utilisation chart.
pub struct Cpu;

impl WorkloadChart for Cpu {
    fn name(&self) -> &'static str {
        "cpu"
    }

    fn what(&self) -> &'static str {
        "CPU utilisation vs workers"
    }

    fn figure(&self, data: &WorkloadData<'_>) -> Option<Figure> {
        let series: Vec<Series> = data.series(true, |case| {
            let busy = case.cpu.as_ref()?.utilisation;
            (busy.is_finite() && busy >= 0.0).then_some(Point {
                x: case.workers as f64,
                y: busy,
                interval: None,
            })
        });
        if series.is_empty() {
            return None;
        }
        let cpus = data.results.machine.usable_cpus;
        Some(Figure::Lines(LinePlot {
            x_label: "workers (log scale)".to_string(),
            y_label: "CPU cores busy".to_string(),
            y_scale: YScale::Linear,
            y_at_least: 1.0,
            series,
            guides: vec![Guide {
                label: format!("usable CPUs ({cpus})"),
                kind: GuideKind::Horizontal(cpus as f64),
            }],
            band_label: None,
            fit_label: None,
        }))
    }
}
