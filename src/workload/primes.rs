//! `primes`: PLACEHOLDER.

use std::sync::Arc;

use super::{Kind, Workload, WorkloadInfo, WorkloadSpec};
use crate::error::Result;
use crate::profile::Profile;
use crate::task::TaskCtx;

/// Registry entry.
pub const INFO: WorkloadInfo = WorkloadInfo {
    name: "primes",
    kind: Kind::Cpu,
    teaches: "placeholder",
    task: "placeholder",
    spec_for,
    build,
};

fn spec_for(_profile: Profile) -> WorkloadSpec {
    WorkloadSpec::new(INFO.name).with("tasks", 4)
}

fn build(spec: &WorkloadSpec) -> Result<Arc<dyn Workload>> {
    Ok(Arc::new(Placeholder {
        tasks: spec.param("tasks")? as usize,
        spec: spec.clone(),
    }))
}

struct Placeholder {
    spec: WorkloadSpec,
    tasks: usize,
}

impl Workload for Placeholder {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }
    fn tasks(&self) -> usize {
        self.tasks
    }
    fn run(&self, task: usize, _ctx: &mut TaskCtx<'_>) -> u64 {
        task as u64
    }
}
