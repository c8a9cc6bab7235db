//! [`Registry`]: the set of workloads one run knows, looked up by name.
//!
//! concbench's own ten workloads are [`Registry::builtin`]; a user's crate builds a registry
//! of its own [`WorkloadInfo`]s (alone, or added to the built-in ones) and passes it to
//! [`crate::bench_main`]. Everything that turns a name into a workload while running (the
//! models bench's plan and summary, the probes, the worker processes of the `process` model,
//! `concbench list`) asks a registry, never a global list.
//!
//! Adding a workload to a registry checks it: its name must be usable in a case id
//! (`<workload>/<model>/<workers>`) and a report folder, must not be taken already, and must
//! be the name of every spec its `spec_for` returns (a worker process rebuilds the workload
//! from the spec's name). To extend the checks, add an arm to [`check`].

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::profile::Profile;

use super::{WORKLOADS, Workload, WorkloadInfo, WorkloadSpec};

/// Longest workload name, in bytes.
pub const MAX_NAME_LEN: usize = 64;

/// A set of workloads with distinct names, in the order tables, charts and runs show them.
#[derive(Clone)]
pub struct Registry {
    workloads: Vec<WorkloadInfo>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl Default for Registry {
    /// The built-in workloads, as [`Registry::builtin`].
    fn default() -> Self {
        Registry::builtin()
    }
}

impl Registry {
    /// A registry with no workloads; add a user's with [`Registry::with`].
    pub fn empty() -> Registry {
        Registry {
            workloads: Vec::new(),
        }
    }

    /// concbench's own workloads ([`WORKLOADS`]), in their usual order.
    pub fn builtin() -> Registry {
        Registry {
            workloads: WORKLOADS.to_vec(),
        }
    }

    /// A registry of `infos`, in that order.
    ///
    /// # Errors
    /// As [`Registry::add`], for the first workload that cannot be added.
    pub fn of(infos: impl IntoIterator<Item = WorkloadInfo>) -> Result<Registry> {
        let mut registry = Registry::empty();
        for info in infos {
            registry.add(info)?;
        }
        Ok(registry)
    }

    /// This registry with `info` added at the end (builder style).
    ///
    /// # Errors
    /// As [`Registry::add`].
    pub fn with(mut self, info: WorkloadInfo) -> Result<Registry> {
        self.add(info)?;
        Ok(self)
    }

    /// Adds `info` at the end.
    ///
    /// # Errors
    /// [`Error::DuplicateWorkload`] when the name is taken; [`Error::BadWorkload`] when the
    /// name is empty, longer than [`MAX_NAME_LEN`], `all`, or holds `/`, whitespace or a
    /// control character, or when `spec_for` returns a spec of another name.
    pub fn add(&mut self, info: WorkloadInfo) -> Result<()> {
        check(&info)?;
        if self.workloads.iter().any(|w| w.name == info.name) {
            return Err(Error::DuplicateWorkload {
                name: info.name.to_string(),
            });
        }
        self.workloads.push(info);
        Ok(())
    }

    /// Looks a workload up by name.
    ///
    /// # Errors
    /// [`Error::UnknownWorkload`] listing this registry's names.
    pub fn find(&self, name: &str) -> Result<&WorkloadInfo> {
        self.workloads
            .iter()
            .find(|w| w.name == name)
            .ok_or_else(|| Error::UnknownWorkload {
                name: name.to_string(),
                valid: self.names().join(", "),
            })
    }

    /// Every name, in registry order.
    pub fn names(&self) -> Vec<&'static str> {
        self.workloads.iter().map(|w| w.name).collect()
    }

    /// The position of `name` in registry order, if it is registered (for sorting).
    pub fn position(&self, name: &str) -> Option<usize> {
        self.workloads.iter().position(|w| w.name == name)
    }

    /// Rebuilds a workload from its spec, through the builder registered under the spec's
    /// name.
    ///
    /// # Errors
    /// [`Error::UnknownWorkload`], or the builder's own error (e.g. [`Error::BadSpec`]).
    pub fn build(&self, spec: &WorkloadSpec) -> Result<Arc<dyn Workload>> {
        (self.find(&spec.name)?.build)(spec)
    }

