//! One self-contained HTML page per report (`report.html`) and per comparison
//! (`compare.html`), built from the same markdown as `report.md` / `compare.md`, so the two
//! never disagree.
//!
//! The page opens offline, from disk or from a mail: its CSS and script are inline, every
//! chart is inlined (the SVG file's markup, or a PNG as a `data:` URL when only PNG was
//! drawn), the file it was built from is embedded as JSON (`#raw-data`), and a
//! Content-Security-Policy forbids every network request. Light and dark themes follow
//! `prefers-color-scheme`, with a toggle; printing gives a light page, a section per page.
//! Clicking a table header sorts its rows (numbers with their units, e.g. `1.2 ms` before
//! `900 ms`).
//!
//! Escaping: the page shell and every figure are askama templates (`templates/`), which
//! escape whatever they are given; the markdown body goes through pulldown-cmark with raw
//! HTML turned into text, so a benchmark id such as `<script>` from a results file shows as
//! text and never runs. Only three things are inserted unescaped: pulldown-cmark's output,
//! chart markup concbench drew itself, and the JSON with `<`, `>` and `&` written as `\u`
//! escapes.
//!
//! To change the look, edit `templates/page.css`; to add behaviour, `templates/page.js`; to
//! add a page, call [`render`] with its markdown and the folder its charts were drawn in.

use std::fs;
use std::path::{Path, PathBuf};

use askama::Template;
use base64::Engine;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// What goes into a page.
#[derive(Debug, Clone, Copy)]
pub struct PageInput<'a> {
    /// The page title (the markdown's first heading is the visible one).
    pub title: &'a str,
    /// The page's text: `report.md` or `compare.md`.
    pub markdown: &'a str,
    /// The folder the markdown's image paths are relative to (where the charts were drawn).
    pub base_dir: &'a Path,
    /// The data the page was built from, as JSON (embedded whole).
    pub raw_json: &'a str,
    /// That data's file name, e.g. `results.json`.
    pub raw_name: &'a str,
}

/// Why a page could not be built.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// A chart the markdown shows could not be read.
    #[error("reading chart {path} for the HTML page: {message}")]
    Chart {
        /// The chart file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The template failed (a bug: the templates take only strings).
    #[error("building the HTML page: {0}")]
    Template(#[from] askama::Error),
}

#[derive(Template)]
#[template(path = "page.html")]
struct PageTemplate<'a> {
    title: &'a str,
    version: &'a str,
    sections: Vec<(String, String)>,
    body: String,
    raw_name: &'a str,
    raw_kib: u64,
    raw_json: String,
}

/// A chart: inline SVG markup drawn by concbench, or a PNG as a `data:` URL.
#[derive(Template)]
#[template(
    source = r#"<figure class="chart">{% if let Some(svg) = svg %}{{ svg|safe }}{% else %}<img alt="{{ caption }}" src="{{ png_url }}">{% endif %}<figcaption>{{ caption }}</figcaption></figure>"#,
    ext = "html"
)]
struct FigureTemplate<'a> {
    svg: Option<&'a str>,
    png_url: &'a str,
    caption: &'a str,
}

/// Builds the page. Errors: [`PageError::Chart`] when a chart the markdown shows is missing
/// or unreadable.
pub fn render(input: &PageInput) -> Result<String, PageError> {
    let (body, sections) = body_html(input.markdown, input.base_dir)?;
    PageTemplate {
        title: input.title,
        version: env!("CARGO_PKG_VERSION"),
        sections,
        body,
        raw_name: input.raw_name,
        raw_kib: (input.raw_json.len() as u64).div_ceil(1024),
        raw_json: script_safe_json(input.raw_json),
    }
    .render()
    .map_err(PageError::from)
}

/// JSON that cannot close the `<script>` element holding it: `<`, `>` and `&` become `\u`
/// escapes, which every JSON parser reads back as the same characters (they only occur
/// inside strings in valid JSON).
pub fn script_safe_json(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The markdown as HTML, with raw HTML made text, images replaced by inline figures, and
/// an id on every second-level heading; plus those headings as (id, text) for the page's
/// navigation bar.
fn body_html(
    markdown: &str,
    base_dir: &Path,
) -> Result<(String, Vec<(String, String)>), PageError> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut events: Vec<Event> = Vec::new();
    let mut sections = Vec::new();
    let mut parser = Parser::new_ext(markdown, options);
    while let Some(event) = parser.next() {
        match event {
            Event::Html(text) | Event::InlineHtml(text) => events.push(Event::Text(text)),
            Event::Start(Tag::Image { dest_url, .. }) => {
                let mut caption = String::new();
                for inner in parser.by_ref() {
                    match inner {
                        Event::End(TagEnd::Image) => break,
                        Event::Text(t) | Event::Code(t) => caption.push_str(&t),
                        _ => {}
                    }
                }
                let figure = figure_html(base_dir, &dest_url, &caption)?;
                events.push(Event::Html(CowStr::from(figure)));
            }
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                classes,
                attrs,
                ..
            }) => {
                // The heading's text follows; its id is given when the text is known.
                let at = events.len();
                events.push(Event::Start(Tag::Heading {
                    level: HeadingLevel::H2,
                    id: None,
                    classes,
                    attrs,
                }));
                let mut text = String::new();
                for inner in parser.by_ref() {
                    let end = matches!(inner, Event::End(TagEnd::Heading(_)));
                    let inner = match inner {
                        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
                        other => other,
                    };
                    if let Event::Text(t) | Event::Code(t) = &inner {
                        text.push_str(t);
                    }
                    events.push(inner);
                    if end {
                        break;
                    }
                }
                let id = format!("s{}-{}", sections.len() + 1, slug(&text));
                if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[at] {
                    *slot = Some(CowStr::from(id.clone()));
                }
                sections.push((id, text));
            }
            other => events.push(other),
        }
    }
    let mut out = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut out, events.into_iter());
    Ok((out, sections))
}

