//! `mandelbrot`: rows of a Mandelbrot image. The classic slide picture, and irregular cost:
//! bands through the set's body iterate to `max_iter` at every pixel, bands at the edge of
//! the view escape almost at once.
//!
//! The image is `width` x `height` pixels over the view `[-2.5, 1.0] x [-1.25, 1.25]`
//! (pixel centres). Task `t` renders rows `[t*height/tasks, (t+1)*height/tasks)`; its
//! checksum folds every pixel's escape count in order. Arithmetic is plain `f64` without
//! fused multiply-add, so every machine and process computes the same counts. Doubling
//! `height` (the same view, sampled twice as densely) doubles the work.

use std::sync::Arc;

use super::{Kind, ParamInfo, TASKS_PARAM, Workload, WorkloadInfo, WorkloadSpec};
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::task::TaskCtx;

/// Its parameters.
pub const PARAMS: &[ParamInfo] = &[
    TASKS_PARAM,
    ParamInfo {
        name: "width",
        min: 1,
        max: 1 << 16,
        meaning: "image width, in pixels",
    },
    ParamInfo {
        name: "height",
        min: 1,
        max: 1 << 16,
        meaning: "image height, in pixels (its rows are split among the tasks)",
    },
    ParamInfo {
        name: "max_iter",
        min: 1,
        max: 1 << 20,
        meaning: "iterations before a point counts as inside the set",
    },
];

/// Registry entry.
pub const INFO: WorkloadInfo = WorkloadInfo {
    name: "mandelbrot",
    kind: Kind::Cpu,
    disk_io: false,
    teaches: "irregular cost, classic slide picture",
    task: "escape counts (up to max_iter) for one band of rows of a width x height image",
    params: PARAMS,
    spec_for,
    build,
};

/// The view: real axis from `X_MIN` to `X_MAX`, imaginary axis from `-Y_HALF` to `Y_HALF`.
const X_MIN: f64 = -2.5;
const X_MAX: f64 = 1.0;
const Y_HALF: f64 = 1.25;

/// Iterations between two `tick()` calls: a few microseconds of work. A pixel longer than
/// this is split, so no pixel runs past a tick.
const TICK_ITERS: u32 = 512;

/// What a pixel costs beyond its iterations (coordinates, the fold), in iterations.
const PIXEL_WORK: u32 = 16;

fn spec_for(profile: Profile) -> WorkloadSpec {
    let (tasks, width, height, max_iter) = match profile {
        Profile::Smoke => (8, 192, 128, 256),
        Profile::Quick => (32, 640, 400, 500),
        Profile::Default => (64, 1024, 640, 640),
        Profile::Full => (128, 1600, 1200, 1000),
    };
    WorkloadSpec::new(INFO.name)
        .with("tasks", tasks)
        .with("width", width)
        .with("height", height)
        .with("max_iter", max_iter)
}

fn build(spec: &WorkloadSpec) -> Result<Arc<dyn Workload>> {
    Ok(Arc::new(Mandelbrot::new(spec)?))
}

impl Mandelbrot {
    fn new(spec: &WorkloadSpec) -> Result<Mandelbrot> {
        let tasks = spec.declared(PARAMS, "tasks")?;
        let width = spec.declared(PARAMS, "width")?;
        let height = spec.declared(PARAMS, "height")?;
        let max_iter = spec.declared(PARAMS, "max_iter")?;
        if tasks > height {
            return Err(Error::BadSpec {
                workload: spec.name.clone(),
                param: "tasks".to_string(),
                problem: format!(
                    "is {tasks}, more than the {height} rows; a task is a band of at least one row, \
                 so use at most height tasks"
                ),
            });
        }
        Ok(Mandelbrot {
            tasks: tasks as usize,
            width: width as usize,
            height: height as usize,
            max_iter: max_iter as u32,
            spec: spec.clone(),
        })
    }
}

/// A Mandelbrot image rendered in bands of rows.
pub struct Mandelbrot {
    spec: WorkloadSpec,
    tasks: usize,
    width: usize,
    height: usize,
    max_iter: u32,
}

/// Iterations until `z -> z*z + c` leaves the radius-2 disc, starting from `z = 0`; `max_iter`
/// when it never does. Runs in slices of at most [`TICK_ITERS`] iterations; `on_work` hears
/// how many iterations each slice took.
#[inline]
fn escape(cx: f64, cy: f64, max_iter: u32, mut on_work: impl FnMut(u32)) -> u32 {
    let (mut zr, mut zi) = (0.0f64, 0.0f64);
    let mut done = 0u32;
    while done < max_iter {
        let slice_end = done.saturating_add(TICK_ITERS).min(max_iter);
        let slice_start = done;
        while done < slice_end {
            let (zr2, zi2) = (zr * zr, zi * zi);
            if zr2 + zi2 > 4.0 {
                on_work(done - slice_start + 1);
                return done;
            }
            zi = 2.0 * zr * zi + cy;
            zr = zr2 - zi2 + cx;
            done += 1;
        }
        on_work(done - slice_start);
    }
    max_iter
}

