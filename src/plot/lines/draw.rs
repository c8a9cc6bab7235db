//! Draws a [`LinePlot`] with its [`Annotations`]: axes from [`crate::plot::axis`], bands,
//! guides, faint fits, lines, markers, rings around flagged points, then the legend column
//! and its note.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Annotations, FLAGGED_LABEL, GuideKind, LinePlot, Look, Series, XScale, YScale};
use crate::plot::axis::{TickedAxis, clip_runs, linear_axis, log_axis, min_max, tight_linear_axis};
use crate::plot::canvas::{self, MARGIN};
use crate::plot::legend::{self, ROW, SAMPLE};
use crate::plot::style::{self, draw_marker, model_style, size, stroke, trim_number};
use crate::plot::{Header, Theme};

/// What a legend row shows before its text.
enum Sample {
    Model { model: String, line: Line },
    Look(Look),
    Guide,
    Band,
    Fit,
    Span,
    Flagged,
}

/// The line part of a model's legend sample.
enum Line {
    Solid,
    Dashed,
    /// A lone point: marker only.
    None,
}

/// Radius of a [`Look::Dots`] dot, in px.
const DOT: i32 = 5;
/// Radius of the ring around a flagged point: twice the marker's.
const RING: i32 = 2 * stroke::MARKER;
/// Line width of that ring.
const RING_WIDTH: u32 = 4;

/// Draws `plot` on `root`, as it is: a log2 x axis, every series a model.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &LinePlot,
    header: &Header,
    theme: Theme,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    draw_annotated(root, plot, &Annotations::default(), header, theme)
}

