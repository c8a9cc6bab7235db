//! Test support: the text elements of an SVG that [`super::svg_string`] wrote, with the
//! box each takes on the canvas, so that tests can check geometry (inside the canvas, no
//! two labels overlapping) on the real output rather than on "it rendered".

use super::labels::text_width;

/// One `<text>` element.
#[derive(Debug, Clone, PartialEq)]
pub struct SvgText {
    /// Its text, unescaped for `&amp;`, `&lt;` and `&gt;`.
    pub text: String,
    /// The anchor point, px.
    pub x: f64,
    /// The anchor point, px.
    pub y: f64,
    /// The plotters font size (the SVG's `font-size` × 1.24).
    pub size: f64,
    /// `start`, `middle` or `end`.
    pub anchor: String,
    /// `dy`: `0.5ex` (centred), `0.76em` (top), `-0.5ex` (bottom).
    pub dy: String,
    /// Turned a quarter to read upwards (`rotate(270, ...)`).
    pub upwards: bool,
}

impl SvgText {
    /// The box the text takes, (left, top, right, bottom) in px: its measured width and a
    /// height of one em.
    pub fn bbox(&self) -> (f64, f64, f64, f64) {
        let w = f64::from(text_width(&self.text, self.size));
        let h = self.size / 1.24;
        let x0 = match self.anchor.as_str() {
            "end" => self.x - w,
            "middle" => self.x - w / 2.0,
            _ => self.x,
        };
        let y0 = match self.dy.as_str() {
            "0.76em" => self.y,
            "-0.5ex" => self.y - h,
            _ => self.y - h / 2.0,
        };
        let (x1, y1) = (x0 + w, y0 + h);
        if !self.upwards {
            return (x0, y0, x1, y1);
        }
        // A quarter turn about the anchor: (px, py) -> (x + (py - y), y - (px - x)).
        (
            self.x + (y0 - self.y),
            self.y - (x1 - self.x),
            self.x + (y1 - self.y),
            self.y - (x0 - self.x),
        )
    }
}

/// True when boxes `a` and `b` overlap by more than a pixel each way.
pub fn overlap(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.0 < b.2 - 1.0 && b.0 < a.2 - 1.0 && a.1 < b.3 - 1.0 && b.1 < a.3 - 1.0
}

/// Every `<text>` element of `svg`, in order.
pub fn texts(svg: &str) -> Vec<SvgText> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let end = tag[at..].find('"')? + at;
        Some(tag[at..end].to_string())
    };
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let open = t.find('>')?;
            let tag = &t[..open];
            let end = t.find("</text>")?;
            let text = t[open + 1..end]
                .trim()
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            Some(SvgText {
                text,
                x: attr(tag, "x")?.parse().ok()?,
                y: attr(tag, "y")?.parse().ok()?,
                size: attr(tag, "font-size")?.parse::<f64>().ok()? * 1.24,
                anchor: attr(tag, "text-anchor").unwrap_or_default(),
                dy: attr(tag, "dy").unwrap_or_default(),
                upwards: attr(tag, "transform").is_some_and(|t| t.starts_with("rotate(270")),
            })
        })
        .collect()
}
