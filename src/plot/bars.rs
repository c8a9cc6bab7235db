//! The bar-chart renderer: one horizontal bar per labelled value, with its confidence
//! interval as a whisker and the value written at the bar's end. Not a chart itself: charts
//! build a [`BarPlot`] and the report draws it here, with the header, theme and
//! fonts of the line charts. Each bar takes the colour the chart's
//! [`ChartStyles`] give its label.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas;
use super::series_style::ChartStyles;
use super::style::{self, size, stroke, trim_number};
use super::{Header, Theme};

/// Horizontal bars, top to bottom in the order given.
#[derive(Debug, Clone, PartialEq)]
pub struct BarPlot {
    /// Title of the value axis.
    pub x_label: String,
    /// Unit written after each value, e.g. `µs`.
    pub unit: String,
    /// The bars.
    pub bars: Vec<Bar>,
}

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Text left of the bar; also picks its colour.
    pub label: String,
    /// Its length (≥ 0).
    pub value: f64,
    /// Confidence interval, drawn as a whisker.
    pub interval: Option<(f64, f64)>,
}

/// Draws `plot` on `root`.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &BarPlot,
    header: &Header,
    theme: Theme,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let palette = theme.palette();
    let body = canvas::header(root, header, &palette)?;
    let bars: Vec<&Bar> = plot
        .bars
        .iter()
        .filter(|b| b.value.is_finite() && b.value >= 0.0)
        .collect();
    let label_font = style::font(size::LEGEND, palette.text);
    let mut label_width = 0;
    for b in &bars {
        label_width = label_width.max(body.estimate_text_size(&b.label, &label_font)?.0);
    }
    let largest = bars
        .iter()
        .map(|b| b.interval.map_or(b.value, |(_, hi)| hi.max(b.value)))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    // Room on the right for the value written after the longest bar.
    let x_max = if largest > 0.0 { largest * 1.3 } else { 1.0 };
    let rows = bars.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&body)
        .margin_top(24)
        .margin_right(60)
        .margin_left(48)
        .margin_bottom(24)
        .x_label_area_size(118)
        .y_label_area_size(label_width + 40)
        .build_cartesian_2d(0.0..x_max, 0.0..rows)?;
    chart
        .configure_mesh()
        .x_desc(plot.x_label.as_str())
        .axis_desc_style(style::font(size::AXIS, palette.text))
        .label_style(style::font(size::TICK, palette.text))
        .bold_line_style(palette.grid.stroke_width(2))
        .light_line_style(palette.grid_light.stroke_width(1))
        .axis_style(palette.axis.stroke_width(3))
        .set_all_tick_mark_size(12)
        .disable_y_mesh()
        .y_labels(0)
        .x_label_formatter(&|v| trim_number(*v, if x_max < 10.0 { 1 } else { 0 }))
        .draw()?;
    let value_font = style::font(size::LEGEND, palette.text);
    let styles = ChartStyles::new(bars.iter().map(|b| b.label.as_str()));
    for (i, b) in bars.iter().enumerate() {
        // First bar on top.
        let y = rows - i as f64 - 1.0;
        let colour = styles.get(&b.label).colour;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y + 0.2), (b.value, y + 0.8)],
            colour.filled(),
        )))?;
        let mut end = b.value;
        if let Some((lo, hi)) = b
            .interval
            .filter(|(lo, hi)| lo.is_finite() && hi.is_finite())
        {
            let whisker = ShapeStyle::from(&palette.text).stroke_width(stroke::GUIDE);
            let mid = y + 0.5;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(lo, mid), (hi, mid)],
                whisker,
            )))?;
            for x in [lo, hi] {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, y + 0.35), (x, y + 0.65)],
                    whisker,
                )))?;
            }
            end = end.max(hi);
        }
        let (label_x, label_y) = chart.backend_coord(&(0.0, y + 0.5));
        root.draw_text(
            &b.label,
            &label_font.pos(Pos::new(HPos::Right, VPos::Center)),
            (label_x - 20, label_y),
        )?;
        let (value_x, _) = chart.backend_coord(&(end, y + 0.5));
        let text = format!("{} {}", trim_number(b.value, decimals(b.value)), plot.unit);
        root.draw_text(
            &text,
            &value_font.pos(Pos::new(HPos::Left, VPos::Center)),
            (value_x + 16, label_y),
        )?;
    }
    Ok(())
}

/// Decimals that show about three significant digits of `value`.
fn decimals(value: f64) -> usize {
    match value.abs() {
        v if v >= 100.0 => 0,
        v if v >= 10.0 => 1,
        _ => 2,
    }
}
