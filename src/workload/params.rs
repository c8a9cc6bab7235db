//! Workload parameters: what each workload declares ([`ParamInfo`]: name, allowed range,
//! meaning), how its `build` reads them against that declaration
//! ([`WorkloadSpec::declared`]), and the overrides a user gives on top of a profile's sizes
//! ([`Overrides`]: `concbench run --param n=2000`, `CONCBENCH_PARAMS` for `cargo bench`).
//!
//! To add a parameter to a workload: add a [`ParamInfo`] to its `PARAMS` list, give it a
//! value in its `spec_for`, and read it in `build` with [`WorkloadSpec::declared`]. The
//! declaration is the only place its range is written, so `list`, the override checks and
//! `build` cannot disagree.
//!
//! Override syntax, one group per `--param` value (groups of `CONCBENCH_PARAMS` are
//! separated by `;`): `[WORKLOAD:]NAME=VALUE[,NAME=VALUE...]`, e.g. `n=2000,tasks=64` or
//! `sum-squares:n=2000,tasks=64;primes:span=1000`. A group without a workload applies to
//! every workload the run measures (each must declare the parameter); `CONCBENCH_PARAMS`
//! groups must name their workload. Values are whole numbers; `_` may group digits
//! (`1_000_000`). A later value of the same parameter replaces an earlier one.

use crate::error::{Error, Result};
use crate::profile::Profile;

use super::{WorkloadInfo, WorkloadSpec};

/// One parameter a workload declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamInfo {
    /// Its key in the spec, e.g. `n`.
    pub name: &'static str,
    /// Smallest allowed value.
    pub min: u64,
    /// Largest allowed value.
    pub max: u64,
    /// What it sets, in one line with its unit, e.g. `integers summed per task`.
    pub meaning: &'static str,
}

/// The `tasks` parameter every built-in workload declares: tasks in one batch, 1 to 2^20.
pub const TASKS_PARAM: ParamInfo = ParamInfo {
    name: "tasks",
    min: 1,
    max: 1 << 20,
    meaning: "tasks in the batch",
};

impl ParamInfo {
    /// The declaration, for tables and errors: `n (1 to 1099511627776)`.
    pub fn with_range(&self) -> String {
        format!("{} ({} to {})", self.name, self.min, self.max)
    }

    /// Checks `value` against the range. Errors: [`Error::BadSpec`] naming `workload`, the
    /// parameter, the value and the range.
    pub fn check(&self, workload: &str, value: u64) -> Result<u64> {
        if (self.min..=self.max).contains(&value) {
            Ok(value)
        } else {
            Err(Error::BadSpec {
                workload: workload.to_string(),
                param: self.name.to_string(),
                problem: format!(
                    "is {value}, out of range; use a value from {} to {}",
                    self.min, self.max
                ),
            })
        }
    }
}

/// The declaration of `name` in `params`, or [`Error::UnknownParam`] naming the valid ones.
pub fn find_param<'a>(
    workload: &str,
    params: &'a [ParamInfo],
    name: &str,
) -> Result<&'a ParamInfo> {
    params
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| Error::UnknownParam {
            workload: workload.to_string(),
            name: name.to_string(),
            valid: valid_list(params),
        })
}

/// `tasks (1 to 1048576), n (1 to 1099511627776)`: every declared parameter with its range.
pub fn valid_list(params: &[ParamInfo]) -> String {
    if params.is_empty() {
        return "none".to_string();
    }
    params
        .iter()
        .map(ParamInfo::with_range)
        .collect::<Vec<_>>()
        .join(", ")
}

impl WorkloadSpec {
    /// Reads the declared parameter `name`, checked against its declaration in `params`.
    /// Errors: [`Error::UnknownParam`] when `params` does not declare it,
    /// [`Error::BadSpec`] when the spec lacks it or its value is out of range.
    pub fn declared(&self, params: &[ParamInfo], name: &str) -> Result<u64> {
        let info = find_param(&self.name, params, name)?;
        info.check(&self.name, self.param(name)?)
    }
}

/// One `NAME=VALUE`, for one workload or for every one the run measures.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Override {
    workload: Option<String>,
    name: String,
    value: u64,
}

/// Parameter values that replace a profile's (see the module docs for the syntax).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    entries: Vec<Override>,
}

