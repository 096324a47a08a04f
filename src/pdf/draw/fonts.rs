//! Embedded fonts: which glyphs the book uses, the codes the content
//! streams show, each used face subset once (printpdf parses and subsets),
//! and the Type0 / Identity-H font objects.
//!
//! Pages are painted before the font is subset (chapter by chapter, as soon
//! as each is set), so a glyph's code cannot be its id in the subset: see
//! [`Codes`].

use super::objects::{Deflater, ObjWriter};
use super::syntax::{PdfBytes, Ref};
use super::PdfError;
use crate::parallel;
use crate::pdf::shape::Shaper;
use crate::style::Face;
use printpdf::{FontId, ParsedFont};
use std::borrow::Cow;
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

/// How a face's glyphs are coded in the content streams, decided from the
/// original font before any page is painted.
#[derive(Debug, Clone, PartialEq)]
enum Coding {
    /// TrueType outlines: the code of each glyph, by original glyph id, and
    /// the font's /CIDToGIDMap finds the glyph it became in the subset.
    /// Codes follow the characters' order (`.notdef` 0, then by the first
    /// code point that maps to the glyph, then the glyphs no character
    /// maps to), so that the text's glyphs have small codes: a page's
    /// content compresses about as well as with the subset's own ids.
    Subset(Vec<u16>),
    /// CID-keyed CFF outlines: the code is the CID the charset gives the
    /// glyph (ISO 32000-1, 9.7.4.2), by glyph id. The subset keeps each
    /// glyph's CID (checked: else the font goes in whole).
    Cid(BTreeMap<u16, u16>),
    /// Name-keyed CFF outlines, whose glyph ids are the codes (a viewer
    /// cannot remap them): the font goes in whole.
    Whole,
}

impl Coding {
    /// From the font as the shaper reads it (a collection's first face).
    fn of(font: &[u8]) -> Coding {
        let program = whole(font);
        if program.starts_with(b"OTTO") {
            printpdf::cff_charset_gid_to_cid_map(&program, 0).map_or(Coding::Whole, Coding::Cid)
        } else {
            Coding::Subset(character_order(font))
        }
    }

    fn code(&self, gid: u16) -> u16 {
        match self {
            Coding::Subset(codes) => codes.get(gid as usize).copied().unwrap_or(gid),
            Coding::Cid(cids) => cids.get(&gid).copied().unwrap_or(gid),
            Coding::Whole => gid,
        }
    }
}

/// Whether a CID-keyed font's subset gives each glyph kept the CID the
/// original gave it: the codes painted before subsetting.
fn keeps_cids(subset: &printpdf::SubsetFont, cids: &BTreeMap<u16, u16>) -> bool {
    let Some(after) = printpdf::cff_charset_gid_to_cid_map(&subset.bytes, 0) else { return false };
    subset.glyph_mapping.iter().all(|(old, (new, _))| after.get(new).is_some_and(|c| cids.get(old) == Some(c)))
}

/// A code for each glyph id of `font`, in the order of the characters that
/// map to them (see [`Coding::Subset`]): a permutation of the glyph ids.
fn character_order(font: &[u8]) -> Vec<u16> {
    let Ok(face) = rustybuzz::ttf_parser::Face::parse(font, 0) else { return Vec::new() };
    let n = face.number_of_glyphs() as usize;
    // the first code point of each glyph
    let mut first = vec![u32::MAX; n];
    first[0] = 0;
    for st in face.tables().cmap.iter().flat_map(|c| c.subtables).filter(|st| st.is_unicode()) {
        st.codepoints(|cp| {
            if let Some(g) = st.glyph_index(cp).map(|g| g.0 as usize).filter(|&g| g > 0 && g < n) {
                first[g] = first[g].min(cp);
            }
        });
    }
    let mut order: Vec<u16> = (0..n as u16).collect();
    order.sort_by_key(|&g| (first[g as usize], g));
    let mut codes = vec![0; n];
    for (code, &g) in order.iter().enumerate() {
        codes[g as usize] = code as u16;
    }
    codes
}

