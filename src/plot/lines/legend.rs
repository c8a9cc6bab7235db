//! The legend column of a line chart: which rows it has ([`entries`]: models, guides,
//! band, fit, spans, flagged points, marks), where they go ([`plan`]: full rows, compact rows
//! or several columns, so that every row stays on the canvas, and labels shortened past
//! [`crate::plot::legend::LABEL_MAX`]) and how each row's sample is drawn ([`draw`]), with
//! the note under it. Sizes and text come from [`crate::plot::legend`].

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Annotations, FLAGGED_LABEL, LinePlot, Look};
use crate::plot::DrawResult;
use crate::plot::canvas::MARGIN;
use crate::plot::canvas::polyline;
use crate::plot::labels::shorten;
use crate::plot::legend::SAMPLE as SAMPLE_FULL;
use crate::plot::legend::{COLUMN_GAP, Layout, ROW, fit_labels, wrap};
use crate::plot::series_style::ChartStyles;
use crate::plot::style::{self, LineStyle, Palette, draw_marker, size, stroke};

/// Radius of a [`Look::Dots`] dot, in px.
pub(super) const DOT: i32 = 5;
/// Radius of the ring around a flagged point: twice the marker's.
pub(super) const RING: i32 = 2 * stroke::MARKER;
/// Line width of that ring.
pub(super) const RING_WIDTH: u32 = 4;

/// What a legend row shows before its text.
pub(super) enum Sample {
    Model { model: String, line: Line },
    Look(Look),
    Guide,
    Band,
    Fit,
    Span,
    Flagged,
    Mark,
}

/// The line part of a model's legend sample.
pub(super) enum Line {
    Solid,
    Dashed,
    /// A lone point: marker only.
    None,
}

/// The rows of a legend, in order: one per series with points, then the other rows.
pub(super) struct Entries {
    /// (text, sample) per row.
    pub rows: Vec<(String, Sample)>,
    /// How many rows are series; a small gap separates them from the rest.
    pub models: usize,
    /// The colour, marker and line of each series drawn as a model.
    pub styles: ChartStyles,
}

/// The legend rows of `plot` with `notes`; `x_ok` and `y_ok` say which values the axes can
/// show (a row for spans or rings only when one is drawn).
pub(super) fn entries(
    plot: &LinePlot,
    notes: &Annotations,
    x_ok: &dyn Fn(f64) -> bool,
    y_ok: &dyn Fn(f64) -> bool,
) -> Entries {
    let mut rows: Vec<(String, Sample)> = plot
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
    let models = rows.len();
    rows.extend(
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
        rows.push((label.clone(), Sample::Band));
    }
    let has_fit = plot.series.iter().any(|s| s.fit.len() > 1);
    if let (true, Some(label)) = (has_fit, &plot.fit_label) {
        rows.push((label.clone(), Sample::Fit));
    }
    let has_span = notes.spans.iter().any(|(a, b)| x_ok(*a) && x_ok(*b));
    if let (true, Some(label)) = (has_span, &notes.span_label) {
        rows.push((label.clone(), Sample::Span));
    }
    let has_ring = plot.series.iter().any(|s| {
        s.points
            .iter()
            .any(|p| x_ok(p.x) && y_ok(p.y) && notes.is_flagged(&s.model, p.x))
    });
    if has_ring {
        rows.push((FLAGGED_LABEL.to_string(), Sample::Flagged));
    }
    let has_mark = notes
        .marks
        .iter()
        .any(|m| x_ok(m.x) && y_ok(m.y) && plot.series.iter().any(|s| s.model == m.series));
    if let (true, Some(label)) = (has_mark, &notes.mark_label) {
        rows.push((label.clone(), Sample::Mark));
    }
    let styles = ChartStyles::new(
        plot.series
            .iter()
            .filter(|s| notes.look(&s.model).is_none())
            .map(|s| s.model.as_str()),
    );
    Entries {
        rows,
        models,
        styles,
    }
}

/// Half the width of a mark's diamond, in px.
const DIAMOND: i32 = 16;

