//! Break-even sizes: where a model's speedup over sequential crosses 1× as the task size
//! grows.
//!
//! The rule, on points (size, speedup) taken in ascending size:
//! - between two consecutive sizes whose speedups lie strictly on opposite sides of 1, the
//!   break-even is interpolated linearly in log size (speedup linear):
//!   `ln x = ln x0 + (ln x1 − ln x0) · (1 − s0) / (s1 − s0)`;
//! - a measured speedup of exactly 1 is a break-even at that size, unless the nearest
//!   speedups on both sides of it that are not 1 lie on the same side of 1 (the series only
//!   touches 1×); several sizes in a row at exactly 1 give one break-even, at the first.
//!
//! Each break-even has a [`Direction`]: faster than sequential above it (`Up`), or slower
//! above it (`Down`). A series with none is described as never breaking even, and on which
//! side it stays.

use crate::plot::axis::point_label;

/// Which way a speedup crosses 1× as the size grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Slower than sequential below, faster above.
    Up,
    /// Faster below, slower above.
    Down,
    /// At exactly 1× at every size measured.
    Level,
}

/// One break-even: a size where the speedup crosses 1×.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Crossing {
    /// The size (the swept parameter's value, interpolated; > 0).
    pub size: f64,
    /// Which way it crosses.
    pub direction: Direction,
}

/// Which side of 1× a speedup is on: -1 below, 0 at exactly 1, 1 above.
fn side(speedup: f64) -> i8 {
    if speedup > 1.0 {
        1
    } else if speedup < 1.0 {
        -1
    } else {
        0
    }
}

/// The break-evens of `points` (size, speedup), in ascending size. Points with a size that
/// is not positive or a speedup that is not finite are left out; the order of `points` does
/// not matter.
pub fn crossings(points: &[(f64, f64)]) -> Vec<Crossing> {
    let mut pts: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|(x, s)| x.is_finite() && *x > 0.0 && s.is_finite())
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = Vec::new();
    // The last point off 1×: its side and index.
    let mut last: Option<(i8, usize)> = None;
    let mut i = 0;
    while i < pts.len() {
        let here = side(pts[i].1);
        if here != 0 {
            if let Some((before, at)) = last
                && before != here
                && at + 1 == i
            {
                let ((x0, s0), (x1, s1)) = (pts[at], pts[i]);
                let t = (1.0 - s0) / (s1 - s0);
                out.push(Crossing {
                    size: (x0.ln() + (x1.ln() - x0.ln()) * t).exp(),
                    direction: if here > 0 {
                        Direction::Up
                    } else {
                        Direction::Down
                    },
                });
            }
            last = Some((here, i));
            i += 1;
            continue;
        }
        // A run of points at exactly 1×, from i up to (not including) j.
        let j = (i..pts.len())
            .find(|&k| side(pts[k].1) != 0)
            .unwrap_or(pts.len());
        let before = last.map(|(s, _)| s);
        let after = pts.get(j).map(|p| side(p.1));
        let direction = match (before, after) {
            (Some(b), Some(a)) if a == b => None,
            (Some(-1), _) | (_, Some(1)) => Some(Direction::Up),
            (Some(_), _) | (_, Some(_)) => Some(Direction::Down),
            (None, None) => Some(Direction::Level),
        };
        if let Some(direction) = direction {
            out.push(Crossing {
                size: pts[i].0,
                direction,
            });
        }
        i = j;
    }
    out
}

/// A size for people, rounded to three significant digits and written as the chart's tick
/// labels are: in full below 100 000 (`3160`, `31600`, `12.3`), with k, M, G above
/// (`316k`, `2M`).
pub fn size_label(size: f64) -> String {
    if !(size.is_finite() && size > 0.0) {
        return point_label(size);
    }
    let digits = size.log10().floor() as i32;
    let scale = 10f64.powi(digits - 2);
    let rounded = (size / scale).round() * scale;
    point_label(if digits >= 2 {
        rounded.round()
    } else {
        rounded
    })
}

