//! Placed lines → PDF bytes (printpdf ops, then lopdf for what printpdf
//! lacks: the outline in book order, /Lang, a stable /ID), plus the
//! plain-text layout trace.

use super::image::Embedded;
use super::para::Line;
use super::shape::Shaper;
use super::PdfError;
use crate::style::Face;
use lopdf::{Dictionary, Object, Stream, StringFormat};
use printpdf::{
    Actions, BorderArray, ColorArray, Destination, FontId, LinkAnnotation, Op, ParsedFont, PdfDocument, PdfFont,
    PdfFontHandle, PdfPage, PdfSaveOptions, Pt, Rect, TextItem, TextMatrix,
};
use std::collections::BTreeMap;
use std::fmt::Write;

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

/// First line of the layout trace: what its fields are.
const TRACE_HEADER: &str = "# page, x and y of the baseline's start (pt from the page's bottom left), face, size (pt), text\n";

/// Our own font ids: their first six letters become the subset tag, and a
/// fixed choice keeps builds byte-identical.
fn font_id(face: Face) -> FontId {
    FontId(
        match face {
            Face::Regular => "FOLIOR",
            Face::Italic => "FOLIOI",
            Face::Bold => "FOLIOB",
            Face::BoldItalic => "FOLIOX",
        }
        .into(),
    )
}

fn face_name(face: Face) -> &'static str {
    match face {
        Face::Regular => "regular",
        Face::Italic => "italic",
        Face::Bold => "bold",
        Face::BoldItalic => "bold-italic",
    }
}

/// One text object: consecutive pieces of one face, size and rise.
fn text_run(shaper: &Shaper, placed: &Placed, pieces: &[super::para::Piece], ops: &mut Vec<Op>, text: &mut String) {
    let Some(first) = pieces.first() else { return };
    let (face, size) = (first.face, first.size);
    let upm = shaper.upm(face);
    // what the viewer advances by: /W holds trunc(hmtx·1000/upm)
    let pdf_adv = |gid: u16| (shaper.hmtx(face, gid) as f32 * 1000.0 / upm).trunc();
    let hyphen = shaper.shape_cached(face, "-");
    let mut glyphs: Vec<printpdf::Codepoint> = Vec::new();
    let mut pen = first.x; // in points, from the line start
    for p in pieces {
        if !glyphs.is_empty() {
            // land exactly where the line breaker put this piece
            let delta = (p.x - pen) * 1000.0 / size;
            if let Some(g) = glyphs.last_mut() {
                g.offset -= delta;
            }
            pen = p.x;
        }
        let w = shaper.word(p.word);
        for g in &w.glyphs[p.from as usize..p.to as usize] {
            let want = g.advance as f32 * 1000.0 / upm;
            let cid = (g.end > g.start).then(|| w.text[g.start as usize..g.end as usize].to_string());
            if let Some(c) = &cid {
                text.push_str(c);
            }
            glyphs.push(printpdf::Codepoint { gid: g.gid, offset: pdf_adv(g.gid) - want, cid });
            pen += want * size / 1000.0;
        }
        if p.hyphen {
            if let Some(h) = hyphen {
                let hw = shaper.word(h);
                for g in &hw.glyphs {
                    let want = g.advance as f32 * 1000.0 / upm;
                    glyphs.push(printpdf::Codepoint {
                        gid: g.gid,
                        offset: pdf_adv(g.gid) - want,
                        cid: Some("-".into()),
                    });
                    pen += want * size / 1000.0;
                }
                text.push('-');
            }
        }
        if p.space_after {
            let gid = shaper.space_gid(face);
            glyphs.push(printpdf::Codepoint { gid, offset: 0.0, cid: Some(" ".into()) });
            pen += pdf_adv(gid) * size / 1000.0;
            text.push(' ');
        }
    }
    ops.push(Op::SetFont { font: PdfFontHandle::External(font_id(face)), size: Pt(size) });
    ops.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(Pt(placed.x + first.x), Pt(placed.y + first.rise)) });
    ops.push(Op::ShowText { items: vec![TextItem::GlyphIds(glyphs)] });
}

