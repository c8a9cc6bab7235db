//! The grouped-bar renderer: groups side by side along the horizontal axis (e.g. one per
//! machine) and in each group one vertical bar per series (e.g. one per model), on a linear
//! axis from 0. A series keeps its slot in every group and the colour the chart's [`ChartStyles`] give
//! its name, so a model has the same place and colour in every group and every chart.
//!
//! Each bar may carry an interval (drawn as a whisker) and a text (written above it when it
//! fits the bar's width, turned upright when only that fits, left out otherwise). A figure
//! may add a horizontal guide across the plot (e.g. `1x = sequential`) and a level per group
//! drawn as a dashed line across that group (e.g. each machine's ideal speedup). A group
//! without bars says `no data`.
//!
//! Not a chart itself: a chart builds a [`GroupedBarPlot`] and draws it with [`draw`], which
//! puts the [`Header`] above it and the legend column beside it, as every chart has them.
//! The comparison's fleet chart is one.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::linear_ticks;
use super::canvas::{self, Axis, Frame, polyline};
use super::legend::{self, GAP, ROW, SAMPLE};
use super::series_style::ChartStyles;
use super::style::{self, LineStyle, Palette, size, stroke};
use super::{DrawResult, Header, Theme};

/// Share of a group's width its bars take; the rest separates the groups.
const GROUP_WIDTH: f64 = 0.8;
/// Share of a slot its bar fills.
const BAR_FILL: f64 = 0.8;
/// Gap between a bar's top (or its whisker's) and its text, px.
const TEXT_GAP: i32 = 10;
/// Most lines a group's label is broken into; a longer label is cut with `…`.
const MAX_LABEL_LINES: usize = 4;

/// Groups of vertical bars, left to right in the order given.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupedBarPlot {
    /// Title of the vertical axis, e.g. `speedup over sequential`.
    pub y_label: String,
    /// Title of the horizontal axis, e.g. `machine, usable CPUs`.
    pub x_label: String,
    /// The series in slot and legend order; each name picks its colour from the chart's
    /// [`ChartStyles`].
    pub series: Vec<String>,
    /// The groups.
    pub groups: Vec<Group>,
    /// A horizontal line across the plot at `.0`, named `.1` in the legend.
    pub guide: Option<(f64, String)>,
    /// Legend text for the groups' levels ([`Group::level`]); unused when no group has one.
    pub level_label: String,
}

/// One group of bars.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Text under the group; `\n` starts a new line, and long lines are broken after `-`,
    /// `_` or a space to fit the group's width.
    pub label: String,
    /// Its bars; a series without a bar here leaves its slot empty.
    pub bars: Vec<GroupedBar>,
    /// A value drawn as a dashed line across the group, e.g. the machine's ideal speedup.
    pub level: Option<f64>,
}

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupedBar {
    /// The series it belongs to (a name of [`GroupedBarPlot::series`]).
    pub series: String,
    /// Its height (≥ 0; other values are not drawn).
    pub value: f64,
    /// Confidence interval, drawn as a whisker.
    pub interval: Option<(f64, f64)>,
    /// Text above the bar, e.g. `1.98x`.
    pub text: String,
}

/// How the bars' texts are written: they must all fit one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextFit {
    Horizontal,
    Upright,
    Hidden,
}

