//! Embedded fonts: which glyphs the book uses, each used face subset once
//! (printpdf parses and subsets), the codes the content streams show, and
//! the Type0 / Identity-H font objects.

use super::objects::{Deflater, ObjWriter};
use super::syntax::{PdfBytes, Ref};
use super::PdfError;
use crate::parallel;
use crate::pdf::shape::Shaper;
use crate::style::Face;
use printpdf::{FontId, ParsedFont};
use std::collections::BTreeMap;

/// Our subset tags, one per face: fixed, so builds are byte-identical.
pub fn tag(face: Face) -> &'static str {
    match face {
        Face::Regular => "FOLIOR",
        Face::Italic => "FOLIOI",
        Face::Bold => "FOLIOB",
        Face::BoldItalic => "FOLIOX",
    }
}

/// What a glyph of a face stands for in the book, by glyph id: `None`
/// unused, `Some("")` used only as the rest of a cluster (no text of its own).
/// ToUnicode holds one string per glyph, so the last use wins.
pub struct Usage<'s> {
    faces: [Vec<Option<&'s str>>; 4],
}

impl<'s> Usage<'s> {
    pub fn new() -> Self {
        Usage { faces: Default::default() }
    }

    pub fn record(&mut self, face: Face, gid: u16, text: Option<&'s str>) {
        let v = &mut self.faces[face as usize];
        if v.len() <= gid as usize {
            v.resize(gid as usize + 1, None);
        }
        v[gid as usize] = Some(text.unwrap_or(""));
    }

    /// This usage followed by `later`'s: the later use of a glyph wins.
    pub fn then(mut self, later: Usage<'s>) -> Usage<'s> {
        for (mine, theirs) in self.faces.iter_mut().zip(later.faces) {
            if mine.len() < theirs.len() {
                mine.resize(theirs.len(), None);
            }
            for (m, t) in mine.iter_mut().zip(theirs) {
                if t.is_some() {
                    *m = t;
                }
            }
        }
        self
    }
}

/// A glyph as the content stream shows it: its code and the advance the
/// viewer takes from /W (1/1000 em).
#[derive(Debug, Clone, Copy, Default)]
pub struct Coded {
    pub code: u16,
    pub width: f32,
}

/// One face, subset and ready to write: everything but the object
/// numbers, so the costly part runs on any thread.
struct EmbeddedFace {
    face: Face,
    /// By original glyph id.
    glyphs: Vec<Coded>,
    /// `XXXXXX+Name` when subset.
    base_font: String,
    kind: Kind,
    /// The descriptor's metric entries.
    metrics: Vec<u8>,
    /// The /W array.
    widths: Vec<u8>,
    /// The font program, deflated, and its stream's other entries.
    program: Vec<u8>,
    program_dict: Vec<u8>,
    /// The ToUnicode CMap, deflated.
    to_unicode: Vec<u8>,
}

/// The faces the book uses, embedded.
pub struct Fonts {
    faces: Vec<EmbeddedFace>,
}

/// What the viewer advances by for a glyph, in 1/1000 em: /W holds
/// trunc(hmtx·1000/upm), and the text offsets are computed against it.
pub fn pdf_width(shaper: &Shaper, face: Face, gid: u16) -> f32 {
    (shaper.hmtx(face, gid) as f32 * 1000.0 / shaper.upm(face)).trunc()
}

impl Fonts {
    /// Subsets each face used, one per thread.
    pub fn embed(shaper: &Shaper, usage: &Usage) -> Result<Fonts, PdfError> {
        let used: Vec<Face> =
            Face::ALL.into_iter().filter(|&f| usage.faces[f as usize].iter().any(Option::is_some)).collect();
        let faces = parallel::map(&used, |&f| EmbeddedFace::new(shaper, f, &usage.faces[f as usize]));
        Ok(Fonts { faces: faces.into_iter().collect::<Result<_, _>>()? })
    }

    /// The faces embedded.
    pub fn faces(&self) -> impl Iterator<Item = Face> + '_ {
        self.faces.iter().map(|e| e.face)
    }

    /// A face's glyphs by original id, for the content streams.
    pub fn glyphs(&self, face: Face) -> &[Coded] {
        self.faces.iter().find(|e| e.face == face).map(|e| &e.glyphs[..]).unwrap_or(&[])
    }

    /// Writes each face's objects at its reserved reference.
    pub fn write(&self, w: &mut ObjWriter, refs: &[(Face, Ref)]) {
        for e in &self.faces {
            if let Some(&(_, r)) = refs.iter().find(|(f, _)| *f == e.face) {
                e.write(w, r);
            }
        }
    }
}