    /// Parses a comma-separated list of names; `all` means every workload. Repeats are
    /// dropped, the order given is kept.
    ///
    /// # Errors
    /// [`Error::UnknownWorkload`] for the first unknown name.
    pub fn parse_list(&self, text: &str) -> Result<Vec<&WorkloadInfo>> {
        if text.trim() == "all" {
            return Ok(self.workloads.iter().collect());
        }
        let mut out: Vec<&WorkloadInfo> = Vec::new();
        for name in text.split(',').map(str::trim) {
            let info = self.find(name)?;
            if !out.iter().any(|w| w.name == info.name) {
                out.push(info);
            }
        }
        Ok(out)
    }

    /// Every workload, in registry order.
    pub fn iter(&self) -> std::slice::Iter<'_, WorkloadInfo> {
        self.workloads.iter()
    }

    /// Number of workloads.
    pub fn len(&self) -> usize {
        self.workloads.len()
    }

    /// True when it holds no workload.
    pub fn is_empty(&self) -> bool {
        self.workloads.is_empty()
    }
}

impl<'a> IntoIterator for &'a Registry {
    type Item = &'a WorkloadInfo;
    type IntoIter = std::slice::Iter<'a, WorkloadInfo>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Checks one workload's name and specs before it joins a registry.
fn check(info: &WorkloadInfo) -> Result<()> {
    let bad = |problem: String| {
        Err(Error::BadWorkload {
            name: info.name.to_string(),
            problem,
        })
    };
    let name = info.name;
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return bad(format!(
            "the name must have 1 to {MAX_NAME_LEN} bytes; use e.g. `my-workload`"
        ));
    }
    if name == "all" {
        return bad("`all` stands for every workload in lists; choose another name".into());
    }
    if name
        .chars()
        .any(|c| c == '/' || c.is_whitespace() || c.is_control())
    {
        return bad(
            "the name is part of a case id `<workload>/<model>/<workers>` and a folder name; use letters, digits, `-` or `_`, no `/` or spaces".into(),
        );
    }
    for profile in Profile::ALL {
        let spec = (info.spec_for)(profile);
        if spec.name != name {
            return bad(format!(
                "its spec_for returns a spec named '{}' for profile {profile}; a worker process rebuilds the workload by that name, so build it with WorkloadSpec::new(\"{name}\")",
                spec.name
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{Kind, sleep};

    fn renamed(name: &'static str) -> WorkloadInfo {
        WorkloadInfo {
            name,
            ..sleep::INFO
        }
    }

    #[test]
    fn the_builtin_registry_is_the_builtin_list() {
        let registry = Registry::builtin();
        assert_eq!(registry.names(), crate::workload::names());
        assert_eq!(registry.position("sleep"), Some(6));
        let spec = (registry.find("sleep").unwrap().spec_for)(Profile::Smoke);
        assert_eq!(registry.build(&spec).unwrap().spec(), &spec);
    }

    #[test]
    fn a_duplicate_name_is_one_clear_error() {
        let err = Registry::builtin().with(sleep::INFO).unwrap_err();
        assert!(matches!(err, Error::DuplicateWorkload { .. }), "{err}");
        assert!(err.is_usage());
        let text = err.to_string();
        assert!(
            text.contains("'sleep'") && text.contains("registered twice"),
            "{text}"
        );
    }

    #[test]
    fn unusable_names_are_refused() {
        for name in ["", "all", "a/b", "two words", "tab\t"] {
            let err = Registry::empty().with(renamed(name)).unwrap_err();
            assert!(matches!(err, Error::BadWorkload { .. }), "{name:?}: {err}");
        }
        // `renamed` keeps sleep's spec_for, whose specs are named `sleep`.
        let err = Registry::empty().with(renamed("nap")).unwrap_err();
        assert!(
            err.to_string().contains("WorkloadSpec::new(\"nap\")"),
            "{err}"
        );
    }

    #[test]
    fn unknown_names_list_the_registry() {
        let registry = Registry::of([sleep::INFO]).unwrap();
        let err = registry.find("primes").map(|_| ()).unwrap_err().to_string();
        assert!(err.contains("valid workloads: sleep"), "{err}");
        assert_eq!(registry.parse_list("all").unwrap().len(), 1);
        assert_eq!(registry.parse_list("sleep, sleep").unwrap().len(), 1);
        assert!(registry.parse_list("sleep,nap").is_err());
        assert_eq!(registry.find("sleep").unwrap().kind, Kind::Io);
    }
}