/// Draws `plot` with `header` above it.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &GroupedBarPlot,
    header: &Header,
    theme: Theme,
) -> DrawResult<DB> {
    let palette = theme.palette();
    let styles = ChartStyles::new(plot.series.iter().map(String::as_str));
    canvas::header(root, header, &palette)?;
    let levels = plot
        .groups
        .iter()
        .any(|g| g.level.is_some_and(f64::is_finite));
    let mut labels = plot.series.clone();
    labels.extend(plot.guide.iter().map(|(_, l)| l.clone()));
    if levels {
        labels.push(plot.level_label.clone());
    }
    let legend_width = legend::width(root, &labels)?;

    // A first frame measures the room per group; the final one has the broken labels and a
    // vertical axis tall enough for every bar's text above it.
    let groups = plot.groups.len().max(1);
    let x_axis = |labels: Vec<String>| Axis {
        lo: -0.5,
        hi: groups as f64 - 0.5,
        ticks: labels
            .into_iter()
            .enumerate()
            .map(|(i, l)| (i as f64, l))
            .collect(),
        title: plot.x_label.clone(),
    };
    let y_axis = |hi: f64| {
        let (end, ticks) = linear_ticks(hi);
        Axis {
            lo: 0.0,
            hi: end,
            ticks,
            title: plot.y_label.clone(),
        }
    };
    let plain: Vec<String> = plot.groups.iter().map(|g| g.label.clone()).collect();
    let first = Frame::fit(root, legend_width, x_axis(plain), y_axis(highest(plot)))?;
    let group_px = (first.right - first.left) / groups as i32;
    let tick_font = style::font(size::TICK, palette.text);
    let measure = |t: &str| {
        root.estimate_text_size(t, &tick_font)
            .map_or(i32::MAX, |(w, _)| w as i32)
    };
    let broken: Vec<String> = plot
        .groups
        .iter()
        .map(|g| break_label(&g.label, group_px * 19 / 20, measure).join("\n"))
        .collect();
    let bars: Vec<&GroupedBar> = plot
        .groups
        .iter()
        .flat_map(|g| &g.bars)
        .filter(|b| b.value.is_finite() && b.value >= 0.0)
        .collect();
    let slot_px = f64::from(group_px) * GROUP_WIDTH / plot.series.len().max(1) as f64;
    let widest = bars.iter().map(|b| measure(&b.text)).max().unwrap_or(0);
    let fit = if f64::from(widest) <= slot_px {
        TextFit::Horizontal
    } else if size::TICK <= slot_px {
        TextFit::Upright
    } else {
        TextFit::Hidden
    };
    let room = |b: &GroupedBar| match fit {
        TextFit::Horizontal => size::TICK as i32 + TEXT_GAP,
        TextFit::Upright => measure(&b.text) + TEXT_GAP,
        TextFit::Hidden => 0,
    };
    let probe = Frame::fit(
        root,
        legend_width,
        x_axis(broken.clone()),
        y_axis(highest(plot)),
    )?;
    let height = f64::from(probe.bottom - probe.top);
    let top = bars
        .iter()
        .map(|b| {
            let spare = (height - f64::from(room(b)) - 12.0).max(height / 2.0);
            bar_top(b) * height / spare
        })
        .fold(highest(plot), f64::max);
    let frame = Frame::fit(root, legend_width, x_axis(broken), y_axis(top))?;
    frame.draw(root, &palette, false)?;

    // The levels behind the bars, the guide over them, the texts over everything.
    let slot = GROUP_WIDTH / plot.series.len().max(1) as f64;
    let mut texts: Vec<(&str, (i32, i32))> = Vec::new();
    for (i, group) in plot.groups.iter().enumerate() {
        let start = i as f64 - GROUP_WIDTH / 2.0;
        if let Some(level) = group.level.filter(|v| frame.y_in(*v)) {
            let y = frame.py(level);
            let (x0, x1) = (frame.px(start), frame.px(start + GROUP_WIDTH));
            polyline(
                root,
                &[(x0, y), (x1, y)],
                LineStyle::Dashed,
                palette.guide,
                stroke::GUIDE,
            )?;
        }
        let mut drawn = 0;
        for bar in &group.bars {
            let Some(n) = plot.series.iter().position(|s| *s == bar.series) else {
                continue;
            };
            if !bar.value.is_finite() || bar.value < 0.0 {
                continue;
            }
            let left = start + slot * n as f64;
            let x0 = frame.px(left + slot * (1.0 - BAR_FILL) / 2.0);
            let x1 = frame.px(left + slot * (1.0 + BAR_FILL) / 2.0);
            let text_y = draw_bar(root, &frame, &palette, &styles, bar, (x0, x1))?;
            texts.push((&bar.text, ((x0 + x1) / 2, text_y - TEXT_GAP)));
            drawn += 1;
        }
        if drawn == 0 {
            root.draw_text(
                "no data",
                &style::font(size::LEGEND, palette.muted).pos(Pos::new(HPos::Center, VPos::Bottom)),
                (frame.px(i as f64), frame.bottom - TEXT_GAP),
            )?;
        }
    }
    if let Some((value, _)) = plot.guide.as_ref().filter(|(v, _)| frame.y_in(*v)) {
        let y = frame.py(*value);
        polyline(
            root,
            &[(frame.left, y), (frame.right, y)],
            LineStyle::Solid,
            palette.guide,
            stroke::GUIDE,
        )?;
    }
    for (text, at) in texts {
        draw_text_on_background(root, &palette, text, at, fit)?;
    }
    draw_legend(root, plot, &frame, &palette, &styles, levels)
}

