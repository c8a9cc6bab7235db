//! The legend column every chart has to the right of its plot, so a legend never covers
//! data: its width, row height and sample width, and the pieces of a row (a line sample, a
//! guide sample, the text). The line renderer ([`super::lines`]) and the comparison's
//! charts build their rows from these; to change how every legend looks, change it here.
//!
//! A legend with more rows than the canvas holds at full size ([`Layout::fit`]) first
//! takes compact rows (smaller text and samples), then more columns side by side, so every
//! row stays on the canvas whatever the number of series; a label wider than
//! [`LABEL_MAX`] is shortened ([`labels`]).
//!
//! The column is at most [`MAX_WIDTH`] wide, so that long names (a hyperfine command as a
//! model) leave the plot most of the canvas: a label wider than its room is shortened in
//! the middle with an ellipsis ([`ellipsize`]).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::DrawResult;
use super::canvas::{MARGIN, polyline};
use super::labels;
use super::style::{self, LineStyle, Palette, size, stroke};

/// Height of a legend row, px.
pub const ROW: i32 = 60;
/// Width of a legend row's sample (a line with its marker), px.
pub const SAMPLE: i32 = 84;
/// Gap between the sample and the text, px.
pub const GAP: i32 = 24;

/// Height of a compact legend row, px.
pub const COMPACT_ROW: i32 = 40;
/// Width of a compact row's sample, px.
pub const COMPACT_SAMPLE: i32 = 60;
/// Gap between a compact row's sample and its text, px.
pub const COMPACT_GAP: i32 = 16;
/// Font size of a compact row's text (36 is the full size).
pub const COMPACT_FONT: f64 = 30.0;
/// Widest a legend label is drawn, px at the full size: what the widest column
/// ([`MAX_WIDTH`]) leaves beside the sample; a longer one is shortened with an ellipsis
/// ([`labels::shorten`], which keeps shortened labels distinct).
pub const LABEL_MAX: i32 = MAX_TEXT;
/// Space left between two legend columns, px.
pub const COLUMN_GAP: i32 = 28;

/// `labels` shortened to [`LABEL_MAX`] at the legend's full font size, each still distinct
/// from the others ([`labels::shorten`]).
pub fn fit_labels(labels: &[String]) -> Vec<String> {
    labels::shorten(labels, LABEL_MAX, |t| labels::text_width(t, size::LEGEND))
}

/// Widest legend column, px: a third of the canvas, so the plot keeps the rest.
pub const MAX_WIDTH: i32 = 640;
/// Widest label text, px: what [`MAX_WIDTH`] leaves beside the sample.
pub const MAX_TEXT: i32 = MAX_WIDTH - SAMPLE - GAP - MARGIN;

/// Width the legend column needs for `labels` beside their samples, px: at least 300, at
/// most [`MAX_WIDTH`] (wider labels are shortened by [`text`]). Shorten long labels first
/// ([`fit_labels`]) to keep them distinct.
pub fn width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: &[String],
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let font = style::font(size::LEGEND, RGBColor(0, 0, 0));
    let mut widest = 0;
    for label in labels {
        widest = widest.max(area.estimate_text_size(label, &font)?.0 as i32);
    }
    Ok((SAMPLE + GAP + widest.min(MAX_TEXT) + MARGIN).clamp(300, MAX_WIDTH))
}

/// Where the rows of a legend go: in one column or several side by side, at full or
/// compact size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Columns side by side (1 or more).
    pub columns: usize,
    /// Rows per column; the last column may hold fewer.
    pub per_column: usize,
    /// Height of a row, px: [`ROW`] or [`COMPACT_ROW`].
    pub row: i32,
    /// After how many rows (the series) a third of a row separates the others (guides,
    /// bands, notes); only in a single column.
    pub gap_after: Option<usize>,
}

impl Layout {
    /// The layout of `rows` rows, the first `series` of them series, in `height` px: one
    /// column of full rows when they fit (with the gap after the series), else one column
    /// of compact rows, else as few columns of compact rows as hold them all, filled top to
    /// bottom, left to right, evenly.
    pub fn fit(rows: usize, series: usize, height: i32) -> Layout {
        let gap_after = (series > 0 && rows > series).then_some(series);
        for row in [ROW, COMPACT_ROW] {
            let gap = if gap_after.is_some() { row / 3 } else { 0 };
            if rows as i32 * row + gap <= height {
                return Layout {
                    columns: 1,
                    per_column: rows.max(1),
                    row,
                    gap_after,
                };
            }
        }
        let fits = (height / COMPACT_ROW).max(1) as usize;
        let columns = rows.div_ceil(fits);
        Layout {
            columns,
            per_column: rows.div_ceil(columns),
            row: COMPACT_ROW,
            gap_after: None,
        }
    }

    /// True when rows are compact.
    pub fn compact(&self) -> bool {
        self.row < ROW
    }

    /// Font size of the rows' text.
    pub fn font(&self) -> f64 {
        if self.compact() {
            COMPACT_FONT
        } else {
            size::LEGEND
        }
    }

    /// Width of a row's sample, px.
    pub fn sample(&self) -> i32 {
        if self.compact() {
            COMPACT_SAMPLE
        } else {
            SAMPLE
        }
    }

    /// Gap between a row's sample and its text, px.
    pub fn gap(&self) -> i32 {
        if self.compact() { COMPACT_GAP } else { GAP }
    }

    /// The column of row `i` and the height of its centre below the legend's top, px.
    pub fn place(&self, i: usize) -> (usize, i32) {
        let column = i / self.per_column;
        let in_column = (i % self.per_column) as i32;
        let gap = match self.gap_after {
            Some(n) if i >= n => self.row / 3,
            _ => 0,
        };
        (column, self.row / 2 + in_column * self.row + gap)
    }

