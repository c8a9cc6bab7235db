//! Draws the ratio bars ([`RatioBars`]): per model, one bar per other machine from 1 to its
//! time ratio on a log2 axis (up = slower), whiskers from the confidence intervals, the
//! ratio printed at the bar's end, and the legend on the right. A model name wider than its
//! group's slot under the axis, or a legend label past
//! [`crate::plot::legend::LABEL_MAX`], is shortened with an ellipsis, distinct from the
//! others ([`crate::plot::labels::shorten`]); `compare.md` keeps the full names.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart::RatioBars;
use crate::plot::canvas::{self, Axis, Frame};
use crate::plot::labels::{shorten, text_width};
use crate::plot::legend::{self, GAP, ROW, SAMPLE};
use crate::plot::series_style::ChartStyles;
use crate::plot::style::LineStyle;
use crate::plot::style::{self, stroke, trim_number};
use crate::plot::{DrawResult, Theme};

/// Log-axis ticks for ratios between `lo` and `hi` (both > 0), in log2 units.
fn ratio_ticks(lo: f64, hi: f64) -> Vec<(f64, String)> {
    const FINE: [f64; 22] = [
        0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0, 3.0, 4.0, 5.0,
        8.0, 10.0, 20.0, 50.0, 100.0,
    ];
    const COARSE: [f64; 11] = [
        0.01, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0, 25.0, 100.0, 1000.0,
    ];
    let within = |set: &[f64]| -> Vec<f64> {
        set.iter()
            .copied()
            .filter(|v| *v >= lo && *v <= hi)
            .collect()
    };
    let mut ticks = within(&FINE);
    if ticks.len() > 9 {
        ticks = within(&COARSE);
    }
    ticks
        .into_iter()
        .map(|v| (v.log2(), format!("{}x", trim_number(v, 2))))
        .collect()
}