fn page_ops(shaper: &Shaper, number: usize, page: &PageOut, trace: &mut String) -> Vec<Op> {
    let mut ops = Vec::new();
    for r in &page.rules {
        ops.push(Op::SetOutlineThickness { pt: Pt(r[3]) });
        ops.push(Op::DrawLine {
            line: printpdf::Line {
                points: vec![
                    printpdf::LinePoint { p: printpdf::Point { x: Pt(r[0]), y: Pt(r[1]) }, bezier: false },
                    printpdf::LinePoint { p: printpdf::Point { x: Pt(r[0] + r[2]), y: Pt(r[1]) }, bezier: false },
                ],
                is_closed: false,
            },
        });
    }
    if !page.lines.is_empty() {
        ops.push(Op::StartTextSection);
        let mut text = String::new();
        for placed in &page.lines {
            let pieces = &placed.line.pieces;
            let mut i = 0;
            while i < pieces.len() {
                let a = pieces[i];
                let mut j = i + 1;
                while j < pieces.len()
                    && pieces[j].face == a.face
                    && pieces[j].size == a.size
                    && pieces[j].rise == a.rise
                {
                    j += 1;
                }
                text.clear();
                text_run(shaper, placed, &pieces[i..j], &mut ops, &mut text);
                let _ = writeln!(
                    trace,
                    "p{number} x={:.2} y={:.2} {} {:.2} {}",
                    placed.x + a.x,
                    placed.y + a.rise,
                    face_name(a.face),
                    a.size,
                    text.trim_end()
                );
                i = j;
            }
        }
        ops.push(Op::EndTextSection);
    }
    for l in &page.links {
        ops.push(Op::LinkAnnotation {
            link: LinkAnnotation::new(
                Rect::from_xywh(Pt(l.rect[0]), Pt(l.rect[1]), Pt(l.rect[2]), Pt(l.rect[3])),
                Actions::go_to(Destination::Xyz { page: l.page, left: Some(0.0), top: Some(l.top), zoom: None }),
                Some(BorderArray::Solid([0.0, 0.0, 0.0])),
                Some(ColorArray::Transparent),
                None,
            ),
        });
    }
    ops
}

/// A PDF text string: ASCII as is, else UTF-16BE with its byte-order mark.
fn text_string(s: &str) -> Object {
    if s.is_ascii() {
        Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut v = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_be_bytes());
        }
        Object::String(v, StringFormat::Hexadecimal)
    }
}

/// A stable file identifier from the document's content (FNV-1a, 128 bits
/// as two 64-bit halves with different seeds).
fn file_id(trace: &str, info: &DocInfo) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    for seed in [0xcbf2_9ce4_8422_2325u64, 0x8422_2325_cbf2_9ce4] {
        let mut h = seed;
        for b in trace.bytes().chain(info.title.bytes()).chain(info.modified.to_le_bytes()) {
            h ^= b as u64;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        out.extend_from_slice(&h.to_be_bytes());
    }
    out
}

