//! The line-chart renderer: one line per model against the worker count (log2 axis), with
//! confidence bands, faint fitted curves, dashed guides, and the legend in a column to the
//! right of the plot so it never covers data. Not a chart itself: charts build a
//! [`LinePlot`] and [`super::render_all`] draws it here.
//!
//! [`Annotations`] add what a plain [`LinePlot`] does not say: a linear x axis (for time),
//! points ringed as doubtful (a case with a [`crate::results::checks::CaseFlag`]), shaded x
//! spans, series drawn as dots or as a plain line rather than as a model, and a note under
//! the legend. [`super::plan`] rings the flagged cases of every workload chart.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{self, Palette, draw_marker, model_style, size, stroke, trim_number};
use super::{Header, Theme};

/// Lines against the worker count.
#[derive(Debug, Clone, PartialEq)]
pub struct LinePlot {
    /// Title of the x axis.
    pub x_label: String,
    /// Title of the y axis.
    pub y_label: String,
    /// Scale of the y axis.
    pub y_scale: YScale,
    /// The y axis reaches at least this value (a linear axis always starts at 0).
    pub y_at_least: f64,
    /// One per model, in legend order.
    pub series: Vec<Series>,
    /// Dashed reference lines, after the models in the legend.
    pub guides: Vec<Guide>,
    /// Legend text for the shaded bands, e.g. `95% confidence interval`, when any band is
    /// drawn.
    pub band_label: Option<String>,
    /// Legend text for the faint fitted curves, when any is drawn.
    pub fit_label: Option<String>,
}

/// Scale of the x axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum XScale {
    /// Logarithmic in base 2, a tick at every x of a point: worker counts.
    #[default]
    Log2,
    /// Linear, from zero when every x is positive, with round ticks: time.
    Linear,
}

/// Scale of the y axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YScale {
    /// Linear from zero.
    Linear,
    /// Logarithmic (ticks at 1, 2, 5 times powers of ten).
    Log,
}

/// One model's line.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The model; picks colour and marker, and is the legend text.
    pub model: String,
    /// Points by worker count.
    pub points: Vec<Point>,
    /// A fitted curve drawn faintly in the model's colour: (workers, y) samples.
    pub fit: Vec<(f64, f64)>,
    /// A series of one point is drawn as a dashed horizontal line across the plot (the
    /// sequential baseline of time, memory and CPU charts).
    pub baseline: bool,
}

/// One measured point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Worker count (> 0).
    pub x: f64,
    /// Value.
    pub y: f64,
    /// Confidence interval of the value, drawn as a band (or an error bar for a lone point).
    pub interval: Option<(f64, f64)>,
}

/// A dashed reference line in the guide colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Guide {
    /// Legend text.
    pub label: String,
    /// Where it runs.
    pub kind: GuideKind,
}

/// Shape of a [`Guide`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GuideKind {
    /// y = value.
    Horizontal(f64),
    /// y = workers: ideal linear speedup.
    Identity,
}

/// What a line chart shows beyond its [`LinePlot`]. The default adds nothing: a log2 x axis,
/// no rings, no spans, every series drawn as a model.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Annotations {
    /// Scale of the x axis.
    pub x_scale: XScale,
    /// Points ringed as doubtful: (series, x). A ring is drawn around the point of that
    /// series at that x, and the legend gets one row, [`FLAGGED_LABEL`].
    pub flagged: Vec<(String, f64)>,
    /// Shaded stretches of the x axis, under everything else.
    pub spans: Vec<(f64, f64)>,
    /// Legend text for the shaded spans, when any is drawn.
    pub span_label: Option<String>,
    /// Series drawn not as a model (colour and marker of [`model_style`]) but in the
    /// theme's own colours: (series, look).
    pub looks: Vec<(String, Look)>,
    /// Text under the legend, wrapped to its column, in the muted colour.
    pub note: Option<String>,
}

