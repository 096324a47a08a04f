//! Placed lines → PDF bytes, plus the plain-text layout trace. The PDF is
//! written directly: `content` turns each page into its content stream
//! (`paint`: chapter pages on the threads that set them, as soon as they
//! are paginated), `fonts` codes glyphs and subsets and describes the faces
//! used, `document` lays out the objects around the pages, `objects` and
//! `syntax` write the bytes.

mod content;
mod document;
mod fonts;
mod objects;
mod syntax;

use super::image::Embedded;
use super::para::{Destination, Line};
use super::shape::Shaper;
use super::PdfError;
use content::{Painter, Trace};
use document::PdfWriter;
pub use fonts::Codes;
use fonts::{Fonts, Glyphs, Usage};
pub use objects::Deflater;
use objects::Open;
use std::collections::BTreeMap;

/// A line at its place: `x` from the page's left edge, `y` the baseline from
/// the page's bottom edge (PDF coordinates).
#[derive(Debug, Clone)]
pub struct Placed {
    pub x: f32,
    pub y: f32,
    pub line: Line,
}

/// A link: a rectangle (x, y, w, h; PDF coordinates) to follow.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub rect: [f32; 4],
    pub target: Target,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A page (1-based), shown from `top`.
    Page { page: usize, top: f32 },
    /// A web or mail address.
    Uri(Box<str>),
    /// A chapter (its index): its first page, or where its element of id
    /// `anchor` starts; known once pages are numbered.
    Chapter { chapter: usize, anchor: Option<Box<str>> },
}

#[derive(Debug, Clone, Default)]
pub struct PageOut {
    pub lines: Vec<Placed>,
    pub links: Vec<Link>,
    /// Horizontal rules: (x, y, width, thickness).
    pub rules: Vec<[f32; 4]>,
    pub images: Vec<Image>,
}

/// An image drawn in `rect` (x, y, w, h; PDF coordinates).
#[derive(Debug, Clone, Copy)]
pub struct Image {
    pub asset: usize,
    pub rect: [f32; 4],
}

pub struct DocInfo<'a> {
    pub title: &'a str,
    pub author: &'a str,
    pub lang: &'a str,
    pub modified: i64,
    pub producer: &'a str,
    /// The book's description and subject, for /Subject and /Keywords.
    pub subject: &'a str,
    pub keywords: &'a str,
    /// The edition (`make release`), written as /Version in the Info dictionary.
    pub version: Option<&'a str>,
    pub width: f32,
    pub height: f32,
    /// The bookmarks, in book order: each chapter, then its sections.
    pub outline: Vec<Bookmark>,
}

/// An entry of the PDF's outline: under the last before it of a lower
/// `level` (a chapter is level 1), going to `page` (1-based) from `top`.
#[derive(Debug, Clone, PartialEq)]
pub struct Bookmark {
    pub level: u8,
    pub title: String,
    pub page: usize,
    pub top: f32,
}

/// Deflate level of page content. Level 3 (zlib-rs' medium strategy) is
/// about as fast as levels 1 and 2 here, for a much smaller file.
pub const PAGE_LEVEL: u32 = 3;

/// About what a page's objects take besides its content.
const PAGE_OBJECT: usize = 200;

/// First line of the layout trace: what its fields are.
const TRACE_HEADER: &str =
    "# page, x and y of the baseline's start (pt from the page's bottom left), face, size (pt), text\n";

/// An image's resource name.
fn image_name(asset: usize) -> String {
    format!("FolioIm{asset}")
}

/// A stable file identifier from the document's content: its pages as
/// written, the title and the date (FNV-1a, 128 bits as two 64-bit halves
/// with different seeds, hashed side by side).
struct FileId([u64; 2]);

impl FileId {
    fn new() -> FileId {
        FileId([0xcbf2_9ce4_8422_2325, 0x8422_2325_cbf2_9ce4])
    }
    fn update(&mut self, bytes: impl IntoIterator<Item = u8>) {
        for b in bytes {
            for h in &mut self.0 {
                *h ^= b as u64;
                *h = h.wrapping_mul(0x100_0000_01b3);
            }
        }
    }
    fn finish(mut self, info: &DocInfo) -> Vec<u8> {
        self.update(info.title.bytes().chain(info.modified.to_le_bytes()));
        self.0.iter().flat_map(|h| h.to_be_bytes()).collect()
    }
}