/// One line for a model's break-evens over `points` (size, speedup): the sizes with their
/// direction (`3160 (faster above)`), or why there is none (`never: slower at every n
/// measured`). `param` names the swept parameter.
pub fn describe(points: &[(f64, f64)], param: &str) -> String {
    let found = crossings(points);
    if found.is_empty() {
        let speedups: Vec<f64> = points
            .iter()
            .map(|p| p.1)
            .filter(|s| s.is_finite())
            .collect();
        if speedups.is_empty() {
            return "no measurement".to_string();
        }
        return if speedups.iter().all(|s| *s <= 1.0) {
            format!("never: not faster than sequential at any {param} measured")
        } else {
            format!("never: not slower than sequential at any {param} measured")
        };
    }
    found
        .iter()
        .map(|c| {
            let how = match c.direction {
                Direction::Up => "faster above",
                Direction::Down => "slower above",
                Direction::Level => "1× at every size",
            };
            format!("{} ({how})", size_label(c.size))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn one_crossing_is_interpolated_on_log_size() {
        // 0.5 at 100, 1.5 at 10 000: halfway in speedup, so halfway in log size: 1000.
        let got = crossings(&[(100.0, 0.5), (10_000.0, 1.5), (1e6, 1.9)]);
        assert_eq!(got.len(), 1);
        assert!(close(got[0].size, 1000.0), "{:?}", got);
        assert_eq!(got[0].direction, Direction::Up);
        // A quarter of the way: 100 * 100^0.25.
        let got = crossings(&[(100.0, 0.0), (10_000.0, 4.0)]);
        assert!(close(got[0].size, 100.0 * 100f64.powf(0.25)), "{got:?}");
        // Order of the input does not matter.
        assert_eq!(
            crossings(&[(10_000.0, 1.5), (100.0, 0.5)]),
            crossings(&[(100.0, 0.5), (10_000.0, 1.5)])
        );
        assert_eq!(
            describe(&[(100.0, 0.5), (10_000.0, 1.5)], "n"),
            "1000 (faster above)"
        );
    }

    #[test]
    fn never_crossing_says_which_side_it_stays_on() {
        assert!(crossings(&[(100.0, 0.2), (1000.0, 0.6), (1e4, 0.99)]).is_empty());
        assert_eq!(
            describe(&[(100.0, 0.2), (1000.0, 0.6)], "n"),
            "never: not faster than sequential at any n measured"
        );
        assert_eq!(
            describe(&[(100.0, 1.2), (1000.0, 1.6)], "n"),
            "never: not slower than sequential at any n measured"
        );
        assert_eq!(describe(&[], "n"), "no measurement");
    }

    #[test]
    fn crossing_twice_lists_both_in_size_order() {
        let pts = [(100.0, 0.5), (1000.0, 1.5), (10_000.0, 1.5), (1e5, 0.5)];
        let got = crossings(&pts);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(close(got[0].size, 100.0 * 10f64.sqrt()), "{got:?}");
        assert_eq!(got[0].direction, Direction::Up);
        assert!(close(got[1].size, 10_000.0 * 10f64.sqrt()), "{got:?}");
        assert_eq!(got[1].direction, Direction::Down);
        assert_eq!(
            describe(&pts, "n"),
            "316 (faster above), 31600 (slower above)"
        );
    }

    #[test]
    fn exactly_one_at_a_point_is_the_break_even_there() {
        // Below, exactly 1, above: one break-even at the point itself, not two.
        let got = crossings(&[(100.0, 0.5), (1000.0, 1.0), (10_000.0, 2.0)]);
        assert_eq!(
            got,
            [Crossing {
                size: 1000.0,
                direction: Direction::Up
            }]
        );
        // A run at exactly 1: one break-even, at its first size.
        let got = crossings(&[(100.0, 2.0), (1000.0, 1.0), (2000.0, 1.0), (1e4, 0.5)]);
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].size, got[0].direction), (1000.0, Direction::Down));
        // Touching 1 and going back is no crossing.
        assert!(crossings(&[(100.0, 0.5), (1000.0, 1.0), (1e4, 0.7)]).is_empty());
        assert_eq!(
            describe(&[(100.0, 0.5), (1000.0, 1.0), (1e4, 0.7)], "n"),
            "never: not faster than sequential at any n measured"
        );
        // At an end of the series it breaks even there.
        let got = crossings(&[(100.0, 1.0), (1000.0, 3.0)]);
        assert_eq!((got[0].size, got[0].direction), (100.0, Direction::Up));
        let got = crossings(&[(100.0, 1.0), (1000.0, 1.0)]);
        assert_eq!((got[0].size, got[0].direction), (100.0, Direction::Level));
    }

    #[test]
    fn sizes_read_with_three_significant_digits() {
        assert_eq!(size_label(3162.28), "3160");
        assert_eq!(size_label(316_227.8), "316k");
        assert_eq!(size_label(1000.0), "1000");
        assert_eq!(size_label(12.34), "12.3");
        assert_eq!(size_label(2_000_000.0), "2M");
    }
}
