//! How concbench writes a time for a reader: [`format_ns`], three significant digits in the
//! unit that suits the value (`ns`, `µs`, `ms`, `s`). Every table, warning and message that
//! shows a time (the `run` table, `report.md`, `compare`, the doubts, the bench's own lists)
//! goes through it, so one value reads the same everywhere. Axis ticks of charts are not
//! times of one case and pick their own unit ([`crate::report`]'s time chart).
//!
//! To show a time in a new place, call [`format_ns`]; to change how every time reads, change
//! it here.

/// The units [`format_ns`] chooses from, largest first: (nanoseconds per unit, symbol).
const UNITS: [(f64, &str); 4] = [(1e9, "s"), (1e6, "ms"), (1e3, "µs"), (1.0, "ns")];

/// A time given in nanoseconds, with three significant digits in the largest unit in which
/// it is at least 1: `6.91 ns`, `999 ns`, `1.00 µs`, `12.3 ms`, `2.50 s`, `1230 s`.
/// Values under 1 ns stay in ns (`0.500 ns`); 0 is `0 ns`; a negative time keeps its sign;
/// a value that is not finite is `n/a`. Rounding happens before the unit is chosen, so
/// 999.7 ns is `1.00 µs`, never `1000 ns`.
pub fn format_ns(ns: f64) -> String {
    if !ns.is_finite() {
        return "n/a".to_string();
    }
    if ns == 0.0 {
        return "0 ns".to_string();
    }
    let sign = if ns < 0.0 { "-" } else { "" };
    let rounded = round_significant(ns.abs(), 3);
    let (scale, unit) = UNITS
        .iter()
        .copied()
        .find(|(scale, _)| rounded >= *scale)
        .unwrap_or((1.0, "ns"));
    let value = rounded / scale;
    let decimals = if value >= 100.0 {
        0
    } else {
        // 2 decimals from 1 to 10, 1 from 10 to 100, more below 1 ns.
        (2 - value.log10().floor() as i32).max(0) as usize
    };
    format!("{sign}{value:.decimals$} {unit}")
}

/// `value` (> 0) rounded to `digits` significant digits.
fn round_significant(value: f64, digits: i32) -> f64 {
    let magnitude = value.log10().floor() as i32;
    let factor = 10f64.powi(digits - 1 - magnitude);
    (value * factor).round() / factor
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_keep_three_significant_digits_from_nanoseconds_to_seconds() {
        let cases = [
            (0.5, "0.500 ns"),
            (0.0456, "0.0456 ns"),
            (6.91, "6.91 ns"),
            (6.0, "6.00 ns"),
            (42.0, "42.0 ns"),
            (999.0, "999 ns"),
            (999.7, "1.00 µs"),
            (1_234.0, "1.23 µs"),
            (12_345.0, "12.3 µs"),
            (123_456.0, "123 µs"),
            (52_100_000.0, "52.1 ms"),
            (999_600_000.0, "1.00 s"),
            (2_500_000_000.0, "2.50 s"),
            (1_234_000_000_000.0, "1230 s"),
        ];
        for (ns, text) in cases {
            assert_eq!(format_ns(ns), text, "{ns} ns");
        }
    }

    #[test]
    fn zero_negative_and_non_finite_times_read_plainly() {
        assert_eq!(format_ns(0.0), "0 ns");
        assert_eq!(format_ns(-1_500.0), "-1.50 µs");
        assert_eq!(format_ns(f64::NAN), "n/a");
        assert_eq!(format_ns(f64::INFINITY), "n/a");
    }
}