    /// Height the rows take, px.
    pub fn height(&self) -> i32 {
        let gap = self.gap_after.map_or(0, |_| self.row / 3);
        self.per_column as i32 * self.row + gap
    }

    /// Width of each column for `labels` (one per row, in order) measured by `measure`
    /// (px of a string at [`Layout::font`]): the sample, the gap and the widest label.
    pub fn column_widths(&self, labels: &[String], measure: impl Fn(&str) -> i32) -> Vec<i32> {
        (0..self.columns)
            .map(|c| {
                let widest = labels
                    .iter()
                    .skip(c * self.per_column)
                    .take(self.per_column)
                    .map(|l| measure(l))
                    .max()
                    .unwrap_or(0);
                self.sample() + self.gap() + widest
            })
            .collect()
    }
}

/// Draws a legend label left-aligned at `at`, vertically centred; a label wider than
/// [`MAX_TEXT`] is shortened in the middle ([`ellipsize`]).
pub fn text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    label: &str,
    at: (i32, i32),
    colour: RGBColor,
) -> DrawResult<DB> {
    let font = style::font(size::LEGEND, colour);
    let measure = |t: &str| {
        area.estimate_text_size(t, &font)
            .map_or(i32::MAX, |(w, _)| w as i32)
    };
    let label = ellipsize(label, |t| measure(t) <= MAX_TEXT);
    area.draw_text(&label, &font.pos(Pos::new(HPos::Left, VPos::Center)), at)
}

/// `text` itself when `fits` says so, else its start and its end around `…`, keeping as
/// many characters as fit (the end tells apart names that share a start, such as two
/// commands that differ in their last option); `…` alone when nothing more fits.
pub fn ellipsize(text: &str, fits: impl Fn(&str) -> bool) -> String {
    if fits(text) {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let cut = |keep: usize| {
        let head = keep.div_ceil(2);
        let tail = keep - head;
        let mut out: String = chars[..head].iter().collect();
        out.push('…');
        out.extend(&chars[chars.len() - tail..]);
        out
    };
    (1..chars.len())
        .rev()
        .map(cut)
        .find(|t| fits(t))
        .unwrap_or_else(|| cut(0))
}

/// A sample of a line in `line` style and `colour`, starting at `(x, y)`, [`SAMPLE`] long.
pub fn line_sample<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    line: LineStyle,
    colour: RGBColor,
) -> DrawResult<DB> {
    polyline(area, &[(x, y), (x + SAMPLE, y)], line, colour, stroke::LINE)
}

/// A row for a guide: a short solid line in the guide colour at `(x, y)`, then `label`.
pub fn guide_row<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    label: &str,
    palette: &Palette,
) -> DrawResult<DB> {
    polyline(
        area,
        &[(x, y), (x + SAMPLE, y)],
        LineStyle::Solid,
        palette.guide,
        stroke::GUIDE,
    )?;
    text(area, label, (x + SAMPLE + GAP, y), palette.text)
}

/// `text` broken into lines no wider than `width` by `measure` (a word wider than that
/// gets a line of its own): notes under a legend.
pub fn wrap(text: &str, width: i32, measure: impl Fn(&str) -> i32) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_legend_shrinks_then_wraps_into_columns_and_never_leaves_its_height() {
        let height = 860;
        let one = Layout::fit(5, 3, height);
        assert_eq!((one.columns, one.row, one.gap_after), (1, ROW, Some(3)));
        assert_eq!(one.place(0), (0, ROW / 2));
        assert_eq!(one.place(3), (0, ROW / 2 + 3 * ROW + ROW / 3));
        let compact = Layout::fit(16, 13, height);
        assert_eq!((compact.columns, compact.row), (1, COMPACT_ROW));
        for rows in [1, 13, 14, 17, 40, 44, 200] {
            let layout = Layout::fit(rows, rows.saturating_sub(3), height);
            assert!(layout.height() <= height, "{rows} rows: {layout:?}");
            assert!(layout.columns * layout.per_column >= rows, "{layout:?}");
            let (last_column, last_y) = layout.place(rows - 1);
            assert!(last_column < layout.columns);
            assert!(last_y + layout.row / 2 <= height, "{rows} rows: {layout:?}");
        }
        let many = Layout::fit(44, 40, height);
        assert_eq!(many.columns, 3);
        assert_eq!(many.per_column, 15);
        let widths = many.column_widths(&vec!["abc".to_string(); 44], |t| t.len() as i32);
        assert_eq!(widths, vec![COMPACT_SAMPLE + COMPACT_GAP + 3; 3]);
    }

    #[test]
    fn wrap_breaks_between_words() {
        let lines = wrap("one two three four", 9, |t| t.len() as i32);
        assert_eq!(lines, vec!["one two", "three", "four"]);
        assert_eq!(wrap("averyverylongword x", 4, |t| t.len() as i32).len(), 2);
        assert!(wrap("  ", 4, |t| t.len() as i32).is_empty());
    }

    #[test]
    fn ellipsize_keeps_the_start_and_the_end_of_what_does_not_fit() {
        let fits = |n: usize| move |t: &str| t.chars().count() <= n;
        assert_eq!(ellipsize("short", fits(5)), "short");
        assert_eq!(ellipsize("run --threads 4", fits(9)), "run …ds 4");
        assert_eq!(ellipsize("run --threads 2", fits(9)), "run …ds 2");
        assert_eq!(ellipsize("Größe: λ", fits(4)), "Gr…λ");
        assert_eq!(ellipsize("abc", fits(0)), "…");
    }
}
