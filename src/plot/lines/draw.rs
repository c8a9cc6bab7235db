//! Draws a [`LinePlot`] with its [`Annotations`]: axes from [`crate::plot::axis`], bands,
//! guides, faint fits, lines, markers, marked places, rings around flagged points; the legend column beside
//! it is drawn by `legend.rs`.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{self as rows, DOT, RING, RING_WIDTH, blend_over};
use super::{Annotations, GuideKind, LinePlot, Look, Series, XScale, YScale};
use crate::plot::axis::{
    TickedAxis, clip_runs, linear_axis, log_axis, min_max, point_label, tight_linear_axis,
};
use crate::plot::canvas::{self, MARGIN};
use crate::plot::style::{self, LineStyle, draw_marker, size, stroke, trim_number};
use crate::plot::{Header, Theme};

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
    // Legend entries and the column they need; they hold each series' style.
    let entries = rows::entries(plot, notes, &x_ok, &y_ok);
    let colour_of = |s: &Series| match notes.look(&s.model) {
        Some(Look::Dots) => palette.muted,
        Some(Look::Line) => palette.text,
        None => entries.styles.get(&s.model).colour,
    };
    let legend_plan = rows::plan(&body, &entries, notes.note.as_deref())?;
    let (body_w, _) = body.dim_in_pixel();
    let (plot_area, legend_area) =
        body.split_horizontally(body_w.saturating_sub(legend_plan.width as u32));

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
            point_label(v.exp2())
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
            match entries.styles.get(&s.model).line {
                LineStyle::Solid => {
                    chart
                        .draw_series(LineSeries::new(points, colour.stroke_width(stroke::LINE)))?;
                }
                // Past the palette of a chart, unknown names differ by their dash.
                line => {
                    let pixels: Vec<(i32, i32)> =
                        points.iter().map(|p| chart.backend_coord(p)).collect();
                    canvas::polyline(root, &pixels, line, colour, stroke::LINE)?;
                }
            }
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
        let ms = entries.styles.get(&s.model);
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
    // Marked places: a dotted drop line from the x axis, a hollow diamond on the place.
    for mark in notes.marks.iter().filter(|m| x_ok(m.x) && in_y(m.y)) {
        let Some(series) = plot.series.iter().find(|s| s.model == mark.series) else {
            continue;
        };
        let colour = colour_of(series);
        let (px, py) = chart.backend_coord(&(tx(mark.x), ty(mark.y)));
        let (_, bottom) = chart.backend_coord(&(tx(mark.x), y0));
        canvas::polyline(
            root,
            &[(px, bottom), (px, py)],
            LineStyle::Dotted,
            colour,
            stroke::GUIDE,
        )?;
        rows::draw_diamond(root, (px, py), colour, palette.background)?;
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

    rows::draw(
        &legend_area,
        &entries,
        &legend_plan,
        &palette,
        span_alpha,
        notes.note.as_deref(),
    )
}