impl EmbeddedFace {
    fn new(shaper: &Shaper, face: Face, used: &[Option<&str>]) -> Result<EmbeddedFace, PdfError> {
        let bytes = shaper.font_bytes(face);
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .ok_or_else(|| PdfError(format!("the {face:?} font cannot be embedded")))?;
        // a glyph with no text of its own reads as U+FFFD, as printpdf had it
        let wanted: BTreeMap<u16, String> = used
            .iter()
            .enumerate()
            .filter_map(|(gid, t)| t.map(|t| (gid as u16, if t.is_empty() { "\u{FFFD}" } else { t }.to_string())))
            .collect();
        let name = parsed.font_name.clone().unwrap_or_else(|| tag(face).to_string());
        // new glyph id by old, and the font program
        let (renumber, program, base_font): (Vec<(u16, u16)>, Vec<u8>, String) =
            match printpdf::subset_font(&parsed, &wanted) {
                Ok(s) => (
                    s.glyph_mapping.iter().map(|(&old, &(new, _))| (old, new)).collect(),
                    s.bytes,
                    format!("{}+{name}", tag(face)),
                ),
                // a font the subsetter cannot handle goes in whole, as printpdf did
                Err(_) => (wanted.keys().map(|&g| (g, g)).collect(), whole(bytes), name),
            };
        // CID-keyed CFF: the codes are the charset's CIDs, not glyph ids
        let cids = printpdf::cff_charset_gid_to_cid_map(&program, 0);
        let code = |new: u16| cids.as_ref().and_then(|m| m.get(&new).copied()).unwrap_or(new);
        let mut glyphs = vec![Coded::default(); used.len()];
        let mut coded = Vec::with_capacity(renumber.len());
        for (old, new) in renumber {
            let g = Coded { code: code(new), width: pdf_width(shaper, face, old) };
            glyphs[old as usize] = g;
            coded.push((g.code, g.width, wanted[&old].clone()));
        }
        coded.sort_by_key(|c| c.0);
        let unicode: Vec<(u16, String)> = coded.iter().map(|(c, _, t)| (*c, t.clone())).collect();
        let cmap = printpdf::generate_cmap_string(&parsed, &FontId(tag(face).into()), &unicode);
        let (kind, program, program_dict) = wrap(program);
        let mut deflater = Deflater::new(FONT_LEVEL);
        Ok(EmbeddedFace {
            face,
            glyphs,
            base_font,
            kind,
            metrics: metrics(&parsed),
            widths: widths(&coded),
            program: deflater.deflate(&program)?,
            program_dict,
            to_unicode: deflater.deflate(cmap.as_bytes())?,
        })
    }

    fn write(&self, w: &mut ObjWriter, font: Ref) {
        let (cid_font, descriptor, file, to_unicode) = (w.reserve(), w.reserve(), w.reserve(), w.reserve());
        let mut dict = self.program_dict.clone();
        dict.raw(b"/Filter/FlateDecode");
        w.stream(file, &dict, &self.program);
        w.stream(to_unicode, b"/Filter/FlateDecode", &self.to_unicode);
        w.obj(descriptor, |o| {
            o.raw(b"<</Type/FontDescriptor/FontName").name(self.base_font.as_bytes()).raw(&self.metrics);
            o.raw(b"/").raw(self.kind.file_key.as_bytes()).raw(b" ").reference(file).raw(b">>");
        });
        w.obj(cid_font, |o| {
            o.raw(b"<</Type/Font/Subtype").name(self.kind.cid_font.as_bytes());
            o.raw(b"/BaseFont").name(self.base_font.as_bytes());
            o.raw(b"/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>/FontDescriptor ");
            o.reference(descriptor).raw(b"/DW 1000/W").raw(&self.widths);
            if self.kind.cid_font == "CIDFontType2" {
                o.raw(b"/CIDToGIDMap/Identity");
            }
            o.raw(b">>");
        });
        w.obj(font, |o| {
            o.raw(b"<</Type/Font/Subtype/Type0/BaseFont").name(self.base_font.as_bytes());
            o.raw(b"/Encoding/Identity-H/DescendantFonts[").reference(cid_font);
            o.raw(b"]/ToUnicode ").reference(to_unicode).raw(b">>");
        });
    }
}

/// What the outlines are: the descendant font's subtype and the key of its
/// program in the descriptor.
#[derive(Clone, Copy)]
struct Kind {
    cid_font: &'static str,
    file_key: &'static str,
}

