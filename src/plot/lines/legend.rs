//! The legend column of a line chart: which rows it has ([`entries`]: models, guides,
//! band, fit, spans, flagged points, marks) and how each row's sample is drawn ([`draw`]), with the
//! note under it. Sizes and text come from [`crate::plot::legend`].

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Annotations, FLAGGED_LABEL, LinePlot, Look};
use crate::plot::DrawResult;
use crate::plot::canvas::MARGIN;
use crate::plot::canvas::polyline;
use crate::plot::legend::{GAP, ROW, SAMPLE, text, wrap};
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

/// Draws `entries` down `legend_area` (the column right of the plot, `legend_width` px
/// wide), its first row level with the top of the plot, then `note` wrapped to the column
/// in the muted colour. `span_alpha` is the shading of spans on the plot.
pub(super) fn draw<DB: DrawingBackend>(
    legend_area: &DrawingArea<DB, Shift>,
    entries: &Entries,
    palette: &Palette,
    span_alpha: f64,
    note: Option<&str>,
    legend_width: u32,
) -> DrawResult<DB> {
    let mut y = 24 + ROW / 2;
    for (i, (label, sample)) in entries.rows.iter().enumerate() {
        if i == entries.models && i > 0 {
            y += ROW / 3;
        }
        let (left, right) = (8, 8 + SAMPLE);
        let mid = (left + right) / 2;
        match sample {
            Sample::Model { model, line } => {
                let ms = entries.styles.get(model);
                if let Line::Dashed = line {
                    legend_area.draw(&PathElement::new(
                        vec![(left, y), (left + 20, y)],
                        ms.colour.stroke_width(stroke::GUIDE),
                    ))?;
                    legend_area.draw(&PathElement::new(
                        vec![(right - 20, y), (right, y)],
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
        text(legend_area, label, (right + GAP, y), palette.text)?;
        y += ROW;
    }

    // The note, wrapped to the legend column.
    if let Some(note) = note {
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