/// One bar and its whisker between pixel columns `x0` and `x1`; returns the pixel row of
/// the top of both, where its text goes.
fn draw_bar<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    frame: &Frame,
    palette: &Palette,
    styles: &ChartStyles,
    bar: &GroupedBar,
    (x0, x1): (i32, i32),
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let top = frame.py(bar.value.min(frame.y.hi));
    let colour = styles.get(&bar.series).colour;
    root.draw(&Rectangle::new(
        [(x0, top), (x1, frame.bottom)],
        colour.filled(),
    ))?;
    let mid = (x0 + x1) / 2;
    let mut text_y = top;
    if let Some((lo, hi)) = bar
        .interval
        .filter(|(lo, hi)| lo.is_finite() && hi.is_finite())
    {
        let clamp = |v: f64| frame.py(v.clamp(frame.y.lo, frame.y.hi));
        let (plo, phi) = (clamp(lo), clamp(hi));
        let whisker = palette.text.stroke_width(stroke::GUIDE);
        let half = ((x1 - x0) / 4).clamp(4, 14);
        root.draw(&PathElement::new(vec![(mid, plo), (mid, phi)], whisker))?;
        for y in [plo, phi] {
            root.draw(&PathElement::new(
                vec![(mid - half, y), (mid + half, y)],
                whisker,
            ))?;
        }
        text_y = text_y.min(phi);
    }
    Ok(text_y)
}

/// A bar's text starting at `(x, y)` (its bottom centre) on a patch of background, so the
/// lines it crosses do not strike it through: level, written upwards, or not at all.
fn draw_text_on_background<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    palette: &Palette,
    text: &str,
    (x, y): (i32, i32),
    fit: TextFit,
) -> DrawResult<DB> {
    let font = style::font(size::TICK, palette.text);
    let (w, h) = root.estimate_text_size(text, &font)?;
    let (w, h) = (w as i32, h as i32);
    let (patch, style) = match fit {
        TextFit::Horizontal => (
            [(x - w / 2 - 4, y - h - 2), (x + w / 2 + 4, y + 2)],
            font.pos(Pos::new(HPos::Center, VPos::Bottom)),
        ),
        TextFit::Upright => (
            [(x - h / 2 - 2, y - w - 4), (x + h / 2 + 2, y + 2)],
            font.transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ),
        TextFit::Hidden => return Ok(()),
    };
    root.draw(&Rectangle::new(patch, palette.background.filled()))?;
    root.draw_text(text, &style, (x, y))
}

/// Where a bar's text must stay above: its value or its interval's top.
fn bar_top(bar: &GroupedBar) -> f64 {
    match bar.interval {
        Some((_, hi)) if hi.is_finite() => bar.value.max(hi),
        _ => bar.value,
    }
}

