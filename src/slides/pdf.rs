//! SVG pages to one PDF: each 1920x1080 px SVG becomes a 16:9 vector page of 1440x810 pt
//! (1920x1080 px at 96 dpi, 13.333 x 7.5 in).
//!
//! Every page goes through usvg (parsing, text shaping) and svg2pdf (a PDF form XObject
//! with its fonts subset and embedded), in parallel; pdf-writer then puts the pages into one
//! document. The only fonts usvg is given are the DejaVu Sans faces concbench embeds
//! ([`font_database`]): no system font is ever looked up, so the deck reads the same on a
//! machine without fonts. Nothing is rasterised: plotters' SVG has no filters or images.
//!
//! To change the page size, change [`PAGE_PT`]; pages keep the SVG's aspect ratio only when
//! it is 16:9.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, TextStr};
use rayon::prelude::*;
use svg2pdf::usvg::{self, fontdb};
use thiserror::Error;

/// Page size in PDF points (1/72 in): 1920x1080 px at 96 px per inch.
pub const PAGE_PT: (f32, f32) = (1440.0, 810.0);

/// The family name the embedded font answers to; every generic family maps to it.
const FAMILY: &str = "DejaVu Sans";

/// A page that could not become PDF. One line naming the page.
#[derive(Debug, Error)]
pub enum PdfError {
    /// usvg could not read the page's SVG (a bug: concbench drew it).
    #[error("page {page} ({name}): the SVG does not parse: {message}")]
    Svg {
        /// 1-based page number.
        page: usize,
        /// The page's file stem, e.g. `sum-squares/speedup`.
        name: String,
        /// usvg's message.
        message: String,
    },
    /// svg2pdf could not convert the page.
    #[error("page {page} ({name}): PDF conversion failed: {message}")]
    Convert {
        /// 1-based page number.
        page: usize,
        /// The page's file stem.
        name: String,
        /// svg2pdf's message.
        message: String,
    },
}

/// A font database holding only the embedded DejaVu Sans (regular and bold), answering for
/// `sans-serif`, `serif` and `monospace` too.
pub fn font_database() -> fontdb::Database {
    let mut db = fontdb::Database::new();
    db.load_font_data(dejavu::sans::regular().to_vec());
    db.load_font_data(dejavu::sans::bold().to_vec());
    db.set_sans_serif_family(FAMILY);
    db.set_serif_family(FAMILY);
    db.set_monospace_family(FAMILY);
    db
}

/// The usvg options of every page: the embedded fonts only, shared.
fn options() -> usvg::Options<'static> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    usvg::Options {
        font_family: FAMILY.to_string(),
        fontdb: Arc::clone(FONTS.get_or_init(|| Arc::new(font_database()))),
        ..usvg::Options::default()
    }
}

/// Every text of the page `svg` as the deck lays it out: its left and right edge in px.
/// Errors: usvg's message when the SVG does not parse.
pub fn text_spans(svg: &str) -> Result<Vec<(f32, f32)>, String> {
    let tree = usvg::Tree::from_str(svg, &options()).map_err(|e| e.to_string())?;
    let mut spans = Vec::new();
    let mut groups = vec![tree.root()];
    while let Some(group) = groups.pop() {
        for node in group.children() {
            match node {
                usvg::Node::Group(g) => groups.push(g),
                usvg::Node::Text(t) => {
                    let b = t.abs_bounding_box();
                    spans.push((b.left(), b.right()));
                }
                _ => {}
            }
        }
    }
    Ok(spans)
}

