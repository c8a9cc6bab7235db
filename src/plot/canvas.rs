//! The canvas every chart is drawn on (1920x1080 px): its margins, the header (title and
//! subtitle) above the plot, a pixel [`Frame`] that maps data to pixels and draws the grid,
//! axes and tick labels, and polylines in a [`LineStyle`] (solid, dashed, dotted).
//!
//! The line renderer ([`super::lines`]) lays its plot out with plotters' chart builder; the
//! comparison's charts, which need line styles and bars plotters does not draw, use
//! [`Frame`]. Both use the header, margins and legend sizes here, so the two look alike.
//! To change the layout of every chart, change it here.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{self, LineStyle, Palette, size};
use super::{DrawResult, Header};

/// Outer margin of the canvas, px.
pub const MARGIN: i32 = 48;
/// Height of the title block, px.
pub const HEADER_HEIGHT: i32 = 170;

/// Fills the canvas with the background, draws the title and subtitle, and returns the area
/// below them.
pub fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    header: &Header,
    palette: &Palette,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&palette.background)?;
    let (top, body) = root.split_vertically(HEADER_HEIGHT as u32);
    let anchor = Pos::new(HPos::Left, VPos::Top);
    top.draw_text(
        &header.title,
        &style::bold(size::TITLE, palette.text).pos(anchor),
        (MARGIN, 34),
    )?;
    top.draw_text(
        &header.subtitle,
        &style::font(size::SUBTITLE, palette.muted).pos(anchor),
        (MARGIN, 34 + size::TITLE as i32 + 16),
    )?;
    Ok(body)
}

/// Draws `points` (px) as a polyline in `line` style.
pub fn polyline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[(i32, i32)],
    line: LineStyle,
    colour: RGBColor,
    width: u32,
) -> DrawResult<DB> {
    let shape = ShapeStyle::from(&colour).stroke_width(width);
    for run in dash_runs(points, line.pattern()) {
        if run.len() > 1 {
            area.draw(&PathElement::new(run, shape))?;
        }
    }
    Ok(())
}

/// Splits a polyline into the visible runs of a dash `pattern` (on, off, on, ...); the
/// whole line when the pattern is empty. The pattern continues across vertices.
pub fn dash_runs(points: &[(i32, i32)], pattern: &[f64]) -> Vec<Vec<(i32, i32)>> {
    if pattern.is_empty() || points.len() < 2 {
        return vec![points.to_vec()];
    }
    let mut runs: Vec<Vec<(i32, i32)>> = vec![vec![points[0]]];
    let (mut index, mut left) = (0usize, pattern[0]);
    let at = |a: (i32, i32), b: (i32, i32), t: f64| {
        let lerp =
            |p: i32, q: i32| (f64::from(p) + (f64::from(q) - f64::from(p)) * t).round() as i32;
        (lerp(a.0, b.0), lerp(a.1, b.1))
    };
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let length = f64::from(b.0 - a.0).hypot(f64::from(b.1 - a.1));
        let mut done = 0.0;
        while length - done > left {
            done += left;
            let p = at(a, b, done / length);
            if index % 2 == 0 {
                if let Some(run) = runs.last_mut() {
                    run.push(p);
                }
            } else {
                runs.push(vec![p]);
            }
            index = (index + 1) % pattern.len();
            left = pattern[index];
        }
        left -= length - done;
        if index % 2 == 0 {
            if let Some(run) = runs.last_mut() {
                run.push(b);
            }
        }
    }
    for run in &mut runs {
        run.dedup();
    }
    runs.retain(|r| r.len() > 1);
    runs
}

/// One axis: its range and ticks in data units (after any log transform), and its title.
#[derive(Debug, Clone)]
pub struct Axis {
    /// Data value at the start (left or bottom).
    pub lo: f64,
    /// Data value at the end.
    pub hi: f64,
    /// Tick positions and labels; a label may hold `\n` for a second line.
    pub ticks: Vec<(f64, String)>,
    /// Axis title.
    pub title: String,
}

/// A plot rectangle (px, canvas coordinates) and its two axes.
#[derive(Debug, Clone)]
pub struct Frame {
    /// Left edge of the plot.
    pub left: i32,
    /// Top edge.
    pub top: i32,
    /// Right edge.
    pub right: i32,
    /// Bottom edge.
    pub bottom: i32,
    /// Horizontal axis.
    pub x: Axis,
    /// Vertical axis.
    pub y: Axis,
}

