//! The one drawing toolkit: everything that puts pixels or SVG on a canvas, shared by the
//! report's charts ([`crate::report::chart`]) and the comparison's ([`crate::compare::chart`]).
//! Neither draws a pixel of its own outside what this module offers, so every chart has the
//! same canvas, header, fonts, colours, ticks and legend.
//!
//! - [`style`]: the look: themes' palettes, font sizes, line widths, one colour and marker
//!   per model (and per sync primitive) looked up by name, line styles per machine;
//! - [`series_style`]: the styles of one chart's series, so that names concbench does not
//!   know each get their own colour, marker and (past the palette) dash;
//! - [`marker`]: the point markers and how each is drawn;
//! - [`canvas`]: the 1920x1080 canvas layout: header, margins, a pixel [`canvas::Frame`]
//!   with its axes, and dashed polylines;
//! - [`axis`]: tick choices (round 1-2-2.5-5 steps on linear axes, 1-2-5 on log axes);
//! - [`legend`]: the legend column beside the plot and its rows, in compact rows and more
//!   columns when there are many;
//! - [`labels`]: names too long for their room, shortened with an ellipsis and kept
//!   distinct;
//! - [`text_page`]: a page of text on the same canvas (a deck's title page);
//! - four renderers of plain-data figures: [`lines`] (lines against the worker count or
//!   time, bands, fits, guides, rings), [`heatmap`], [`bars`] (horizontal, one per label)
//!   and [`grouped_bars`] (vertical, one group per machine and one bar per model in it);
//! - this file: [`Theme`], [`Format`], the [`Header`] above every chart, the [`Drawing`]
//!   trait and [`write_chart`]/[`write_formats`], which turn anything drawable into SVG and
//!   PNG files.
//!
//! Text is drawn only with the embedded DejaVu Sans (plotters' `ab_glyph` feature): call
//! [`register_fonts`] before drawing anything with plotters; [`write_chart`] does.
//!
//! To add a kind of figure: a file here with its plain-data type and a `draw` function that
//! takes a drawing area, the figure, a [`Header`] and a [`Theme`], built from [`canvas`],
//! [`axis`], [`legend`] and [`style`]; then a variant in the figure enum of the report or
//! compare that uses it.

pub mod axis;
pub mod bars;
pub mod canvas;
pub mod grouped_bars;
pub mod heatmap;
pub mod labels;
pub mod legend;
pub mod lines;
pub mod marker;
pub mod series_style;
pub mod style;
#[cfg(test)]
pub(crate) mod svg_text;
pub mod text_page;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use thiserror::Error;

/// Size of every PNG, in pixels. SVGs use the same canvas.
pub const PNG_SIZE: (u32, u32) = (1920, 1080);

/// Drawing result of any plotters backend.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Background and text colours of the charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum)]
pub enum Theme {
    /// Dark text on white.
    #[default]
    Light,
    /// Light text on near-black.
    Dark,
}

impl Theme {
    /// The name the command line uses.
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

impl fmt::Display for Theme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Theme {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "light" => Ok(Theme::Light),
            "dark" => Ok(Theme::Dark),
            _ => Err(format!("unknown theme '{s}'; valid themes: light, dark")),
        }
    }
}

/// An output file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    /// Scalable vector graphics, for the Markdown report and the web.
    Svg,
    /// A 1920x1080 bitmap, for slides.
    Png,
}

impl Format {
    /// File extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Svg => "svg",
            Format::Png => "png",
        }
    }

    /// Parses a comma-separated list such as `svg,png`.
    pub fn parse_list(text: &str) -> Result<Vec<Format>, String> {
        let mut out = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let format = part.parse::<Format>()?;
            if !out.contains(&format) {
                out.push(format);
            }
        }
        Ok(out)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "svg" => Ok(Format::Svg),
            "png" => Ok(Format::Png),
            _ => Err(format!(
                "unknown chart format '{s}'; valid formats: svg, png"
            )),
        }
    }
}

