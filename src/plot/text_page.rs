//! A page of text on the chart canvas (1920x1080 px): a large title, a line under it, a
//! column of label/value rows and a footer, in the embedded DejaVu Sans and the theme's
//! colours, so a deck's title page looks like its charts. It draws through plotters like
//! every chart, so [`super::svg_string`] and [`super::write_formats`] take it as they are.
//!
//! To add a part (a logo, a second column), add a field to [`TextPage`] and draw it in
//! [`TextPage::draw`].

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas::MARGIN;
use super::style::{self, size};
use super::{DrawResult, Drawing, Theme};

/// Font size of the page's title, in plotters units (larger than a chart title).
const PAGE_TITLE: f64 = 80.0;
/// Height of one row, px.
const ROW_HEIGHT: i32 = 58;
/// Left edge of the values, px from the canvas' left edge.
const VALUE_X: i32 = 520;
/// Most rows drawn; later rows are left out (the page has room for this many).
pub const MAX_ROWS: usize = 11;

/// The text of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct TextPage {
    /// The large line at the top, e.g. `concbench: which execution model wins?`.
    pub title: String,
    /// The line under it, e.g. the machine's summary.
    pub subtitle: String,
    /// Label and value per row, e.g. (`CPU`, `AMD EPYC 7B13`); at most [`MAX_ROWS`] drawn.
    pub rows: Vec<(String, String)>,
    /// A muted line at the bottom, e.g. how the page was made.
    pub footer: String,
    /// Colours.
    pub theme: Theme,
}

/// `size` shrunk so that `text` of about `fits` characters at `size` still fits: text up
/// to `fits` characters keeps `size`, longer text gets smaller, down to half of it.
fn fitted(size: f64, text: &str, fits: usize) -> f64 {
    let chars = text.chars().count().max(1);
    size * (fits as f64 / chars as f64).clamp(0.5, 1.0)
}

impl Drawing for TextPage {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let palette = self.theme.palette();
        root.fill(&palette.background)?;
        let top_left = Pos::new(HPos::Left, VPos::Top);
        let x = MARGIN * 2;
        root.draw_text(
            &self.title,
            &style::bold(fitted(PAGE_TITLE, &self.title, 40), palette.text).pos(top_left),
            (x, 110),
        )?;
        root.draw_text(
            &self.subtitle,
            &style::font(
                fitted(size::SUBTITLE * 1.2, &self.subtitle, 86),
                palette.muted,
            )
            .pos(top_left),
            (x, 230),
        )?;
        for (n, (label, value)) in self.rows.iter().take(MAX_ROWS).enumerate() {
            let y = 350 + n as i32 * ROW_HEIGHT;
            root.draw_text(
                label,
                &style::font(size::LEGEND, palette.muted).pos(top_left),
                (x, y),
            )?;
            root.draw_text(
                value,
                &style::font(fitted(size::LEGEND, value, 80), palette.text).pos(top_left),
                (x + VALUE_X - MARGIN * 2, y),
            )?;
        }
        root.draw_text(
            &self.footer,
            &style::font(size::TICK * 0.8, palette.muted).pos(Pos::new(HPos::Left, VPos::Bottom)),
            (x, 1080 - MARGIN),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::svg_string;

    fn page(rows: usize) -> TextPage {
        TextPage {
            title: "a <title> & more".into(),
            subtitle: "machine".into(),
            rows: (0..rows)
                .map(|n| (format!("label {n}"), format!("value {n}")))
                .collect(),
            footer: "footer".into(),
            theme: Theme::Dark,
        }
    }

    #[test]
    fn draws_every_part_as_escaped_text_on_the_canvas() {
        let svg = svg_string(&page(3)).unwrap();
        assert!(svg.contains(r#"width="1920" height="1080""#));
        assert!(svg.contains("a &lt;title&gt; &amp; more"), "{svg}");
        for text in ["machine", "label 2", "value 2", "footer"] {
            assert!(svg.contains(text), "{text} missing");
        }
    }

    #[test]
    fn long_text_gets_smaller_down_to_half() {
        assert_eq!(fitted(80.0, "short", 40), 80.0);
        assert_eq!(fitted(80.0, &"x".repeat(80), 40), 40.0);
        assert_eq!(fitted(80.0, &"x".repeat(400), 40), 40.0);
        assert_eq!(fitted(80.0, &"x".repeat(50), 40), 64.0);
    }

    #[test]
    fn rows_past_the_room_on_the_page_are_left_out() {
        let svg = svg_string(&page(MAX_ROWS + 2)).unwrap();
        assert!(svg.contains(&format!("label {}", MAX_ROWS - 1)));
        assert!(!svg.contains(&format!("label {MAX_ROWS}")));
    }
}
