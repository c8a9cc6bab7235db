//! The legend column every chart has to the right of its plot, so a legend never covers
//! data: its width, row height and sample width, and the pieces of a row (a line sample, a
//! guide sample, the text). The line renderer ([`super::lines`]) and the comparison's
//! charts build their rows from these; to change how every legend looks, change it here.

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

/// Width the legend column needs for `labels` beside their samples, px: at least 300.
pub fn width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: &[String],
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let font = style::font(size::LEGEND, RGBColor(0, 0, 0));
    let mut widest = 0;
    for label in labels {
        widest = widest.max(area.estimate_text_size(label, &font)?.0 as i32);
    }
    Ok((SAMPLE + GAP + widest + MARGIN).max(300))
}

/// Draws a legend label left-aligned at `at`, vertically centred.
pub fn text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    label: &str,
    at: (i32, i32),
    colour: RGBColor,
) -> DrawResult<DB> {
    area.draw_text(
        label,
        &style::font(size::LEGEND, colour).pos(Pos::new(HPos::Left, VPos::Center)),
        at,
    )
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
}
