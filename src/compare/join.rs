//! Joining the inputs on (workload, model, workers), or on the whole id for imported
//! benchmarks whose id names no worker count ([`crate::results::CaseRecord::id`]): rows where the base and at least one
//! other input have a case, the rest listed as one-sided; the profile and parameter checks;
//! the notes on parameters that differ (when allowed); the fleet table when there are more than three inputs.
//!
//! Row order: workloads in registry order, models in registry order, worker counts
//! ascending; names outside the registries go last, by name.

use super::comparison::{Cell, Comparison, OneSided, Row, Side, WorkloadComparison};
use super::verdict::{self, ALPHA};
use super::{CompareError, Input, SCHEMA, fleet, machines};
use crate::model::sort_models;
use crate::results::schema::Results;
use crate::workload::{Kind, WORKLOADS};

/// Joins `inputs` (at least two; the first is the base). Refuses different profiles unless
/// `allow_profile_mismatch`, a case whose parameters differ from the base's unless
/// `allow_param_mismatch` ([`check_params`]), and inputs without any common case.
pub fn compare(
    inputs: &[Input],
    threshold: f64,
    allow_profile_mismatch: bool,
    allow_param_mismatch: bool,
) -> Result<Comparison, CompareError> {
    let [base, _, ..] = inputs else {
        return Err(CompareError::TooFewInputs(inputs.len()));
    };
    // Imported data has no profile: its placeholder is never compared.
    let own = |i: &Input| i.results.source.is_none();
    let profiles_differ = own(base)
        && inputs[1..]
            .iter()
            .any(|i| own(i) && i.results.run.profile != base.results.run.profile);
    if profiles_differ && !allow_profile_mismatch {
        let other = inputs[1..]
            .iter()
            .find(|i| own(i) && i.results.run.profile != base.results.run.profile)
            .unwrap_or(&inputs[1]);
        return Err(CompareError::ProfileMismatch {
            base: base.path.clone(),
            base_profile: base.results.run.profile,
            other: other.path.clone(),
            other_profile: other.results.run.profile,
        });
    }
    if !allow_param_mismatch {
        check_params(inputs)?;
    }
    let all: Vec<&Results> = inputs.iter().map(|i| &i.results).collect();
    let all_workloads = workload_names(&all);
    let workloads: Vec<WorkloadComparison> = all_workloads
        .iter()
        .map(|w| compare_workload(inputs, w, threshold))
        .collect();
    if workloads.iter().all(|w| w.rows.is_empty()) {
        let names = |r: &[&Results]| {
            let list = workload_names(r).join(", ");
            if list.is_empty() { "none".into() } else { list }
        };
        return Err(CompareError::NoCommonCase {
            base: base.path.clone(),
            others: paths(&inputs[1..]),
            base_workloads: names(&all[..1]),
            other_workloads: names(&all[1..]),
        });
    }
    Ok(Comparison {
        schema: SCHEMA,
        threshold,
        alpha: ALPHA,
        machines: inputs
            .iter()
            .map(|i| Side {
                label: i.label.clone(),
                path: i.path.clone(),
                machine: i.results.machine.clone(),
                profile: i.results.run.profile,
                started_at: i.results.run.started_at.clone(),
                warnings: i.results.run.warnings.clone(),
                rounds: i
                    .results
                    .cases
                    .iter()
                    .filter_map(|c| c.time.as_ref())
                    .map(|t| verdict::log_round_medians(t).len())
                    .max()
                    .unwrap_or(0),
            })
            .collect(),
        profiles_differ,
        machine_rows: machines::rows(inputs),
        workloads,
        fleet: fleet::fleet(inputs, &all_workloads),
    })
}

