//! How a report reads its results: the scaling view ([`Scaling`]) and the notes the report
//! prints about its choices (which axis, which view, and how to pick the other).
//!
//! [`View::default`] is what a plain `concbench report` of concbench's own results uses:
//! strong scaling and no notes, so those reports read as before. To add a choice, add a
//! field here and read it where the charts, fits or tables depend on it.

use super::chart::{ChartSet, STRONG_CHARTS, WEAK_CHARTS};
use super::fit::{ModelFit, fit_results};
use super::scaling::{Scaling, weak_hint};
use crate::results::Results;

/// The view of one report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct View {
    /// Strong (speedup T(1)/T(N)) or weak (throughput, scaled speedup) scaling.
    pub scaling: Scaling,
    /// Lines printed under the report's opening paragraph, one paragraph each.
    pub notes: Vec<String>,
}

impl View {
    /// The view for `results` under `scaling`. With `say_scaling` (a report of foreign data,
    /// where nothing else says what T(1)/T(N) means) or a weak view, the scaling line is a
    /// note. Under strong scaling, when time grows roughly with N in workloads outside
    /// concbench's registry, a warning suggesting `--scaling weak` is added to `results`.
    pub fn for_results(results: &mut Results, scaling: Scaling, say_scaling: bool) -> View {
        if let Some(hint) = weak_hint(results, scaling) {
            // A results file a report of imported data wrote holds it already.
            if !results.run.warnings.contains(&hint) {
                results.run.warnings.push(hint);
            }
        }
        // How imported data was read (the axis), as the first report of it said.
        let mut notes: Vec<String> = results
            .source
            .as_ref()
            .map_or_else(Vec::new, |s| s.notes.clone());
        if say_scaling || results.source.is_some() || scaling != Scaling::default() {
            notes.push(scaling.line());
        }
        View { scaling, notes }
    }

    /// The charts this view draws.
    pub fn charts(&self) -> ChartSet {
        match self.scaling {
            Scaling::Strong => STRONG_CHARTS,
            Scaling::Weak => WEAK_CHARTS,
        }
    }

    /// The scalability fits this view reports: Amdahl and USL under strong scaling, none
    /// under weak (both model a fixed total amount of work).
    pub fn fits(&self, results: &Results) -> Vec<ModelFit> {
        match self.scaling {
            Scaling::Strong => fit_results(results),
            Scaling::Weak => Vec::new(),
        }
    }
}