/// Pages painted before their numbers are known: each one's content
/// (empty: nothing to paint), the glyphs they show and their part of the
/// layout trace. What a chapter's thread hands back: a long book's lines
/// are dropped as soon as painted.
#[derive(Debug, Default, PartialEq)]
pub struct Painted {
    /// Each page's content: an open zlib stream when deflated (ended with
    /// its folio once pages are numbered), else `z` holds it as written.
    contents: Vec<Open>,
    /// Each page's links.
    links: Vec<Vec<Link>>,
    deflated: bool,
    glyphs: Glyphs,
    trace: Trace,
    /// Where each element with an id starts: (id, page of the chapter from
    /// 0, top in PDF coordinates).
    pub anchors: Vec<(Box<str>, usize, f32)>,
}

impl Painted {
    pub fn pages(&self) -> usize {
        self.contents.len()
    }
}

/// Paints pages one at a time, each deflated by `deflater` and left open,
/// or kept as written without one (a folio: it ends a page's stream).
pub fn paint<'a>(
    shaper: &'a Shaper<'a>,
    codes: &'a Codes,
    images: &'a BTreeMap<usize, Embedded>,
    pages: impl IntoIterator<Item = PageOut>,
    mut deflater: Option<&mut Deflater>,
    layout: bool,
) -> Result<Painted, PdfError> {
    let painter = Painter { shaper, codes, images };
    let mut usage = Usage::new();
    let mut trace = Trace { on: layout, ..Trace::default() };
    let (mut raw, mut contents, mut links) = (Vec::new(), Vec::new(), Vec::new());
    for mut page in pages {
        painter.page(&page, &mut raw, &mut usage, &mut trace);
        text_links(shaper, &mut page);
        links.push(page.links);
        contents.push(match deflater.as_deref_mut() {
            _ if raw.is_empty() => Open::default(),
            Some(d) => d.open(&raw)?,
            None => Open { z: raw.clone(), adler: 0 },
        });
    }
    Ok(Painted { contents, links, deflated: deflater.is_some(), glyphs: usage.glyphs(), trace, anchors: Vec::new() })
}

/// The page's links from its text: over each run of pieces of a line that
/// link to one place, from the first's start to the last's end.
fn text_links(shaper: &Shaper, page: &mut PageOut) {
    for placed in page.lines.iter().filter(|p| !p.line.links.is_empty()) {
        let pieces = &placed.line.pieces;
        for run in pieces.chunk_by(|a, b| a.link == b.link).filter(|r| r[0].link > 0) {
            let (first, last) = (run[0], run[run.len() - 1]);
            let mut end = last.x + shaper.pt(last.face, shaper.units(last.word, last.from as usize, last.to as usize), last.size);
            if last.hyphen {
                let h = shaper.shape_cached(last.face, "-").map_or(0, |h| shaper.word(h).glyphs.iter().map(|g| g.advance).sum());
                end += shaper.pt(last.face, h, last.size);
            }
            let size = run.iter().map(|p| p.size).fold(0.0, f32::max);
            let rect = [placed.x + first.x, placed.y + first.rise - size * 0.25, end - first.x, size * 1.1];
            let target = match &placed.line.links[first.link as usize - 1] {
                Destination::Web(url) => Target::Uri(url.clone()),
                Destination::Chapter { chapter, anchor } => Target::Chapter { chapter: *chapter, anchor: anchor.clone() },
            };
            page.links.push(Link { rect, target });
        }
    }
}

/// A chapter's pages, painted, and what is painted over them once their
/// numbers are known.
pub struct Chapter {
    /// The number of its first page (odd).
    pub start: usize,
    /// Its pages (none: an empty chapter, one blank page).
    pub body: Painted,
    /// One per page: its folio.
    pub folios: Vec<PageOut>,
}

