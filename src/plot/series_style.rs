//! Styles per chart: every series of one chart gets its own colour and marker, and a dash
//! pattern once the palette runs out.
//!
//! A name concbench knows (a registry model, a sync case) keeps its fixed style from
//! [`super::style`] in every chart. The other names of one chart (a user's own benches,
//! another project's criterion ids) are sorted and take, in that order, the n-th entry of a
//! palette built for that chart: the colours no known name uses (Paul Tol's muted scheme,
//! then the known names' colours that no known name of this chart uses, never with the
//! marker that goes with that colour), the markers no known name of this chart uses (open
//! shapes first), and, after all those colours are
//! taken once, the same colours again with a dashed, then dotted, then dash-dot line. So two
//! series of one chart never share colour, marker and line, up to four times as many
//! unknown names as colours (at least 28); and the same names give the same styles in every
//! chart that shows the same set of names.
//!
//! Renderers build one [`ChartStyles`] from the names they draw and look every series up in
//! it; to change how unknown names are styled, change [`ChartStyles::new`].

use plotters::style::RGBColor;

use super::marker::Marker;
use super::style::{LineStyle, ModelStyle, SHARED_COLOURS, UNKNOWN_COLOURS, known_style};

/// How one series of a chart is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesStyle {
    /// Line, band and marker colour.
    pub colour: RGBColor,
    /// Point marker.
    pub marker: Marker,
    /// The series' line: solid for every known name and for the first palette round of
    /// unknown names, dashed and so on after it.
    pub line: LineStyle,
}

impl From<ModelStyle> for SeriesStyle {
    fn from(style: ModelStyle) -> Self {
        SeriesStyle {
            colour: style.colour,
            marker: style.marker,
            line: LineStyle::Solid,
        }
    }
}

/// The styles of the series of one chart, looked up by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartStyles {
    /// The unknown names of the chart, sorted, with their styles.
    unknown: Vec<(String, SeriesStyle)>,
}

impl ChartStyles {
    /// Styles for a chart that draws `names` (in any order, repeats allowed): known names
    /// keep their fixed style, unknown names take the chart's palette in sorted order (see
    /// the module docs).
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        let names: Vec<&str> = names.into_iter().collect();
        let known: Vec<ModelStyle> = names.iter().filter_map(|n| known_style(n)).collect();
        let mut unknown: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| known_style(n).is_none())
            .collect();
        unknown.sort_unstable();
        unknown.dedup();
        let colours: Vec<RGBColor> = UNKNOWN_COLOURS
            .iter()
            .copied()
            .chain(SHARED_COLOURS.iter().map(|(c, _)| *c))
            .filter(|c| known.iter().all(|k| k.colour != *c))
            .collect();
        // A known colour never comes with its known marker, so no unknown name looks like
        // a registry model of another chart.
        let known_pair =
            |colour: RGBColor, marker: Marker| SHARED_COLOURS.contains(&(colour, marker));
        let markers: Vec<Marker> = Marker::ALL
            .iter()
            .copied()
            .filter(|m| known.iter().all(|k| k.marker != *m))
            .collect();
        let unknown = unknown
            .into_iter()
            .enumerate()
            .map(|(i, name)| {
                let colour = colours[i % colours.len()];
                let mut marker = markers[i % markers.len()];
                if known_pair(colour, marker) {
                    marker = markers[(i + 1) % markers.len()];
                }
                let style = SeriesStyle {
                    colour,
                    marker,
                    line: LineStyle::nth(i / colours.len()),
                };
                (name.to_string(), style)
            })
            .collect();
        ChartStyles { unknown }
    }

    /// The style of `name`: its fixed style when concbench knows it, its palette entry when
    /// it was one of the names given to [`ChartStyles::new`], else the first palette entry (the
    /// style of an unknown name drawn alone).
    pub fn get(&self, name: &str) -> SeriesStyle {
        if let Some(style) = known_style(name) {
            return style.into();
        }
        match self.unknown.iter().find(|(n, _)| n == name) {
            Some((_, style)) => *style,
            None => ChartStyles::first(),
        }
    }

    /// The first palette entry of a chart without known names.
    fn first() -> SeriesStyle {
        SeriesStyle {
            colour: UNKNOWN_COLOURS[0],
            marker: Marker::ALL[0],
            line: LineStyle::Solid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::MODELS;

    /// Every pair of `names` differs in colour, marker or line.
    fn all_distinct(styles: &ChartStyles, names: &[&str]) {
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                assert_ne!(styles.get(a), styles.get(b), "{a} and {b} share a style");
            }
        }
    }

    #[test]
    fn unknown_names_of_one_chart_get_distinct_colours_and_markers() {
        let names = [
            "flume",
            "tokio::mpsc",
            "crossbeam",
            "kanal",
            "async-channel",
            "std::sync::mpsc",
            "Rayon par_sort",
        ];
        let styles = ChartStyles::new(names);
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                let (sa, sb) = (styles.get(a), styles.get(b));
                assert_ne!(sa.colour, sb.colour, "{a} and {b} share a colour");
                assert_ne!(sa.marker, sb.marker, "{a} and {b} share a marker");
            }
            assert_eq!(styles.get(a).line, LineStyle::Solid);
        }
    }

    #[test]
    fn known_models_keep_their_style_and_unknown_names_avoid_it() {
        let mut names: Vec<&str> = MODELS.iter().map(|m| m.name).collect();
        let extra = [
            "flume",
            "kanal",
            "crossbeam",
            "smol",
            "glommio",
            "may",
            "std",
        ];
        names.extend(extra);
        let styles = ChartStyles::new(names.iter().copied());
        for m in MODELS {
            assert_eq!(
                styles.get(m.name),
                SeriesStyle::from(known_style(m.name).unwrap())
            );
        }
        for name in extra {
            let style = styles.get(name);
            for m in MODELS {
                let known = styles.get(m.name);
                assert_ne!(style.colour, known.colour, "{name} has {}'s colour", m.name);
                assert_ne!(style.marker, known.marker, "{name} has {}'s marker", m.name);
            }
        }
        all_distinct(&styles, &names);
    }

    #[test]
    fn past_the_palette_series_differ_by_their_dash() {
        let names: Vec<String> = (0..40).map(|i| format!("bench-{i:02}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let styles = ChartStyles::new(refs.iter().copied());
        all_distinct(&styles, &refs);
        let colours = UNKNOWN_COLOURS.len() + SHARED_COLOURS.len();
        for name in &refs {
            let style = styles.get(name);
            assert!(
                !SHARED_COLOURS.contains(&(style.colour, style.marker)),
                "{name} looks like a registry model"
            );
        }
        assert_eq!(styles.get("bench-00").line, LineStyle::Solid);
        assert_eq!(styles.get(refs[colours]).line, LineStyle::Dashed);
        assert_eq!(
            styles.get(refs[colours]).colour,
            styles.get("bench-00").colour
        );
    }

    #[test]
    fn styles_follow_the_sorted_names_not_their_order() {
        let a = ChartStyles::new(["zeta", "alpha", "mid"]);
        let b = ChartStyles::new(["mid", "zeta", "alpha", "alpha"]);
        for name in ["zeta", "alpha", "mid"] {
            assert_eq!(a.get(name), b.get(name));
        }
        assert_eq!(a.get("alpha").colour, UNKNOWN_COLOURS[0]);
    }
}
