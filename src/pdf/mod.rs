//! The PDF backend: shape → break lines → paginate → draw. Each stage hands
//! plain data to the next: `compose` builds each chapter's flow of lines
//! (with `para`, `linebreak` and `shape`), `paginate` cuts flows into pages,
//! this module places front matter, running heads and page numbers, and
//! `draw` writes the PDF.

mod compose;
mod draw;
mod hyphenate;
mod linebreak;
mod paginate;
mod para;
mod shape;

use crate::book::{Book, Inline};
use crate::style::{Align, Face, Style};
use compose::{Composer, Flow, VItem};
use draw::{DocInfo, Link, PageOut, Placed};
use paginate::{PageCut, Rules};
use para::{Line, ParaStyle};
use shape::Shaper;
use std::fmt;

#[derive(Debug)]
pub struct PdfError(pub String);

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PDF: {}", self.0)
    }
}

impl std::error::Error for PdfError {}

#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// Unix time of the build (`SOURCE_DATE_EPOCH`).
    pub modified: i64,
    pub generator: String,
}

/// The typeset book: PDF bytes and the layout trace.
pub struct PdfOutput {
    pub bytes: Vec<u8>,
    pub layout: String,
}

/// The page and its text block, in points.
#[derive(Debug, Clone, Copy)]
struct Geometry {
    width: f32,
    height: f32,
    top: f32,
    bottom: f32,
    inner: f32,
    outer: f32,
}

impl Geometry {
    fn measure(&self) -> f32 {
        self.width - self.inner - self.outer
    }
    fn block_height(&self) -> f32 {
        self.height - self.top - self.bottom
    }
    /// Left edge of the text block: the inner margin is on the left of
    /// right-hand (odd) pages.
    fn left(&self, page: usize) -> f32 {
        if page % 2 == 1 {
            self.inner
        } else {
            self.outer
        }
    }
    /// PDF y of a distance from the text block's top.
    fn y(&self, from_top: f32) -> f32 {
        self.height - self.top - from_top
    }
}

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

/// Sets a short text with no hyphenation (titles, heads, page numbers).
fn set_plain(shaper: &mut Shaper, text: &str, face: Face, size: f32, width: f32, align: Align) -> Vec<Line> {
    let st = ParaStyle {
        face,
        size,
        width,
        indent: 0.0,
        align,
        hyphenator: None,
        sup_scale: 1.0,
        sup_rise: 0.0,
    };
    para::set(shaper, &[Inline::Text(text.to_string())], &st)
}

pub fn write(book: &Book, style: &Style, opts: &PdfOptions) -> Result<PdfOutput, PdfError> {
    let sheet = &style.sheet;
    let em = style.em();
    let pg = &sheet.page;
    let geo = Geometry {
        width: pg.width.pt(em),
        height: pg.height.pt(em),
        top: pg.margin_top.pt(em),
        bottom: pg.margin_bottom.pt(em),
        inner: pg.margin_inner.pt(em),
        outer: pg.margin_outer.pt(em),
    };
    let leading = sheet.body.leading.pt(em);
    if geo.measure() < 4.0 * em || geo.block_height() < 4.0 * leading {
        return Err(PdfError(format!(
            "the text block is {:.0}×{:.0} pt: too small for {:.1} pt text (check page size and margins in {})",
            geo.measure(),
            geo.block_height(),
            em,
            style.source
        )));
    }

    let mut shaper = Shaper::new(style)?;
    for f in Face::ALL {
        shaper.shape(f, "-");
    }
    let flows: Vec<Flow> = {
        let mut c = Composer::new(&mut shaper, style);
        let flows = book.chapters.iter().map(|ch| c.chapter(ch)).collect();
        for w in &c.warnings {
            eprintln!("warning: {w}");
        }
        flows
    };
    let rules = Rules {
        height: geo.block_height(),
        widows: sheet.body.widows,
        orphans: sheet.body.orphans,
        note_gap: sheet.footnotes.space_before.pt(em),
        line: leading,
    };
    let cuts: Vec<Vec<PageCut>> = flows.iter().map(|f| paginate::paginate(f, &rules)).collect();

    // Front matter: title page, its blank verso, the table of contents.
    let toc = Toc::set(&mut shaper, book, style, &geo);
    let mut next = 3 + toc.pages.len();
    let mut starts = Vec::with_capacity(cuts.len());
    for c in &cuts {
        let s = paginate::chapter_start(next);
        starts.push(s);
        next = s + c.len().max(1);
    }

    let mut pages: Vec<PageOut> = Vec::with_capacity(next);
    pages.push(title_page(&mut shaper, book, style, &geo));
    pages.push(PageOut::default());
    for toc_page in &toc.pages {
        let number = pages.len() + 1;
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
                    set_plain(&mut shaper, &target.to_string(), Face::Regular, num, toc.number_width, Align::Right);
                for l in number_line {
                    out.lines.push(Placed { x: left + geo.measure() - toc.number_width, y: last, line: l });
                }
                let y0 = geo.y(e.top + top);
                out.links.push(Link {
                    rect: [left, y0, geo.measure(), geo.y(e.top) - y0],
                    page: target,
                    top: geo.height,
                });
            }
        }
        folio(&mut shaper, style, &geo, number, &mut out);
        pages.push(out);
    }

    for (ch, (flow, chapter_cuts)) in flows.iter().zip(&cuts).enumerate() {
        while pages.len() + 1 < starts[ch] {
            pages.push(PageOut::default());
        }
        let title = &book.chapters[ch].title;
        for (k, cut) in chapter_cuts.iter().enumerate() {
            let number = pages.len() + 1;
            let mut out = place_cut(flow, cut, &geo, number, style);
            if k > 0 {
                let head = if number % 2 == 0 { &book.meta.title } else { title };
                running_head(&mut shaper, style, &geo, number, head, &mut out);
            }
            folio(&mut shaper, style, &geo, number, &mut out);
            pages.push(out);
        }
        if chapter_cuts.is_empty() {
            pages.push(PageOut::default());
        }
    }

    let outline = book
        .chapters
        .iter()
        .zip(&starts)
        .map(|(c, &s)| (c.title.clone(), s, geo.height))
        .collect();
    let info = DocInfo {
        title: &book.meta.title,
        author: book.meta.author.as_deref().unwrap_or(""),
        lang: &book.meta.language,
        modified: opts.modified,
        producer: &opts.generator,
        width: geo.width,
        height: geo.height,
        outline,
    };
    let (bytes, layout) = draw::render(&shaper, &pages, &info)?;
    Ok(PdfOutput { bytes, layout })
}