/// How a series named in [`Annotations::looks`] is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// Small dots in the muted colour, no line: many raw readings.
    Dots,
    /// A line in the text colour, no markers: a smoothed curve through many readings.
    Line,
}

/// The legend row of ringed points.
pub const FLAGGED_LABEL: &str = "flagged: see Doubts";

impl Annotations {
    /// True when the point of `series` at `x` is ringed.
    pub fn is_flagged(&self, series: &str, x: f64) -> bool {
        self.flagged
            .iter()
            .any(|(s, at)| s == series && (at - x).abs() < 1e-9)
    }

    /// The look of `series`, if it is not drawn as a model.
    pub fn look(&self, series: &str) -> Option<Look> {
        self.looks
            .iter()
            .find(|(s, _)| s == series)
            .map(|(_, look)| *look)
    }
}

impl LinePlot {
    /// True when no series has a drawable point.
    pub fn is_empty(&self) -> bool {
        self.series.iter().all(|s| s.points.is_empty())
    }

    /// The models drawn, in legend order.
    pub fn models(&self) -> Vec<&str> {
        self.series.iter().map(|s| s.model.as_str()).collect()
    }
}

/// `f` sampled at 64 worker counts spaced evenly on a log axis from `from` to `to`.
pub fn sample_curve(from: f64, to: f64, f: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    if !(from > 0.0 && to >= from) {
        return Vec::new();
    }
    let (a, b) = (from.log2(), to.log2());
    (0..64)
        .map(|i| {
            let x = (a + (b - a) * f64::from(i) / 63.0).exp2();
            (x, f(x))
        })
        .filter(|(_, y)| y.is_finite())
        .collect()
}

/// Pixel layout of the canvas.
const MARGIN: i32 = 48;
/// Height of the title block.
pub(super) const HEADER_HEIGHT: u32 = 170;
/// Legend row height.
const ROW: i32 = 60;
/// Width of a legend sample (line with marker).
const SAMPLE: i32 = 84;