pub fn render(
    shaper: &Shaper,
    pages: &[PageOut],
    info: &DocInfo,
    images: BTreeMap<usize, Embedded>,
) -> Result<(Vec<u8>, String), PdfError> {
    let mut doc = PdfDocument::new(info.title);
    for face in Face::ALL {
        let mut warns = Vec::new();
        let parsed = ParsedFont::from_bytes(shaper.font_bytes(face), 0, &mut warns)
            .ok_or_else(|| PdfError(format!("the {face:?} font cannot be embedded")))?;
        doc.resources.fonts.map.insert(font_id(face), PdfFont::new(parsed));
    }
    let date = printpdf::DateTime::from_unix_timestamp(info.modified)
        .map_err(|e| PdfError(format!("build time {}: {e}", info.modified)))?;
    let i = &mut doc.metadata.info;
    i.author = info.author.to_string();
    i.creator = info.producer.to_string();
    i.producer = info.producer.to_string();
    i.subject = info.subject.to_string();
    i.keywords = info.keywords.split(',').map(|k| k.trim().to_string()).filter(|k| !k.is_empty()).collect();
    i.creation_date = date;
    i.modification_date = date;
    i.metadata_date = date;

    let mm = |pt: f32| printpdf::Mm(pt * 25.4 / 72.0);
    let mut trace = String::from(TRACE_HEADER);
    let mut out_pages = Vec::with_capacity(pages.len());
    for (k, p) in pages.iter().enumerate() {
        let ops = page_ops(shaper, k + 1, p, &mut trace);
        out_pages.push(PdfPage::new(mm(info.width), mm(info.height), ops));
    }
    doc.with_pages(out_pages);

    let mut warns = Vec::new();
    let opts = PdfSaveOptions { optimize: false, subset_fonts: true, secure: true, image_optimization: None };
    let mut lo = doc.to_lopdf_document(&opts, &mut warns);
    draw_images(&mut lo, pages, images, &mut trace)?;
    finish(&mut lo, info, &trace)?;
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes).map_err(|e| PdfError(format!("cannot write the PDF: {e}")))?;
    Ok((bytes, trace))
}

/// Adds the figures: each image once as an XObject, and on each page that
/// shows one, a content stream placing it.
fn draw_images(
    lo: &mut lopdf::Document,
    pages: &[PageOut],
    images: BTreeMap<usize, Embedded>,
    trace: &mut String,
) -> Result<(), PdfError> {
    if images.is_empty() {
        return Ok(());
    }
    let mut ids = BTreeMap::new();
    for (k, mut e) in images {
        if let Some(mask) = e.mask {
            let m = lo.add_object(mask);
            e.stream.dict.set("SMask", Object::Reference(m));
        }
        ids.insert(k, lo.add_object(e.stream));
    }
    let page_ids: Vec<lopdf::ObjectId> = lo.get_pages().values().copied().collect();
    for (k, (page, &pid)) in pages.iter().zip(&page_ids).enumerate() {
        if page.images.is_empty() {
            continue;
        }
        let mut ops = String::new();
        let mut names = Dictionary::new();
        for im in &page.images {
            let Some(&id) = ids.get(&im.asset) else { continue };
            let n = format!("FolioIm{}", im.asset);
            let [x, y, w, h] = im.rect;
            let _ = writeln!(ops, "q {w:.3} 0 0 {h:.3} {x:.3} {y:.3} cm /{n} Do Q");
            let _ = writeln!(trace, "p{} x={x:.2} y={y:.2} image {w:.2}x{h:.2} asset {}", k + 1, im.asset);
            names.set(n.into_bytes(), Object::Reference(id));
        }
        let content = lo.add_object(Stream::new(Dictionary::new(), ops.into_bytes()));
        let bad = |e: lopdf::Error| PdfError(format!("page {} cannot take an image: {e}", k + 1));
        let page_dict = lo.get_object(pid).and_then(Object::as_dict).map_err(bad)?;
        let contents = page_dict.get(b"Contents").map_err(bad)?.clone();
        let resources = page_dict.get(b"Resources").map_err(bad)?.clone();
        let mut list = match contents {
            Object::Array(a) => a,
            other => vec![other],
        };
        list.push(Object::Reference(content));
        // the resources, wherever printpdf put them
        let res_dict = match &resources {
            Object::Reference(r) => lo.get_object_mut(*r).and_then(Object::as_dict_mut).map_err(bad)?,
            _ => return Err(PdfError(format!("page {}: resources not shared by reference", k + 1))),
        };
        match res_dict.get_mut(b"XObject") {
            Ok(Object::Dictionary(x)) => x.extend(&names),
            _ => res_dict.set("XObject", Object::Dictionary(names)),
        }
        let page_dict = lo.get_object_mut(pid).and_then(Object::as_dict_mut).map_err(bad)?;
        page_dict.set("Contents", Object::Array(list));
    }
    Ok(())
}