impl Frame {
    /// A frame filling the canvas below the header and left of a legend `legend_width` wide,
    /// leaving room for `y` tick labels measured on `root`.
    pub fn fit<DB: DrawingBackend>(
        root: &DrawingArea<DB, Shift>,
        legend_width: i32,
        x: Axis,
        y: Axis,
    ) -> Result<Frame, DrawingAreaErrorKind<DB::ErrorType>> {
        let (w, h) = root.dim_in_pixel();
        let tick_font = style::font(size::TICK, RGBColor(0, 0, 0));
        let mut tick_width = 0;
        for (_, label) in &y.ticks {
            tick_width = tick_width.max(root.estimate_text_size(label, &tick_font)?.0 as i32);
        }
        let x_lines = x
            .ticks
            .iter()
            .map(|(_, l)| l.lines().count() as i32)
            .max()
            .unwrap_or(1);
        Ok(Frame {
            left: MARGIN + size::AXIS as i32 + 24 + tick_width + 18,
            top: HEADER_HEIGHT + 24,
            right: w as i32 - legend_width - 36,
            bottom: h as i32 - MARGIN - size::AXIS as i32 - 24 - x_lines * 44,
            x,
            y,
        })
    }

    /// Pixel column of data value `v`.
    pub fn px(&self, v: f64) -> i32 {
        let t = (v - self.x.lo) / (self.x.hi - self.x.lo);
        self.left + (f64::from(self.right - self.left) * t).round() as i32
    }

    /// Pixel row of data value `v`.
    pub fn py(&self, v: f64) -> i32 {
        let t = (v - self.y.lo) / (self.y.hi - self.y.lo);
        self.bottom - (f64::from(self.bottom - self.top) * t).round() as i32
    }

    /// True when `v` lies within the vertical axis.
    pub fn y_in(&self, v: f64) -> bool {
        v.is_finite() && v >= self.y.lo - 1e-9 && v <= self.y.hi + 1e-9
    }

    /// Draws the grid, the axes, the tick labels and the axis titles.
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        palette: &Palette,
        x_grid: bool,
    ) -> DrawResult<DB> {
        let grid = palette.grid.stroke_width(2);
        let tick_font = style::font(size::TICK, palette.text);
        for (v, label) in &self.y.ticks {
            let y = self.py(*v);
            root.draw(&PathElement::new(
                vec![(self.left, y), (self.right, y)],
                grid,
            ))?;
            root.draw(&PathElement::new(
                vec![(self.left - 12, y), (self.left, y)],
                palette.axis.stroke_width(3),
            ))?;
            root.draw_text(
                label,
                &tick_font.pos(Pos::new(HPos::Right, VPos::Center)),
                (self.left - 18, y),
            )?;
        }
        for (v, label) in &self.x.ticks {
            let x = self.px(*v);
            if x_grid {
                root.draw(&PathElement::new(
                    vec![(x, self.top), (x, self.bottom)],
                    grid,
                ))?;
            }
            root.draw(&PathElement::new(
                vec![(x, self.bottom), (x, self.bottom + 12)],
                palette.axis.stroke_width(3),
            ))?;
            for (i, line) in label.lines().enumerate() {
                root.draw_text(
                    line,
                    &tick_font.pos(Pos::new(HPos::Center, VPos::Top)),
                    (x, self.bottom + 20 + i as i32 * 44),
                )?;
            }
        }
        let axis = palette.axis.stroke_width(3);
        root.draw(&PathElement::new(
            vec![(self.left, self.top), (self.left, self.bottom)],
            axis,
        ))?;
        root.draw(&PathElement::new(
            vec![(self.left, self.bottom), (self.right, self.bottom)],
            axis,
        ))?;
        let (_, h) = root.dim_in_pixel();
        root.draw_text(
            &self.x.title,
            &style::font(size::AXIS, palette.text).pos(Pos::new(HPos::Center, VPos::Bottom)),
            ((self.left + self.right) / 2, h as i32 - MARGIN + 10),
        )?;
        root.draw_text(
            &self.y.title,
            &style::font(size::AXIS, palette.text)
                .transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Center, VPos::Top)),
            (MARGIN - 10, (self.top + self.bottom) / 2),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashes_follow_the_pattern_across_vertices() {
        let runs = dash_runs(&[(0, 0), (25, 0), (50, 0)], &[10.0, 5.0]);
        assert_eq!(
            runs,
            vec![
                vec![(0, 0), (10, 0)],
                vec![(15, 0), (25, 0)],
                vec![(30, 0), (40, 0)],
                vec![(45, 0), (50, 0)],
            ]
        );
        assert_eq!(
            dash_runs(&[(0, 0), (9, 0)], &[]),
            vec![vec![(0, 0), (9, 0)]]
        );
    }
}