/// The hollow diamond of a marked place, centred on `at`: `colour` outline, `background`
/// inside.
pub(super) fn draw_diamond<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    colour: RGBColor,
    background: RGBColor,
) -> DrawResult<DB> {
    let (x, y) = at;
    let corners = vec![
        (x, y - DIAMOND),
        (x + DIAMOND, y),
        (x, y + DIAMOND),
        (x - DIAMOND, y),
    ];
    area.draw(&Polygon::new(corners.clone(), background.filled()))?;
    let mut outline = corners;
    outline.push((x, y - DIAMOND));
    area.draw(&PathElement::new(outline, colour.stroke_width(RING_WIDTH)))
}

/// Blend of `colour` at `alpha` over `background`, as an opaque colour (SVG and PNG agree).
pub(super) fn blend_over(colour: RGBColor, background: RGBColor, alpha: f64) -> RGBColor {
    style::blend(background, colour, alpha)
}

/// Top of the first legend row below the top of the plot's area, px.
const TOP: i32 = 24;
/// Room kept below the last row (or the note), px.
const BOTTOM: i32 = 24;

/// Where a line chart's legend goes: its rows' texts as drawn, their layout, each
/// column's width and the whole legend's width, px.
pub(super) struct Plan {
    /// Each row's text, shortened where it was wider than the column allows.
    pub labels: Vec<String>,
    /// Rows per column, row height and size.
    pub layout: Layout,
    /// Width of each column, px.
    pub columns: Vec<i32>,
    /// Width of the legend beside the plot, px (at least 300).
    pub width: i32,
}

/// Plans the legend of `entries` with `note` under it, in a column as tall as `area` (the
/// body of the chart, below the header).
pub(super) fn plan<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &Entries,
    note: Option<&str>,
) -> Result<Plan, DrawingAreaErrorKind<DB::ErrorType>> {
    let labels: Vec<String> = entries.rows.iter().map(|(l, _)| l.clone()).collect();
    let labels = fit_labels(&labels);
    let (width, height) = area.dim_in_pixel();
    let measure = |t: &str, size: f64| {
        area.estimate_text_size(t, &style::font(size, RGBColor(0, 0, 0)))
            .map_or(0, |(w, _)| w as i32)
    };
    // The note takes the lines it needs at the width of one full-size column (a wider
    // legend needs no more of them).
    let one_column = crate::plot::legend::width(area, &labels)?;
    let note_height = note.map_or(0, |n| {
        let lines = wrap(n, note_width(one_column), |t| measure(t, size::LEGEND)).len() as i32;
        ROW / 3 + lines * note_line()
    });
    let layout = Layout::fit(
        labels.len(),
        entries.models,
        height as i32 - TOP - BOTTOM - note_height,
    );
    let mut columns = layout.column_widths(&labels, |t| measure(t, layout.font()));
    let gaps = COLUMN_GAP * (layout.columns as i32 - 1);
    let inner = |columns: &[i32]| columns.iter().sum::<i32>() + gaps;
    // Many columns leave the plot at least two fifths of the width: their labels are
    // shortened to share the rest.
    let most = width as i32 * 3 / 5 - 8 - MARGIN;
    let mut labels = labels;
    if inner(&columns) > most {
        let per_column = (most - gaps) / layout.columns as i32 - layout.sample() - layout.gap();
        labels = shorten(&labels, per_column.max(0), |t| measure(t, layout.font()));
        columns = layout.column_widths(&labels, |t| measure(t, layout.font()));
    }
    Ok(Plan {
        width: (8 + inner(&columns) + MARGIN).max(300),
        labels,
        layout,
        columns,
    })
}

/// Width a note under a legend `legend_width` px wide is wrapped to, px.
fn note_width(legend_width: i32) -> i32 {
    legend_width - 8 - MARGIN / 2
}

/// Height of a line of the note, px.
fn note_line() -> i32 {
    ROW * 3 / 4
}