/// Each face's [`Coding`]: what the painter asks for a glyph's code.
pub struct Codes([Coding; 4]);

impl Codes {
    pub fn new(shaper: &Shaper) -> Codes {
        Codes(Face::ALL.map(|f| Coding::of(shaper.font_bytes(f))))
    }

    /// The code that shows glyph `gid` of `face`.
    pub fn code(&self, face: Face, gid: u16) -> u16 {
        self.0[face as usize].code(gid)
    }
}

/// What the glyphs of each face stand for while some pages are painted, by
/// glyph id: `None` unused, `Some("")` used only as the rest of a cluster
/// (no text of its own). Dense, as long as the glyph ids used: one per
/// chapter being painted, turned into [`Glyphs`] once it is.
pub struct Usage<'s> {
    faces: [Vec<Option<&'s str>>; 4],
}

impl<'s> Usage<'s> {
    pub fn new() -> Self {
        Usage { faces: Default::default() }
    }

    /// A use of a glyph: the later use wins, ToUnicode holding one string
    /// per glyph.
    pub fn record(&mut self, face: Face, gid: u16, text: Option<&'s str>) {
        let v = &mut self.faces[face as usize];
        if v.len() <= gid as usize {
            v.resize(gid as usize + 1, None);
        }
        v[gid as usize] = Some(text.unwrap_or(""));
    }

    /// The glyphs used, each once.
    pub fn glyphs(&self) -> Glyphs {
        Glyphs(self.faces.each_ref().map(|v| {
            v.iter().enumerate().filter_map(|(gid, t)| t.map(|t| (gid as u16, Box::from(t)))).collect()
        }))
    }
}

/// The distinct glyphs some pages show, by face, sorted by glyph id, and
/// what each stands for (`""`: the rest of a cluster). Sparse and owned, so
/// that each chapter's pages hand theirs back, whichever shaper painted them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Glyphs([Vec<(u16, Box<str>)>; 4]);

impl Glyphs {
    /// These glyphs followed by `later`'s pages: the later use of a glyph
    /// gives its text.
    pub fn then(self, later: Glyphs) -> Glyphs {
        let mut faces = self.0;
        for (mine, theirs) in faces.iter_mut().zip(later.0) {
            if theirs.is_empty() {
                continue;
            }
            let mut merged: BTreeMap<u16, Box<str>> = std::mem::take(mine).into_iter().collect();
            merged.extend(theirs);
            *mine = merged.into_iter().collect();
        }
        Glyphs(faces)
    }
}

/// One face, subset and ready to write: everything but the object
/// numbers, so the costly part runs on any thread.
struct EmbeddedFace {
    face: Face,
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
    /// The /CIDToGIDMap stream, deflated, when the subset renumbered glyphs.
    cid_to_gid: Option<Vec<u8>>,
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
    pub fn embed(shaper: &Shaper, codes: &Codes, glyphs: &Glyphs) -> Result<Fonts, PdfError> {
        let used: Vec<Face> = Face::ALL.into_iter().filter(|&f| !glyphs.0[f as usize].is_empty()).collect();
        let faces = parallel::map(&used, |&f| {
            EmbeddedFace::new(shaper, f, &codes.0[f as usize], &glyphs.0[f as usize])
        });
        Ok(Fonts { faces: faces.into_iter().collect::<Result<_, _>>()? })
    }

