//! Front matter: the title page and the table of contents.

use super::compose;
use super::draw::{Link, PageOut, Placed, Target};
use super::para::Line;
use super::shape::Shaper;
use super::{folio, set_plain, Geometry};
use crate::book::Book;
use crate::style::{Align, Face, Style};

/// The book's title sits this far down the title page's text block: the
/// classic optical position, above the middle.
const TITLE_DROP: f32 = 0.25;

/// Title of the table of contents in the book's language.
fn toc_title(lang: &str) -> &'static str {
    match lang.split('-').next().unwrap_or("") {
        "fr" => "Table des matières",
        "de" => "Inhalt",
        "es" => "Índice",
        "it" => "Indice",
        _ => "Contents",
    }
}

pub fn title_page(shaper: &mut Shaper, book: &Book, style: &Style, geo: &Geometry) -> PageOut {
    let em = style.em();
    let hs = &style.sheet.headings.chapter;
    let size = hs.size.pt(em);
    let lead = size * style.sheet.body.leading.pt(em) / em;
    let mut out = PageOut::default();
    let mut top = geo.block_height() * TITLE_DROP;
    for l in set_plain(shaper, &book.meta.title, Face::new(hs.italic, hs.bold), size, geo.measure(), Align::Center) {
        out.lines.push(Placed { x: geo.left(1), y: geo.y(top), line: l });
        top += lead;
    }
    if let Some(a) = &book.meta.author {
        top += lead;
        for l in set_plain(shaper, a, Face::Regular, em, geo.measure(), Align::Center) {
            out.lines.push(Placed { x: geo.left(1), y: geo.y(top), line: l });
            top += style.sheet.body.leading.pt(em);
        }
    }
    // Licence and edition at the foot of the page, as on the EPUB's title page.
    let small = style.sheet.footnotes.size.pt(em);
    let notes: Vec<String> = [book.meta.license.clone(), book.meta.version.as_ref().map(|v| format!("Version {v}"))].into_iter().flatten().collect();
    let mut top = geo.block_height() - small * 1.5 * notes.len() as f32;
    for n in notes {
        for l in set_plain(shaper, &n, Face::Regular, small, geo.measure(), Align::Center) {
            out.lines.push(Placed { x: geo.left(1), y: geo.y(top), line: l });
            top += small * 1.5;
        }
    }
    out
}

/// One entry of the table of contents, set and placed on its page.
pub struct TocEntry {
    lines: Vec<Line>,
    x: f32,
    top: f32,
    leading: f32,
    baseline: f32,
    chapter: Option<usize>,
    /// Size of the page number.
    number: Option<f32>,
}

pub struct Toc {
    /// Entries per page.
    pub pages: Vec<Vec<TocEntry>>,
    number_width: f32,
}

impl Toc {
    /// Sets the table; its page count does not depend on the page numbers,
    /// which are filled in once chapters are paginated.
    pub fn set(shaper: &mut Shaper, book: &Book, style: &Style, geo: &Geometry) -> Toc {
        let em = style.em();
        let sheet = &style.sheet;
        let leading = sheet.body.leading.pt(em);
        let number_width = sheet.page.toc_number_width.pt(em).min(geo.measure() / 2.0);
        let hs = &sheet.headings.h2;
        let hsize = hs.size.pt(em);
        let hlead = hsize * leading / em;
        let mut pages = vec![Vec::new()];
        let title = set_plain(
            shaper,
            toc_title(&book.meta.language),
            Face::new(hs.italic, hs.bold),
            hsize,
            geo.measure(),
            hs.align,
        );
        let mut top = hs.space_before.pt(em);
        let n = title.len() as f32;
        pages[0].push(TocEntry {
            lines: title,
            x: 0.0,
            top,
            leading: hlead,
            baseline: compose::baseline(hlead, hsize),
            chapter: None,
            number: None,
        });
        top += n * hlead + hs.space_after.pt(em);
        for (k, ch) in book.chapters.iter().enumerate() {
            let lines = set_plain(shaper, &ch.title, Face::Regular, em, geo.measure() - number_width, Align::Left);
            let h = lines.len() as f32 * leading;
            if top + h > geo.block_height() {
                pages.push(Vec::new());
                top = 0.0;
            }
            if let Some(p) = pages.last_mut() {
                p.push(TocEntry {
                    lines,
                    x: 0.0,
                    top,
                    leading,
                    baseline: compose::baseline(leading, em),
                    chapter: Some(k),
                    number: Some(em),
                });
            }
            top += h;
        }
        Toc { pages, number_width }
    }

    /// Places the table on its pages, numbered from `first`, now that each
    /// chapter's opening page is known.
    pub fn place(
        &self,
        shaper: &mut Shaper,
        style: &Style,
        geo: &Geometry,
        starts: &[usize],
        first: usize,
    ) -> Vec<PageOut> {
        let mut pages = Vec::with_capacity(self.pages.len());
        for (k, toc_page) in self.pages.iter().enumerate() {
            let number = first + k;
            let mut out = PageOut::default();
            let left = geo.left(number);
            for e in toc_page {
                let mut top = 0.0f32;
                for l in &e.lines {
                    out.lines.push(Placed { x: left + e.x, y: geo.y(e.top + top + e.baseline), line: l.clone() });
                    top += e.leading;
                }
                if let (Some(ch), Some(num)) = (e.chapter, e.number) {
                    let target = starts.get(ch).copied().unwrap_or(1);
                    let last = geo.y(e.top + top - e.leading + e.baseline);
                    let number_line =
                        set_plain(shaper, &target.to_string(), Face::Regular, num, self.number_width, Align::Right);
                    for l in number_line {
                        out.lines.push(Placed { x: left + geo.measure() - self.number_width, y: last, line: l });
                    }
                    let y0 = geo.y(e.top + top);
                    out.links.push(Link {
                        rect: [left, y0, geo.measure(), geo.y(e.top) - y0],
                        target: Target::Page { page: target, top: geo.height },
                    });
                }
            }
            folio(shaper, style, geo, number, &mut out);
            pages.push(out);
        }
        pages
    }
}
