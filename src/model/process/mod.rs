//! `process`: PLACEHOLDER until the worker-process pool lands.

pub mod worker;

use thiserror::Error;

use super::{Model, ModelBuild, ModelInfo};
use crate::error::Result;

/// Registry entry.
pub const INFO: ModelInfo = ModelInfo {
    name: "process",
    workers_mean: "worker processes of the concbench binary, fed tasks over pipes",
    fixed_workers: None,
    build,
};

/// Failures of the process pool.
#[derive(Debug, Error)]
pub enum PoolError {
    /// Placeholder.
    #[error("process pool: {0}")]
    Other(String),
}

fn build(b: ModelBuild<'_>) -> Result<Box<dyn Model>> {
    (super::sequential::INFO.build)(b)
}