impl Mandelbrot {
    /// The rows task `task` renders.
    fn rows(&self, task: usize) -> std::ops::Range<usize> {
        (task * self.height / self.tasks)..((task + 1) * self.height / self.tasks)
    }

    /// The point `c` at the centre of pixel (`x`, `y`), `y` counted from the top.
    fn point(&self, x: usize, y: usize) -> (f64, f64) {
        let cx = X_MIN + (x as f64 + 0.5) * (X_MAX - X_MIN) / self.width as f64;
        let cy = Y_HALF - (y as f64 + 0.5) * (2.0 * Y_HALF) / self.height as f64;
        (cx, cy)
    }
}

impl Workload for Mandelbrot {
    fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    fn tasks(&self) -> usize {
        self.tasks
    }

    fn run(&self, task: usize, ctx: &mut TaskCtx<'_>) -> u64 {
        let mut acc = 0xcbf2_9ce4_8422_2325u64;
        let mut work = 0u32;
        for y in self.rows(task) {
            for x in 0..self.width {
                let (cx, cy) = self.point(x, y);
                // A pixel that escapes at once still costs about this many iterations.
                work += PIXEL_WORK;
                let n = escape(cx, cy, self.max_iter, |w| {
                    work += w;
                    if work >= TICK_ITERS {
                        work = 0;
                        ctx.tick();
                    }
                });
                acc = (acc ^ u64::from(n)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(tasks: u64, width: u64, height: u64, max_iter: u64) -> WorkloadSpec {
        WorkloadSpec::new("mandelbrot")
            .with("tasks", tasks)
            .with("width", width)
            .with("height", height)
            .with("max_iter", max_iter)
    }

    fn esc(cx: f64, cy: f64, max_iter: u32) -> u32 {
        escape(cx, cy, max_iter, |_| {})
    }

    #[test]
    fn points_inside_the_set_reach_max_iter() {
        assert_eq!(esc(0.0, 0.0, 1000), 1000);
        assert_eq!(
            esc(-1.0, 0.0, 5000),
            5000,
            "period-2 bulb, longer than one slice"
        );
        assert_eq!(esc(-0.1, 0.1, 300), 300);
    }

    #[test]
    fn points_far_outside_escape_at_once() {
        assert_eq!(esc(2.0, 2.0, 1000), 1);
        assert_eq!(esc(-2.5, 1.25, 1000), 1);
        // c = 1: z goes 0, 1, 2, 5; |5| > 2 is seen at iteration 3.
        assert_eq!(esc(1.0, 0.0, 1000), 3);
    }

    #[test]
    fn work_reports_add_up_to_the_iterations() {
        for (cx, cy, max_iter) in [(0.0, 0.0, 3000), (1.0, 0.0, 3000), (0.3, 0.5, 3000)] {
            let mut total = 0;
            let mut largest = 0;
            let n = escape(cx, cy, max_iter, |w| {
                total += w;
                largest = largest.max(w);
            });
            assert!(
                total >= n && total <= n + 1,
                "{n} iterations, {total} reported"
            );
            assert!(largest <= TICK_ITERS);
        }
    }

    #[test]
    fn bands_cover_every_row_once() {
        let w = Mandelbrot::new(&spec(7, 10, 30, 10)).unwrap();
        let rows: Vec<usize> = (0..7).flat_map(|t| w.rows(t)).collect();
        assert_eq!(rows, (0..30).collect::<Vec<_>>());
    }

    #[test]
    fn bands_differ_and_mirror_rows_match() {
        // The set is symmetric about the real axis: with an even height, band t and band
        // tasks-1-t hold mirrored rows, in reverse order. With one row per band they match.
        let w = build(&spec(16, 64, 16, 200)).unwrap();
        let run = |t| w.run(t, &mut TaskCtx::free());
        assert_eq!(run(0), run(15));
        assert_eq!(run(7), run(8));
        assert_ne!(run(0), run(7), "edge rows and middle rows differ");
        assert_eq!(
            run(3),
            build(&spec(16, 64, 16, 200))
                .unwrap()
                .run(3, &mut TaskCtx::free())
        );
    }

    #[test]
    fn bad_specs_are_rejected_clearly() {
        let err = build(&spec(20, 64, 10, 100)).err().unwrap().to_string();
        assert!(err.contains("'tasks'") && err.contains("10 rows"), "{err}");
        let err = build(&spec(4, 0, 10, 100)).err().unwrap().to_string();
        assert!(err.contains("'width'"), "{err}");
        let err = build(&spec(4, 64, 10, 0)).err().unwrap().to_string();
        assert!(err.contains("'max_iter'"), "{err}");
    }
}
