//! What a results file that parsed must hold before anything reads a number from it: every
//! time (nanoseconds) and CPU or wall time (seconds) finite and not negative, every
//! confidence interval with its lower bound at or below its upper bound, and every worker
//! count above 0. A file that breaks one of these was not written by a measurement, and a
//! report of it would show nonsense (a negative median as `0.00 ns`), so reading it fails,
//! naming the first field at fault by its JSON path (`cases[2].time.median.lower`).
//!
//! [`check`] walks the file in its JSON order. To check a new field, add a line to the walk
//! of the record that holds it, with the path of its JSON name.

use super::schema::{CpuUsage, Estimate, Results, TimeEstimate};

/// The first value of a results file that cannot be a measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The JSON path of the field, e.g. `cases[2].time.median.lower`.
    pub field: String,
    /// What is wrong with its value.
    pub message: String,
}

/// Checks every time, interval and worker count of `results`; the first problem found, in
/// the file's order, is the error.
pub fn check(results: &Results) -> Result<(), Problem> {
    let mut c = Checker::default();
    c.amount("run.wall_s", results.run.wall_s, "s");
    for (i, &workers) in results.run.workers.iter().enumerate() {
        c.workers(&format!("run.workers[{i}]"), workers);
    }
    for (i, case) in results.cases.iter().enumerate() {
        let at = format!("cases[{i}]");
        c.workers(&format!("{at}.workers"), case.workers);
        if let Some(time) = &case.time {
            c.time(&format!("{at}.time"), time);
        }
        if let Some(cpu) = &case.cpu {
            c.cpu(&format!("{at}.cpu"), cpu);
        }
    }
    for (i, record) in results.overhead.iter().enumerate() {
        c.estimate(
            &format!("overhead[{i}].ns_per_task"),
            &record.ns_per_task,
            "ns",
        );
    }
    for (i, record) in results.sync.iter().enumerate() {
        let at = format!("sync[{i}]");
        c.workers(&format!("{at}.workers"), record.workers);
        c.estimate(&format!("{at}.batch_ns"), &record.batch_ns, "ns");
        c.estimate(&format!("{at}.ops_per_s"), &record.ops_per_s, "ops/s");
        c.estimate(&format!("{at}.ns_per_op"), &record.ns_per_op, "ns");
    }
    match c.problem {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

/// Keeps the first problem; later checks are no-ops once one is found.
#[derive(Default)]
struct Checker {
    problem: Option<Problem>,
}

impl Checker {
    fn fail(&mut self, field: &str, message: String) {
        if self.problem.is_none() {
            self.problem = Some(Problem {
                field: field.to_string(),
                message,
            });
        }
    }

    /// A time, rate or count in `unit`: finite and 0 or more.
    fn amount(&mut self, field: &str, value: f64, unit: &str) {
        if !value.is_finite() {
            self.fail(field, format!("{value} {unit} is not a finite number"));
        } else if value < 0.0 {
            self.fail(
                field,
                format!("{value} {unit} is negative; a measured value is 0 or more"),
            );
        }
    }

    fn workers(&mut self, field: &str, workers: usize) {
        if workers == 0 {
            self.fail(
                field,
                "a worker count of 0; every case runs at least 1 worker".to_string(),
            );
        }
    }

    fn estimate(&mut self, field: &str, e: &Estimate, unit: &str) {
        self.amount(&format!("{field}.point"), e.point, unit);
        self.amount(&format!("{field}.lower"), e.lower, unit);
        self.amount(&format!("{field}.upper"), e.upper, unit);
        if e.lower > e.upper {
            self.fail(
                &format!("{field}.lower"),
                format!(
                    "the lower bound {} {unit} is above the upper bound {} {unit}",
                    e.lower, e.upper
                ),
            );
        }
    }

    fn time(&mut self, field: &str, time: &TimeEstimate) {
        self.estimate(&format!("{field}.mean"), &time.mean, "ns");
        self.estimate(&format!("{field}.median"), &time.median, "ns");
        self.amount(&format!("{field}.std_dev_ns"), time.std_dev_ns, "ns");
        for (i, &ns) in time.sample_ns.iter().enumerate() {
            self.amount(&format!("{field}.sample_ns[{i}]"), ns, "ns");
        }
        for (r, round) in time.rounds.iter().enumerate() {
            for (s, sample) in round.samples.iter().enumerate() {
                self.amount(
                    &format!("{field}.rounds[{r}].samples[{s}].ns"),
                    sample.ns,
                    "ns",
                );
            }
        }
    }

    fn cpu(&mut self, field: &str, cpu: &CpuUsage) {
        self.amount(&format!("{field}.user_s"), cpu.user_s, "s");
        self.amount(&format!("{field}.sys_s"), cpu.sys_s, "s");
        self.amount(&format!("{field}.wall_s"), cpu.wall_s, "s");
        self.amount(&format!("{field}.utilisation"), cpu.utilisation, "CPUs");
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const VALID: &str = include_str!("../../tests/fixtures/results/valid.json");

    fn valid() -> Results {
        Results::from_json(VALID, Path::new("valid.json")).unwrap()
    }

    fn field_of(r: &Results) -> String {
        check(r).unwrap_err().field
    }

    #[test]
    fn the_valid_fixture_passes() {
        assert_eq!(check(&valid()), Ok(()));
    }

    #[test]
    fn negative_and_non_finite_times_are_named_by_their_path() {
        let mut r = valid();
        r.cases[1].time.as_mut().unwrap().median.point = -5.0;
        let problem = check(&r).unwrap_err();
        assert_eq!(problem.field, "cases[1].time.median.point");
        assert!(problem.message.contains("-5 ns is negative"), "{problem:?}");

        let mut r = valid();
        r.cases[0].time.as_mut().unwrap().sample_ns[2] = f64::NAN;
        assert_eq!(field_of(&r), "cases[0].time.sample_ns[2]");

        let mut r = valid();
        r.overhead[1].ns_per_task.upper = f64::INFINITY;
        assert_eq!(field_of(&r), "overhead[1].ns_per_task.upper");

        let mut r = valid();
        let cpu = r.cases.iter_mut().find_map(|c| c.cpu.as_mut()).unwrap();
        cpu.user_s = -0.5;
        assert!(field_of(&r).ends_with(".cpu.user_s"));
    }

    #[test]
    fn bounds_out_of_order_and_zero_workers_are_named() {
        let mut r = valid();
        let mean = &mut r.cases[2].time.as_mut().unwrap().mean;
        (mean.lower, mean.upper) = (mean.upper, mean.lower);
        let problem = check(&r).unwrap_err();
        assert_eq!(problem.field, "cases[2].time.mean.lower");
        assert!(problem.message.contains("above the upper bound"));

        let mut r = valid();
        r.cases[3].workers = 0;
        assert_eq!(field_of(&r), "cases[3].workers");

        let mut r = valid();
        r.run.workers[1] = 0;
        assert_eq!(field_of(&r), "run.workers[1]");
    }

    #[test]
    fn the_first_problem_in_file_order_is_reported() {
        let mut r = valid();
        r.cases[4].workers = 0;
        r.cases[1].time.as_mut().unwrap().std_dev_ns = -1.0;
        assert_eq!(field_of(&r), "cases[1].time.std_dev_ns");
    }
}
