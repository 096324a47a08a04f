//! Placed lines → PDF bytes, plus the plain-text layout trace. The PDF is
//! written directly: `content` turns each page into its content stream,
//! `fonts` subsets and describes the faces used, `document` lays out the
//! objects around the pages, `objects` and `syntax` write the bytes.

mod content;
mod document;
mod fonts;
mod objects;
mod syntax;

use super::image::Embedded;
use super::para::Line;
use super::shape::Shaper;
use super::PdfError;
use crate::parallel;
use content::{runs, walk, Painter, Step, Trace};
use document::PdfWriter;
use fonts::{Fonts, Usage};
use objects::Deflater;
use std::collections::BTreeMap;

/// A line at its place: `x` from the page's left edge, `y` the baseline from
/// the page's bottom edge (PDF coordinates).
#[derive(Debug, Clone)]
pub struct Placed {
    pub x: f32,
    pub y: f32,
    pub line: Line,
}

/// An internal link: a rectangle (x, y, w, h; PDF coordinates) to a page
/// (1-based), shown from `top`.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    pub rect: [f32; 4],
    pub page: usize,
    pub top: f32,
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
    /// One bookmark per chapter: (title, page, top of the page).
    pub outline: Vec<(String, usize, f32)>,
}

/// Deflate level of page content. Level 3 (zlib-rs' medium strategy) is
/// about as fast as levels 1 and 2 here, for a much smaller file.
const PAGE_LEVEL: u32 = 3;

/// Pages are read and painted in chunks of this many, on every core; each
/// chunk has its own compressor.
const CHUNK: usize = 16;

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

/// Which glyphs some pages show, in each face, and what each stands for.
fn usage<'s>(shaper: &'s Shaper, pages: &[PageOut]) -> Usage<'s> {
    let mut usage = Usage::new();
    for placed in pages.iter().flat_map(|p| &p.lines) {
        for run in runs(&placed.line.pieces) {
            let face = run[0].face;
            walk(shaper, run, |s| {
                if let Step::Glyph { gid, text, .. } = s {
                    usage.record(face, gid, text);
                }
            });
        }
    }
    usage
}

pub fn render(
    shaper: &Shaper,
    pages: &[PageOut],
    info: &DocInfo,
    images: BTreeMap<usize, Embedded>,
    layout: bool,
) -> Result<(Vec<u8>, Option<String>), PdfError> {
    let chunks: Vec<(usize, &[PageOut])> = pages.chunks(CHUNK).enumerate().map(|(k, c)| (k * CHUNK, c)).collect();
    // one usage per core, not per chunk: each is as long as the fonts'
    // glyph ranges, and 200 of them were half of a long book's peak memory
    let parts = parallel::map(&parallel::parts(pages), |part| usage(shaper, part));
    let fonts = Fonts::embed(shaper, &parts.into_iter().fold(Usage::new(), Usage::then))?;
    let mut doc = PdfWriter::new(info, pages.len(), &fonts);
    let images = doc.images(images).clone();
    let painter = Painter { shaper, fonts: &fonts, images: &images };
    let painted: Vec<Painted> =
        parallel::map(&chunks, |&(first, part)| paint(&painter, first, part, layout)).into_iter().collect::<Result<_, _>>()?;
    // room for it all at once, and each chunk dropped once copied: no
    // moment holds two copies of the pages
    doc.reserve(painted.iter().flat_map(|p| &p.contents).map(|c| c.len() + PAGE_OBJECT).sum());
    let mut trace = Trace { on: layout, text: TRACE_HEADER.to_string(), figures: String::new() };
    trace.text.reserve(painted.iter().map(|p| p.trace.text.len()).sum());
    let mut id = FileId::new();
    for (&(_, part), painted) in chunks.iter().zip(painted) {
        for (page, content) in part.iter().zip(&painted.contents) {
            id.update(content.iter().copied());
            doc.page(content, &page.links)?;
        }
        trace.text.push_str(&painted.trace.text);
        trace.figures.push_str(&painted.trace.figures);
    }
    let bytes = doc.finish(&fonts, &id.finish(info))?;
    Ok((bytes, layout.then(|| trace.text + &trace.figures)))
}

/// Some pages painted: each one's content, deflated, and their part of the
/// layout trace.
struct Painted {
    contents: Vec<Vec<u8>>,
    trace: Trace,
}

/// Paints and deflates pages, the first of them numbered `first` + 1.
fn paint(painter: &Painter, first: usize, pages: &[PageOut], layout: bool) -> Result<Painted, PdfError> {
    let mut deflater = Deflater::new(PAGE_LEVEL);
    let (mut raw, mut trace) = (Vec::new(), Trace { on: layout, ..Trace::default() });
    let mut contents = Vec::with_capacity(pages.len());
    for (k, page) in pages.iter().enumerate() {
        painter.page(first + k + 1, page, &mut raw, &mut trace);
        contents.push(if raw.is_empty() { Vec::new() } else { deflater.deflate(&raw)? });
    }
    Ok(Painted { contents, trace })
}
