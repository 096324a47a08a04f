//! Shaping: text → glyph ids and advances, with the font's kerning and
//! ligatures (rustybuzz). Each distinct (face, word) is shaped once; sizes
//! only scale the result, since shaping is unhinted.

use super::PdfError;
use crate::style::{Face, Style};
use rustc_hash::FxHashMap;
use rustybuzz::ttf_parser::GlyphId;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Index of a shaped word in the [`Shaper`]'s cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WordId(pub u32);

#[derive(Debug, Clone, Copy)]
pub struct Glyph {
    pub gid: u16,
    /// Shaped advance, in font units (kerning included).
    pub advance: i32,
    /// Byte range in the word of the text this glyph shows (empty for the
    /// second and later glyphs of one cluster).
    pub start: u32,
    pub end: u32,
}

#[derive(Debug)]
pub struct Shaped {
    pub text: String,
    pub glyphs: Vec<Glyph>,
    face: Face,
    /// Some character shows as the font's `.notdef` (the font lacks it).
    pub notdef: bool,
}

/// Text that shows nothing (a soft hyphen, a zero-width space or joiner,
/// a byte order mark, a variation selector), which shapers give a glyph of
/// no width.
pub fn invisible(t: &str) -> bool {
    t.chars().all(|c| matches!(c, '\u{ad}' | '\u{34f}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{fe00}'..='\u{fe0f}'))
}

impl Shaped {
    /// The characters the font lacks, drawn as `.notdef` (gid 0).
    pub fn missing(&self) -> impl Iterator<Item = char> + '_ {
        self.glyphs.iter().filter(|g| g.gid == 0 && g.end > g.start).flat_map(|g| self.text[g.start as usize..g.end as usize].chars()).filter(|c| !c.is_whitespace() && !invisible(c.encode_utf8(&mut [0; 4])))
    }

    /// Glyph index where byte offset `byte` starts, if it is a cluster start
    /// (a ligature across it makes it no place to split).
    pub fn split_at(&self, byte: usize) -> Option<usize> {
        if byte == self.text.len() {
            return Some(self.glyphs.len());
        }
        // Shaped left to right: clusters never go back, so the first glyph
        // at or after `byte` is found by halving (a long word is split at
        // many points).
        let i = self.glyphs.partition_point(|g| (g.start as usize) < byte);
        self.glyphs.get(i).filter(|g| g.start as usize == byte && g.end > g.start).map(|_| i)
    }
}

pub struct Shaper<'a> {
    bytes: [&'a [u8]; 4],
    faces: Vec<rustybuzz::Face<'a>>,
    upm: [f32; 4],
    space_gid: [u16; 4],
    cache: [FxHashMap<String, WordId>; 4],
    words: Vec<Shaped>,
    buffer: Option<rustybuzz::UnicodeBuffer>,
    plans: Vec<(Face, rustybuzz::Script, rustybuzz::ShapePlan)>,
    shared: Option<Arc<Shared>>,
}

/// The words shaped by the shapers that share it (one per thread), so that
/// each word is shaped once however many threads set text.
#[derive(Default)]
pub struct Shared([Mutex<FxHashMap<String, Vec<Glyph>>>; 4]);

impl Shared {
    fn get(&self, face: Face, text: &str) -> Option<Vec<Glyph>> {
        self.lock(face).get(text).cloned()
    }

    fn put(&self, face: Face, text: &str, glyphs: &[Glyph]) {
        self.lock(face).insert(text.to_string(), glyphs.to_vec());
    }

    fn lock(&self, face: Face) -> MutexGuard<'_, FxHashMap<String, Vec<Glyph>>> {
        // a thread that panicked while holding it left it whole
        self.0[face as usize].lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A narrow no-break space the font lacks is drawn as a space glyph this wide
/// (in em): the usual width of U+202F.
const NARROW_SPACE_EM: f32 = 1.0 / 6.0;

impl<'a> Shaper<'a> {
    pub fn new(style: &'a Style) -> Result<Shaper<'a>, PdfError> {
        let mut faces = Vec::with_capacity(4);
        let mut upm = [1000.0; 4];
        let mut space_gid = [0; 4];
        let bytes = Face::ALL.map(|f| &style.font(f).bytes[..]);
        for f in Face::ALL {
            let data = style.font(f);
            let face = rustybuzz::Face::from_slice(&data.bytes, 0)
                .ok_or_else(|| PdfError(format!("font {} cannot be read for shaping", data.file_name)))?;
            upm[f as usize] = face.units_per_em() as f32;
            space_gid[f as usize] = face.glyph_index(' ').map(|g| g.0).unwrap_or(0);
            faces.push(face);
        }
        Ok(Shaper {
            bytes,
            faces,
            upm,
            space_gid,
            cache: Default::default(),
            words: Vec::new(),
            buffer: None,
            plans: Vec::new(),
            shared: None,
        })
    }

    pub fn font_bytes(&self, face: Face) -> &'a [u8] {
        self.bytes[face as usize]
    }

    /// A word already shaped, without shaping it.
    pub fn shape_cached(&self, face: Face, text: &str) -> Option<WordId> {
        self.cache[face as usize].get(text).copied()
    }

    /// Whether the face has a glyph for every character of `text`.
    pub fn covers(&self, face: Face, text: &str) -> bool {
        let f = &self.faces[face as usize];
        text.chars().all(|c| c.is_whitespace() || f.glyph_index(c).is_some())
    }

    pub fn upm(&self, face: Face) -> f32 {
        self.upm[face as usize]
    }

    pub fn space_gid(&self, face: Face) -> u16 {
        self.space_gid[face as usize]
    }

