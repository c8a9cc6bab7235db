//! The heatmap renderer: a grid of cells coloured on a diverging scale around a neutral value
//! (speedup 1.0), the number printed in each cell, a colour bar in a column to the right.
//! Not a chart itself: charts build a [`HeatmapPlot`] and the report draws it here.
//!
//! Long names keep to their room: row labels wider than [`ROW_LABEL_MAX`] are shortened,
//! and when a column head does not fit across its cell, every head reads upwards in a band
//! above the cells (at most [`HEAD_BAND_MAX`] tall, shortened past it); shortened names
//! stay distinct ([`super::labels::shorten`]). Tables keep the full names.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas;
use super::labels::shorten;
use super::series_style::ChartStyles;
use super::style::{self, blend, luminance, size};
use super::{Header, Theme};

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

/// Widest a row label is drawn, px; a longer one is shortened.
pub const ROW_LABEL_MAX: i32 = 560;
/// Tallest the band of upward column heads is, px; a longer head is shortened.
pub const HEAD_BAND_MAX: i32 = 260;
/// Smallest font size of a column head.
const HEAD_MIN: f64 = 28.0;

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
    let measure = |text: &str, at: f64| {
        body.estimate_text_size(text, &style::font(at, palette.text))
            .map_or(0, |(w, _)| w as i32)
    };
    let row_names = shorten(&plot.rows, ROW_LABEL_MAX, |t| measure(t, size::LEGEND));
    let row_label_width = row_names
        .iter()
        .map(|r| measure(r, size::LEGEND))
        .max()
        .unwrap_or(0);
    let bar_column = 300;
    let left = 48 + row_label_width + 28;
    let right = width - bar_column;
    let bottom = height - 48;
    let columns = plot.columns.len().max(1) as i32;
    let rows = plot.rows.len().max(1) as i32;
    let cell_w = (right - left) / columns;
    // Heads across their cells when each fits at the smallest head size, else upwards.
    let across = plot
        .columns
        .iter()
        .all(|name| measure(name, HEAD_MIN) <= cell_w - 12);
    let (heads, top) = if across {
        (plot.columns.clone(), 90)
    } else {
        let widest = plot
            .columns
            .iter()
            .map(|name| measure(name, HEAD_MIN))
            .max()
            .unwrap_or(0);
        let band = widest.min(HEAD_BAND_MAX);
        let heads = shorten(&plot.columns, band, |t| measure(t, HEAD_MIN));
        (heads, band + 26 + 24)
    };
    let cell_h = ((bottom - top) / rows).min(220);
    let gap = 6;

    // Column headers with the model's colour underneath.
    let styles = ChartStyles::new(plot.columns.iter().map(String::as_str));
    for (j, (name, head)) in plot.columns.iter().zip(&heads).enumerate() {
        let x0 = left + cell_w * j as i32;
        if across {
            let mut font_size = size::LEGEND;
            while font_size > HEAD_MIN && measure(head, font_size) > cell_w - 12 {
                font_size -= 2.0;
            }
            body.draw_text(
                head,
                &style::font(font_size, palette.text).pos(Pos::new(HPos::Center, VPos::Bottom)),
                (x0 + cell_w / 2, top - 26),
            )?;
        } else {
            body.draw_text(
                head,
                &style::font(HEAD_MIN, palette.text)
                    .transform(FontTransform::Rotate270)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
                (x0 + cell_w / 2, top - 26),
            )?;
        }
        body.draw(&Rectangle::new(
            [(x0 + gap + 20, top - 16), (x0 + cell_w - gap - 20, top - 9)],
            styles.get(name).colour.filled(),
        ))?;
    }

    // Rows.
    let value_font =
        |c: RGBColor| style::bold(size::CELL, c).pos(Pos::new(HPos::Center, VPos::Center));
    let two_lines = cell_h >= (size::CELL + size::CELL_NOTE) as i32 + 36;
    for (i, name) in row_names.iter().enumerate() {
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

    struct Chart(HeatmapPlot);

    impl crate::plot::Drawing for Chart {
        fn draw<DB: DrawingBackend>(
            &self,
            root: &DrawingArea<DB, Shift>,
        ) -> crate::plot::DrawResult<DB> {
            let header = Header {
                title: "best speedup".to_string(),
                subtitle: "criterion folder x".to_string(),
            };
            draw(root, &self.0, &header, Theme::Light)
        }
    }

    fn plot(rows: &[String], columns: &[String]) -> HeatmapPlot {
        let cell = |v: f64| {
            Some(Cell {
                value: v,
                text: format!("{v:.2}×"),
                note: "at 4 workers".to_string(),
            })
        };
        HeatmapPlot {
            rows: rows.to_vec(),
            columns: columns.to_vec(),
            cells: rows
                .iter()
                .map(|_| (0..columns.len()).map(|j| cell(1.0 + j as f64)).collect())
                .collect(),
            scale_label: "speedup".to_string(),
        }
    }

    #[test]
    fn long_heads_read_upwards_distinct_and_apart_and_long_rows_are_shortened() {
        use crate::plot::svg_text::{overlap, texts};
        let columns: Vec<String> = (1..=6)
            .map(|i| format!("Channels: a bounded queue of the crossbeam kind, variant {i}"))
            .collect();
        let rows = vec![
            "Performance_Sort/sorting a vector of one hundred million u64 keys".to_string(),
            "Performance_Sort/sorting a vector of one hundred million u32 keys".to_string(),
        ];
        let svg = crate::plot::svg_string(&Chart(plot(&rows, &columns))).unwrap();
        let all = texts(&svg);
        let heads: Vec<_> = all.iter().filter(|t| t.upwards).collect();
        assert_eq!(heads.len(), 6, "{heads:?}");
        let mut seen = std::collections::HashSet::new();
        for (i, head) in heads.iter().enumerate() {
            assert!(seen.insert(head.text.clone()), "{:?} twice", head.text);
            assert!(head.text.ends_with(&format!("{}", i + 1)), "{}", head.text);
            let b = head.bbox();
            assert!(b.0 >= 0.0 && b.1 >= 0.0 && b.2 <= 1920.0, "{head:?} {b:?}");
            for other in &heads[i + 1..] {
                assert!(!overlap(b, other.bbox()), "{head:?} overlaps {other:?}");
            }
        }
        let labels: Vec<_> = all.iter().filter(|t| t.text.starts_with("Perf")).collect();
        assert_eq!(labels.len(), 2);
        assert_ne!(labels[0].text, labels[1].text);
        assert!(labels[0].text.contains("u64") && labels[1].text.contains("u32"));
        for label in &labels {
            let b = label.bbox();
            assert!(
                b.0 >= 0.0 && b.2 - b.0 <= f64::from(ROW_LABEL_MAX) + 1.0,
                "{b:?}"
            );
            for head in &heads {
                assert!(!overlap(b, head.bbox()), "{label:?} overlaps {head:?}");
            }
        }
    }

    #[test]
    fn model_names_stay_across_and_whole() {
        use crate::plot::svg_text::texts;
        let columns: Vec<String> = ["sequential", "threads", "rayon", "process", "tokio"]
            .map(String::from)
            .to_vec();
        let rows = vec!["sum-squares".to_string(), "sleep".to_string()];
        let svg = crate::plot::svg_string(&Chart(plot(&rows, &columns))).unwrap();
        let all = texts(&svg);
        assert!(all.iter().all(|t| !t.upwards));
        for name in columns.iter().chain(&rows) {
            assert!(all.iter().any(|t| &t.text == name), "{name}");
        }
    }

    #[test]
    fn bar_labels() {
        assert_eq!(power_label(2), "4×");
        assert_eq!(power_label(0), "1×");
        assert_eq!(power_label(-2), "0.25×");
        assert_eq!(power_label(-3), "1/8×");
    }
}
