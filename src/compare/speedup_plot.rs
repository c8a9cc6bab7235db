//! Draws the speedup overlay ([`SpeedupOverlay`]): speedup vs workers on a log2 axis, one
//! colour and marker per model (the report's), one line style per machine, markers filled
//! on the base machine and hollow on the others, the ideal line, and the legend in a column
//! on the right (models, then machines, then the ideal line).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::SpeedupOverlay;
use crate::plot::canvas::{self, Axis, Frame};
use crate::plot::legend::{self, GAP, ROW, SAMPLE};
use crate::plot::series_style::ChartStyles;
use crate::plot::style::LineStyle;
use crate::plot::style::{Marker, draw_marker, stroke, trim_number};
use crate::plot::{DrawResult, Theme, axis};

/// Draws `plot` below the header already on `root`.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &SpeedupOverlay,
    theme: Theme,
) -> DrawResult<DB> {
    let palette = theme.palette();
    let mut models: Vec<&str> = Vec::new();
    for s in &plot.series {
        if !models.contains(&s.model.as_str()) {
            models.push(&s.model);
        }
    }
    // Colour and marker per model; each machine keeps its own line style, so a model past
    // the chart's palette is told apart by colour and marker only.
    let styles = ChartStyles::new(models.iter().copied());
    let machine_labels: Vec<String> = plot
        .machines
        .iter()
        .enumerate()
        .map(|(n, m)| {
            if n == 0 {
                format!("{m} (base)")
            } else {
                m.clone()
            }
        })
        .collect();
    let mut labels: Vec<String> = models.iter().map(|m| m.to_string()).collect();
    labels.extend(machine_labels.iter().cloned());
    labels.push("ideal".to_string());
    let legend = legend::width(root, &labels)?;

    let mut xs: Vec<f64> = plot
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let (x_min, x_max) = (xs[0], xs[xs.len() - 1]);
    let pad = if x_max > x_min { 0.3 } else { 0.6 };
    let y_max = plot
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(1.2f64, f64::max);
    let (y_end, y_ticks) = axis::linear_ticks(y_max * 1.08);
    let frame = Frame::fit(
        root,
        legend,
        Axis {
            lo: x_min.log2() - pad,
            hi: x_max.log2() + pad,
            ticks: xs.iter().map(|x| (x.log2(), trim_number(*x, 0))).collect(),
            title: "workers (log scale)".to_string(),
        },
        Axis {
            lo: 0.0,
            hi: y_end,
            ticks: y_ticks,
            title: "speedup over the machine's sequential (×)".to_string(),
        },
    )?;
    frame.draw(root, &palette, true)?;

    // The ideal line y = workers, thin, from the smallest worker count until it leaves.
    let ideal: Vec<(i32, i32)> = (0..=64)
        .map(|i| x_min.log2() + (frame.x.hi - x_min.log2()) * f64::from(i) / 64.0)
        .filter(|x| frame.y_in(x.exp2()))
        .map(|x| (frame.px(x), frame.py(x.exp2())))
        .collect();
    canvas::polyline(root, &ideal, LineStyle::Solid, palette.guide, stroke::GUIDE)?;

    for s in &plot.series {
        let colour = styles.get(&s.model).colour;
        let pts: Vec<(i32, i32)> = s
            .points
            .iter()
            .map(|(x, y)| (frame.px(x.log2()), frame.py(*y)))
            .collect();
        canvas::polyline(root, &pts, LineStyle::nth(s.machine), colour, stroke::LINE)?;
    }
    // Markers on top: filled on the base machine, hollow on the others, so a lone point
    // still tells its machine.
    for s in &plot.series {
        let ms = styles.get(&s.model);
        for (x, y) in &s.points {
            let at = (frame.px(x.log2()), frame.py(*y));
            marker(
                root,
                at,
                ms.marker,
                ms.colour,
                palette.background,
                s.machine > 0,
            )?;
        }
    }

    // Legend: models (colour and marker), then machines (line style), then the ideal line.
    let x = frame.right + 36 + 8;
    let mut y = frame.top + ROW / 2;
    for model in &models {
        let ms = styles.get(model);
        legend::line_sample(root, (x, y), LineStyle::Solid, ms.colour)?;
        draw_marker(
            root,
            (x + SAMPLE / 2, y),
            ms.marker,
            ms.colour,
            palette.background,
            stroke::MARKER,
        )?;
        legend::text(root, model, (x + SAMPLE + GAP, y), palette.text)?;
        y += ROW;
    }
    y += ROW / 3;
    for (n, label) in machine_labels.iter().enumerate() {
        legend::line_sample(root, (x, y), LineStyle::nth(n), palette.text)?;
        let at = (x + SAMPLE / 2, y);
        marker(
            root,
            at,
            Marker::Circle,
            palette.text,
            palette.background,
            n > 0,
        )?;
        legend::text(root, label, (x + SAMPLE + GAP, y), palette.text)?;
        y += ROW;
    }
    legend::guide_row(root, (x, y), "ideal", &palette)
}

/// A model's marker, filled, or hollow (filled shapes get a background-coloured centre).
fn marker<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    shape: Marker,
    colour: RGBColor,
    background: RGBColor,
    hollow: bool,
) -> DrawResult<DB> {
    draw_marker(root, at, shape, colour, background, stroke::MARKER)?;
    let filled = matches!(
        shape,
        Marker::Circle
            | Marker::Square
            | Marker::TriangleUp
            | Marker::TriangleDown
            | Marker::Diamond
            | Marker::Hexagon
    );
    if hollow && filled {
        draw_marker(root, at, shape, background, background, stroke::MARKER - 5)?;
    }
    Ok(())
}