/// Places one page of a chapter: its lines from the top of the text block,
/// its notes from the foot.
fn place_cut(flow: &Flow, cut: &PageCut, geo: &Geometry, number: usize, style: &Style) -> PageOut {
    let em = style.em();
    let notes_style = &style.sheet.footnotes;
    let mut out = PageOut::default();
    let left = geo.left(number);
    let mut top = 0.0;
    for it in &flow.items[cut.start..cut.end] {
        if let VItem::Line(l) = it {
            out.lines.push(Placed { x: left + l.x, y: geo.y(top + l.baseline()), line: l.line.clone() });
        }
        top += it.height();
    }
    let notes: Vec<&VItem> = cut.notes.iter().filter_map(|&n| flow.notes.get(n)).flatten().collect();
    if !notes.is_empty() {
        let h: f32 = notes.iter().map(|i| i.height()).sum();
        let mut top = geo.block_height() - h;
        out.rules.push([
            left,
            geo.y(top - notes_style.space_before.pt(em) / 2.0),
            notes_style.rule_width.pt(em).min(geo.measure()),
            notes_style.rule_thickness.pt(em),
        ]);
        for it in notes {
            if let VItem::Line(l) = it {
                out.lines.push(Placed { x: left + l.x, y: geo.y(top + l.baseline()), line: l.line.clone() });
            }
            top += it.height();
        }
    }
    out
}

fn running_head(shaper: &mut Shaper, style: &Style, geo: &Geometry, number: usize, text: &str, out: &mut PageOut) {
    let em = style.em();
    let size = style.sheet.page.running_head_size.pt(em);
    let y = geo.height - style.sheet.page.running_head_position.pt(em);
    for l in set_plain(shaper, text, Face::Regular, size, geo.measure(), Align::Center).into_iter().take(1) {
        out.lines.insert(0, Placed { x: geo.left(number), y, line: l });
    }
}

fn folio(shaper: &mut Shaper, style: &Style, geo: &Geometry, number: usize, out: &mut PageOut) {
    let em = style.em();
    let size = style.sheet.page.folio_size.pt(em);
    let y = style.sheet.page.folio_position.pt(em);
    let lines = set_plain(shaper, &number.to_string(), Face::Regular, size, geo.measure(), Align::Center);
    for l in lines {
        out.lines.push(Placed { x: geo.left(number), y, line: l });
    }
}

fn title_page(shaper: &mut Shaper, book: &Book, style: &Style, geo: &Geometry) -> PageOut {
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
    out
}

/// One entry of the table of contents, set and placed on its page.
struct TocEntry {
    lines: Vec<Line>,
    x: f32,
    top: f32,
    leading: f32,
    baseline: f32,
    chapter: Option<usize>,
    /// Size of the page number.
    number: Option<f32>,
}

struct Toc {
    pages: Vec<Vec<TocEntry>>,
    number_width: f32,
}

impl Toc {
    /// Sets the table; its page count does not depend on the page numbers,
    /// which are filled in once chapters are paginated.
    fn set(shaper: &mut Shaper, book: &Book, style: &Style, geo: &Geometry) -> Toc {
        let em = style.em();
        let sheet = &style.sheet;
        let leading = sheet.body.leading.pt(em);
        let number_width = sheet.page.toc_number_width.pt(em).min(geo.measure() / 2.0);
        let hs = &sheet.headings.h2;
        let hsize = hs.size.pt(em);
        let hlead = hsize * leading / em;
        let mut pages = vec![Vec::new()];
        let title = set_plain(shaper, toc_title(&book.meta.language), Face::new(hs.italic, hs.bold), hsize, geo.measure(), hs.align);
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
}
