//! What the last segment of a criterion id means: a worker count (`sum/threads/8`) or a
//! parameter of the work, such as an input size (`Performance_Sort/Rayon par_sort/100000000`).
//!
//! criterion's `BenchmarkId::new(function, value)` says nothing about what `value` is, so a
//! report of someone else's folder has to decide. [`choose`] takes `--axis` when given and
//! otherwise reads the ids: the last segment is a worker count only when every id that has
//! one names a function before it and holds a whole number from 1 to [`MAX_AUTO_WORKERS`].
//! Anything else (a 0, a fraction, `100000000`, ids made with `BenchmarkId::from_parameter`)
//! makes it a parameter. A word (`sort/std/large`) fits neither axis: it is left out either
//! way and decides nothing. The choice comes back with its reason as one line for the report.
//! To add an axis, add a variant to [`Axis`] and its case to [`choose`] and [`AxisChoice::line`].

use crate::results::criterion::CriterionId;

/// The largest last segment the automatic choice reads as a worker count: 4 x 1024. Larger
/// values are input sizes, iteration counts or the like, never workers.
pub const MAX_AUTO_WORKERS: u64 = crate::results::import::MAX_WORKERS_IN_ID;

/// How the last id segment is read (`--axis`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Axis {
    /// A worker count: speedup, efficiency and fits against workers.
    Workers,
    /// A parameter of the work (an input size): time and time per unit against it.
    Param,
}

impl Axis {
    /// The word the report uses.
    pub fn name(self) -> &'static str {
        match self {
            Axis::Workers => "workers",
            Axis::Param => "parameter",
        }
    }

    /// The `--axis` value that picks the other axis.
    fn other_flag(self) -> &'static str {
        match self {
            Axis::Workers => "--axis param",
            Axis::Param => "--axis workers",
        }
    }
}

/// Why an axis was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// `--axis` named it.
    Asked,
    /// Every last segment is a whole number from 1 to [`MAX_AUTO_WORKERS`] after a function
    /// name.
    AllWorkerCounts,
    /// This id's last segment cannot be a worker count; `why` says what it is instead.
    NotWorkers {
        /// The whole id, as criterion names it.
        id: String,
        /// E.g. `100000000, beyond 4096 workers`.
        why: String,
    },
    /// No id has a last segment: there is nothing to read either way.
    NoValues,
}

/// The axis a report uses and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxisChoice {
    /// The axis.
    pub axis: Axis,
    /// Why.
    pub reason: Reason,
}

impl AxisChoice {
    /// One line for the report: the axis, why, and the flag that picks the other one.
    pub fn line(&self) -> String {
        let axis = self.axis;
        let how = format!("pass `{}` to read it the other way", axis.other_flag());
        match &self.reason {
            Reason::Asked => format!(
                "Axis: {} (the last id segment, as `--axis {}` asked; {how}).",
                axis.name(),
                match axis {
                    Axis::Workers => "workers",
                    Axis::Param => "param",
                }
            ),
            Reason::AllWorkerCounts => format!(
                "Axis: workers, chosen automatically: every numeric last id segment is a whole number from 1 to {MAX_AUTO_WORKERS} after a model name; if it is an input size or another parameter, {how}."
            ),
            Reason::NotWorkers { id, why } => format!(
                "Axis: parameter, chosen automatically: the last segment of `{id}` is {why}, so it is read as a parameter of the work (an input size, say), with no speedup, efficiency or scalability fit; {how}."
            ),
            Reason::NoValues => format!(
                "Axis: {}: no id has a last segment to read; {how}.",
                axis.name()
            ),
        }
    }
}

/// What keeps `id`'s last segment from being a worker count, or `None` when it can be one.
/// Ids without a last segment are not asked.
fn not_a_worker_count(id: &CriterionId) -> Option<String> {
    // Quoted in backticks by the report line, so no markup in it takes effect.
    let value = id.value.as_deref()?.trim().replace('`', "'");
    if id.function.is_none() {
        return Some(format!(
            "`{value}` with no model name before it (criterion's `BenchmarkId::from_parameter`)"
        ));
    }
    match value.parse::<u64>() {
        Ok(0) => Some("0, and no model runs on 0 workers".to_string()),
        Ok(n) if n > MAX_AUTO_WORKERS => Some(format!("{n}, beyond {MAX_AUTO_WORKERS} workers")),
        Ok(_) => None,
        // A fraction is a parameter; a word is neither a worker count nor a number to
        // chart, so it is left out on either axis and decides nothing.
        Err(_) if value.parse::<f64>().is_ok() => {
            Some(format!("`{value}`, not a positive whole number"))
        }
        Err(_) => None,
    }
}