/// Draws the title and subtitle and returns the area below them.
pub(super) fn draw_header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    header: &Header,
    palette: &Palette,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    let (top, body) = root.split_vertically(HEADER_HEIGHT);
    let anchor = Pos::new(HPos::Left, VPos::Top);
    top.draw_text(
        &header.title,
        &style::bold(size::TITLE, palette.text).pos(anchor),
        (MARGIN, 34),
    )?;
    top.draw_text(
        &header.subtitle,
        &style::font(size::SUBTITLE, palette.muted).pos(anchor),
        (MARGIN, 34 + size::TITLE as i32 + 16),
    )?;
    Ok(body)
}

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
    root.fill(&palette.background)?;
    let body = draw_header(root, header, &palette)?;

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
    let legend_font = style::font(size::LEGEND, palette.text);
    let mut text_width = 0;
    for (label, _) in &entries {
        text_width = text_width.max(body.estimate_text_size(label, &legend_font)?.0 as i32);
    }
    let legend_width = (SAMPLE + 24 + text_width + MARGIN).max(300) as u32;
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
    let text_style = legend_font.pos(Pos::new(HPos::Left, VPos::Center));
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
        legend_area.draw_text(label, &text_style, (right + 24, y))?;
        y += ROW;
    }

    // The note, wrapped to the legend column.
    if let Some(note) = &notes.note {
        let note_font = style::font(size::LEGEND, palette.muted);
        let width = legend_width as i32 - 8 - MARGIN / 2;
        let line_height = ROW * 3 / 4;
        y += ROW / 3 - ROW / 2;
        let anchor = note_font.pos(Pos::new(HPos::Left, VPos::Top));
        for line in wrap(note, width, |t| {
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

/// `text` broken into lines no wider than `width` by `measure` (a word wider than that
/// gets a line of its own).
fn wrap(text: &str, width: i32, measure: impl Fn(&str) -> i32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && measure(&candidate) > width {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A linear f64 axis with the ticks we choose (plotters' `WithKeyPoints` over f64 has no
/// label formatter, so a custom `y_label_formatter` could not be used).
#[derive(Debug, Clone)]
struct TickedAxis {
    range: Range<f64>,
    bold: Vec<f64>,
    light: Vec<f64>,
}

impl Ranged for TickedAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        let t = if span > 0.0 {
            (value - self.range.start) / span
        } else {
            0.5
        };
        limit.0 + (f64::from(limit.1 - limit.0) * t).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.light.clone()
        } else {
            self.bold.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

/// `colour` at `alpha` over `background`, as an opaque colour (SVG and PNG agree).
fn blend_over(colour: RGBColor, background: RGBColor, alpha: f64) -> RGBColor {
    style::blend(background, colour, alpha)
}

/// Smallest and largest of `values`.
fn min_max(values: &[f64]) -> Option<(f64, f64)> {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo.is_finite() && hi.is_finite()).then_some((lo, hi))
}

/// Splits a curve into the runs that stay within `lo..=hi` in y.
fn clip_runs(points: impl Iterator<Item = (f64, f64)>, lo: f64, hi: f64) -> Vec<Vec<(f64, f64)>> {
    let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (x, y) in points {
        if y.is_finite() && y >= lo && y <= hi {
            if let Some(run) = runs.last_mut() {
                run.push((x, y));
            }
        } else if runs.last().is_some_and(|r| !r.is_empty()) {
            runs.push(Vec::new());
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

/// A linear axis from `lo` to at least `hi`: (start, end, ticks, minor ticks, decimals).
fn linear_axis(lo: f64, hi: f64) -> (f64, f64, Vec<f64>, Vec<f64>, usize) {
    linear_axis_in_steps(lo, hi, 6.0)
}

/// A linear axis like [`linear_axis`] that wastes little room past `hi`: with more ticks
/// (up to about ten) when the round step of six would end the axis more than a tenth of its
/// length beyond `hi`. For an x axis, where the data should fill the width.
fn tight_linear_axis(lo: f64, hi: f64) -> (f64, f64, Vec<f64>, Vec<f64>, usize) {
    let overshoot = |axis: &(f64, f64, Vec<f64>, Vec<f64>, usize)| {
        (axis.1 - hi.max(lo)) / (axis.1 - axis.0).max(f64::MIN_POSITIVE)
    };
    let mut best = linear_axis(lo, hi);
    for steps in [8.0, 10.0] {
        if overshoot(&best) <= 0.1 {
            break;
        }
        let candidate = linear_axis_in_steps(lo, hi, steps);
        if overshoot(&candidate) < overshoot(&best) {
            best = candidate;
        }
    }
    best
}

/// A linear axis from `lo` to at least `hi` in about `steps` round steps.
fn linear_axis_in_steps(lo: f64, hi: f64, steps: f64) -> (f64, f64, Vec<f64>, Vec<f64>, usize) {
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let raw = (hi - lo) / steps;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let end = (hi / step).ceil() * step;
    let start = (lo / step).floor() * step;
    let count = ((end - start) / step).round() as usize;
    let ticks: Vec<f64> = (0..=count).map(|i| start + step * i as f64).collect();
    let minor: Vec<f64> = (0..count)
        .map(|i| start + step * (i as f64 + 0.5))
        .collect();
    let mut decimals = (-step.log10().floor()).max(0.0) as usize;
    if (step / magnitude - 2.5).abs() < 1e-9 {
        decimals += 1;
    }
    (start, end, ticks, minor, decimals)
}

/// A log axis covering `lo..hi` (values > 0), in log10 units: (start, end, ticks, minor
/// ticks, unused decimals). Ticks at 1-2-5 times powers of ten, thinned or thickened so there
/// are between three and eight.
fn log_axis(lo: f64, hi: f64) -> (f64, f64, Vec<f64>, Vec<f64>, usize) {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo / 2.0, lo * 2.0)
    };
    let candidates = |mantissas: &[f64]| -> Vec<f64> {
        let mut out = Vec::new();
        let first = lo.log10().floor() as i32 - 1;
        let last = hi.log10().ceil() as i32 + 1;
        for e in first..=last {
            for m in mantissas {
                let v = m * 10f64.powi(e);
                if v >= lo && v <= hi {
                    out.push(v);
                }
            }
        }
        out
    };
    let all = candidates(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
    let mut ticks = candidates(&[1.0, 2.0, 5.0]);
    if ticks.len() > 8 {
        ticks = candidates(&[1.0]);
    }
    if ticks.len() < 3 {
        ticks = all.clone();
    }
    if ticks.len() < 3 {
        // Less than a factor of ten or so: round steps, as on a linear axis.
        let (_, _, linear, _, _) = linear_axis(lo, hi);
        ticks = linear
            .into_iter()
            .filter(|v| *v >= lo && *v <= hi)
            .collect();
    }
    let minor: Vec<f64> = all
        .into_iter()
        .filter(|v| !ticks.iter().any(|t| (t - v).abs() < 1e-12 * v.abs()))
        .map(f64::log10)
        .collect();
    let ticks = ticks.into_iter().map(f64::log10).collect();
    (lo.log10(), hi.log10(), ticks, minor, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_axis_uses_round_steps() {
        let (start, end, ticks, _, decimals) = linear_axis(0.0, 2.1);
        assert_eq!(start, 0.0);
        assert!((end - 2.5).abs() < 1e-9, "{end}");
        assert_eq!(ticks.len(), 6);
        assert_eq!(decimals, 1);
    }

    #[test]
    fn tight_linear_axis_ends_near_the_data() {
        // Six round steps would end at 8 for data up to 6.1; eight end at 7.
        let (start, end, ticks, _, decimals) = tight_linear_axis(0.0, 6.1);
        assert_eq!((start, end, decimals), (0.0, 7.0, 0));
        assert_eq!(ticks.len(), 8);
        // A range that already fits keeps the usual steps.
        assert_eq!(tight_linear_axis(0.0, 0.47).1, linear_axis(0.0, 0.47).1);
    }

    #[test]
    fn log_axis_has_ticks_inside_a_narrow_range() {
        let (start, end, ticks, _, _) = log_axis(2.1, 4.0);
        assert!(ticks.len() >= 3, "{ticks:?}");
        assert!(ticks.iter().all(|t| *t >= start && *t <= end));
    }

    #[test]
    fn log_axis_thins_wide_ranges() {
        let (_, _, ticks, _, _) = log_axis(1.0, 1e9);
        assert!(ticks.len() <= 10, "{ticks:?}");
    }

    #[test]
    fn wrap_breaks_between_words() {
        let lines = wrap("one two three four", 9, |t| t.len() as i32);
        assert_eq!(lines, vec!["one two", "three", "four"]);
        assert_eq!(wrap("averyverylongword x", 4, |t| t.len() as i32).len(), 2);
        assert!(wrap("  ", 4, |t| t.len() as i32).is_empty());
    }

    #[test]
    fn annotations_find_flagged_points_and_looks() {
        let notes = Annotations {
            flagged: vec![("rayon".to_string(), 8.0)],
            looks: vec![("kernel".to_string(), Look::Dots)],
            ..Annotations::default()
        };
        assert!(notes.is_flagged("rayon", 8.0));
        assert!(!notes.is_flagged("rayon", 4.0));
        assert!(!notes.is_flagged("threads", 8.0));
        assert_eq!(notes.look("kernel"), Some(Look::Dots));
        assert_eq!(notes.look("rayon"), None);
        assert_eq!(Annotations::default().x_scale, XScale::Log2);
    }

    #[test]
    fn clip_runs_split_at_the_edges() {
        let runs = clip_runs(
            [(0.0, 1.0), (1.0, 5.0), (2.0, 1.0), (3.0, 2.0)].into_iter(),
            0.0,
            3.0,
        );
        assert_eq!(runs, vec![vec![(0.0, 1.0)], vec![(2.0, 1.0), (3.0, 2.0)]]);
    }
}
