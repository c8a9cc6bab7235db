//! `threads-gil`: PLACEHOLDER until the emulated interpreter lock lands.

use super::{Model, ModelBuild, ModelInfo};
use crate::error::Result;

/// Registry entry.
pub const INFO: ModelInfo = ModelInfo {
    name: "threads-gil",
    workers_mean: "OS threads that must hold an emulated CPython GIL to run task code",
    fixed_workers: None,
    build,
};

fn build(b: ModelBuild<'_>) -> Result<Box<dyn Model>> {
    (super::threads::INFO.build)(b)
}