/// A figure for the image at `dest` (relative to `base_dir`): SVG inlined, PNG as a `data:`
/// URL.
fn figure_html(base_dir: &Path, dest: &str, caption: &str) -> Result<String, PageError> {
    let path = base_dir.join(dest);
    let read_error = |e: std::io::Error| PageError::Chart {
        path: path.clone(),
        message: e.to_string(),
    };
    let figure = if dest.ends_with(".svg") {
        let svg = fs::read_to_string(&path).map_err(read_error)?;
        let start = svg.find("<svg").ok_or_else(|| PageError::Chart {
            path: path.clone(),
            message: "no <svg> element".to_string(),
        })?;
        FigureTemplate {
            svg: Some(svg[start..].trim_end()),
            png_url: "",
            caption,
        }
        .render()?
    } else {
        let bytes = fs::read(&path).map_err(read_error)?;
        let url = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        );
        FigureTemplate {
            svg: None,
            png_url: &url,
            caption,
        }
        .render()?
    };
    Ok(figure)
}

/// A heading's text as an id: lowercase letters and digits, runs of anything else as `-`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(markdown: &str, dir: &Path, json: &str) -> String {
        render(&PageInput {
            title: "t <b>",
            markdown,
            base_dir: dir,
            raw_json: json,
            raw_name: "results.json",
        })
        .unwrap()
    }

    #[test]
    fn hostile_text_is_escaped_everywhere() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("c.svg"),
            "<?xml version=\"1.0\"?>\n<svg width=\"2\" height=\"2\"><text>a &amp; b</text></svg>\n",
        )
        .unwrap();
        let markdown = "# r\n\n## <script>alert(1)</script> \"q\"\n\n| id | time |\n|---|---|\n| <img src=x onerror=alert(2)> | 1 ms |\n\n![<i>cap</i> & \"x\"](c.svg)\n\n<script>alert(3)</script>\n";
        let json = r#"{"id":"</script><script>alert(4)</script>","q":"a&b"}"#;
        let html = page(markdown, dir.path(), json);
        for bad in [
            "<script>alert",
            "<img src=x",
            "<i>cap",
            "</script><script>",
            "<b>",
        ] {
            assert!(!html.contains(bad), "{bad} left unescaped");
        }
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
        assert!(html.contains("&lt;script&gt;alert(3)&lt;/script&gt;"));
        // The embedded JSON reads back as the same data.
        let start = html.find(r#"id="raw-data">"#).unwrap() + r#"id="raw-data">"#.len();
        let end = start + html[start..].find("</script>").unwrap();
        let back: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
        let original: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(back, original);
        // The chart is inlined without its XML prolog, its own markup kept.
        assert!(html.contains("<figure class=\"chart\"><svg width=\"2\""));
        assert!(html.contains("<text>a &amp; b</text>"));
        assert!(!html.contains("<?xml"));
        // The section heading has an id and a navigation link.
        assert!(html.contains("<h2 id=\"s1-script-alert-1-script-q\">"));
        assert!(html.contains("href=\"#s1-script-alert-1-script-q\""));
    }

    #[test]
    fn a_png_chart_is_embedded_and_a_missing_chart_is_named() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("c.png"), [0x89, b'P', b'N', b'G']).unwrap();
        let html = page("![chart](c.png)", dir.path(), "{}");
        assert!(html.contains("src=\"data:image/png;base64,iVBORw==\""));
        let err = render(&PageInput {
            title: "t",
            markdown: "![gone](sub/gone.svg)",
            base_dir: dir.path(),
            raw_json: "{}",
            raw_name: "results.json",
        })
        .unwrap_err();
        assert!(err.to_string().contains("gone.svg"), "{err}");
    }

    #[test]
    fn the_page_makes_no_request_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let html = page("# r\n\ntext", dir.path(), "{}");
        assert!(html.contains("default-src 'none'"));
        for needle in ["http://", "https://", "src=\"/", "<link"] {
            assert!(!html.contains(needle), "{needle}");
        }
    }
}