/// Refuses the first case that the base and another input both ran, with different
/// workload parameters. Cases of imported data (no parameters) are never refused, nor are
/// those of an input whose profile differs from the base's: different profiles have
/// different sizes, and the profile check already decided about them.
/// Errors: [`CompareError::ParamMismatch`].
pub fn check_params(inputs: &[Input]) -> Result<(), CompareError> {
    let [base, others @ ..] = inputs else {
        return Ok(());
    };
    let own = |i: &Input| i.results.source.is_none();
    if !own(base) {
        return Ok(());
    }
    let text = |params: &std::collections::BTreeMap<String, u64>| {
        params
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    for other in others
        .iter()
        .filter(|i| own(i) && i.results.run.profile == base.results.run.profile)
    {
        for case in base.results.cases.iter().filter(|c| !c.params.is_empty()) {
            let Some(theirs) = other
                .results
                .case(&case.workload, &case.model, case.workers)
                .filter(|t| !t.params.is_empty())
            else {
                continue;
            };
            if theirs.params != case.params {
                return Err(CompareError::ParamMismatch {
                    case: format!("{} {} x{}", case.workload, case.model, case.workers),
                    base: base.path.clone(),
                    base_params: text(&case.params),
                    other: other.path.clone(),
                    other_params: text(&theirs.params),
                });
            }
        }
    }
    Ok(())
}

fn paths(inputs: &[Input]) -> String {
    let list: Vec<String> = inputs
        .iter()
        .map(|i| i.path.display().to_string())
        .collect();
    list.join(", ")
}

/// The workloads of any of `runs`, registry order first, then others by name.
pub fn workload_names(runs: &[&Results]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for case in runs.iter().flat_map(|r| &r.cases) {
        if !names.contains(&case.workload) {
            names.push(case.workload.clone());
        }
    }
    let rank = |w: &str| WORKLOADS.iter().position(|i| i.name == w);
    names.sort_by(|a, b| {
        let (ra, rb) = (rank(a).unwrap_or(usize::MAX), rank(b).unwrap_or(usize::MAX));
        ra.cmp(&rb).then_with(|| a.cmp(b))
    });
    names
}

/// A case's join key: (model, workers) for cases with a worker count, the whole id for
/// imported ones without.
type Key = (String, usize, Option<String>);

/// The keys of `workload` on any input: cases with a worker count first, models in
/// registry order, then by worker count; then imported ids, by id.
fn case_keys(inputs: &[Input], workload: &str) -> Vec<Key> {
    let mut models: Vec<&str> = Vec::new();
    let mut keys: Vec<Key> = Vec::new();
    for case in inputs
        .iter()
        .flat_map(|i| &i.results.cases)
        .filter(|c| c.workload == workload)
    {
        if !models.contains(&case.model.as_str()) {
            models.push(&case.model);
        }
        let key = (case.model.clone(), case.workers, case.id.clone());
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    sort_models(&mut models);
    let rank = |m: &str| models.iter().position(|x| *x == m);
    keys.sort_by(|a, b| {
        (a.2.is_some(), &a.2, rank(&a.0), a.1).cmp(&(b.2.is_some(), &b.2, rank(&b.0), b.1))
    });
    keys
}

fn compare_workload(inputs: &[Input], workload: &str, threshold: f64) -> WorkloadComparison {
    let kind = inputs
        .iter()
        .flat_map(|i| &i.results.cases)
        .find(|c| c.workload == workload)
        .map_or(Kind::Other, |c| c.kind);
    let mut rows = Vec::new();
    let mut one_sided = Vec::new();
    for (model, workers, id) in case_keys(inputs, workload) {
        let found: Vec<_> = inputs
            .iter()
            .map(|i| match &id {
                Some(id) => i.results.case_by_id(id),
                None => i.results.case(workload, &model, workers),
            })
            .collect();
        let base_time = found[0].and_then(|c| c.time.as_ref());
        if found[0].is_none() || found[1..].iter().all(Option::is_none) {
            one_sided.push(OneSided {
                on: inputs
                    .iter()
                    .zip(&found)
                    .filter(|(_, c)| c.is_some())
                    .map(|(i, _)| i.label.clone())
                    .collect(),
                model,
                workers,
                id,
            });
            continue;
        }
        let cells = inputs
            .iter()
            .zip(&found)
            .enumerate()
            .map(|(n, (input, case))| {
                let time = case.and_then(|c| c.time.as_ref());
                let judgement = match (n, base_time, time) {
                    (1.., Some(b), Some(t)) => verdict::judge(b, t, threshold),
                    _ => None,
                };
                Cell {
                    machine: input.label.clone(),
                    present: case.is_some(),
                    time_ns: time.map(|t| t.median),
                    speedup: case
                        .filter(|c| c.id.is_none())
                        .and_then(|c| input.results.speedup(c)),
                    ratio: judgement.map(|j| j.ratio),
                    judgement,
                }
            })
            .collect();
        rows.push(Row {
            model,
            workers,
            id,
            cells,
        });
    }
    WorkloadComparison {
        workload: workload.to_string(),
        kind,
        rows,
        one_sided,
        notes: params_notes(inputs, workload),
    }
}

/// A note when the inputs ran `workload` with different parameters.
fn params_notes(inputs: &[Input], workload: &str) -> Vec<String> {
    let params: Vec<(&str, String)> = inputs
        .iter()
        .filter_map(|i| {
            let case = i.results.cases.iter().find(|c| c.workload == workload)?;
            let text: Vec<String> = case
                .params
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            Some((i.label.as_str(), text.join(" ")))
        })
        .collect();
    if params.windows(2).all(|w| w[0].1 == w[1].1) {
        return Vec::new();
    }
    let list: Vec<String> = params.iter().map(|(l, p)| format!("{l}: {p}")).collect();
    vec![format!(
        "parameters differ, so the work differs and ratios are not like for like ({})",
        list.join("; ")
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn input(name: &str) -> Input {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/compare")
            .join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        Input {
            label: name.into(),
            results: Results::from_json(&text, &path).unwrap(),
            path,
            notices: Vec::new(),
        }
    }

    #[test]
    fn parameters_are_checked_only_where_both_sides_know_them() {
        let base = input("laptop.json");
        let other = input("server-other-params.json");
        let err = check_params(&[base.clone(), other.clone()]).unwrap_err();
        assert!(matches!(err, CompareError::ParamMismatch { .. }), "{err}");
        assert!(check_params(&[base.clone(), input("server.json")]).is_ok());
        // Imported data carries no parameters: never refused for them.
        let mut imported = other.clone();
        for case in &mut imported.results.cases {
            case.params.clear();
        }
        assert!(check_params(&[base.clone(), imported]).is_ok());
        // Another profile was already allowed or refused by the profile check.
        let mut other_profile = other;
        other_profile.results.run.profile = crate::profile::Profile::Default;
        assert!(check_params(&[base, other_profile]).is_ok());
    }
}
