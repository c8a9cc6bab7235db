//! `slides.md`: the deck in Marp's Markdown, for people who restyle decks. Every slide is one
//! of the deck's SVGs (copied beside it) as a background fitted to the slide, in the PDF's
//! order; a page's takeaway, in full, is its presenter note. The front matter turns Marp on
//! and sets the 16:9 size.
//!
//! A note quotes names as the run has them (a model `Größe: λ`, a hyperfine command with
//! `--threads 4`): Markdown is not read inside an HTML comment, so the only escape a note
//! needs is that `>` after `--` becomes `&gt;` ([`note`]), which keeps the comment from
//! ending early; line breaks become spaces. Every note starts with `Takeaway for`, so Marp
//! never reads one as a directive (a comment of the form `key: value` with a directive's
//! name as the key, such as a workload named `header`).
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
        if let Some(takeaway) = &page.takeaway {
            out.push_str(&format!(
                "\n<!-- {} -->\n",
                note(&page.title, &takeaway.note)
            ));
        }
    }
    out
}

/// The presenter note of a page titled `title` with the takeaway `line`: both verbatim but
/// for line breaks (spaces) and a `>` after `--` (`&gt;`), so that it cannot end its comment
/// early; its start, `Takeaway for`, is no Marp directive.
fn note(title: &str, line: &str) -> String {
    let mut out = String::from("Takeaway for ");
    for c in format!("{title} — {line}").chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '>' if out.ends_with("--") => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::slides::takeaway::Takeaway;

    fn page(stem: &str, takeaway: Option<&str>) -> Page {
        Page {
            stem: PathBuf::from(stem),
            title: format!("{stem}: chart"),
            takeaway: takeaway.map(|t| Takeaway {
                line: "the drawn line".to_string(),
                note: t.to_string(),
            }),
            svg: String::new(),
        }
    }

    /// The text of every comment after the front matter's, in order.
    fn comments(md: &str) -> Vec<&str> {
        md.split("<!-- ")
            .skip(2)
            .map(|c| c.split(" -->").next().unwrap())
            .collect()
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
        assert_eq!(
            comments(&md),
            ["Takeaway for sum-squares/speedup: chart — threads 2.0x at 2 workers"],
            "{md}"
        );
        assert!(
            !md.contains("the drawn line"),
            "the note is the takeaway in full"
        );
    }

    #[test]
    fn names_in_a_note_are_quoted_as_the_run_has_them() {
        let takeaway = "Größe: λ 2.0x at 2 workers (hyperfine --threads 4 'app --x' within 5%); a_b*c [d] stays at 1x";
        let mut page = page("w/speedup", Some(takeaway));
        page.title = "header: speedup vs workers".to_string();
        let md = render(&[page]);
        assert_eq!(
            comments(&md),
            [format!(
                "Takeaway for header: speedup vs workers — {takeaway}"
            )],
            "{md}"
        );
    }

    #[test]
    fn a_note_cannot_close_its_comment_nor_span_lines() {
        assert_eq!(note("a", "x --> y"), "Takeaway for a — x --&gt; y");
        assert_eq!(
            note("a", "x ---> y > z"),
            "Takeaway for a — x ---&gt; y > z"
        );
        assert_eq!(note("a\nb", "c\r\nd"), "Takeaway for a b — c  d");
        let md = render(&[page("w/speedup", Some("run --> stop"))]);
        assert_eq!(
            md.matches("-->").count(),
            2,
            "the front comment's and the note's end"
        );
    }
}