    /// The faces embedded.
    pub fn faces(&self) -> impl Iterator<Item = Face> + '_ {
        self.faces.iter().map(|e| e.face)
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
    fn new(shaper: &Shaper, face: Face, coding: &Coding, used: &[(u16, Box<str>)]) -> Result<EmbeddedFace, PdfError> {
        let bytes = shaper.font_bytes(face);
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .ok_or_else(|| PdfError(format!("the {face:?} font cannot be embedded")))?;
        // a glyph with no text of its own reads as U+FFFD, as printpdf had it
        let wanted: BTreeMap<u16, String> = used
            .iter()
            .map(|(gid, t)| (*gid, if t.is_empty() { "\u{FFFD}" } else { t }.to_string()))
            .collect();
        let name = parsed.font_name.clone().unwrap_or_else(|| tag(face).to_string());
        let subset = match coding {
            Coding::Subset(_) => printpdf::subset_font(&parsed, &wanted).ok(),
            Coding::Cid(cids) => printpdf::subset_font(&parsed, &wanted).ok().filter(|s| keeps_cids(s, cids)),
            Coding::Whole => None,
        };
        // the font program, and the glyph each code shows in it
        let (program, base_font, cid_to_gid) = match (subset, coding) {
            (Some(s), Coding::Subset(_)) => {
                let renumber: Vec<(u16, u16)> =
                    s.glyph_mapping.iter().map(|(&old, &(new, _))| (coding.code(old), new)).collect();
                (s.bytes, format!("{}+{name}", tag(face)), Some(cid_to_gid_map(&renumber)))
            }
            // a TrueType font the subsetter cannot handle goes in whole
            (None, Coding::Subset(_)) => {
                let renumber: Vec<(u16, u16)> = wanted.keys().map(|&gid| (coding.code(gid), gid)).collect();
                (whole(bytes).into_owned(), name, Some(cid_to_gid_map(&renumber)))
            }
            // CID-keyed: the codes are the CIDs the subset kept
            (Some(s), _) => (s.bytes, format!("{}+{name}", tag(face)), None),
            (None, _) => (whole(bytes).into_owned(), name, None),
        };
        let mut coded: Vec<(u16, f32, String)> =
            wanted.into_iter().map(|(gid, t)| (coding.code(gid), pdf_width(shaper, face, gid), t)).collect();
        // a CID-keyed charset need not keep the glyphs' order
        coded.sort_by_key(|c| c.0);
        let unicode: Vec<(u16, String)> = coded.iter().map(|(c, _, t)| (*c, t.clone())).collect();
        let cmap = printpdf::generate_cmap_string(&parsed, &FontId(tag(face).into()), &unicode);
        let (kind, program, program_dict) = wrap(program);
        let mut deflater = Deflater::new(FONT_LEVEL);
        Ok(EmbeddedFace {
            face,
            base_font,
            kind,
            metrics: metrics(&parsed),
            widths: widths(&coded),
            program: deflater.deflate(&program)?,
            program_dict,
            to_unicode: deflater.deflate(cmap.as_bytes())?,
            cid_to_gid: cid_to_gid.map(|m| deflater.deflate(&m)).transpose()?,
        })
    }

