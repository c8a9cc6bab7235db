//! Names too long for the room a chart has for them (another project's criterion ids, a
//! user's own bench names): [`shorten`] cuts each to a width with an ellipsis in the middle,
//! keeping its start and its end, and keeps names that differ different, so every label
//! still tells its series apart. The tables of a report or comparison keep the full names.
//!
//! Renderers measure with [`text_width`] (the embedded font at a plotters size) and call
//! [`shorten`] on every label set that can run out of room: legend columns, heatmap heads
//! and row labels, category ticks.

use plotters::style::IntoFont;

use super::style;

/// The ellipsis put where a name was cut.
pub const ELLIPSIS: char = '…';

/// Width of `text` in px at plotters font size `size` in the embedded DejaVu Sans
/// ([`super::register_fonts`] is called first); 0 when the font cannot lay it out.
pub fn text_width(text: &str, size: f64) -> i32 {
    super::register_fonts();
    (style::FONT, size)
        .into_font()
        .box_size(text)
        .map_or(0, |(w, _)| w as i32)
}

/// `name` cut to at most `max` px by `measure`, keeping about three fifths of what fits
/// from its start and the rest from its end, an [`ELLIPSIS`] between; `name` itself when it
/// fits, or when even one character of each end would be no narrower.
fn cut_middle(name: &str, max: i32, measure: &impl Fn(&str) -> i32) -> String {
    let whole = measure(name);
    if whole <= max {
        return name.to_string();
    }
    let chars: Vec<char> = name.chars().collect();
    let build = |keep: usize| {
        let head = ((keep * 3 + 2) / 5).max(1);
        let tail = keep.saturating_sub(head).max(1);
        let head: String = chars[..head.min(chars.len())].iter().collect();
        let tail: String = chars[chars.len().saturating_sub(tail)..].iter().collect();
        format!("{head}{ELLIPSIS}{tail}")
    };
    // The most characters kept that still fit; two at least.
    let mut keep = 2;
    while keep + 1 < chars.len() && measure(&build(keep + 1)) <= max {
        keep += 1;
    }
    let cut = build(keep);
    if chars.len() <= 3 || measure(&cut) >= whole {
        name.to_string()
    } else {
        cut
    }
}

/// `name` shown from just before the first character where it differs from a name that
/// shares its start (`from`, in characters), cut at the end to `max` px: `…x variant B…`.
fn cut_around(name: &str, from: usize, max: i32, measure: &impl Fn(&str) -> i32) -> String {
    let chars: Vec<char> = name.chars().collect();
    let start = from.saturating_sub(3).min(chars.len().saturating_sub(1));
    let lead = if start > 0 {
        ELLIPSIS.to_string()
    } else {
        String::new()
    };
    let rest = &chars[start..];
    let whole = format!("{lead}{}", rest.iter().collect::<String>());
    if measure(&whole) <= max {
        return whole;
    }
    let mut keep = 1;
    while keep + 1 < rest.len() {
        let candidate = format!(
            "{lead}{}{ELLIPSIS}",
            rest[..keep + 1].iter().collect::<String>()
        );
        if measure(&candidate) > max {
            break;
        }
        keep += 1;
    }
    format!(
        "{lead}{}{ELLIPSIS}",
        rest[..keep].iter().collect::<String>()
    )
}

/// Characters `a` and `b` share at their start.
fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// Each of `names` at most `max` px wide by `measure` (px of a string), in the same order:
/// a name that fits is kept as it is; a longer one keeps its start and its end with an
/// [`ELLIPSIS`] between. Names that differ stay different: when two cut names come out
/// alike (they differ only in the middle), each of them is shown from just before where
/// it differs from the others instead; should two still be alike, they are kept whole.
pub fn shorten(names: &[String], max: i32, measure: impl Fn(&str) -> i32) -> Vec<String> {
    let mut out: Vec<String> = names.iter().map(|n| cut_middle(n, max, &measure)).collect();
    let clashing = |out: &[String], i: usize| {
        (0..names.len()).any(|j| j != i && out[j] == out[i] && names[j] != names[i])
    };
    let clashes: Vec<usize> = (0..names.len()).filter(|&i| clashing(&out, i)).collect();
    for &i in &clashes {
        let from = clashes
            .iter()
            .filter(|&&j| names[j] != names[i])
            .map(|&j| common_prefix(&names[i], &names[j]))
            .max()
            .unwrap_or(0);
        out[i] = cut_around(&names[i], from, max, &measure);
    }
    for i in 0..names.len() {
        if clashing(&out, i) {
            out[i] = names[i].clone();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 10 px per character.
    fn width(text: &str) -> i32 {
        text.chars().count() as i32 * 10
    }

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn names_that_fit_are_kept_and_long_ones_keep_both_ends() {
        let names = strings(&[
            "rayon",
            "Performance_Sort/Rayon par_sort_unstable_by_key with a comparator",
        ]);
        let short = shorten(&names, 200, width);
        assert_eq!(short[0], "rayon");
        assert!(width(&short[1]) <= 200, "{}", short[1]);
        assert!(short[1].starts_with("Performance"), "{}", short[1]);
        assert!(short[1].ends_with("parator"), "{}", short[1]);
        assert!(short[1].contains(ELLIPSIS));
    }

    #[test]
    fn long_names_that_share_a_start_or_an_end_stay_distinguishable() {
        let names = strings(&[
            "parse_json_document_with_serde_derive_variant_alpha",
            "parse_json_document_with_serde_derive_variant_beta",
            "a_very_long_prefix_one_then_the_same_long_common_ending",
            "a_very_long_prefix_two_then_the_same_long_common_ending",
        ]);
        let short = shorten(&names, 180, width);
        for (s, name) in short.iter().zip(&names) {
            assert!(width(s) <= 180, "{s} from {name}");
        }
        let unique: std::collections::HashSet<&String> = short.iter().collect();
        assert_eq!(unique.len(), names.len(), "{short:?}");
        assert!(
            short[0].ends_with("alpha") && short[1].ends_with("beta"),
            "{short:?}"
        );
        // These two differ only in the middle: each is shown from where they differ.
        assert!(short[2].contains("one"), "{short:?}");
        assert!(short[3].contains("two"), "{short:?}");
    }

    #[test]
    fn repeated_names_and_tiny_room_do_not_break_it() {
        let names = strings(&["same", "same", "x"]);
        assert_eq!(shorten(&names, 0, width), ["s…e", "s…e", "x"]);
        assert_eq!(shorten(&strings(&["abcdefghij"]), 30, width), ["a…j"]);
        assert_eq!(shorten(&strings(&["abcdefghij"]), 40, width), ["ab…j"]);
    }
}
