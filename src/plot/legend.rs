//! The legend column every chart has to the right of its plot, so a legend never covers
//! data: its width, row height and sample width, and the pieces of a row (a line sample, a
//! guide sample, the text). The line renderer ([`super::lines`]) and the comparison's
//! charts build their rows from these; to change how every legend looks, change it here.
//!
//! The column is at most [`MAX_WIDTH`] wide, so that long names (a hyperfine command as a
//! model) leave the plot most of the canvas: a label wider than its room is shortened in
//! the middle with an ellipsis ([`ellipsize`]).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::DrawResult;
use super::canvas::{MARGIN, polyline};
use super::style::{self, LineStyle, Palette, size, stroke};

/// Height of a legend row, px.
pub const ROW: i32 = 60;
/// Width of a legend row's sample (a line with its marker), px.
pub const SAMPLE: i32 = 84;
/// Gap between the sample and the text, px.
pub const GAP: i32 = 24;

/// Widest legend column, px: a third of the canvas, so the plot keeps the rest.
pub const MAX_WIDTH: i32 = 640;
/// Widest label text, px: what [`MAX_WIDTH`] leaves beside the sample.
pub const MAX_TEXT: i32 = MAX_WIDTH - SAMPLE - GAP - MARGIN;

/// Width the legend column needs for `labels` beside their samples, px: at least 300, at
/// most [`MAX_WIDTH`] (wider labels are shortened by [`text`]).
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
