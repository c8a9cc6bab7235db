//! The whole run on one slide: the best speedup of every (workload, model) as a heatmap,
//! workloads as rows, models as columns, with the worker count that reached it. A best
//! speedup that the checks call implausible (more than the CPUs can give) is never shown as
//! if it were fine: its cell carries a "!" and says where to read why.

use super::{ChartContext, Figure, RunChart, workloads_of};
use crate::model::sort_models;
use crate::plot::heatmap::{Cell, HeatmapPlot};
use crate::plot::style::trim_number;
use crate::results::checks::{FlagKind, flags_of};

/// The summary heatmap.
pub struct SummaryHeatmap;

impl RunChart for SummaryHeatmap {
    fn name(&self) -> &'static str {
        "summary-heatmap"
    }

    fn title(&self) -> String {
        "Best speedup per workload and model".to_string()
    }

    fn figure(&self, ctx: &ChartContext<'_>) -> Option<Figure> {
        let results = ctx.results;
        let rows: Vec<&str> = workloads_of(results);
        // Sequential is 1.0 by definition: no column.
        let mut columns: Vec<&str> = Vec::new();
        for case in &results.cases {
            if case.model != "sequential" && !columns.contains(&case.model.as_str()) {
                columns.push(&case.model);
            }
        }
        sort_models(&mut columns);
        let cells: Vec<Vec<Option<Cell>>> = rows
            .iter()
            .map(|workload| {
                columns
                    .iter()
                    .map(|model| {
                        let (workers, best) = results
                            .cases
                            .iter()
                            .filter(|c| c.workload == *workload && c.model == *model)
                            .filter_map(|c| Some((c.workers, results.speedup(c)?.point)))
                            .filter(|(_, s)| s.is_finite() && *s > 0.0)
                            .max_by(|a, b| a.1.total_cmp(&b.1))?;
                        let implausible = flags_of(ctx.flags, workload, model, workers)
                            .any(|f| f.kind == FlagKind::Implausible);
                        Some(Cell {
                            value: best,
                            text: format!(
                                "{}×{}",
                                trim_number(best, if best >= 10.0 { 1 } else { 2 }),
                                if implausible { " !" } else { "" }
                            ),
                            note: if implausible {
                                "implausible: see Doubts".to_string()
                            } else {
                                format!(
                                    "at {workers} worker{}",
                                    if workers == 1 { "" } else { "s" }
                                )
                            },
                        })
                    })
                    .collect()
            })
            .collect();
        let plot = HeatmapPlot {
            rows: rows.iter().map(|s| s.to_string()).collect(),
            columns: columns.iter().map(|s| s.to_string()).collect(),
            cells,
            scale_label: "speedup".to_string(),
        };
        (!plot.is_empty()).then_some(Figure::Heatmap(plot))
    }
}