/// Draws `entries` in `legend_area` (the column right of the plot, `plan.width` px wide)
/// as `plan` lays them out, the first row level with the top of the plot, then `note`
/// wrapped to the legend's width in the muted colour. `span_alpha` is the shading of spans
/// on the plot.
pub(super) fn draw<DB: DrawingBackend>(
    legend_area: &DrawingArea<DB, Shift>,
    entries: &Entries,
    plan: &Plan,
    palette: &Palette,
    span_alpha: f64,
    note: Option<&str>,
) -> DrawResult<DB> {
    let layout = &plan.layout;
    let (sample, gap) = (layout.sample(), layout.gap());
    // Sample heights scale with the row: a full row is 60 px.
    let tall = |px: i32| px * layout.row / ROW;
    let mut bottom = TOP;
    for (i, ((_, sample_kind), label)) in entries.rows.iter().zip(&plan.labels).enumerate() {
        let (column, dy) = layout.place(i);
        let y = TOP + dy;
        bottom = bottom.max(y + layout.row / 2);
        let left = 8 + plan.columns[..column].iter().sum::<i32>() + COLUMN_GAP * column as i32;
        let right = left + sample;
        let mid = (left + right) / 2;
        let quarter = sample / 4;
        match sample_kind {
            Sample::Model { model, line } => {
                let ms = entries.styles.get(model);
                if let Line::Dashed = line {
                    legend_area.draw(&PathElement::new(
                        vec![(left, y), (left + quarter, y)],
                        ms.colour.stroke_width(stroke::GUIDE),
                    ))?;
                    legend_area.draw(&PathElement::new(
                        vec![(right - quarter, y), (right, y)],
                        ms.colour.stroke_width(stroke::GUIDE),
                    ))?;
                } else if let (Line::Solid, LineStyle::Solid) = (line, ms.line) {
                    legend_area.draw(&PathElement::new(
                        vec![(left, y), (right, y)],
                        ms.colour.stroke_width(stroke::LINE),
                    ))?;
                } else if let Line::Solid = line {
                    polyline(
                        legend_area,
                        &[(left, y), (right, y)],
                        ms.line,
                        ms.colour,
                        stroke::LINE,
                    )?;
                }
                draw_marker(
                    legend_area,
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
                let dash = sample / 8;
                for (a, b) in [
                    (left, left + quarter),
                    (mid - dash, mid + dash),
                    (right - quarter, right),
                ] {
                    legend_area.draw(&PathElement::new(
                        vec![(a, y), (b, y)],
                        palette.guide.stroke_width(stroke::GUIDE),
                    ))?;
                }
            }
            Sample::Band => {
                legend_area.draw(&Rectangle::new(
                    [(left, y - tall(16)), (right, y + tall(16))],
                    palette.guide.mix(0.25).filled(),
                ))?;
            }
            Sample::Fit => {
                let faint = blend_over(palette.guide, palette.background, 0.6);
                let (dash, half) = (sample * 16 / SAMPLE_FULL, sample * 8 / SAMPLE_FULL);
                for (a, b) in [
                    (left, left + dash),
                    (mid - half, mid + half),
                    (right - dash, right),
                ] {
                    legend_area.draw(&PathElement::new(
                        vec![(a, y), (b, y)],
                        faint.stroke_width(stroke::FIT),
                    ))?;
                }
            }
            Sample::Span => {
                legend_area.draw(&Rectangle::new(
                    [(left, y - tall(22)), (right, y + tall(22))],
                    palette.guide.mix(span_alpha).filled(),
                ))?;
            }
            Sample::Mark => {
                polyline(
                    legend_area,
                    &[(mid, y + 22), (mid, y)],
                    LineStyle::Dotted,
                    palette.text,
                    stroke::GUIDE,
                )?;
                draw_diamond(legend_area, (mid, y), palette.text, palette.background)?;
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
        legend_area.draw_text(
            label,
            &style::font(layout.font(), palette.text).pos(Pos::new(HPos::Left, VPos::Center)),
            (right + gap, y),
        )?;
    }
    let mut y = bottom;

    // The note, wrapped to the legend's width.
    if let Some(note) = note {
        let note_font = style::font(size::LEGEND, palette.muted);
        let width = note_width(plan.width);
        let line_height = note_line();
        y += ROW / 3;
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
