//! `sequential`: every task in order on the calling thread. The baseline of every speedup.

use std::sync::Arc;

use super::{Model, ModelBuild, ModelInfo};
use crate::error::Result;
use crate::workload::{Workload, run_in_order};

/// Registry entry.
pub const INFO: ModelInfo = ModelInfo {
    name: "sequential",
    workers_are: "always 1: a plain loop on the calling thread",
    fixed_workers: Some(1),
    cpu_parallel: false,
    build,
};

fn build(b: ModelBuild<'_>) -> Result<Box<dyn Model>> {
    Ok(Box::new(Sequential {
        workload: b.workload,
    }))
}

/// A plain loop over the tasks.
pub struct Sequential {
    workload: Arc<dyn Workload>,
}

impl Model for Sequential {
    fn run(&mut self) -> Result<u64> {
        Ok(run_in_order(self.workload.as_ref()))
    }
}
