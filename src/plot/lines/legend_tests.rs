//! The legend of a line chart stays on the canvas whatever the number of series: rendered
//! to SVG, every legend label is present once, its box lies inside the 1920x1080 canvas,
//! and no two legend labels overlap.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Guide, GuideKind, LinePlot, Point, Series, YScale, draw};
use crate::plot::svg_text::{overlap, texts};
use crate::plot::{DrawResult, Drawing, Header, PNG_SIZE, Theme, svg_string};

struct Chart(LinePlot);

impl Drawing for Chart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let header = Header {
            title: "many: speedup vs workers".to_string(),
            subtitle: "criterion folder x".to_string(),
        };
        draw(root, &self.0, &header, Theme::Light)
    }
}

/// A speedup-like chart with `n` series (a few of them registry models), an ideal line and
/// bands; returns it and its legend labels.
fn chart(n: usize) -> (LinePlot, Vec<String>) {
    let known = ["sequential", "threads", "rayon"];
    let names: Vec<String> = (0..n)
        .map(|i| match known.get(i) {
            Some(k) if n > 1 => k.to_string(),
            _ => format!("bench function {i:02}"),
        })
        .collect();
    let series = names
        .iter()
        .enumerate()
        .map(|(i, name)| Series {
            model: name.clone(),
            points: [1.0, 2.0, 4.0]
                .iter()
                .map(|&x| {
                    let y = x * (1.0 - i as f64 / 100.0);
                    Point {
                        x,
                        y,
                        interval: Some((y * 0.95, y * 1.05)),
                    }
                })
                .collect(),
            fit: Vec::new(),
            baseline: false,
        })
        .collect();
    let plot = LinePlot {
        x_label: "workers".to_string(),
        y_label: "speedup".to_string(),
        y_scale: YScale::Linear,
        y_at_least: 1.0,
        series,
        guides: vec![Guide {
            label: "ideal".to_string(),
            kind: GuideKind::Identity,
        }],
        band_label: Some("95% confidence interval".to_string()),
        fit_label: None,
    };
    let mut labels = names;
    labels.extend(["ideal", "95% confidence interval"].map(String::from));
    (plot, labels)
}

#[test]
fn every_legend_label_lies_on_the_canvas_for_1_13_14_and_40_series() {
    let (w, h) = (f64::from(PNG_SIZE.0), f64::from(PNG_SIZE.1));
    for n in [1, 13, 14, 40] {
        let (plot, labels) = chart(n);
        let svg = svg_string(&Chart(plot)).unwrap();
        let all = texts(&svg);
        let mut boxes = Vec::new();
        for label in &labels {
            let found: Vec<_> = all.iter().filter(|t| &t.text == label).collect();
            assert_eq!(found.len(), 1, "{n} series: legend label {label:?}");
            let b = found[0].bbox();
            assert!(
                b.0 >= 0.0 && b.1 >= 0.0 && b.2 <= w && b.3 <= h,
                "{n} series: {label:?} at {b:?} leaves the {w}x{h} canvas"
            );
            boxes.push((label, b));
        }
        for (i, (a, box_a)) in boxes.iter().enumerate() {
            for (b, box_b) in &boxes[i + 1..] {
                assert!(
                    !overlap(*box_a, *box_b),
                    "{n} series: {a:?} {box_a:?} overlaps {b:?} {box_b:?}"
                );
            }
        }
    }
}

#[test]
fn a_long_series_name_is_shortened_in_the_legend_and_the_plot_keeps_its_room() {
    let (mut plot, _) = chart(3);
    let long = "Performance_Sort/a function name far longer than any legend column should be";
    plot.series[2].model = long.to_string();
    let svg = svg_string(&Chart(plot)).unwrap();
    let all = texts(&svg);
    assert!(all.iter().all(|t| t.text != long), "shown whole");
    let shown = all
        .iter()
        .find(|t| t.text.starts_with("Performance_Sort") && t.text.contains('…'))
        .expect("shown shortened");
    assert!(shown.text.ends_with("should be"), "{}", shown.text);
    assert!(shown.bbox().2 <= f64::from(PNG_SIZE.0));
    // The legend gives the label at most LABEL_MAX, so the plot keeps more than 1100 px:
    // the x-axis title, centred under it, sits right of 550 px.
    let axis = all.iter().find(|t| t.text == "workers").unwrap();
    assert!(axis.x > 550.0, "{}", axis.x);
}
