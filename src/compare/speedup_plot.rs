//! Draws the speedup overlay ([`SpeedupOverlay`]): speedup vs workers on a log2 axis, one
//! colour and marker per model (the report's), one line style per machine, markers filled
//! on the base machine and hollow on the others, the ideal line, and the legend in a column
//! on the right (models, then machines, then the ideal line), laid out as every line
//! chart's ([`crate::plot::legend::Layout`]: compact rows, then more columns, when there
//! are many; labels past [`crate::plot::legend::LABEL_MAX`] shortened).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart::SpeedupOverlay;
use crate::plot::canvas::{self, Axis, Frame, HEADER_HEIGHT, MARGIN};
use crate::plot::labels::text_width;
use crate::plot::legend::{self, COLUMN_GAP, Layout};
use crate::plot::series_style::ChartStyles;
use crate::plot::style;
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
    let labels = legend::fit_labels(&labels);
    let (_, canvas_height) = root.dim_in_pixel();
    let layout = Layout::fit(
        labels.len(),
        models.len(),
        canvas_height as i32 - HEADER_HEIGHT - 24 - 24,
    );
    let columns = layout.column_widths(&labels, |t| text_width(t, layout.font()));
    let gaps = COLUMN_GAP * (layout.columns as i32 - 1);
    let legend = (columns.iter().sum::<i32>() + gaps + MARGIN).max(300);

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
    let (sample, gap) = (layout.sample(), layout.gap());
    let font = style::font(layout.font(), palette.text).pos(Pos::new(HPos::Left, VPos::Center));
    for (i, label) in labels.iter().enumerate() {
        let (column, dy) = layout.place(i);
        let x = frame.right
            + 36
            + 8
            + columns[..column].iter().sum::<i32>()
            + COLUMN_GAP * column as i32;
        let y = frame.top + dy;
        let mid = (x + x + sample) / 2;
        if let Some(model) = models.get(i) {
            let ms = styles.get(model);
            canvas::polyline(
                root,
                &[(x, y), (x + sample, y)],
                LineStyle::Solid,
                ms.colour,
                stroke::LINE,
            )?;
            draw_marker(
                root,
                (mid, y),
                ms.marker,
                ms.colour,
                palette.background,
                stroke::MARKER,
            )?;
        } else if i < models.len() + machine_labels.len() {
            let n = i - models.len();
            canvas::polyline(
                root,
                &[(x, y), (x + sample, y)],
                LineStyle::nth(n),
                palette.text,
                stroke::LINE,
            )?;
            marker(
                root,
                (mid, y),
                Marker::Circle,
                palette.text,
                palette.background,
                n > 0,
            )?;
        } else {
            canvas::polyline(
                root,
                &[(x, y), (x + sample, y)],
                LineStyle::Solid,
                palette.guide,
                stroke::GUIDE,
            )?;
        }
        root.draw_text(label, &font, (x + sample + gap, y))?;
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::super::chart::{CompareFigure, OverlaySeries, svg_of};
    use super::*;
    use crate::plot::Header;
    use crate::plot::svg_text::{overlap, texts};

    #[test]
    fn a_legend_of_many_models_and_machines_stays_on_the_canvas() {
        let models: Vec<String> = (0..24).map(|i| format!("bench function {i:02}")).collect();
        let machines = vec!["base".to_string(), "new".to_string()];
        let series = models
            .iter()
            .flat_map(|m| {
                (0..2).map(move |n| OverlaySeries {
                    model: m.clone(),
                    machine: n,
                    points: vec![(1.0, 1.0), (2.0, 1.8), (4.0, 3.1)],
                })
            })
            .collect();
        let plot = SpeedupOverlay { machines, series };
        let header = Header {
            title: "many: speedup vs workers".to_string(),
            subtitle: "criterion data".to_string(),
        };
        let svg = svg_of(&CompareFigure::Speedup(plot), &header, Theme::Light).unwrap();
        let all = texts(&svg);
        let mut boxes = Vec::new();
        for label in models
            .iter()
            .map(String::as_str)
            .chain(["base (base)", "new", "ideal"])
        {
            let found: Vec<_> = all.iter().filter(|t| t.text == label).collect();
            assert_eq!(found.len(), 1, "{label}");
            let b = found[0].bbox();
            assert!(
                b.0 >= 0.0 && b.1 >= 0.0 && b.2 <= 1920.0 && b.3 <= 1080.0,
                "{label} {b:?}"
            );
            boxes.push(b);
        }
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                assert!(!overlap(*a, *b), "{a:?} overlaps {b:?}");
            }
        }
    }
}