impl Overrides {
    /// Parses one group, `[WORKLOAD:]NAME=VALUE[,NAME=VALUE...]`, as `--param` gives it;
    /// `source` names the option in errors. Errors: [`Error::BadArgument`] for a malformed
    /// pair or an empty group. Workload names are checked by [`Overrides::check_names`]
    /// (against the registry the run uses), parameter names and ranges by
    /// [`Overrides::check`].
    pub fn parse_group(&mut self, text: &str, source: &'static str) -> Result<()> {
        let malformed = |problem: String| Error::BadArgument {
            arg: source,
            value: text.to_string(),
            problem,
        };
        let (workload, pairs) = match text.split_once(':') {
            Some((w, rest)) => (Some(w.trim().to_string()), rest),
            None => (None, text),
        };
        if pairs.trim().is_empty() {
            return Err(malformed(
                "has no NAME=VALUE pair; write e.g. n=2000 or sum-squares:n=2000,tasks=64".into(),
            ));
        }
        for pair in pairs.split(',') {
            let Some((name, value)) = pair.split_once('=') else {
                return Err(malformed(format!(
                    "has '{}', not NAME=VALUE; write e.g. n=2000",
                    pair.trim()
                )));
            };
            let name = name.trim();
            let digits: String = value.trim().chars().filter(|c| *c != '_').collect();
            let parsed = digits.parse::<u64>();
            if name.is_empty() || parsed.is_err() {
                return Err(malformed(format!(
                    "has '{}', not NAME=VALUE with a whole number; write e.g. n=2000",
                    pair.trim()
                )));
            }
            self.entries.push(Override {
                workload: workload.clone(),
                name: name.to_string(),
                value: parsed.unwrap_or_default(),
            });
        }
        Ok(())
    }

    /// Parses `CONCBENCH_PARAMS`: groups separated by `;`, each naming its workload.
    /// Errors: as [`Overrides::parse_group`], and a group without a workload.
    pub fn parse_env(text: &str) -> Result<Overrides> {
        let mut out = Overrides::default();
        for group in text.split(';').filter(|g| !g.trim().is_empty()) {
            if !group.contains(':') {
                return Err(Error::BadArgument {
                    arg: "CONCBENCH_PARAMS",
                    value: text.to_string(),
                    problem: format!(
                        "has the group '{}' without a workload; write WORKLOAD:NAME=VALUE, e.g. sum-squares:n=2000,tasks=64;primes:span=1000",
                        group.trim()
                    ),
                });
            }
            out.parse_group(group, "CONCBENCH_PARAMS")?;
        }
        Ok(out)
    }

    /// True when nothing is overridden.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Checks that every workload an override names is one of `known` (the registry's).
    /// Errors: [`Error::UnknownWorkload`], listing the known names.
    pub fn check_names(&self, known: &[&WorkloadInfo]) -> Result<()> {
        match self
            .named_workloads()
            .into_iter()
            .find(|n| !known.iter().any(|w| w.name == *n))
        {
            Some(name) => Err(Error::UnknownWorkload {
                name: name.to_string(),
                valid: known.iter().map(|w| w.name).collect::<Vec<_>>().join(", "),
            }),
            None => Ok(()),
        }
    }

    /// Checks every override that applies to one of `workloads` (the run's): each names a
    /// parameter its workload declares, with a value in range. Errors:
    /// [`Error::UnknownParam`], [`Error::BadSpec`].
    pub fn check(&self, workloads: &[&WorkloadInfo]) -> Result<()> {
        for info in workloads {
            self.values_for(info)?;
        }
        Ok(())
    }

    /// The overrides that apply to `info`, checked, in order (a later one wins).
    fn values_for(&self, info: &WorkloadInfo) -> Result<Vec<(&'static str, u64)>> {
        let mut out = Vec::new();
        for o in self.applying_to(info.name) {
            let p = find_param(info.name, info.params, &o.name)?;
            out.push((p.name, p.check(info.name, o.value)?));
        }
        Ok(out)
    }

