//! [`Estimate`]: a point with its confidence interval, the shape of every figure concbench
//! measures (batch times, speedups, throughputs), whatever its unit.

use serde::{Deserialize, Serialize};

/// A point estimate with its confidence interval, in the unit of the field that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The estimate.
    pub point: f64,
    /// Lower confidence bound.
    pub lower: f64,
    /// Upper confidence bound.
    pub upper: f64,
}

impl Estimate {
    /// Half the interval's width relative to the point: 0.05 means ±5%. Infinite when the
    /// point is not positive.
    pub fn relative_half_width(&self) -> f64 {
        if self.point > 0.0 {
            (self.upper - self.lower) / 2.0 / self.point
        } else {
            f64::INFINITY
        }
    }
}
