//! The PDF backend: shape → break lines → paginate → draw. Each stage hands
//! plain data to the next: `compose` builds each chapter's flow of lines
//! (with `para`, `linebreak`, `hyphenate` and `shape`), `paginate` cuts
//! flows into pages, this module places a chapter's pages with their
//! running heads, and `draw` paints them (`chapters` runs all that, chapter
//! by chapter, on two threads, so that a chapter's lines are dropped once
//! painted). Then `front` sets the title page and table of contents, this
//! module numbers the pages (each chapter's folios), and `draw` writes the
//! PDF and the layout trace.

mod chapters;
mod compose;
mod draw;
mod front;
mod hyphenate;
mod image;
mod linebreak;
mod paginate;
mod para;
mod shape;

use crate::book::{Book, Inline};
use crate::style::{Align, Face, Style};
use compose::{Flow, VItem};
use draw::{Bookmark, Codes, Deflater, DocInfo, PageOut, Painted, Placed};
use image::Embedded;
use paginate::{PageCut, Rules};
use para::{Line, ParaStyle};
use shape::Shaper;
use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

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
    /// Also make the layout trace (`--dump-layout`).
    pub layout: bool,
}

/// The typeset book: PDF bytes and the layout trace.
pub struct PdfOutput {
    pub bytes: Vec<u8>,
    /// The layout trace, when asked for.
    pub layout: Option<String>,
    /// What the typesetting had to work around (a glyph the font lacks, ...).
    pub warnings: Vec<String>,
    /// Wall time of each stage, in order: shaping (with hyphenation), line
    /// breaking, pagination (with the front matter and the folios), PDF
    /// write (painting each chapter's pages as soon as it is paginated, then
    /// the fonts and the file). Chapters are set, paginated and painted on
    /// two threads: each of those steps has its share of the wall time they
    /// took together.
    pub timings: Vec<(&'static str, Duration)>,
}

/// The page and its text block, in points.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Geometry {
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
        if !page.is_multiple_of(2) {
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

/// Sets a short text with no hyphenation (titles, heads, page numbers).
pub(crate) fn set_plain(shaper: &mut Shaper, text: &str, face: Face, size: f32, width: f32, align: Align) -> Vec<Line> {
    let st = ParaStyle { face, size, width, indent: 0.0, align, hyphenator: None, soft_hyphens: false, sup_scale: 1.0, sup_rise: 0.0 };
    para::set(shaper, &[Inline::Text(text.to_string())], &st)
}

/// Set one paragraph as the body text is set (the sheet's face, size,
/// measure, alignment and hyphenation in `lang`): the measure and the width
/// of each line. The fuzz target and tests check the line breaker with it.
pub fn set_paragraph(style: &Style, lang: &str, content: &[Inline]) -> Result<(f32, Vec<f32>), PdfError> {
    let em = style.em();
    let pg = &style.sheet.page;
    let body = &style.sheet.body;
    let width = pg.width.pt(em) - pg.margin_inner.pt(em) - pg.margin_outer.pt(em);
    let hyphenator = hyphenate::for_language(body, lang).map_err(PdfError)?;
    let st = ParaStyle {
        face: Face::Regular,
        size: em,
        width,
        indent: body.indent.pt(em),
        align: body.align,
        hyphenator: hyphenator.as_ref(),
        soft_hyphens: true,
        sup_scale: style.sheet.superscript.scale,
        sup_rise: style.sheet.superscript.rise,
    };
    let mut shaper = Shaper::new(style)?;
    let lines = para::set(&mut shaper, content, &st);
    Ok((width, lines.iter().map(|l| l.width).collect()))
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
    let codes = Codes::new(&shaper);
    let rules = Rules {
        height: geo.block_height(),
        widows: sheet.body.widows,
        orphans: sheet.body.orphans,
        note_gap: sheet.footnotes.space_before.pt(em),
        line: leading,
    };
    let make_up = MakeUp { style, geo, title: &book.meta.title, codes: &codes, layout: opts.layout };
    let job = chapters::Job { style, chapters: &book.chapters, assets: &book.assets, rules, make_up };
    let chapters::Composed { chapters: painted, images, warnings, times } =
        chapters::compose(&mut shaper, &job, chapters::threads())?;

    let numbering = Instant::now();
    // Front matter: title page, its blank verso, the table of contents.
    let toc = front::Toc::set(&mut shaper, book, style, &geo);
    let mut next = 3 + toc.pages.len();
    let mut starts = Vec::with_capacity(painted.len());
    for c in &painted {
        let s = paginate::chapter_start(next);
        starts.push(s);
        next = s + c.pages().max(1);
    }
    let mut front = vec![front::title_page(&mut shaper, book, style, &geo), PageOut::default()];
    let first = front.len() + 1;
    front.extend(toc.place(&mut shaper, style, &geo, &starts, first));
    // each chapter, then its headings where they landed
    let outline = book
        .chapters
        .iter()
        .zip(&painted)
        .zip(&starts)
        .flat_map(|((c, p), &start)| {
            // (a chapter may have thousands of headings: each found at once)
            let places: std::collections::HashMap<&str, (usize, f32)> = p.anchors.iter().map(|(id, page, top)| (&**id, (*page, *top))).collect();
            let sections = c.sections().into_iter().filter_map(move |s| {
                let &(page, top) = places.get(s.id)?;
                Some(Bookmark { level: s.level, title: s.title, page: start + page, top })
            });
            std::iter::once(Bookmark { level: 1, title: c.title.clone(), page: start, top: geo.height }).chain(sections)
        })
        .collect();
    let chapters: Vec<draw::Chapter> = painted
        .into_iter()
        .zip(&starts)
        .map(|(body, &start)| {
            let folios = (start..start + body.pages())
                .map(|number| {
                    let mut out = PageOut::default();
                    folio(&mut shaper, style, &geo, number, &mut out);
                    out
                })
                .collect();
            draw::Chapter { start, body, folios }
        })
        .collect();

    let info = DocInfo {
        title: &book.meta.title,
        author: book.meta.author.as_deref().unwrap_or(""),
        lang: &book.meta.language,
        modified: opts.modified,
        producer: &opts.generator,
        subject: book.meta.description.as_deref().unwrap_or(""),
        keywords: book.meta.subject.as_deref().unwrap_or(""),
        version: book.meta.version.as_deref(),
        width: geo.width,
        height: geo.height,
        outline,
    };
    let drawing = Instant::now();
    let (bytes, layout) = draw::render(&shaper, &codes, front, chapters, &info, images, opts.layout)?;
    let timings = vec![
        ("shaping", times.shaping),
        ("line breaking", times.breaking),
        ("pagination", times.pagination + (drawing - numbering)),
        ("pdf write", times.painting + drawing.elapsed()),
    ];
    Ok(PdfOutput { bytes, layout, warnings, timings })
}

/// What placing and painting a chapter's pages needs besides the chapter.
pub(crate) struct MakeUp<'a> {
    style: &'a Style,
    geo: Geometry,
    /// The book's title: the running head of left-hand pages.
    title: &'a str,
    codes: &'a Codes,
    /// Also make the layout trace.
    layout: bool,
}

impl MakeUp<'_> {
    /// Places and paints a chapter's pages as soon as it is paginated. Their
    /// numbers are not known yet, but their parity is (a chapter opens on a
    /// right-hand page), and with it their margins and running heads; the
    /// folios are painted over them once the book is numbered.
    fn chapter(
        &self,
        shaper: &mut Shaper,
        images: &BTreeMap<usize, Embedded>,
        title: &str,
        mut flow: Flow,
        cuts: &[PageCut],
        deflater: &mut Deflater,
    ) -> Result<Painted, PdfError> {
        let (style, geo) = (self.style, &self.geo);
        // by parity: the book's title on even pages, the chapter's on odd
        let heads = [self.title, title].map(|t| running_head(shaper, style, geo, t));
        let anchors = anchor_places(&flow, cuts, geo);
        let pages = cuts.iter().enumerate().map(|(k, cut)| {
            let number = k + 1; // of the parity of its number in the book
            let mut out = place_cut(&mut flow, cut, geo, number, style);
            if let Some(head) = heads[number % 2].as_ref().filter(|_| k > 0) {
                out.lines.insert(0, Placed { x: geo.left(number), ..head.clone() });
            }
            out
        });
        let mut painted = draw::paint(shaper, self.codes, images, pages, Some(deflater), self.layout)?;
        painted.anchors = anchors;
        Ok(painted)
    }
}

