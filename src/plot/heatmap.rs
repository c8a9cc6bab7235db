//! The heatmap renderer: a grid of cells coloured on a diverging scale around a neutral value
//! (speedup 1.0), the number printed in each cell, a colour bar in a column to the right.
//! Not a chart itself: charts build a [`HeatmapPlot`] and the report draws it here. A
//! column's name too wide for its cell, even in a smaller size, is shortened in the middle
//! with `…` ([`super::legend::ellipsize`]).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::series_style::ChartStyles;
use super::style::{self, blend, luminance, size};
use super::{Header, Theme};
use super::{canvas, legend};

/// Cells by row and column.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatmapPlot {
    /// Row names, top to bottom (workloads).
    pub rows: Vec<String>,
    /// Column names, left to right (models); each gets its model colour as an underline.
    pub columns: Vec<String>,
    /// `cells[row][column]`; `None` is drawn as a blank grey cell.
    pub cells: Vec<Vec<Option<Cell>>>,
    /// Title of the colour bar, e.g. `speedup`.
    pub scale_label: String,
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The value (> 0); 1.0 is neutral, the colour scale is logarithmic.
    pub value: f64,
    /// Printed in the cell, e.g. `1.93×`.
    pub text: String,
    /// A smaller second line, e.g. `at 2 workers`.
    pub note: String,
}

impl HeatmapPlot {
    /// True when no cell has a value.
    pub fn is_empty(&self) -> bool {
        self.cells.iter().flatten().all(Option::is_none)
    }
}

/// Colour of values above the neutral value: Okabe-Ito blue.
const ABOVE: RGBColor = RGBColor(0x00, 0x72, 0xb2);
/// Colour of values below it: Okabe-Ito vermillion.
const BELOW: RGBColor = RGBColor(0xd5, 0x5e, 0x00);
/// The neutral colour at exactly 1.0.
const NEUTRAL: RGBColor = RGBColor(0xf2, 0xf2, 0xf2);

/// The colour of `value` on a scale reaching full colour at `2^above` and `2^-below`. The
/// distance from neutral is raised to the power 0.75 so that modest speedups already show.
pub fn scale_colour(value: f64, above: f64, below: f64) -> RGBColor {
    let l = value.log2();
    if l >= 0.0 {
        blend(NEUTRAL, ABOVE, (l / above).clamp(0.0, 1.0).powf(0.75))
    } else {
        blend(NEUTRAL, BELOW, (-l / below).clamp(0.0, 1.0).powf(0.75))
    }
}

/// A power of two as a colour-bar label: `4×`, `1×`, `0.5×`, `0.25×`, `1/8×`.
fn power_label(p: i32) -> String {
    if p >= -2 {
        format!("{}×", style::trim_number(f64::from(p).exp2(), 2))
    } else {
        format!("1/{}×", 1u64 << (-p).min(62))
    }
}