/// Draws `plot` on `root` with `notes`.
pub fn draw_annotated<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &LinePlot,
    notes: &Annotations,
    header: &Header,
    theme: Theme,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let palette = theme.palette();
    let body = canvas::header(root, header, &palette)?;

    // Coordinates: x = log2(workers) or x itself, y = value or log10(value).
    let log_x = notes.x_scale == XScale::Log2;
    let log_y = plot.y_scale == YScale::Log;
    let tx = |x: f64| if log_x { x.log2() } else { x };
    let x_ok = |x: f64| x.is_finite() && (!log_x || x > 0.0);
    let ty = |v: f64| if log_y { v.log10() } else { v };
    let y_ok = |v: f64| v.is_finite() && if log_y { v > 0.0 } else { v >= 0.0 };
    let colour_of = |s: &Series| match notes.look(&s.model) {
        Some(Look::Dots) => palette.muted,
        Some(Look::Line) => palette.text,
        None => model_style(&s.model).colour,
    };

    // Legend entries and the column they need.
    let mut entries: Vec<(String, Sample)> = plot
        .series
        .iter()
        .filter(|s| !s.points.is_empty())
        .map(|s| {
            let sample = match notes.look(&s.model) {
                Some(look) => Sample::Look(look),
                None => Sample::Model {
                    model: s.model.clone(),
                    line: match (s.points.len(), s.baseline) {
                        (1, true) => Line::Dashed,
                        (1, false) => Line::None,
                        _ => Line::Solid,
                    },
                },
            };
            (s.model.clone(), sample)
        })
        .collect();
    let models = entries.len();
    entries.extend(
        plot.guides
            .iter()
            .filter(|g| !g.label.is_empty())
            .map(|g| (g.label.clone(), Sample::Guide)),
    );
    let has_band = plot
        .series
        .iter()
        .any(|s| s.points.len() > 1 && s.points.iter().any(|p| p.interval.is_some()));
    if let (true, Some(label)) = (has_band, &plot.band_label) {
        entries.push((label.clone(), Sample::Band));
    }
    let has_fit = plot.series.iter().any(|s| s.fit.len() > 1);
    if let (true, Some(label)) = (has_fit, &plot.fit_label) {
        entries.push((label.clone(), Sample::Fit));
    }
    let has_span = notes.spans.iter().any(|(a, b)| x_ok(*a) && x_ok(*b));
    if let (true, Some(label)) = (has_span, &notes.span_label) {
        entries.push((label.clone(), Sample::Span));
    }
    let has_ring = plot.series.iter().any(|s| {
        s.points
            .iter()
            .any(|p| x_ok(p.x) && y_ok(p.y) && notes.is_flagged(&s.model, p.x))
    });
    if has_ring {
        entries.push((FLAGGED_LABEL.to_string(), Sample::Flagged));
    }
    let labels: Vec<String> = entries.iter().map(|(label, _)| label.clone()).collect();
    let legend_width = legend::width(&body, &labels)? as u32;
    let (body_w, _) = body.dim_in_pixel();
    let (plot_area, legend_area) = body.split_horizontally(body_w.saturating_sub(legend_width));

    // Axes, in transformed coordinates.
    let xs: Vec<f64> = plot
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.x))
        .filter(|x| x_ok(*x))
        .collect();
    let (x_min, x_max) = min_max(&xs).unwrap_or(if log_x { (1.0, 2.0) } else { (0.0, 1.0) });
    let (x0, x1, x_ticks, x_light, x_decimals) = if log_x {
        let x_pad = if x_max > x_min { 0.3 } else { 0.6 };
        let mut ticks: Vec<f64> = xs.iter().map(|x| x.log2()).collect();
        ticks.sort_by(f64::total_cmp);
        ticks.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
        (
            x_min.log2() - x_pad,
            x_max.log2() + x_pad,
            ticks,
            Vec::new(),
            0,
        )
    } else {
        let lo = x_min.min(0.0);
        tight_linear_axis(lo, x_max + (x_max - lo) * 0.02)
    };

    let mut ys: Vec<f64> = Vec::new();
    for s in &plot.series {
        for p in &s.points {
            ys.push(p.y);
            if let Some((lo, hi)) = p.interval {
                ys.extend([lo, hi]);
            }
        }
    }
    for g in &plot.guides {
        if let GuideKind::Horizontal(v) = g.kind {
            ys.push(v);
        }
    }
    let (y0, y1, y_ticks, y_light, decimals) = if log_y {
        ys.retain(|v| *v > 0.0 && v.is_finite());
        let (lo, hi) = min_max(&ys).unwrap_or((1.0, 10.0));
        log_axis(lo / 1.3, (hi * 1.3).max(plot.y_at_least))
    } else {
        ys.retain(|v| v.is_finite());
        let hi = min_max(&ys).map_or(1.0, |(_, hi)| hi).max(plot.y_at_least);
        linear_axis(0.0, hi * 1.08)
    };

    let tick_font = style::font(size::TICK, palette.text);
    let y_format = |v: &f64| {
        if log_y {
            let value = 10f64.powf(*v);
            trim_number(value, (-value.log10().floor()).max(0.0) as usize + 1)
        } else {
            trim_number(*v, decimals)
        }
    };
    let x_format = |v: &f64| {
        if log_x {
            trim_number(v.exp2(), 0)
        } else {
            trim_number(*v, x_decimals)
        }
    };
    let mut tick_width = 0;
    for t in &y_ticks {
        tick_width = tick_width.max(body.estimate_text_size(&y_format(t), &tick_font)?.0);
    }
    let y_area = tick_width + 14 + 18 + size::AXIS as u32 + 30;

    let mut chart = ChartBuilder::on(&plot_area)
        .margin_top(24)
        .margin_right(36)
        .margin_left(MARGIN as u32 - 20)
        .margin_bottom(24)
        .x_label_area_size(118)
        .y_label_area_size(y_area)
        .build_cartesian_2d(
            TickedAxis {
                range: x0..x1,
                bold: x_ticks,
                light: x_light,
            },
            TickedAxis {
                range: y0..y1,
                bold: y_ticks,
                light: y_light,
            },
        )?;
    chart
        .configure_mesh()
        .x_desc(plot.x_label.as_str())
        .y_desc(plot.y_label.as_str())
        .axis_desc_style(style::font(size::AXIS, palette.text))
        .label_style(tick_font.clone())
        .bold_line_style(palette.grid.stroke_width(2))
        .light_line_style(palette.grid_light.stroke_width(1))
        .axis_style(palette.axis.stroke_width(3))
        .set_all_tick_mark_size(12)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .draw()?;

    let in_y = |v: f64| {
        let t = ty(v);
        t.is_finite() && t >= y0 - 1e-9 && t <= y1 + 1e-9
    };
    let dash = |colour: RGBColor, width: u32| ShapeStyle::from(&colour).stroke_width(width);

    // Shaded spans, under everything; at least a few pixels wide, so a one-point spell
    // shows.
    let span_alpha = if theme == Theme::Dark { 0.3 } else { 0.16 };
    for &(from, to) in notes.spans.iter().filter(|(a, b)| x_ok(*a) && x_ok(*b)) {
        let (a, b) = (tx(from.min(to)).max(x0), tx(from.max(to)).min(x1));
        if a > b {
            continue;
        }
        let (mut left, top) = chart.backend_coord(&(a, y1));
        let (mut right, bottom) = chart.backend_coord(&(b, y0));
        if right - left < 8 {
            let mid = (left + right) / 2;
            (left, right) = (mid - 4, mid + 4);
        }
        root.draw(&Rectangle::new(
            [(left, top), (right, bottom)],
            palette.guide.mix(span_alpha).filled(),
        ))?;
    }

    // Bands; a little stronger on the dark background.
    let band_alpha = if theme == Theme::Dark { 0.28 } else { 0.18 };
    for s in plot.series.iter().filter(|s| s.points.len() > 1) {
        let colour = colour_of(s);
        let with: Vec<(f64, (f64, f64))> = s
            .points
            .iter()
            .filter_map(|p| p.interval.map(|i| (p.x, i)))
            .filter(|(x, (lo, hi))| x_ok(*x) && in_y(*lo) && in_y(*hi))
            .collect();
        if with.len() < 2 {
            continue;
        }
        let mut outline: Vec<(f64, f64)> =
            with.iter().map(|(x, (_, hi))| (tx(*x), ty(*hi))).collect();
        outline.extend(with.iter().rev().map(|(x, (lo, _))| (tx(*x), ty(*lo))));
        chart.draw_series(std::iter::once(Polygon::new(
            outline,
            colour.mix(band_alpha).filled(),
        )))?;
    }

    // Guides.
    for g in &plot.guides {
        let points: Vec<(f64, f64)> = match g.kind {
            GuideKind::Horizontal(v) if in_y(v) => vec![(x0, ty(v)), (x1, ty(v))],
            GuideKind::Horizontal(_) => continue,
            GuideKind::Identity => clip_runs(
                // From the smallest x to the right edge.
                (0..=96).map(|i| {
                    let start = tx(x_min);
                    let x = start + (x1 - start) * f64::from(i) / 96.0;
                    (x, ty(if log_x { x.exp2() } else { x }))
                }),
                y0,
                y1,
            )
            .into_iter()
            .next()
            .unwrap_or_default(),
        };
        if points.len() > 1 {
            chart.draw_series(DashedLineSeries::new(
                points,
                18,
                12,
                dash(palette.guide, stroke::GUIDE),
            ))?;
        }
    }

    // Faint fits.
    for s in &plot.series {
        let faint = blend_over(colour_of(s), palette.background, 0.6);
        let curve = s
            .fit
            .iter()
            .filter(|(x, y)| x_ok(*x) && y.is_finite() && (!log_y || *y > 0.0))
            .map(|(x, y)| (tx(*x), ty(*y)));
        for run in clip_runs(curve, y0, y1) {
            if run.len() > 1 {
                chart.draw_series(DashedLineSeries::new(run, 14, 10, dash(faint, stroke::FIT)))?;
            }
        }
    }

    // Lines and error bars.
    for s in &plot.series {
        let colour = colour_of(s);
        let points: Vec<(f64, f64)> = s
            .points
            .iter()
            .filter(|p| x_ok(p.x) && in_y(p.y))
            .map(|p| (tx(p.x), ty(p.y)))
            .collect();
        if notes.look(&s.model) == Some(Look::Dots) {
            // Dots only.
        } else if s.baseline && s.points.len() == 1 {
            if let Some(&(_, y)) = points.first() {
                chart.draw_series(DashedLineSeries::new(
                    vec![(x0, y), (x1, y)],
                    10,
                    10,
                    dash(colour, stroke::GUIDE),
                ))?;
            }
        } else if points.len() > 1 {
            chart.draw_series(LineSeries::new(points, colour.stroke_width(stroke::LINE)))?;
        }
        if s.points.len() == 1 {
            for p in &s.points {
                let Some((lo, hi)) = p.interval else { continue };
                if !(in_y(lo) && in_y(hi) && x_ok(p.x)) {
                    continue;
                }
                let (px, plo) = chart.backend_coord(&(tx(p.x), ty(lo)));
                let (_, phi) = chart.backend_coord(&(tx(p.x), ty(hi)));
                let bar = colour.stroke_width(3);
                root.draw(&PathElement::new(vec![(px, plo), (px, phi)], bar))?;
                for y in [plo, phi] {
                    root.draw(&PathElement::new(vec![(px - 12, y), (px + 12, y)], bar))?;
                }
            }
        }
    }

    // Markers on top, in pixel space so they keep their shape; then the rings around
    // flagged points, above every marker.
    let drawn = |s: &'_ Series| {
        s.points
            .iter()
            .filter(|p| x_ok(p.x) && in_y(p.y))
            .map(|p| (p.x, chart.backend_coord(&(tx(p.x), ty(p.y)))))
            .collect::<Vec<_>>()
    };
    for s in &plot.series {
        let ms = model_style(&s.model);
        let look = notes.look(&s.model);
        for (_, at) in drawn(s) {
            match look {
                None => draw_marker(
                    root,
                    at,
                    ms.marker,
                    ms.colour,
                    palette.background,
                    stroke::MARKER,
                )?,
                Some(Look::Dots) => root.draw(&Circle::new(at, DOT, palette.muted.filled()))?,
                Some(Look::Line) if s.points.len() == 1 => {
                    root.draw(&Circle::new(at, DOT, palette.text.filled()))?
                }
                Some(Look::Line) => {}
            }
        }
    }
    for s in &plot.series {
        for (x, at) in drawn(s) {
            if notes.is_flagged(&s.model, x) {
                root.draw(&Circle::new(
                    at,
                    RING,
                    palette.text.stroke_width(RING_WIDTH),
                ))?;
            }
        }
    }

    // Legend column, its first row level with the top of the plot.
    let mut y = 24 + ROW / 2;
    for (i, (label, sample)) in entries.iter().enumerate() {
        if i == models && i > 0 {
            y += ROW / 3;
        }
        let (left, right) = (8, 8 + SAMPLE);
        let mid = (left + right) / 2;
        match sample {
            Sample::Model { model, line } => {
                let ms = model_style(model);
                if let Line::Dashed = line {
                    legend_area.draw(&PathElement::new(
                        vec![(left, y), (left + 20, y)],
                        ms.colour.stroke_width(stroke::GUIDE),
                    ))?;
                    legend_area.draw(&PathElement::new(
                        vec![(right - 20, y), (right, y)],
                        ms.colour.stroke_width(stroke::GUIDE),
                    ))?;
                } else if let Line::Solid = line {
                    legend_area.draw(&PathElement::new(
                        vec![(left, y), (right, y)],
                        ms.colour.stroke_width(stroke::LINE),
                    ))?;
                }
                draw_marker(
                    &legend_area,
                    (mid, y),
                    ms.marker,
                    ms.colour,
                    palette.background,
                    stroke::MARKER,
                )?;
            }
            Sample::Look(Look::Dots) => {
                for x in [left + 8, mid - 14, mid + 14, right - 8] {
                    legend_area.draw(&Circle::new((x, y), DOT, palette.muted.filled()))?;
                }
            }
            Sample::Look(Look::Line) => {
                legend_area.draw(&PathElement::new(
                    vec![(left, y), (right, y)],
                    palette.text.stroke_width(stroke::LINE),
                ))?;
            }
            Sample::Guide => {
                for (a, b) in [(left, left + 22), (mid - 10, mid + 10), (right - 22, right)] {
                    legend_area.draw(&PathElement::new(
                        vec![(a, y), (b, y)],
                        palette.guide.stroke_width(stroke::GUIDE),
                    ))?;
                }
            }
            Sample::Band => {
                legend_area.draw(&Rectangle::new(
                    [(left, y - 16), (right, y + 16)],
                    palette.guide.mix(0.25).filled(),
                ))?;
            }
            Sample::Fit => {
                let faint = blend_over(palette.guide, palette.background, 0.6);
                for (a, b) in [(left, left + 16), (mid - 8, mid + 8), (right - 16, right)] {
                    legend_area.draw(&PathElement::new(
                        vec![(a, y), (b, y)],
                        faint.stroke_width(stroke::FIT),
                    ))?;
                }
            }
            Sample::Span => {
                legend_area.draw(&Rectangle::new(
                    [(left, y - 22), (right, y + 22)],
                    palette.guide.mix(span_alpha).filled(),
                ))?;
            }
            Sample::Flagged => {
                legend_area.draw(&Circle::new((mid, y), 8, palette.guide.filled()))?;
                legend_area.draw(&Circle::new(
                    (mid, y),
                    RING,
                    palette.text.stroke_width(RING_WIDTH),
                ))?;
            }
        }
        legend::text(&legend_area, label, (right + legend::GAP, y), palette.text)?;
        y += ROW;
    }

    // The note, wrapped to the legend column.
    if let Some(note) = &notes.note {
        let note_font = style::font(size::LEGEND, palette.muted);
        let width = legend_width as i32 - 8 - MARGIN / 2;
        let line_height = ROW * 3 / 4;
        y += ROW / 3 - ROW / 2;
        let anchor = note_font.pos(Pos::new(HPos::Left, VPos::Top));
        for line in legend::wrap(note, width, |t| {
            legend_area
                .estimate_text_size(t, &note_font)
                .map_or(0, |(w, _)| w as i32)
        }) {
            legend_area.draw_text(&line, &anchor, (8, y))?;
            y += line_height;
        }
    }
    Ok(())
}

/// `colour` at `alpha` over `background`, as an opaque colour (SVG and PNG agree).
fn blend_over(colour: RGBColor, background: RGBColor, alpha: f64) -> RGBColor {
    style::blend(background, colour, alpha)
}