/// Where each of the flow's ids lands: (id, page of the chapter from 0, the
/// top of the space above it in PDF coordinates), as `place_cut` places
/// it: on the page of its first line.
fn anchor_places(flow: &Flow, cuts: &[PageCut], geo: &Geometry) -> Vec<(Box<str>, usize, f32)> {
    let mut out = Vec::with_capacity(flow.anchors.len());
    for (id, at) in &flow.anchors {
        let Some(line) = flow.items[*at..].iter().position(|i| matches!(i, VItem::Line(_))).map(|k| at + k) else { continue };
        let page = cuts.partition_point(|c| c.end <= line);
        if cuts.get(page).is_none_or(|c| c.start > line) {
            continue;
        }
        // from the space above the element, where the page has it
        let from = (*at).max(cuts[page].start);
        let head: f32 = flow.head_at(cuts[page].start).map_or(0.0, |h| h.iter().map(VItem::height).sum());
        let top = head + flow.items[cuts[page].start..from].iter().map(VItem::height).sum::<f32>();
        out.push((id.clone(), page, geo.y(top)));
    }
    out
}

/// Places one page of a chapter: its lines from the top of the text block,
/// its notes from the foot. The page's lines are moved out of the flow (each
/// is on one page); a note's are copied (a note called twice is on both).
fn place_cut(flow: &mut Flow, cut: &PageCut, geo: &Geometry, number: usize, style: &Style) -> PageOut {
    let em = style.em();
    let notes_style = &style.sheet.footnotes;
    let notes: Vec<&VItem> = cut.notes.iter().filter_map(|&n| flow.notes.get(n)).flatten().collect();
    // exact room: the lines of a long book's pages are most of its memory
    // until they are drawn, and a growing vector would double it
    let mut out = PageOut { lines: Vec::with_capacity(cut.end - cut.start + notes.len() + 2), ..PageOut::default() };
    let left = geo.left(number);
    let mut top = 0.0;
    // A table's head goes again above the rest of its body.
    let mut head: Vec<VItem> = flow.head_at(cut.start).map(<[VItem]>::to_vec).unwrap_or_default();
    for it in head.iter_mut().chain(&mut flow.items[cut.start..cut.end]) {
        match it {
            VItem::Line(l) => out.lines.push(Placed {
                x: left + l.x,
                y: geo.y(top + l.baseline()),
                line: std::mem::take(&mut l.line),
            }),
            &mut VItem::Figure { asset, x, width, height, .. } => {
                out.images.push(draw::Image { asset, rect: [left + x, geo.y(top + height), width, height] })
            }
            &mut VItem::Rule { x, width, thickness, height, .. } => out.rules.push([left + x, geo.y(top + height / 2.0), width, thickness]),
            VItem::Space { .. } => {}
        }
        top += it.height();
    }
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

/// A running head, set at the left edge of the page (its margin added
/// where placed): the first line of `text`.
fn running_head(shaper: &mut Shaper, style: &Style, geo: &Geometry, text: &str) -> Option<Placed> {
    let em = style.em();
    let size = style.sheet.page.running_head_size.pt(em);
    let y = geo.height - style.sheet.page.running_head_position.pt(em);
    let line = set_plain(shaper, text, Face::Regular, size, geo.measure(), Align::Center).into_iter().next()?;
    Some(Placed { x: 0.0, y, line })
}

pub(crate) fn folio(shaper: &mut Shaper, style: &Style, geo: &Geometry, number: usize, out: &mut PageOut) {
    let em = style.em();
    let size = style.sheet.page.folio_size.pt(em);
    let y = style.sheet.page.folio_position.pt(em);
    let lines = set_plain(shaper, &number.to_string(), Face::Regular, size, geo.measure(), Align::Center);
    for l in lines {
        out.lines.push(Placed { x: geo.left(number), y, line: l });
    }
}