/// The axis for a folder holding `ids`: `asked` when given, else the automatic choice
/// described in the module docs. The first id (in the order given) that cannot be a worker
/// count is named in the reason.
pub fn choose(ids: &[CriterionId], asked: Option<Axis>) -> AxisChoice {
    if let Some(axis) = asked {
        return AxisChoice {
            axis,
            reason: Reason::Asked,
        };
    }
    if ids.iter().all(|id| id.value.is_none()) {
        return AxisChoice {
            axis: Axis::Workers,
            reason: Reason::NoValues,
        };
    }
    match ids
        .iter()
        .find_map(|id| not_a_worker_count(id).map(|why| (id, why)))
    {
        Some((id, why)) => AxisChoice {
            axis: Axis::Param,
            reason: Reason::NotWorkers {
                // Quoted in backticks by the report line: one inside would end the quote.
                id: id.to_string().replace('`', "'"),
                why,
            },
        },
        None => AxisChoice {
            axis: Axis::Workers,
            reason: Reason::AllWorkerCounts,
        },
    }
}

/// The value of `id`'s last segment on a parameter axis: a finite number above 0 (the axes
/// are logarithmic), or `None`.
pub fn param_value(id: &CriterionId) -> Option<f64> {
    id.value
        .as_deref()?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(group: &str, function: Option<&str>, value: Option<&str>) -> CriterionId {
        CriterionId {
            group: group.to_string(),
            function: function.map(str::to_string),
            value: value.map(str::to_string),
        }
    }

    fn auto(ids: &[CriterionId]) -> AxisChoice {
        choose(ids, None)
    }

    #[test]
    fn whole_numbers_up_to_4096_are_workers() {
        let ids = [
            id("sum", Some("threads"), Some("1")),
            id("sum", Some("threads"), Some("4096")),
            id("sum", Some("rayon"), Some("64")),
            id("other", Some("x"), None),
        ];
        let choice = auto(&ids);
        assert_eq!(choice.axis, Axis::Workers);
        assert_eq!(choice.reason, Reason::AllWorkerCounts);
        assert!(choice.line().contains("--axis param"), "{}", choice.line());
    }

    #[test]
    fn values_beyond_4096_are_parameters_and_the_id_is_named() {
        let ids = [
            id("Performance_Sort", Some("Rayon par_sort"), Some("1000")),
            id(
                "Performance_Sort",
                Some("Rayon par_sort"),
                Some("100000000"),
            ),
        ];
        let choice = auto(&ids);
        assert_eq!(choice.axis, Axis::Param);
        let line = choice.line();
        assert!(
            line.contains("`Performance_Sort/Rayon par_sort/100000000`"),
            "{line}"
        );
        assert!(line.contains("beyond 4096 workers"), "{line}");
        assert!(line.contains("--axis workers"), "{line}");
        // 4097 is already a parameter.
        let just_over = [id("g", Some("f"), Some("4097"))];
        assert_eq!(auto(&just_over).axis, Axis::Param);
    }

    #[test]
    fn fractions_zero_words_and_from_parameter_ids_are_parameters() {
        for (value, function, needle) in [
            ("0.5", Some("f"), "not a positive whole number"),
            ("1e3", Some("f"), "not a positive whole number"),
            ("-2", Some("f"), "not a positive whole number"),
            ("0", Some("f"), "0 workers"),
            ("8", None, "from_parameter"),
        ] {
            let ids = [
                id("g", Some("f"), Some("2")),
                id("g", function, Some(value)),
            ];
            let choice = auto(&ids);
            assert_eq!(choice.axis, Axis::Param, "{value}");
            assert!(choice.line().contains(needle), "{value}: {}", choice.line());
        }
    }

    #[test]
    fn a_word_decides_nothing() {
        // `g/f/large` fits neither axis and is left out on either; the others are workers.
        let ids = [
            id("g", Some("f"), Some("2")),
            id("g", Some("f"), Some("large")),
        ];
        assert_eq!(auto(&ids).axis, Axis::Workers);
        assert_eq!(auto(&ids).reason, Reason::AllWorkerCounts);
    }

    #[test]
    fn asked_wins_and_no_values_stay_on_workers() {
        let ids = [id("g", Some("f"), Some("100000000"))];
        let asked = choose(&ids, Some(Axis::Workers));
        assert_eq!(asked.axis, Axis::Workers);
        assert_eq!(asked.reason, Reason::Asked);
        assert!(asked.line().contains("as `--axis workers` asked"));
        let none = auto(&[id("g", Some("f"), None), id("h", None, None)]);
        assert_eq!(none.axis, Axis::Workers);
        assert_eq!(none.reason, Reason::NoValues);
        assert_eq!(auto(&[]).reason, Reason::NoValues);
    }

    #[test]
    fn parameter_values_are_positive_finite_numbers() {
        assert_eq!(param_value(&id("g", None, Some(" 0.25 "))), Some(0.25));
        assert_eq!(param_value(&id("g", None, Some("100000000"))), Some(1e8));
        for bad in ["0", "-1", "inf", "NaN", "small"] {
            assert_eq!(param_value(&id("g", None, Some(bad))), None, "{bad}");
        }
        assert_eq!(param_value(&id("g", None, None)), None);
    }
}
