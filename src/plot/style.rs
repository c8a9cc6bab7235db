//! Shared look of every chart: theme colours, the fixed colour and marker of every name
//! concbench knows (looked up by name), the colours left for other names (handed out per
//! chart by [`super::series_style`]), line styles per machine, font sizes, and a few number
//! formatters. Not a chart itself. To give a new model or sync case its own colour, add its
//! name to `known_style`.

use plotters::prelude::*;
use plotters::style::FontStyle;

use super::Theme;
pub use super::marker::{Marker, draw_marker};

/// The font family every chart asks for. Registered by [`super::register_fonts`] with the
/// embedded DejaVu Sans; in SVG files it is written as a CSS font list, so viewers that have
/// DejaVu Sans show the same glyphs the PNGs use and others fall back to their sans-serif.
pub const FONT: &str = "DejaVu Sans, sans-serif";

/// Font sizes in plotters units on the 1920x1080 canvas. A size `s` gives an em of about
/// `s / 1.16` px with DejaVu Sans in PNGs and a CSS font-size of `s / 1.24` px in SVGs, so
/// 36 keeps tick labels and the legend above 28 px in both.
pub mod size {
    /// Chart title.
    pub const TITLE: f64 = 56.0;
    /// Line under the title: machine and profile.
    pub const SUBTITLE: f64 = 36.0;
    /// Axis titles.
    pub const AXIS: f64 = 40.0;
    /// Tick labels.
    pub const TICK: f64 = 36.0;
    /// Legend entries.
    pub const LEGEND: f64 = 36.0;
    /// The number in a heatmap cell.
    pub const CELL: f64 = 50.0;
    /// The second line of a heatmap cell.
    pub const CELL_NOTE: f64 = 36.0;
}

/// Line widths and marker radius, in px.
pub mod stroke {
    /// A model's line.
    pub const LINE: u32 = 5;
    /// Guides (ideal line, CPU count) and baselines.
    pub const GUIDE: u32 = 3;
    /// A faint fitted curve.
    pub const FIT: u32 = 3;
    /// Marker radius.
    pub const MARKER: i32 = 12;
}

/// Colours of one theme.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    /// Canvas background.
    pub background: RGBColor,
    /// Titles, tick labels, legend text.
    pub text: RGBColor,
    /// Subtitles and secondary text.
    pub muted: RGBColor,
    /// Axis lines.
    pub axis: RGBColor,
    /// Major grid lines.
    pub grid: RGBColor,
    /// Minor grid lines.
    pub grid_light: RGBColor,
    /// Guides: the ideal line, the CPU count.
    pub guide: RGBColor,
    /// Heatmap cells without data.
    pub missing: RGBColor,
}

impl Theme {
    /// The theme's colours.
    pub fn palette(self) -> Palette {
        match self {
            Theme::Light => Palette {
                background: RGBColor(255, 255, 255),
                text: RGBColor(0x22, 0x22, 0x22),
                muted: RGBColor(0x55, 0x55, 0x55),
                axis: RGBColor(0x44, 0x44, 0x44),
                grid: RGBColor(0xd9, 0xd9, 0xd9),
                grid_light: RGBColor(0xef, 0xef, 0xef),
                guide: RGBColor(0x55, 0x55, 0x55),
                missing: RGBColor(0xbd, 0xbd, 0xbd),
            },
            Theme::Dark => Palette {
                background: RGBColor(0x16, 0x18, 0x1d),
                text: RGBColor(0xee, 0xee, 0xee),
                muted: RGBColor(0xb4, 0xb4, 0xb4),
                axis: RGBColor(0xb0, 0xb0, 0xb0),
                grid: RGBColor(0x3c, 0x3f, 0x46),
                grid_light: RGBColor(0x26, 0x29, 0x2f),
                guide: RGBColor(0xc0, 0xc0, 0xc0),
                missing: RGBColor(0x4a, 0x4d, 0x55),
            },
        }
    }
}

/// How one model is drawn on every chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelStyle {
    /// Line and marker colour.
    pub colour: RGBColor,
    /// Point marker.
    pub marker: Marker,
}