/// The font program in the wrapper that says what its outlines are, and its
/// stream's entries.
fn wrap(program: Vec<u8>) -> (Kind, Vec<u8>, Vec<u8>) {
    let cff = Kind { cid_font: "CIDFontType0", file_key: "FontFile3" };
    if let Some(bare) = printpdf::extract_cid_keyed_cff(&program, 0) {
        return (cff, bare, b"/Subtype/CIDFontType0C".to_vec());
    }
    if program.starts_with(b"OTTO") {
        return (cff, program, b"/Subtype/OpenType".to_vec());
    }
    let mut dict = b"/Length1 ".to_vec();
    dict.int(program.len() as i64);
    (Kind { cid_font: "CIDFontType2", file_key: "FontFile2" }, program, dict)
}

/// The descriptor's metrics, scaled to 1/1000 em, as printpdf derived them.
fn metrics(parsed: &ParsedFont) -> Vec<u8> {
    let m = &parsed.pdf_font_metrics;
    let scale = if m.units_per_em == 0 { 1.0 } else { 1000.0 / m.units_per_em as f32 };
    let scaled = |v: f32| (v * scale).round() as i64;
    let ascent = scaled(parsed.font_metrics.ascent.trunc());
    let cap_height = parsed.font_metrics.cap_height.map(scaled).unwrap_or(ascent);
    // the caret slope gives the slant; italic angles are negative
    let italic_angle = if m.caret_slope_rise == 0 {
        0
    } else {
        (-(m.caret_slope_run as f32).atan2(m.caret_slope_rise as f32).to_degrees()).round() as i64
    };
    // non-symbolic (1<<5), italic (1<<6)
    let flags = 32 | if italic_angle != 0 { 64 } else { 0 };
    // no table carries the stem width: the usual estimate from the weight class
    let stem_v =
        if m.us_weight_class == 0 { 80 } else { 50 + ((m.us_weight_class as f32 / 65.0).powi(2)).round() as i64 };
    let mut o = Vec::new();
    o.raw(b"/Flags ").int(flags).raw(b"/FontBBox[");
    o.int(scaled(m.x_min as f32)).raw(b" ").int(scaled(m.y_min as f32)).raw(b" ");
    o.int(scaled(m.x_max as f32)).raw(b" ").int(scaled(m.y_max as f32));
    o.raw(b"]/ItalicAngle ").int(italic_angle).raw(b"/Ascent ").int(ascent);
    o.raw(b"/Descent ").int(scaled(parsed.font_metrics.descent.trunc()));
    o.raw(b"/CapHeight ").int(cap_height).raw(b"/StemV ").int(stem_v);
    o
}

/// /W from (code, width) by code: runs of consecutive codes, each
/// `first [w w …]`.
fn widths(coded: &[(u16, f32, String)]) -> Vec<u8> {
    let mut o = vec![b'['];
    let mut prev: Option<u16> = None;
    for &(code, width, _) in coded {
        match prev {
            Some(p) if p.checked_add(1) == Some(code) => o.raw(b" "),
            Some(_) => o.raw(b"]").int(code as i64).raw(b"["),
            None => o.int(code as i64).raw(b"["),
        };
        o.int(width as i64);
        prev = Some(code);
    }
    if prev.is_some() {
        o.push(b']');
    }
    o.push(b']');
    o
}

/// Font programs are small next to the pages and compressed once: the
/// best level costs little.
const FONT_LEVEL: u32 = 9;

/// A whole font to embed: one face of a collection, else the file as is.
fn whole(bytes: &[u8]) -> Vec<u8> {
    printpdf::extract_collection_face(bytes, 0).unwrap_or_else(|| bytes.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_later_use_of_a_glyph_gives_its_text() {
        let (mut a, mut b) = (Usage::new(), Usage::new());
        a.record(Face::Regular, 3, Some("f"));
        a.record(Face::Regular, 9, Some("fi"));
        b.record(Face::Regular, 3, None);
        b.record(Face::Italic, 1, Some(" "));
        let u = a.then(b);
        assert_eq!(u.faces[Face::Regular as usize][3], Some(""));
        assert_eq!(u.faces[Face::Regular as usize][9], Some("fi"));
        assert_eq!(u.faces[Face::Italic as usize][1], Some(" "));
        assert!(u.faces[Face::Bold as usize].is_empty());
    }

    #[test]
    fn widths_come_in_runs_of_consecutive_codes() {
        let coded = [(1, 250.0, String::new()), (2, 500.0, String::new()), (7, 612.0, String::new())];
        assert_eq!(widths(&coded), b"[1[250 500]7[612]]");
        assert_eq!(widths(&[]), b"[]");
    }
}