/// The two lines above every chart.
#[derive(Debug, Clone)]
pub struct Header {
    /// E.g. `sum-squares: speedup vs workers`.
    pub title: String,
    /// Machine and profile, e.g. `AMD EPYC 7B13, 2 CPUs, Linux 6.1 · profile default`.
    pub subtitle: String,
}

/// One chart written to disk, in every format asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedChart {
    /// The workload, or `None` for a chart of the whole run.
    pub workload: Option<String>,
    /// The chart's name, e.g. `speedup`; also its file stem.
    pub chart: &'static str,
    /// The title drawn on the chart, e.g. `sum-squares: speedup vs workers`.
    pub title: String,
    /// The files written, relative to the output folder, one per format, e.g.
    /// `sum-squares/speedup.svg`.
    pub files: Vec<PathBuf>,
}

/// A chart that could not be written. One line, naming the chart and the file.
#[derive(Debug, Error)]
pub enum ChartError {
    /// The chart's folder could not be created.
    #[error("chart {chart}: cannot create folder {}: {source}", path.display())]
    CreateDir {
        /// Which chart, e.g. `sum-squares/speedup`.
        chart: String,
        /// The folder.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The file could not be written.
    #[error("chart {chart}: cannot write {}: {source}", path.display())]
    Write {
        /// Which chart.
        chart: String,
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// Plotters failed while drawing or encoding.
    #[error("chart {chart}: drawing {} failed: {message}", path.display())]
    Draw {
        /// Which chart.
        chart: String,
        /// The file.
        path: PathBuf,
        /// Plotters' message.
        message: String,
    },
}

/// Registers DejaVu Sans (regular and bold) with plotters under [`style::FONT`] and under the
/// generic families `sans-serif`, `serif` and `monospace`, which criterion's own charts use.
/// Without a registered font, plotters built with `ab_glyph` fails on any text. Idempotent.
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for family in [style::FONT, "sans-serif", "serif", "monospace"] {
            for (font_style, bytes) in [
                (FontStyle::Normal, dejavu::sans::regular()),
                (FontStyle::Bold, dejavu::sans::bold()),
            ] {
                // The bytes are a valid TrueType font embedded by the `dejavu` crate.
                if plotters::style::register_font(family, font_style, bytes).is_err() {
                    panic!("the embedded DejaVu Sans font does not parse");
                }
            }
        }
    });
}

/// Anything that can draw itself on any plotters backend; [`write_chart`] turns it into an
/// SVG or PNG file. The report's figures and compare's overlay charts both go through it.
pub trait Drawing {
    /// Draws onto `root`, the whole [`PNG_SIZE`] canvas.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

/// Writes `drawing` to `path` as `format`; `label` names the chart in errors.
pub fn write_chart(
    drawing: &impl Drawing,
    format: Format,
    path: &Path,
    label: &str,
) -> Result<(), ChartError> {
    register_fonts();
    let draw_error = |message: String| ChartError::Draw {
        chart: label.to_string(),
        path: path.to_path_buf(),
        message,
    };
    match format {
        Format::Svg => {
            let svg = svg_string(drawing).map_err(draw_error)?;
            std::fs::write(path, svg).map_err(|source| ChartError::Write {
                chart: label.to_string(),
                path: path.to_path_buf(),
                source,
            })
        }
        Format::Png => {
            // The bitmap backend encodes and writes the PNG itself on `present`.
            let root = BitMapBackend::new(path, PNG_SIZE).into_drawing_area();
            drawing.draw(&root).map_err(|e| draw_error(e.to_string()))?;
            root.present().map_err(|e| draw_error(e.to_string()))
        }
    }
}

/// `drawing` as the markup of one SVG document on the [`PNG_SIZE`] canvas (1920x1080 px),
/// the same markup [`write_chart`] writes to an `.svg` file. Errors: plotters' message.
pub fn svg_string(drawing: &impl Drawing) -> Result<String, String> {
    register_fonts();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, PNG_SIZE).into_drawing_area();
        drawing.draw(&root).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Writes `drawing` once per format of `formats` (repeats ignored) to `out_dir/stem.<ext>`,
/// creating the folders on the way. Returns the files written, relative to `out_dir`, in
/// the order of `formats`. `stem` is relative, e.g. `sum-squares/speedup`, and names the
/// chart in errors.
pub fn write_formats(
    drawing: &impl Drawing,
    formats: &[Format],
    out_dir: &Path,
    stem: &Path,
) -> Result<Vec<PathBuf>, ChartError> {
    let label = stem.display().to_string();
    let mut files: Vec<PathBuf> = Vec::new();
    let mut done: Vec<Format> = Vec::new();
    for format in formats {
        if done.contains(format) {
            continue;
        }
        done.push(*format);
        let relative = stem.with_extension(format.extension());
        let path = out_dir.join(&relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| ChartError::CreateDir {
                chart: label.clone(),
                path: parent.to_path_buf(),
                source,
            })?;
        }
        write_chart(drawing, *format, &path, &label)?;
        files.push(relative);
    }
    Ok(files)
}

