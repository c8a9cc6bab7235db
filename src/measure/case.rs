//! [`VerifiedCase`]: one (workload, model, workers) case, built outside any timer, checked
//! against the sequential reference before its first timed batch, and timed batch by batch.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::model::{self, Model, ModelConfig, ModelInfo, WorkerUsage};
use crate::workload::Workload;

/// A built and verified case, ready to time.
///
/// [`VerifiedCase::build`] builds the model (pools, runtimes, worker processes) and runs one
/// batch whose checksum must equal the reference: that batch is also the warm-up, and it is
/// never timed. [`VerifiedCase::batch`] then runs the untimed [`Model::before_batch`] step and
/// times one whole batch, verifying it again. [`VerifiedCase::finish`] tears the model down.
pub struct VerifiedCase {
    model: Box<dyn Model>,
    workload: String,
    model_name: &'static str,
    workers: usize,
    want: u64,
}

impl VerifiedCase {
    /// Builds `info` with `workers` for `workload` and runs one verified batch. `want` is the
    /// reference checksum ([`crate::workload::reference_checksum`]).
    ///
    /// # Errors
    /// The model's build or batch error, or [`Error::ChecksumMismatch`] naming the case when
    /// the checksum differs (the model is torn down first).
    pub fn build(
        workload: &Arc<dyn Workload>,
        info: &'static ModelInfo,
        workers: usize,
        config: &ModelConfig,
        want: u64,
    ) -> Result<VerifiedCase> {
        let model = model::build(info, workload.clone(), workers, config)?;
        let mut case = VerifiedCase {
            model,
            workload: workload.spec().name.clone(),
            model_name: info.name,
            workers: info.effective_workers(workers),
            want,
        };
        if let Err(e) = case.model.run().and_then(|got| case.verify(got)) {
            // Tear down (and reap workers) before reporting; the first error is the one
            // that matters.
            let _ = case.model.finish();
            return Err(e);
        }
        Ok(case)
    }

    /// The worker count the model really uses (sequential: 1).
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// Runs the untimed batch start, then one timed batch; returns its wall time.
    ///
    /// # Errors
    /// The batch's error, or [`Error::ChecksumMismatch`] when its checksum is wrong.
    pub fn batch(&mut self) -> Result<Duration> {
        self.model.before_batch()?;
        let start = Instant::now();
        let got = self.model.run()?;
        let elapsed = start.elapsed();
        self.verify(got)?;
        Ok(elapsed)
    }

    /// Runs one batch untimed (for callers that measure something else: CPU, memory).
    ///
    /// # Errors
    /// As [`VerifiedCase::batch`].
    pub fn untimed_batch(&mut self) -> Result<()> {
        self.model.before_batch()?;
        let got = self.model.run()?;
        self.verify(got)
    }

    /// Tears the model down; worker processes report what they used.
    ///
    /// # Errors
    /// When a worker process fails to shut down cleanly.
    pub fn finish(self) -> Result<Vec<WorkerUsage>> {
        self.model.finish()
    }

    fn verify(&self, got: u64) -> Result<()> {
        if got == self.want {
            Ok(())
        } else {
            Err(Error::ChecksumMismatch {
                workload: self.workload.clone(),
                model: self.model_name.to_string(),
                workers: self.workers,
                got,
                want: self.want,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{self, WorkloadSpec};

    fn bank() -> Arc<dyn Workload> {
        let spec = (workload::find("bank").unwrap().spec_for)(crate::Profile::Smoke);
        let w = workload::build(&spec).unwrap();
        w.prepare(crate::workload::Role::Parent);
        w
    }

    #[test]
    fn batches_with_shared_state_verify_every_time() {
        // bank resets its ledger at each batch start (the untimed step): a batch that
        // skipped it would fold a doubled ledger into its checksum and fail.
        let w = bank();
        let want = workload::reference_checksum(w.as_ref());
        for name in ["sequential", "threads", "tokio"] {
            let info = model::find(name).unwrap();
            let mut case = VerifiedCase::build(&w, info, 2, &ModelConfig::default(), want).unwrap();
            for _ in 0..3 {
                assert!(case.batch().unwrap() > Duration::ZERO, "{name}");
            }
            case.untimed_batch().unwrap();
            case.finish().unwrap();
        }
    }

    #[test]
    fn a_wrong_reference_is_refused_before_any_timing() {
        let spec = WorkloadSpec::new("sum-squares")
            .with("tasks", 4)
            .with("n", 100);
        let w = workload::build(&spec).unwrap();
        let want = workload::reference_checksum(w.as_ref());
        let info = model::find("rayon").unwrap();
        let err = VerifiedCase::build(&w, info, 3, &ModelConfig::default(), want ^ 1)
            .err()
            .expect("a mismatch");
        assert!(
            matches!(err, Error::ChecksumMismatch { workers: 3, ref model, .. } if model == "rayon"),
            "{err}"
        );
        assert!(err.to_string().contains("sum-squares"), "{err}");
    }

    #[test]
    fn sequential_uses_one_worker_whatever_is_asked() {
        let spec = WorkloadSpec::new("sum-squares")
            .with("tasks", 2)
            .with("n", 10);
        let w = workload::build(&spec).unwrap();
        let want = workload::reference_checksum(w.as_ref());
        let case = VerifiedCase::build(
            &w,
            model::find("sequential").unwrap(),
            8,
            &ModelConfig::default(),
            want,
        )
        .unwrap();
        assert_eq!(case.workers(), 1);
        case.finish().unwrap();
    }
}