/// The legend: a swatch per series, then the guide and the level.
fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &GroupedBarPlot,
    frame: &Frame,
    palette: &Palette,
    styles: &ChartStyles,
    levels: bool,
) -> DrawResult<DB> {
    let x = frame.right + 36 + 8;
    let mut y = frame.top + ROW / 2;
    for name in &plot.series {
        root.draw(&Rectangle::new(
            [(x, y - 18), (x + SAMPLE, y + 18)],
            styles.get(name).colour.filled(),
        ))?;
        legend::text(root, name, (x + SAMPLE + GAP, y), palette.text)?;
        y += ROW;
    }
    y += ROW / 3;
    if let Some((_, label)) = &plot.guide {
        legend::guide_row(root, (x, y), label, palette)?;
        y += ROW;
    }
    if levels {
        polyline(
            root,
            &[(x, y), (x + SAMPLE, y)],
            LineStyle::Dashed,
            palette.guide,
            stroke::GUIDE,
        )?;
        legend::text(root, &plot.level_label, (x + SAMPLE + GAP, y), palette.text)?;
    }
    Ok(())
}

/// The largest value the axis must show: bars, their intervals, levels and the guide.
fn highest(plot: &GroupedBarPlot) -> f64 {
    let bars = plot.groups.iter().flat_map(|g| &g.bars);
    let values = bars
        .flat_map(|b| [Some(b.value), b.interval.map(|(_, hi)| hi)])
        .chain(plot.groups.iter().map(|g| g.level))
        .chain([plot.guide.as_ref().map(|(v, _)| *v)])
        .flatten();
    values.filter(|v| v.is_finite()).fold(0.0, f64::max)
}

/// `label` broken into lines no wider than `width` by `measure`: at its `\n`s, and after a
/// `-`, `_` or space where a line would be too wide (a piece wider than `width` keeps a
/// line of its own). At most [`MAX_LABEL_LINES`] lines; the last of a longer label ends
/// with `…`.
pub fn break_label(label: &str, width: i32, measure: impl Fn(&str) -> i32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for given in label.split('\n') {
        let mut pieces: Vec<String> = Vec::new();
        let mut piece = String::new();
        for c in given.chars() {
            piece.push(c);
            if matches!(c, '-' | '_' | ' ') {
                pieces.push(std::mem::take(&mut piece));
            }
        }
        if !piece.is_empty() || pieces.is_empty() {
            pieces.push(piece);
        }
        let mut line = String::new();
        for piece in pieces {
            let candidate = format!("{line}{piece}");
            if !line.is_empty() && measure(candidate.trim_end()) > width {
                lines.push(line.trim_end().to_string());
                line = piece;
            } else {
                line = candidate;
            }
        }
        lines.push(line.trim_end().to_string());
    }
    if lines.len() > MAX_LABEL_LINES {
        lines.truncate(MAX_LABEL_LINES);
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn len(text: &str) -> i32 {
        text.chars().count() as i32
    }

    #[test]
    fn labels_break_after_dashes_and_keep_their_lines() {
        assert_eq!(
            break_label("intel-xeon-2-20ghz-2cpu\n2 CPUs", 12, len),
            ["intel-xeon-", "2-20ghz-2cpu", "2 CPUs"]
        );
        assert_eq!(break_label("laptop", 3, len), ["laptop"]);
        assert_eq!(break_label("a b", 10, len), ["a b"]);
        assert_eq!(break_label("", 10, len), [""]);
        let many = break_label("a-b-c-d-e-f", 2, len);
        assert_eq!(many.len(), MAX_LABEL_LINES);
        assert_eq!(many.last().map(String::as_str), Some("d-…"));
    }

    #[test]
    fn the_axis_covers_bars_intervals_levels_and_the_guide() {
        let bar = |value: f64, interval: Option<(f64, f64)>| GroupedBar {
            series: "threads".into(),
            value,
            interval,
            text: String::new(),
        };
        let mut plot = GroupedBarPlot {
            y_label: String::new(),
            x_label: String::new(),
            series: vec!["threads".into()],
            groups: vec![Group {
                label: "a".into(),
                bars: vec![bar(1.5, Some((1.2, 1.8))), bar(f64::NAN, None)],
                level: None,
            }],
            guide: Some((1.0, "1x".into())),
            level_label: String::new(),
        };
        assert_eq!(highest(&plot), 1.8);
        plot.groups[0].level = Some(4.0);
        assert_eq!(highest(&plot), 4.0);
        plot.groups.clear();
        assert_eq!(highest(&plot), 1.0);
    }
}