/// Folder names for the workloads (or criterion groups) of one report or comparison:
/// [`file_name`] of each, made unique. Two names that clean to the same folder (`a b`, `a-b`
/// and `a/b`), or to folders that differ only in case (`A-B`, which one folder holds on
/// macOS and Windows), or to a name the output folder's own files use (`report.md`), get
/// `-2`, `-3` ... in the order given, so no workload's charts land in another's folder.
#[derive(Debug, Clone, Default)]
pub struct FolderNames {
    folders: std::collections::HashMap<String, String>,
}

/// Names of the files an output folder holds beside its workload folders.
const RESERVED: &[&str] = &[
    "report.md",
    "report.html",
    "results.csv",
    "results.json",
    "compare.md",
    "compare.html",
    "compare.json",
    "compare.csv",
];

impl FolderNames {
    /// Unique folders for `names`, assigned in the order given (repeats keep their folder).
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut taken: std::collections::HashSet<String> =
            RESERVED.iter().map(|r| r.to_string()).collect();
        let mut folders = std::collections::HashMap::new();
        for name in names {
            if folders.contains_key(name) {
                continue;
            }
            let base = file_name(name);
            let mut folder = base.clone();
            let mut n = 1;
            while !taken.insert(folder.to_lowercase()) {
                n += 1;
                folder = format!("{base}-{n}");
            }
            folders.insert(name.to_string(), folder);
        }
        FolderNames { folders }
    }

    /// The folder of `name`; [`file_name`] for a name not given to [`FolderNames::new`].
    pub fn get(&self, name: &str) -> String {
        self.folders
            .get(name)
            .cloned()
            .unwrap_or_else(|| file_name(name))
    }
}

/// A workload name made safe as a folder name: anything but ASCII letters, digits, `.`,
/// `_` and `-` becomes `-`, and a leading `.` (a hidden folder) becomes `_`.
pub fn file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    match cleaned.trim_matches('.') {
        "" => "workload".to_string(),
        _ if cleaned.starts_with('.') => format!("_{}", &cleaned[1..]),
        _ => cleaned,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_clean_alike_get_folders_of_their_own() {
        let names = ["a b", "a-b", "a/b", "A B", "report.md", ".hidden", "a b"];
        let folders = FolderNames::new(names);
        let got: Vec<String> = names.iter().map(|n| folders.get(n)).collect();
        assert_eq!(
            got,
            [
                "a-b",
                "a-b-2",
                "a-b-3",
                "A-B-4",
                "report.md-2",
                "_hidden",
                "a-b"
            ]
        );
        // A name it was not given gets the plain cleaned name.
        assert_eq!(folders.get("x y"), "x-y");
    }
}