/// Draws `plot` on `root`.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &HeatmapPlot,
    header: &Header,
    theme: Theme,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let palette = theme.palette();
    let body = canvas::header(root, header, &palette)?;
    let (width, height) = body.dim_in_pixel();
    let (width, height) = (width as i32, height as i32);

    // Scale: whole powers of two, at least 2x each way, each side as far as the data go.
    let logs: Vec<f64> = plot
        .cells
        .iter()
        .flatten()
        .flatten()
        .filter(|c| c.value > 0.0 && c.value.is_finite())
        .map(|c| c.value.log2())
        .collect();
    let above = logs
        .iter()
        .copied()
        .fold(1.0_f64, f64::max)
        .ceil()
        .min(10.0);
    let below = logs
        .iter()
        .map(|l| -l)
        .fold(1.0_f64, f64::max)
        .ceil()
        .min(10.0);

    let label_font = style::font(size::LEGEND, palette.text);
    let mut row_label_width = 0;
    for row in &plot.rows {
        row_label_width = row_label_width.max(body.estimate_text_size(row, &label_font)?.0 as i32);
    }
    let bar_column = 300;
    let left = 48 + row_label_width + 28;
    let top = 90;
    let right = width - bar_column;
    let bottom = height - 48;
    let columns = plot.columns.len().max(1) as i32;
    let rows = plot.rows.len().max(1) as i32;
    let cell_w = (right - left) / columns;
    let cell_h = ((bottom - top) / rows).min(220);
    let gap = 6;

    // Column headers with the model's colour underneath.
    let styles = ChartStyles::new(plot.columns.iter().map(String::as_str));
    for (j, name) in plot.columns.iter().enumerate() {
        let x0 = left + cell_w * j as i32;
        let mut font_size = size::LEGEND;
        let width = |text: &str, font_size: f64| {
            body.estimate_text_size(text, &style::font(font_size, palette.text))
                .map_or(i32::MAX, |(w, _)| w as i32)
        };
        while font_size > 28.0 && width(name, font_size) > cell_w - 12 {
            font_size -= 2.0;
        }
        // A name too long even in the smallest size keeps its start and end.
        let shown = legend::ellipsize(name, |t| width(t, font_size) <= cell_w - 12);
        body.draw_text(
            &shown,
            &style::font(font_size, palette.text).pos(Pos::new(HPos::Center, VPos::Bottom)),
            (x0 + cell_w / 2, top - 26),
        )?;
        body.draw(&Rectangle::new(
            [(x0 + gap + 20, top - 16), (x0 + cell_w - gap - 20, top - 9)],
            styles.get(name).colour.filled(),
        ))?;
    }

    // Rows.
    let value_font =
        |c: RGBColor| style::bold(size::CELL, c).pos(Pos::new(HPos::Center, VPos::Center));
    let two_lines = cell_h >= (size::CELL + size::CELL_NOTE) as i32 + 36;
    for (i, name) in plot.rows.iter().enumerate() {
        let y0 = top + cell_h * i as i32;
        body.draw_text(
            name,
            &label_font.pos(Pos::new(HPos::Right, VPos::Center)),
            (left - 24, y0 + cell_h / 2),
        )?;
        for j in 0..plot.columns.len() {
            let x0 = left + cell_w * j as i32;
            let cell = plot
                .cells
                .get(i)
                .and_then(|r| r.get(j))
                .and_then(Option::as_ref);
            let rect = [
                (x0 + gap / 2, y0 + gap / 2),
                (x0 + cell_w - gap / 2, y0 + cell_h - gap / 2),
            ];
            let Some(cell) = cell.filter(|c| c.value > 0.0 && c.value.is_finite()) else {
                body.draw(&Rectangle::new(rect, palette.missing.filled()))?;
                continue;
            };
            let fill = scale_colour(cell.value, above, below);
            body.draw(&Rectangle::new(rect, fill.filled()))?;
            // Whichever of near-black and white contrasts more with the cell.
            let ink = if luminance(fill) > 0.3 {
                RGBColor(0x1a, 0x1a, 0x1a)
            } else {
                RGBColor(0xff, 0xff, 0xff)
            };
            let cx = x0 + cell_w / 2;
            let cy = y0 + cell_h / 2;
            if two_lines && !cell.note.is_empty() {
                body.draw_text(
                    &cell.text,
                    &value_font(ink),
                    (cx, cy - (size::CELL_NOTE as i32) / 2 - 4),
                )?;
                let mut note_size = size::CELL_NOTE;
                while note_size > 28.0
                    && body
                        .estimate_text_size(&cell.note, &style::font(note_size, ink))?
                        .0 as i32
                        > cell_w - 16
                {
                    note_size -= 2.0;
                }
                body.draw_text(
                    &cell.note,
                    &style::font(note_size, ink).pos(Pos::new(HPos::Center, VPos::Center)),
                    (cx, cy + (size::CELL as i32) / 2 + 4),
                )?;
            } else {
                body.draw_text(&cell.text, &value_font(ink), (cx, cy))?;
            }
        }
    }

    // Colour bar: 2^above at the top, 2^-below at the bottom, linear in log2 between.
    let bar_x = right + 70;
    let bar_w = 44;
    let bar_top = top + 60;
    let bar_bottom = ((top + cell_h * rows).min(bottom) - 90).max(bar_top + 200);
    body.draw_text(
        &plot.scale_label,
        &label_font.pos(Pos::new(HPos::Left, VPos::Bottom)),
        (bar_x - 10, bar_top - 30),
    )?;
    let span = above + below;
    let y_of =
        |l: f64| bar_top + (f64::from(bar_bottom - bar_top) * (above - l) / span).round() as i32;
    let steps = 120;
    for k in 0..steps {
        let l0 = above - span * f64::from(k) / f64::from(steps);
        let l1 = above - span * f64::from(k + 1) / f64::from(steps);
        body.draw(&Rectangle::new(
            [(bar_x, y_of(l0)), (bar_x + bar_w, y_of(l1) + 1)],
            scale_colour(((l0 + l1) / 2.0).exp2(), above, below).filled(),
        ))?;
    }
    body.draw(&Rectangle::new(
        [(bar_x, bar_top), (bar_x + bar_w, bar_bottom)],
        palette.axis.stroke_width(2),
    ))?;
    let tick_font = style::font(size::TICK, palette.text).pos(Pos::new(HPos::Left, VPos::Center));
    let (hi, lo) = (above as i32, -(below as i32));
    // At most about eight labels; 1x always.
    let stride = ((hi - lo) / 8 + 1).max(1);
    for p in (lo..=hi).rev().filter(|p| p % stride == 0) {
        let y = y_of(f64::from(p));
        body.draw(&PathElement::new(
            vec![(bar_x + bar_w, y), (bar_x + bar_w + 12, y)],
            palette.axis.stroke_width(2),
        ))?;
        body.draw_text(&power_label(p), &tick_font, (bar_x + bar_w + 20, y))?;
    }
    if plot.cells.iter().flatten().any(Option::is_none) {
        let y = bar_bottom + 50;
        body.draw(&Rectangle::new(
            [(bar_x, y - 20), (bar_x + bar_w, y + 20)],
            palette.missing.filled(),
        ))?;
        body.draw_text("no data", &tick_font, (bar_x + bar_w + 20, y))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_neutral_and_the_sides_differ() {
        assert_eq!(scale_colour(1.0, 2.0, 1.0), NEUTRAL);
        assert_eq!(scale_colour(4.0, 2.0, 1.0), ABOVE);
        assert_eq!(scale_colour(0.5, 2.0, 1.0), BELOW);
        assert_eq!(scale_colour(100.0, 2.0, 1.0), ABOVE);
        assert_ne!(scale_colour(1.1, 2.0, 1.0), NEUTRAL);
    }

    #[test]
    fn bar_labels() {
        assert_eq!(power_label(2), "4×");
        assert_eq!(power_label(0), "1×");
        assert_eq!(power_label(-2), "0.25×");
        assert_eq!(power_label(-3), "1/8×");
    }
}