/// One PDF of `pages` (file stem and SVG markup each), a page per SVG in order, titled
/// `title`. Errors: [`PdfError`] naming the first page that failed.
pub fn render(pages: &[(String, String)], title: &str) -> Result<Vec<u8>, PdfError> {
    let chunks: Vec<(pdf_writer::Chunk, Ref)> = pages
        .par_iter()
        .enumerate()
        .map(|(n, (name, svg))| {
            let tree = usvg::Tree::from_str(svg, &options()).map_err(|e| PdfError::Svg {
                page: n + 1,
                name: name.clone(),
                message: e.to_string(),
            })?;
            svg2pdf::to_chunk(&tree, svg2pdf::ConversionOptions::default()).map_err(|e| {
                PdfError::Convert {
                    page: n + 1,
                    name: name.clone(),
                    message: e.to_string(),
                }
            })
        })
        .collect::<Result<_, _>>()?;

    let mut alloc = Ref::new(1);
    let catalog = alloc.bump();
    let tree = alloc.bump();
    let info = alloc.bump();
    let page_ids: Vec<(Ref, Ref)> = chunks
        .iter()
        .map(|_| (alloc.bump(), alloc.bump()))
        .collect();
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().map(|(page, _)| *page))
        .count(page_ids.len() as i32);
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr(concat!("concbench ", env!("CARGO_PKG_VERSION"))));
    let name = Name(b"P");
    let (width, height) = PAGE_PT;
    for ((chunk, root), (page_id, content_id)) in chunks.iter().zip(&page_ids) {
        // Each chunk numbers its objects from 1; give them numbers of their own here.
        let mut map: HashMap<Ref, Ref> = HashMap::new();
        let chunk = chunk.renumber(|old| *map.entry(old).or_insert_with(|| alloc.bump()));
        let root = map[root];
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, width, height));
        page.parent(tree);
        page.contents(*content_id);
        page.resources().x_objects().pair(name, root);
        page.finish();
        // The form is one point square; scale it to the page.
        let mut content = Content::new();
        content.transform([width, 0.0, 0.0, height, 0.0, 0.0]);
        content.x_object(name);
        pdf.stream(*content_id, &content.finish());
        pdf.extend(&chunk);
    }
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = r##"<svg width="1920" height="1080" viewBox="0 0 1920 1080" xmlns="http://www.w3.org/2000/svg"><rect width="1920" height="1080" fill="#fff"/><text x="48" y="100" font-family="DejaVu Sans, sans-serif" font-size="40">speedup</text></svg>"##;

    #[test]
    fn the_font_database_holds_only_the_embedded_faces() {
        let db = font_database();
        assert_eq!(db.len(), 2);
        assert!(
            db.faces()
                .all(|f| f.families.iter().any(|(n, _)| n == FAMILY))
        );
    }

    #[test]
    fn each_svg_is_one_page_of_the_slide_size_with_its_font_embedded() {
        let pages = vec![("a".to_string(), SVG.to_string()); 3];
        let pdf = render(&pages, "deck").unwrap();
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.starts_with("%PDF-"));
        assert_eq!(
            text.matches("/MediaBox [0 0 1440 810]").count(),
            3,
            "{text}"
        );
        assert!(text.contains("/Count 3"));
        assert!(text.contains("DejaVu"), "the font is named");
        assert!(text.contains("/FontFile2"), "the font is embedded");
    }

    #[test]
    fn text_spans_are_laid_out_with_the_embedded_font() {
        let spans = text_spans(SVG).unwrap();
        assert_eq!(spans.len(), 1);
        let (left, right) = spans[0];
        // Seven letters of 40 px DejaVu Sans: more than 3 em, less than 5.
        assert!((left - 48.0).abs() < 1.0, "{left}");
        assert!(
            right - left > 120.0 && right - left < 200.0,
            "{left}..{right}"
        );
        assert!(text_spans("<svg").is_err());
    }

    #[test]
    fn an_svg_that_does_not_parse_names_its_page() {
        let pages = vec![
            ("title".to_string(), SVG.to_string()),
            ("broken".to_string(), "<svg".to_string()),
        ];
        let err = render(&pages, "deck").unwrap_err().to_string();
        assert!(err.starts_with("page 2 (broken)"), "{err}");
    }
}
