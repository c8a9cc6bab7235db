//! `slides.md`: the deck in Marp's Markdown, for people who restyle decks. Every slide is one
//! of the deck's SVGs (copied beside it) as a background fitted to the slide, in the PDF's
//! order; a page's takeaway is its presenter note. The front matter turns Marp on and sets
//! the 16:9 size.
//!
//! To change what a slide holds, change [`render`]'s loop.

use super::pages::Page;

/// The Marp Markdown of `pages`, whose SVGs are at `<stem>.svg` beside the file.
pub fn render(pages: &[Page]) -> String {
    let mut out = String::from(
        "---\nmarp: true\nsize: 16:9\npaginate: true\n---\n\n<!-- concbench deck: every slide is a chart of the run; restyle freely. -->\n",
    );
    for (n, page) in pages.iter().enumerate() {
        if n > 0 {
            out.push_str("\n---\n");
        }
        let path = page.stem.with_extension("svg");
        // Paths are made of file-safe names joined by `/`, whatever the OS.
        let path: Vec<String> = path
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        out.push_str(&format!("\n![bg contain]({})\n", path.join("/")));
        if let Some(line) = &page.takeaway {
            out.push_str(&format!("\n<!-- {} -->\n", note(&page.title, line)));
        }
    }
    out
}

/// A presenter note that cannot end the comment early, nor read as a Marp directive (a
/// comment of the form `key: value`).
fn note(title: &str, line: &str) -> String {
    format!("{title} — {line}")
        .replace("--", "–")
        .replace(": ", " — ")
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn page(stem: &str, takeaway: Option<&str>) -> Page {
        Page {
            stem: PathBuf::from(stem),
            title: format!("{stem}: chart"),
            takeaway: takeaway.map(str::to_string),
            svg: String::new(),
        }
    }

    #[test]
    fn one_slide_per_page_with_its_svg_and_takeaway_note() {
        let md = render(&[
            page("title", None),
            page("sum-squares/speedup", Some("threads 2.0x at 2 workers")),
        ]);
        assert!(md.starts_with("---\nmarp: true\nsize: 16:9\n"));
        assert_eq!(
            md.matches("\n---\n").count(),
            2,
            "front matter end and one break"
        );
        assert!(md.contains("![bg contain](title.svg)"));
        assert!(md.contains("![bg contain](sum-squares/speedup.svg)"));
        assert!(
            md.contains("<!-- sum-squares/speedup — chart — threads 2.0x at 2 workers -->"),
            "{md}"
        );
    }

    #[test]
    fn a_note_cannot_close_its_comment() {
        assert_eq!(note("a", "x --> y"), "a — x –> y");
    }
}