/// Okabe-Ito colours (safe for the common colour-vision deficiencies), without its black
/// and yellow, which vanish on the dark and light themes, plus a neutral grey for the
/// sequential baseline.
mod colour {
    use plotters::style::RGBColor;
    pub const GREY: RGBColor = RGBColor(0x8c, 0x8c, 0x8c);
    pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xb2);
    pub const BLUISH_GREEN: RGBColor = RGBColor(0x00, 0x9e, 0x73);
    pub const VERMILLION: RGBColor = RGBColor(0xd5, 0x5e, 0x00);
    pub const REDDISH_PURPLE: RGBColor = RGBColor(0xcc, 0x79, 0xa7);
    pub const ORANGE: RGBColor = RGBColor(0xe6, 0x9f, 0x00);
    pub const SKY_BLUE: RGBColor = RGBColor(0x56, 0xb4, 0xe9);
}

/// The fixed style of a name concbench knows: each registry model, and each sync bench case
/// (`<family>-<primitive>`; cases of one family share a chart, so they differ from each
/// other, and never share one with the models). `None` for any other name.
pub(super) fn known_style(name: &str) -> Option<ModelStyle> {
    use colour::*;
    let (colour, marker) = match name {
        "sequential" => (GREY, Marker::Circle),
        "threads" | "counter-mutex" | "queue-std-mpsc" | "wakeup-condvar" | "semaphore-tokio" => {
            (BLUE, Marker::Square)
        }
        "rayon"
        | "counter-rwlock"
        | "queue-crossbeam"
        | "wakeup-tokio-notify"
        | "semaphore-condvar" => (BLUISH_GREEN, Marker::TriangleUp),
        "process" | "counter-atomic" | "queue-tokio-mpsc" | "wakeup-tokio-notify-current" => {
            (VERMILLION, Marker::Diamond)
        }
        "tokio" | "counter-sharded" | "queue-pipe" | "wakeup-pipe" => {
            (REDDISH_PURPLE, Marker::TriangleDown)
        }
        "tokio-current" | "counter-racy" => (ORANGE, Marker::Ring),
        // A lighter kin of threads.
        "threads-gil" => (SKY_BLUE, Marker::Cross),
        _ => return None,
    };
    Some(ModelStyle { colour, marker })
}

/// Colours for names concbench does not know (a user's own benches, another project's
/// criterion ids): Paul Tol's muted scheme without its pale sand, none of them a known
/// name's colour. [`crate::plot::series_style::ChartStyles`] hands them out per chart.
pub(super) const UNKNOWN_COLOURS: [RGBColor; 7] = [
    RGBColor(0x88, 0x22, 0x55),
    RGBColor(0x44, 0xaa, 0x99),
    RGBColor(0x99, 0x99, 0x33),
    RGBColor(0x33, 0x22, 0x88),
    RGBColor(0xaa, 0x44, 0x99),
    RGBColor(0xcc, 0x66, 0x77),
    RGBColor(0x11, 0x77, 0x33),
];

/// The known names' colours (all but sequential's grey) that unknown names of a chart may
/// take after [`UNKNOWN_COLOURS`], when no known name of that chart uses them, each with the
/// marker the known names of that colour use (an unknown name never gets both).
pub(super) const SHARED_COLOURS: [(RGBColor, Marker); 6] = {
    use colour::*;
    [
        (BLUE, Marker::Square),
        (BLUISH_GREEN, Marker::TriangleUp),
        (VERMILLION, Marker::Diamond),
        (REDDISH_PURPLE, Marker::TriangleDown),
        (ORANGE, Marker::Ring),
        (SKY_BLUE, Marker::Cross),
    ]
};

/// The colour and marker of `model` drawn on its own: fixed per registry model and per
/// sync case in every chart of every report. Any other name gets the first style
/// [`crate::plot::series_style::ChartStyles`] gives unknown names; a chart that shows
/// several names asks [`crate::plot::series_style::ChartStyles`], so that each has its own.
pub fn model_style(model: &str) -> ModelStyle {
    known_style(model).unwrap_or_else(|| {
        let style = super::series_style::ChartStyles::new([model]).get(model);
        ModelStyle {
            colour: style.colour,
            marker: style.marker,
        }
    })
}