/// Draws `plot` below the header already on `root`.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &RatioBars,
    theme: Theme,
) -> DrawResult<DB> {
    let palette = theme.palette();
    let styles = ChartStyles::new(plot.bars.iter().map(|b| b.model.as_str()));
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for b in &plot.bars {
        if !groups.iter().any(|(m, _)| *m == b.model) {
            groups.push((&b.model, b.workers));
        }
    }
    let mut labels: Vec<String> = plot
        .machines
        .iter()
        .map(|m| format!("{m} / {}", plot.base))
        .collect();
    labels.push(format!("1x = same as {}", plot.base));
    labels.push("range from the CIs".to_string());
    let labels = legend::fit_labels(&labels);
    let legend = legend::width(root, &labels)?;

    let mut values: Vec<f64> = vec![1.0];
    for b in &plot.bars {
        values.push(b.ratio);
        if let Some((l, h)) = b.interval {
            values.extend([l, h]);
        }
    }
    values.retain(|v| *v > 0.0 && v.is_finite());
    let lo = values.iter().copied().fold(0.8f64, f64::min) / 1.15;
    let hi = values.iter().copied().fold(1.25f64, f64::max) * 1.15;
    let mut frame = Frame::fit(
        root,
        legend,
        Axis {
            lo: -0.6,
            hi: groups.len() as f64 - 0.4,
            ticks: groups
                .iter()
                .enumerate()
                .map(|(i, (m, w))| (i as f64, format!("{m}\n×{w}")))
                .collect(),
            title: "model, largest common worker count".to_string(),
        },
        Axis {
            lo: lo.log2(),
            hi: hi.log2(),
            ticks: ratio_ticks(lo, hi),
            title: format!("time / time on {} (log scale)", plot.base),
        },
    )?;
    // Each model's name fits the slot of its group, and names stay distinct.
    let slot = frame.px(1.0) - frame.px(0.0) - 16;
    let names: Vec<String> = groups.iter().map(|(m, _)| m.to_string()).collect();
    let names = shorten(&names, slot, |t| text_width(t, style::size::TICK));
    for ((_, label), (name, (_, w))) in frame.x.ticks.iter_mut().zip(names.iter().zip(&groups)) {
        *label = format!("{name}\n×{w}");
    }
    frame.draw(root, &palette, false)?;

    // The first other machine in the model's colour, later ones paler.
    let paler = 0.55 / (plot.machines.len().max(2) - 1) as f64;
    let shade = |machine: usize, colour: RGBColor| {
        style::blend(colour, palette.background, paler * machine as f64)
    };
    let others = plot.machines.len().max(1) as f64;
    let width = 0.7 / others;
    let one = frame.py(0.0);
    for b in &plot.bars {
        let group = groups.iter().position(|(m, _)| *m == b.model).unwrap_or(0) as f64;
        let left = group - 0.35 + width * b.machine as f64;
        let (x0, x1) = (frame.px(left + width * 0.08), frame.px(left + width * 0.92));
        let top = frame.py(b.ratio.log2().clamp(frame.y.lo, frame.y.hi));
        let colour = styles.get(&b.model).colour;
        root.draw(&Rectangle::new(
            [(x0, one.min(top)), (x1, one.max(top))],
            shade(b.machine, colour).filled(),
        ))?;
        root.draw(&Rectangle::new(
            [(x0, one.min(top)), (x1, one.max(top))],
            colour.stroke_width(2),
        ))?;
        let mid = (x0 + x1) / 2;
        let mut label_y = top;
        if let Some((l, h)) = b.interval {
            let (pl, ph) = (
                frame.py(l.log2().max(frame.y.lo)),
                frame.py(h.log2().min(frame.y.hi)),
            );
            let whisker = palette.text.stroke_width(3);
            root.draw(&PathElement::new(vec![(mid, pl), (mid, ph)], whisker))?;
            for y in [pl, ph] {
                root.draw(&PathElement::new(
                    vec![(mid - 14, y), (mid + 14, y)],
                    whisker,
                ))?;
            }
            label_y = if b.ratio >= 1.0 {
                ph.min(top)
            } else {
                pl.max(top)
            };
        }
        let (anchor, dy) = if b.ratio >= 1.0 {
            (VPos::Bottom, -8)
        } else {
            (VPos::Top, 8)
        };
        root.draw_text(
            &format!("{:.2}x", b.ratio),
            &style::bold(style::size::TICK, palette.text).pos(Pos::new(HPos::Center, anchor)),
            (mid, label_y + dy),
        )?;
    }
    canvas::polyline(
        root,
        &[(frame.left, one), (frame.right, one)],
        LineStyle::Solid,
        palette.guide,
        stroke::GUIDE,
    )?;

    // Legend: one swatch per other machine, then the baseline and the whiskers.
    let x = frame.right + 36 + 8;
    let mut y = frame.top + ROW / 2;
    for (n, label) in labels.iter().take(plot.machines.len()).enumerate() {
        let grey = palette.muted;
        root.draw(&Rectangle::new(
            [(x, y - 18), (x + SAMPLE, y + 18)],
            shade(n, grey).filled(),
        ))?;
        root.draw(&Rectangle::new(
            [(x, y - 18), (x + SAMPLE, y + 18)],
            grey.stroke_width(2),
        ))?;
        legend::text(root, label, (x + SAMPLE + GAP, y), palette.text)?;
        y += ROW;
    }
    y += ROW / 3;
    legend::guide_row(root, (x, y), &labels[plot.machines.len()], &palette)?;
    y += ROW;
    let whisker = palette.text.stroke_width(3);
    let mid = x + SAMPLE / 2;
    root.draw(&PathElement::new(
        vec![(mid, y - 20), (mid, y + 20)],
        whisker,
    ))?;
    for dy in [-20, 20] {
        root.draw(&PathElement::new(
            vec![(mid - 14, y + dy), (mid + 14, y + dy)],
            whisker,
        ))?;
    }
    legend::text(
        root,
        &labels[plot.machines.len() + 1],
        (x + SAMPLE + GAP, y),
        palette.text,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_model_names_under_the_bars_stay_distinct_and_apart() {
        use super::super::chart::{Bar, CompareFigure, svg_of};
        use crate::plot::Header;
        use crate::plot::svg_text::{overlap, texts};
        let models: Vec<String> = (1..=6)
            .map(|i| format!("parse_json_document_with_serde_derive_and_borrowed_strings_{i}"))
            .collect();
        let bars = models
            .iter()
            .map(|m| Bar {
                model: m.clone(),
                workers: 4,
                machine: 0,
                ratio: 1.2,
                interval: Some((1.1, 1.3)),
            })
            .collect();
        let plot = RatioBars {
            base: "base".to_string(),
            machines: vec![
                "a machine label long enough to need shortening in the legend column".to_string(),
            ],
            bars,
        };
        let header = Header {
            title: "parse: time ratio to base".to_string(),
            subtitle: "criterion data".to_string(),
        };
        let svg = svg_of(&CompareFigure::Ratio(plot), &header, Theme::Light).unwrap();
        let all = texts(&svg);
        let names: Vec<_> = all
            .iter()
            .filter(|t| t.text.starts_with("par") && t.text.contains('…') && t.anchor == "middle")
            .collect();
        assert_eq!(names.len(), 6, "{names:?}");
        for (i, name) in names.iter().enumerate() {
            assert!(name.text.ends_with(&format!("_{}", i + 1)), "{}", name.text);
            let b = name.bbox();
            assert!(b.0 >= 0.0 && b.2 <= 1920.0 && b.3 <= 1080.0, "{name:?}");
            for other in &names[i + 1..] {
                assert_ne!(name.text, other.text);
                assert!(!overlap(b, other.bbox()), "{name:?} overlaps {other:?}");
            }
        }
        let legend = all
            .iter()
            .find(|t| t.text.starts_with("a machine label"))
            .expect("the machine's legend row");
        assert!(
            legend.text.ends_with("/ base") && legend.text.contains('…'),
            "{}",
            legend.text
        );
        assert!(legend.bbox().2 <= 1920.0);
    }

    #[test]
    fn ratio_ticks_stay_few_and_inside() {
        let ticks = ratio_ticks(0.7, 2.3);
        let values: Vec<&str> = ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            values,
            ["0.75x", "0.9x", "1x", "1.1x", "1.25x", "1.5x", "2x"]
        );
        assert!(ratio_ticks(0.001, 5000.0).len() <= 11);
    }
}