/// The file: the front matter's pages (numbered from 1) painted here, then
/// the chapters', a blank page before a chapter where it must open on the
/// right. Fonts are subset once every page is painted.
pub fn render(
    shaper: &Shaper,
    codes: &Codes,
    front: Vec<PageOut>,
    chapters: Vec<Chapter>,
    info: &DocInfo,
    images: BTreeMap<usize, Embedded>,
    layout: bool,
) -> Result<(Vec<u8>, Option<String>), PdfError> {
    let mut front = paint(shaper, codes, &images, front, Some(&mut Deflater::new(PAGE_LEVEL)), layout)?;
    let mut chapters = chapters
        .into_iter()
        .map(|c| Ok((c.start, c.body, paint(shaper, codes, &images, c.folios, None, layout)?)))
        .collect::<Result<Vec<_>, PdfError>>()?;
    // ToUnicode keeps a glyph's last use in page order: within a chapter,
    // a folio's digits come after its pages' text
    let mut glyphs = std::mem::take(&mut front.glyphs);
    for (_, body, folios) in &mut chapters {
        glyphs = glyphs.then(std::mem::take(&mut body.glyphs)).then(std::mem::take(&mut folios.glyphs));
    }
    let fonts = Fonts::embed(shaper, codes, &glyphs)?;
    let count = chapters.last().map_or(front.pages(), |(start, body, _)| start - 1 + body.pages().max(1));
    let mut doc = PdfWriter::new(info, count, &fonts);
    doc.images(images);
    let contents = front.contents.iter().chain(chapters.iter().flat_map(|(_, b, f)| b.contents.iter().chain(&f.contents)));
    doc.reserve(contents.map(|c| c.z.len()).sum::<usize>() + count * PAGE_OBJECT);
    let (mut text, mut figures) = (TRACE_HEADER.to_string(), String::new());
    let mut id = FileId::new();
    for (k, (content, links)) in front.contents.iter().zip(&front.links).enumerate() {
        let (end, deflated) = ending(content, front.deflated, b"");
        id.update(content.z.iter().chain(&end).copied());
        doc.page(&[&content.z, &end], deflated, links)?;
        front.trace.text.numbered(k, k + 1, &mut text);
        front.trace.figures.numbered(k, k + 1, &mut figures);
    }
    let mut number = front.pages();
    let starts: Vec<usize> = chapters.iter().map(|c| c.0).collect();
    // each chapter's ids and where they landed, found at once by each link
    let anchors: Vec<std::collections::HashMap<Box<str>, (usize, f32)>> =
        chapters.iter_mut().map(|c| std::mem::take(&mut c.1.anchors).into_iter().rev().map(|(id, page, top)| (id, (page, top))).collect()).collect();
    let to_page = |l: &Link| match &l.target {
        Target::Chapter { chapter, anchor } => {
            let start = starts.get(*chapter).copied().unwrap_or(0);
            let at = anchor.as_ref().and_then(|a| anchors.get(*chapter)?.get(&**a));
            let (page, top) = at.map_or((start, info.height), |&(page, top)| (start + page, top));
            Link { target: Target::Page { page, top }, ..l.clone() }
        }
        _ => l.clone(),
    };
    // each chapter's contents dropped once copied: no moment holds two
    // copies of the pages
    for (start, body, folios) in chapters {
        for _ in number + 1..start {
            doc.page(&[], false, &[])?;
        }
        number = start - 1;
        for (k, (content, folio)) in body.contents.iter().zip(&folios.contents).enumerate() {
            number += 1;
            let (end, deflated) = ending(content, body.deflated, &folio.z);
            id.update(content.z.iter().chain(&end).copied());
            let links: Vec<Link> = body.links[k].iter().map(to_page).collect();
            doc.page(&[&content.z, &end], deflated, &links)?;
            body.trace.text.numbered(k, number, &mut text);
            folios.trace.text.numbered(k, number, &mut text);
            body.trace.figures.numbered(k, number, &mut figures);
        }
        if body.pages() == 0 {
            number += 1;
            doc.page(&[], false, &[])?;
        }
    }
    let bytes = doc.finish(&fonts, &id.finish(info))?;
    Ok((bytes, layout.then(|| text + &figures)))
}

/// What follows a page's painted body in its one content stream, `tail`
/// (its folio) painted after it, and whether the stream is deflated: a
/// deflated body is closed with the tail stored (a few bytes more than
/// deflating both together, far fewer than a second stream).
fn ending(body: &Open, deflated: bool, tail: &[u8]) -> (Vec<u8>, bool) {
    if deflated && !body.z.is_empty() {
        (body.close(tail), true)
    } else {
        (tail.to_vec(), false)
    }
}