    fn write(&self, w: &mut ObjWriter, font: Ref) {
        let (cid_font, descriptor, file, to_unicode) = (w.reserve(), w.reserve(), w.reserve(), w.reserve());
        let mut dict = self.program_dict.clone();
        dict.raw(b"/Filter/FlateDecode");
        w.stream(file, &dict, &self.program);
        w.stream(to_unicode, b"/Filter/FlateDecode", &self.to_unicode);
        let map = self.cid_to_gid.as_ref().map(|m| {
            let r = w.reserve();
            w.stream(r, b"/Filter/FlateDecode", m);
            r
        });
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
                match map {
                    Some(r) => o.raw(b"/CIDToGIDMap ").reference(r),
                    None => o.raw(b"/CIDToGIDMap/Identity"),
                };
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

/// A /CIDToGIDMap's bytes: for each CID (an original glyph id) up to the
/// highest used, the glyph id it became in the subset, two bytes big-endian;
/// 0 (.notdef) for the CIDs not used.
fn cid_to_gid_map(renumber: &[(u16, u16)]) -> Vec<u8> {
    let len = renumber.iter().map(|&(old, _)| old as usize + 1).max().unwrap_or(0);
    let mut map = vec![0; 2 * len];
    for &(old, new) in renumber {
        map[2 * old as usize..][..2].copy_from_slice(&new.to_be_bytes());
    }
    map
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

/// A whole font: one face of a collection, else the file as is (borrowed:
/// looking at a font's outlines copies nothing).
fn whole(bytes: &[u8]) -> Cow<'_, [u8]> {
    printpdf::extract_collection_face(bytes, 0).map_or(Cow::Borrowed(bytes), Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_later_use_of_a_glyph_gives_its_text() {
        let (mut a, mut b) = (Usage::new(), Usage::new());
        a.record(Face::Regular, 3, Some("f"));
        a.record(Face::Regular, 9, Some("fi"));
        a.record(Face::Regular, 9, Some("fl"));
        b.record(Face::Regular, 3, None);
        b.record(Face::Italic, 1, Some(" "));
        let mut c = Usage::new();
        c.record(Face::Regular, 5, Some("e"));
        let u = a.glyphs().then(b.glyphs()).then(c.glyphs());
        let regular: Vec<(u16, &str)> = u.0[Face::Regular as usize].iter().map(|(g, t)| (*g, &**t)).collect();
        assert_eq!(regular, [(3, ""), (5, "e"), (9, "fl")]);
        assert_eq!(u.0[Face::Italic as usize], [(1, Box::from(" "))]);
        assert!(u.0[Face::Bold as usize].is_empty());
        // in the other order, the other texts win
        let v = b.glyphs().then(a.glyphs());
        assert_eq!(v.0[Face::Regular as usize][0], (3, Box::from("f")));
    }

    #[test]
    fn the_cid_to_gid_map_gives_each_code_its_glyph_in_the_subset() {
        assert_eq!(cid_to_gid_map(&[(0, 0), (3, 1), (0x102, 2)]).len(), 2 * 0x103);
        let map = cid_to_gid_map(&[(0, 0), (3, 1), (5, 0x0102)]);
        assert_eq!(map, [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2]);
        assert!(cid_to_gid_map(&[]).is_empty());
    }

    #[test]
    fn codes_follow_the_characters_unless_a_cff_charset_says_otherwise() {
        let style = crate::style::Style::builtin();
        let shaper = Shaper::new(&style).unwrap();
        let codes = Codes::new(&shaper);
        // the shipped fonts are TrueType: subset, and each glyph has a code
        // of its own, .notdef 0, then in the order of the characters
        for face in Face::ALL {
            let Coding::Subset(order) = &codes.0[face as usize] else { panic!("{face:?} is TrueType") };
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert!(sorted.iter().enumerate().all(|(k, &c)| k == c as usize), "a permutation");
            assert_eq!(order[0], 0);
            let font = rustybuzz::ttf_parser::Face::parse(shaper.font_bytes(face), 0).unwrap();
            let gid = |c: char| font.glyph_index(c).unwrap().0;
            let code = |c: char| codes.code(face, gid(c));
            assert!(code(' ') < code('A') && code('A') < code('a') && code('a') < code('z') && code('z') < code('é'));
            assert!(code('z') < 128, "plain Latin text has one-byte codes");
        }
        assert_eq!(Coding::Whole.code(417), 417);
        let cids = Coding::Cid(BTreeMap::from([(0, 0), (7, 1201)]));
        assert_eq!((cids.code(7), cids.code(0)), (1201, 0));
    }

    #[test]
    fn a_subset_that_is_no_cid_keyed_cff_goes_in_whole() {
        // what the painter coded by CID must stay that CID in the subset;
        // a subset without a CID charset cannot say so, so is refused
        let subset = printpdf::SubsetFont { bytes: b"not a font".to_vec(), glyph_mapping: BTreeMap::from([(7, (1, "a".into()))]) };
        assert!(!keeps_cids(&subset, &BTreeMap::from([(7, 1201)])));
    }

    #[test]
    fn widths_come_in_runs_of_consecutive_codes() {
        let coded = [(1, 250.0, String::new()), (2, 500.0, String::new()), (7, 612.0, String::new())];
        assert_eq!(widths(&coded), b"[1[250 500]7[612]]");
        assert_eq!(widths(&[]), b"[]");
    }
}