    fn applying_to<'a>(&'a self, workload: &'a str) -> impl Iterator<Item = &'a Override> + 'a {
        self.entries
            .iter()
            .filter(move |o| o.workload.as_deref().is_none_or(|w| w == workload))
    }

    /// The profile's spec of `info` with the overrides that apply to it. Errors: as
    /// [`Overrides::check`].
    pub fn spec_for(&self, info: &WorkloadInfo, profile: Profile) -> Result<WorkloadSpec> {
        let mut spec = (info.spec_for)(profile);
        for (name, value) in self.values_for(info)? {
            spec.params.insert(name.to_string(), value);
        }
        Ok(spec)
    }

    /// The workloads the overrides name (groups with a `WORKLOAD:` prefix), each once.
    pub fn named_workloads(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for w in self.entries.iter().filter_map(|o| o.workload.as_deref()) {
            if !names.contains(&w) {
                names.push(w);
            }
        }
        names
    }

    /// True when an override that applies to `workload` sets `name`.
    pub fn sets(&self, workload: &str, name: &str) -> bool {
        self.applying_to(workload).any(|o| o.name == name)
    }

    /// The overrides that apply to `workload` as `--param` arguments for another concbench
    /// process (the probe of `cargo bench`).
    pub fn args_for(&self, workload: &str) -> Vec<String> {
        self.applying_to(workload)
            .flat_map(|o| ["--param".to_string(), format!("{}={}", o.name, o.value)])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::find;

    fn parsed(groups: &[&str]) -> Result<Overrides> {
        let mut o = Overrides::default();
        for g in groups {
            o.parse_group(g, "--param")?;
        }
        Ok(o)
    }

    #[test]
    fn every_workload_declares_what_its_profiles_set_and_builds_from_it() {
        for info in crate::workload::WORKLOADS {
            assert!(!info.params.is_empty(), "{}", info.name);
            for p in info.params {
                assert!(p.min <= p.max && !p.meaning.is_empty(), "{}", p.name);
            }
            for profile in Profile::ALL {
                let spec = (info.spec_for)(profile);
                let keys: Vec<&str> = spec.params.keys().map(String::as_str).collect();
                let mut declared: Vec<&str> = info.params.iter().map(|p| p.name).collect();
                declared.sort_unstable();
                assert_eq!(keys, declared, "{} {profile}", info.name);
                for (k, v) in &spec.params {
                    let p = find_param(info.name, info.params, k).unwrap();
                    p.check(info.name, *v).unwrap();
                }
            }
        }
    }

    #[test]
    fn overrides_replace_the_profiles_values() {
        let o = parsed(&["n=2000", "sum-squares:tasks=64", "primes:span=1_000"]).unwrap();
        let sum = find("sum-squares").unwrap();
        let spec = o.spec_for(sum, Profile::Quick).unwrap();
        assert_eq!(spec.param("n").unwrap(), 2000);
        assert_eq!(spec.param("tasks").unwrap(), 64);
        let primes = o.spec_for(find("primes").unwrap(), Profile::Quick);
        // `n=2000` applies to every workload run, and primes has no n.
        let err = primes.unwrap_err().to_string();
        assert!(err.contains("'primes' has no parameter 'n'"), "{err}");
        assert!(err.contains("span (1 to"), "{err}");
        assert_eq!(
            o.args_for("sum-squares"),
            ["--param", "n=2000", "--param", "tasks=64"]
        );
        assert_eq!(o.named_workloads(), ["sum-squares", "primes"]);
        assert!(o.sets("primes", "n") && o.sets("primes", "span") && !o.sets("sleep", "span"));
        // A later value wins.
        let o = parsed(&["n=5,n=7"]).unwrap();
        assert_eq!(
            o.spec_for(sum, Profile::Smoke).unwrap().param("n").unwrap(),
            7
        );
    }

    #[test]
    fn unknown_names_and_out_of_range_values_name_the_valid_ones() {
        let sum = find("sum-squares").unwrap();
        let err = parsed(&["m=5"]).unwrap().check(&[sum]).unwrap_err();
        assert!(matches!(err, Error::UnknownParam { .. }), "{err}");
        let text = err.to_string();
        assert!(
            text.contains("tasks (1 to 1048576)") && text.contains("n (1 to"),
            "{text}"
        );
        assert!(err.is_usage());

        let err = parsed(&["tasks=0"]).unwrap().check(&[sum]).unwrap_err();
        assert!(matches!(err, Error::BadSpec { .. }), "{err}");
        assert!(
            err.to_string()
                .contains("is 0, out of range; use a value from 1 to 1048576")
        );
        assert!(err.is_usage());
    }

    #[test]
    fn malformed_pairs_and_unknown_workloads_are_refused() {
        for bad in [
            "n",
            "n=",
            "=5",
            "n=two",
            "n=-1",
            "n=1.5",
            "",
            "sum-squares:",
        ] {
            let err = parsed(&[bad]).unwrap_err();
            assert!(matches!(err, Error::BadArgument { .. }), "{bad}: {err}");
            assert!(err.to_string().contains("e.g. n=2000"), "{err}");
        }
        let known: Vec<&WorkloadInfo> = crate::workload::WORKLOADS.iter().collect();
        let err = parsed(&["sum-cubes:n=5"])
            .unwrap()
            .check_names(&known)
            .unwrap_err();
        assert!(matches!(err, Error::UnknownWorkload { .. }), "{err}");
        assert!(err.to_string().contains("sum-squares"), "{err}");
    }

    #[test]
    fn the_environment_syntax_names_each_workload() {
        let o = Overrides::parse_env("sum-squares:n=2000,tasks=64; primes:span=1000;").unwrap();
        let spec = o.spec_for(find("primes").unwrap(), Profile::Smoke).unwrap();
        assert_eq!(spec.param("span").unwrap(), 1000);
        let spec = o
            .spec_for(find("sum-squares").unwrap(), Profile::Smoke)
            .unwrap();
        assert_eq!(spec.param("tasks").unwrap(), 64);
        let err = Overrides::parse_env("n=2000").unwrap_err().to_string();
        assert!(err.contains("CONCBENCH_PARAMS") && err.contains("without a workload"));
        assert!(Overrides::parse_env("").unwrap().is_empty());
    }
}