/// What printpdf does not do: /Lang, the outline in book order, a content
/// derived /ID, a version that allows our fonts.
fn finish(lo: &mut lopdf::Document, info: &DocInfo, trace: &str) -> Result<(), PdfError> {
    let page_ids: Vec<lopdf::ObjectId> = lo.get_pages().values().copied().collect();
    let catalog_id = lo
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|e| PdfError(format!("no catalog in the PDF: {e}")))?;

    let outlines_id = lo.new_object_id();
    let ids: Vec<lopdf::ObjectId> = info.outline.iter().map(|_| lo.new_object_id()).collect();
    for (k, (title, page, top)) in info.outline.iter().enumerate() {
        let mut d = Dictionary::new();
        d.set("Title", text_string(title));
        d.set("Parent", Object::Reference(outlines_id));
        if k > 0 {
            d.set("Prev", Object::Reference(ids[k - 1]));
        }
        if k + 1 < ids.len() {
            d.set("Next", Object::Reference(ids[k + 1]));
        }
        if let Some(&pid) = page.checked_sub(1).and_then(|p| page_ids.get(p)) {
            d.set(
                "Dest",
                Object::Array(vec![
                    Object::Reference(pid),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Real(0.0),
                    Object::Real(*top),
                    Object::Null,
                ]),
            );
        }
        lo.objects.insert(ids[k], Object::Dictionary(d));
    }
    let mut root = Dictionary::new();
    root.set("Type", Object::Name(b"Outlines".to_vec()));
    root.set("Count", Object::Integer(ids.len() as i64));
    if let (Some(f), Some(l)) = (ids.first(), ids.last()) {
        root.set("First", Object::Reference(*f));
        root.set("Last", Object::Reference(*l));
    }
    lo.objects.insert(outlines_id, Object::Dictionary(root));

    let catalog = lo
        .get_object_mut(catalog_id)
        .and_then(Object::as_dict_mut)
        .map_err(|e| PdfError(format!("bad catalog in the PDF: {e}")))?;
    catalog.set("Outlines", Object::Reference(outlines_id));
    catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    catalog.set("Lang", text_string(info.lang));

    // printpdf always claims PDF/X in the Info dictionary; this file is not.
    if let Ok(info_id) = lo.trailer.get(b"Info").and_then(Object::as_reference) {
        if let Ok(d) = lo.get_object_mut(info_id).and_then(Object::as_dict_mut) {
            d.remove(b"GTS_PDFXVersion");
            if let Some(v) = info.version {
                d.set("Version", text_string(v));
            }
        }
    }

    let id = file_id(trace, info);
    lo.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(id.clone(), StringFormat::Hexadecimal),
            Object::String(id, StringFormat::Hexadecimal),
        ]),
    );
    lo.version = "1.7".into();
    lo.prune_objects();
    compress(lo)
}

/// Deflates every stream not yet filtered. lopdf's own `compress` uses the
/// slowest level; the default level is several times faster for a few
/// percent more bytes.
fn compress(lo: &mut lopdf::Document) -> Result<(), PdfError> {
    use std::io::Write as _;
    for obj in lo.objects.values_mut() {
        if let Object::Stream(st) = obj {
            if st.dict.get(b"Filter").is_ok() || !st.allows_compression {
                continue;
            }
            let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            enc.write_all(&st.content).map_err(|e| PdfError(format!("compressing a stream: {e}")))?;
            let z = enc.finish().map_err(|e| PdfError(format!("compressing a stream: {e}")))?;
            if z.len() < st.content.len() {
                st.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
                st.set_content(z);
            }
        }
    }
    Ok(())
}