    /// The font's own advance of a glyph (hmtx), in font units: what the PDF
    /// viewer advances by.
    pub fn hmtx(&self, face: Face, gid: u16) -> i32 {
        self.faces[face as usize].glyph_hor_advance(GlyphId(gid)).unwrap_or(0) as i32
    }

    /// Width in points of `size`-point text of `units` font units.
    pub fn pt(&self, face: Face, units: i32, size: f32) -> f32 {
        units as f32 * size / self.upm(face)
    }

    pub fn word(&self, id: WordId) -> &Shaped {
        &self.words[id.0 as usize]
    }

    /// Width in font units of glyphs `from..to` of a word.
    pub fn units(&self, id: WordId, from: usize, to: usize) -> i32 {
        self.word(id).glyphs[from..to].iter().map(|g| g.advance).sum()
    }

    /// Shares shaped words with other shapers from now on (or no more).
    pub fn share(&mut self, shared: Option<Arc<Shared>>) {
        self.shared = shared;
    }

    /// Shapes `text` in `face` once; later calls return the cached result.
    pub fn shape(&mut self, face: Face, text: &str) -> WordId {
        if let Some(&id) = self.cache[face as usize].get(text) {
            return id;
        }
        let glyphs = match self.shared.clone() {
            Some(shared) => shared.get(face, text).unwrap_or_else(|| {
                let glyphs = self.run(face, text);
                shared.put(face, text, &glyphs);
                glyphs
            }),
            None => self.run(face, text),
        };
        let mut word = Shaped { text: text.to_string(), glyphs, face, notdef: false };
        word.notdef = word.glyphs.iter().any(|g| g.gid == 0) && word.missing().next().is_some();
        self.insert(word)
    }

    /// The glyphs of `text` in `face`, from the font's tables.
    fn run(&mut self, face: Face, text: &str) -> Vec<Glyph> {
        let mut buf = self.buffer.take().unwrap_or_default();
        buf.push_str(text);
        buf.set_direction(rustybuzz::Direction::LeftToRight);
        buf.guess_segment_properties();
        // building a plan reads the font's feature tables: once per script
        let script = buf.script();
        let rb = &self.faces[face as usize];
        let plan = match self.plans.iter().position(|(f, s, _)| *f == face && *s == script) {
            Some(i) => i,
            None => {
                let plan = rustybuzz::ShapePlan::new(rb, rustybuzz::Direction::LeftToRight, Some(script), None, &[]);
                self.plans.push((face, script, plan));
                self.plans.len() - 1
            }
        };
        let out = rustybuzz::shape_with_plan(rb, &self.plans[plan].2, buf);
        let infos = out.glyph_infos();
        let pos = out.glyph_positions();
        let mut glyphs = Vec::with_capacity(infos.len());
        for (i, (info, p)) in infos.iter().zip(pos).enumerate() {
            let start = info.cluster;
            let first_of_cluster = i == 0 || infos[i - 1].cluster != start;
            let end = if first_of_cluster {
                infos[i + 1..].iter().map(|n| n.cluster).find(|&c| c > start).unwrap_or(text.len() as u32)
            } else {
                start
            };
            let mut g = Glyph { gid: info.glyph_id as u16, advance: p.x_advance, start, end };
            if g.gid == 0 && text[start as usize..].starts_with('\u{202F}') {
                g.gid = self.space_gid[face as usize];
                g.advance = (self.upm(face) * NARROW_SPACE_EM) as i32;
            }
            glyphs.push(g);
        }
        self.buffer = Some(out.clear());
        glyphs
    }

    fn insert(&mut self, word: Shaped) -> WordId {
        let id = WordId(self.words.len() as u32);
        self.cache[word.face as usize].insert(word.text.clone(), id);
        self.words.push(word);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kerning_ligatures_and_cache() {
        let style = Style::builtin();
        let mut s = Shaper::new(&style).unwrap();
        let a = s.shape(Face::Regular, "officielle");
        let b = s.shape(Face::Regular, "officielle");
        assert_eq!(a, b);
        let w = s.word(a);
        // "ffi" is one glyph, whose text is the three letters.
        assert!(w.glyphs.len() < "officielle".len());
        let lig = w.glyphs.iter().find(|g| g.end - g.start > 1).unwrap();
        assert_eq!(&w.text[lig.start as usize..lig.end as usize], "ffi");
        // no place to split inside the ligature
        assert!(w.split_at(2).is_none());
        assert!(w.split_at(4).is_some());
    }

    #[test]
    fn a_shared_word_is_shaped_once() {
        let style = Style::builtin();
        let shared = Arc::new(Shared::default());
        let (mut a, mut b) = (Shaper::new(&style).unwrap(), Shaper::new(&style).unwrap());
        a.share(Some(shared.clone()));
        b.share(Some(shared));
        let from_a = a.shape(Face::Bold, "officielle");
        let from_b = b.shape(Face::Bold, "officielle");
        // b found a's glyphs: it never built a plan to shape with
        assert!(b.plans.is_empty());
        let gids = |s: &Shaper, id| s.word(id).glyphs.iter().map(|g| (g.gid, g.advance)).collect::<Vec<_>>();
        assert_eq!(gids(&a, from_a), gids(&b, from_b));
        // by face: the italic is shaped anew
        b.shape(Face::Italic, "officielle");
        assert_eq!(b.plans.len(), 1);
    }

    #[test]
    fn narrow_space_is_never_notdef() {
        let style = Style::builtin();
        let mut s = Shaper::new(&style).unwrap();
        let id = s.shape(Face::Italic, "a\u{202F}!");
        assert!(s.word(id).glyphs.iter().all(|g| g.gid != 0));
    }
}