/// How one machine's lines are drawn in a comparison; the n-th input gets the n-th style,
/// cycling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineStyle {
    /// Continuous (the base machine).
    Solid,
    /// Long dashes.
    Dashed,
    /// Dots.
    Dotted,
    /// Dash, dot.
    DashDot,
}

impl LineStyle {
    /// Styles in the order inputs get them.
    pub const ALL: [LineStyle; 4] = [
        LineStyle::Solid,
        LineStyle::Dashed,
        LineStyle::Dotted,
        LineStyle::DashDot,
    ];

    /// The style of the `n`-th input.
    pub fn nth(n: usize) -> LineStyle {
        Self::ALL[n % Self::ALL.len()]
    }

    /// The word legends use.
    pub fn name(self) -> &'static str {
        match self {
            LineStyle::Solid => "solid",
            LineStyle::Dashed => "dashed",
            LineStyle::Dotted => "dotted",
            LineStyle::DashDot => "dash-dot",
        }
    }

    /// Alternating on and off lengths in px; empty for a solid line.
    pub fn pattern(self) -> &'static [f64] {
        match self {
            LineStyle::Solid => &[],
            LineStyle::Dashed => &[30.0, 16.0],
            LineStyle::Dotted => &[6.0, 12.0],
            LineStyle::DashDot => &[30.0, 12.0, 6.0, 12.0],
        }
    }
}

/// A text style in the chart font.
pub fn font(size: f64, colour: RGBColor) -> TextStyle<'static> {
    (FONT, size).into_font().color(&colour)
}

/// A bold text style in the chart font.
pub fn bold(size: f64, colour: RGBColor) -> TextStyle<'static> {
    (FONT, size, FontStyle::Bold).into_font().color(&colour)
}

/// A number for a tick label or a cell, with at most `decimals` decimals and no trailing
/// zeros: `2`, `2.5`, `0.25`.
pub fn trim_number(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" { "0".to_string() } else { text }
}

/// Relative luminance (0 black .. 1 white) of an sRGB colour, for picking text colour.
pub fn luminance(c: RGBColor) -> f64 {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2)
}

/// Linear blend of two colours, `t` = 0 gives `a`, 1 gives `b`.
pub fn blend(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::MODELS;
    use crate::sync::SyncFamily;

    #[test]
    fn every_registry_model_has_its_own_colour_and_marker() {
        for m in MODELS {
            assert!(known_style(m.name).is_some(), "{} has no style", m.name);
        }
        let styles: Vec<ModelStyle> = MODELS.iter().map(|m| model_style(m.name)).collect();
        for (i, a) in styles.iter().enumerate() {
            for b in &styles[i + 1..] {
                assert_ne!(a.colour, b.colour);
                assert_ne!(a.marker, b.marker);
            }
        }
    }

    #[test]
    fn every_sync_case_has_a_style_of_its_own_within_its_family() {
        for family in SyncFamily::ALL {
            let names = crate::sync::case_names(family);
            assert!(!names.is_empty());
            let styles: Vec<ModelStyle> = names
                .iter()
                .map(|n| known_style(n).unwrap_or_else(|| panic!("{n} has no style")))
                .collect();
            for (i, a) in styles.iter().enumerate() {
                assert!(!styles[i + 1..].contains(a), "{names:?} share a style");
            }
        }
    }

    #[test]
    fn machines_cycle_through_line_styles() {
        assert_eq!(LineStyle::nth(0), LineStyle::Solid);
        assert_eq!(LineStyle::nth(1), LineStyle::Dashed);
        assert_eq!(LineStyle::nth(4), LineStyle::Solid);
    }

    #[test]
    fn an_unknown_name_alone_takes_the_first_unknown_style() {
        assert_eq!(model_style("my-model"), model_style("other-model"));
        assert_eq!(model_style("my-model").marker, Marker::OpenSquare);
        assert_eq!(model_style("my-model").colour, UNKNOWN_COLOURS[0]);
    }

    #[test]
    fn numbers_lose_trailing_zeros() {
        assert_eq!(trim_number(2.0, 2), "2");
        assert_eq!(trim_number(2.5, 2), "2.5");
        assert_eq!(trim_number(0.25, 2), "0.25");
        assert_eq!(trim_number(-0.0001, 2), "0");
        assert_eq!(trim_number(120.0, 0), "120");
    }
}
