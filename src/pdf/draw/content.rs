//! A page's content stream, written straight into bytes: rules, then text
//! (one `TJ` per run of one face, size and rise), then images.

use super::fonts::{pdf_width, tag, Codes, Usage};
use super::syntax::{itoa, PdfBytes};
use super::{image_name, PageOut, Placed};
use crate::pdf::image::Embedded;
use crate::pdf::para::Piece;
use crate::pdf::shape::{invisible, Shaper};
use crate::style::Face;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Decimals of positions (pt) and of text offsets (1/1000 em): far below
/// what a viewer or printer can show.
const POS_DECIMALS: u32 = 4;
const TJ_DECIMALS: u32 = 2;

/// A line's runs: maximal slices of pieces of one face, size and rise.
pub fn runs(pieces: &[Piece]) -> impl Iterator<Item = &[Piece]> {
    pieces.chunk_by(|a, b| a.face == b.face && a.size == b.size && a.rise == b.rise)
}

/// A step through a run.
pub enum Step<'s> {
    /// A piece starts, at this x (pt from the line's start).
    Piece(f32),
    Glyph {
        gid: u16,
        /// The advance the shaper wants, in 1/1000 em.
        want: f32,
        /// What the glyph stands for (`None`: the rest of a cluster).
        text: Option<&'s str>,
        /// What the layout trace shows for it.
        shown: &'s str,
        /// The run's last glyph.
        last: bool,
    },
}

/// Walks a run's glyphs in order: each piece's, its hyphen's, its space.
pub fn walk<'s>(shaper: &'s Shaper, run: &[Piece], mut step: impl FnMut(Step<'s>)) {
    let Some(first) = run.first() else { return };
    let face = first.face;
    let upm = shaper.upm(face);
    let space = shaper.space_gid(face);
    let space_width = pdf_width(shaper, face, space);
    let hyphen = shaper.shape_cached(face, "-").map(|h| shaper.word(h));
    for (i, p) in run.iter().enumerate() {
        step(Step::Piece(p.x));
        let w = shaper.word(p.word);
        let ends = i + 1 == run.len() && !p.space_after && !(p.hyphen && hyphen.is_some());
        let glyphs = &w.glyphs[p.from as usize..p.to as usize];
        for (k, g) in glyphs.iter().enumerate() {
            let text = (g.end > g.start).then(|| &w.text[g.start as usize..g.end as usize]);
            if g.advance == 0 && text.is_some_and(invisible) {
                // drawn as nothing; its glyph (often the space's) would
                // otherwise stand for it in the text of every space
                continue;
            }
            let last = ends && k + 1 == glyphs.len();
            step(Step::Glyph { gid: g.gid, want: g.advance as f32 * 1000.0 / upm, text, shown: text.unwrap_or(""), last });
        }
        if let Some(h) = hyphen.filter(|_| p.hyphen) {
            for (k, g) in h.glyphs.iter().enumerate() {
                let shown = if k == 0 { "-" } else { "" };
                step(Step::Glyph { gid: g.gid, want: g.advance as f32 * 1000.0 / upm, text: Some("-"), shown, last: false });
            }
        }
        if p.space_after {
            step(Step::Glyph { gid: space, want: space_width, text: Some(" "), shown: " ", last: false });
        }
    }
}


/// The layout trace of some pages: text runs in page order, then the
/// figures (as the trace has always listed them). Pages are painted before
/// their numbers are known, so each line is kept without its `p{number} `.
#[derive(Debug, Default, PartialEq)]
pub struct Trace {
    /// Kept only when asked for (`--dump-layout`): on a novel it is as
    /// big as the text, and costs a tenth of the PDF's making.
    pub on: bool,
    pub text: Lines,
    pub figures: Lines,
}

/// Lines of the trace, page by page, without their page numbers.
#[derive(Debug, Default, PartialEq)]
pub struct Lines {
    text: String,
    /// Where each line ends in `text`.
    ends: Vec<usize>,
    /// How many lines the pages so far have, after each page.
    pages: Vec<usize>,
}

impl Lines {
    fn end_line(&mut self) {
        self.ends.push(self.text.len());
    }

    fn end_page(&mut self) {
        self.pages.push(self.ends.len());
    }

    /// Writes the lines of page `k` (0: the first painted) into `out`,
    /// each after `p{number} `.
    pub fn numbered(&self, k: usize, number: usize, out: &mut String) {
        // no pages when the trace is off
        let Some(&last) = self.pages.get(k) else { return };
        let first = if k == 0 { 0 } else { self.pages[k - 1] };
        let mut start = if first == 0 { 0 } else { self.ends[first - 1] };
        for &end in &self.ends[first..last] {
            out.push('p');
            out.push_str(itoa(number as u64, &mut [0; 20]));
            out.push(' ');
            out.push_str(&self.text[start..end]);
            start = end;
        }
    }
}

/// What every page's content needs.
pub struct Painter<'a> {
    pub shaper: &'a Shaper<'a>,
    pub codes: &'a Codes,
    /// The images embedded, by asset: a figure whose image is not is left out.
    pub images: &'a BTreeMap<usize, Embedded>,
}

impl<'a> Painter<'a> {
    /// Writes one page's content into `out` (cleared first), the glyphs it
    /// shows into `usage`, and what it shows into the layout trace.
    pub fn page(&self, page: &PageOut, out: &mut Vec<u8>, usage: &mut Usage<'a>, trace: &mut Trace) {
        out.clear();
        for r in &page.rules {
            let [x, y, w, t] = *r;
            out.real(t, POS_DECIMALS).raw(b" w ").real(x, POS_DECIMALS).raw(b" ").real(y, POS_DECIMALS).raw(b" m ");
            out.real(x + w, POS_DECIMALS).raw(b" ").real(y, POS_DECIMALS).raw(b" l S\n");
        }
        if !page.lines.is_empty() {
            out.raw(b"BT\n");
            let mut font = None;
            let mut text = String::new();
            for placed in &page.lines {
                for run in runs(&placed.line.pieces) {
                    text.clear();
                    self.run(placed, run, &mut font, out, usage, &mut text);
                    if trace.on {
                        trace_run(&mut trace.text.text, placed, run[0], &text);
                        trace.text.end_line();
                    }
                }
            }
            out.raw(b"ET\n");
        }
        for im in page.images.iter().filter(|im| self.images.contains_key(&im.asset)) {
            let [x, y, w, h] = im.rect;
            out.raw(b"q ").real(w, POS_DECIMALS).raw(b" 0 0 ").real(h, POS_DECIMALS).raw(b" ");
            out.real(x, POS_DECIMALS).raw(b" ").real(y, POS_DECIMALS).raw(b" cm ");
            out.name(image_name(im.asset).as_bytes()).raw(b" Do Q\n");
            if trace.on {
                let _ = writeln!(trace.figures.text, "x={x:.2} y={y:.2} image {w:.2}x{h:.2} asset {}", im.asset);
                trace.figures.end_line();
            }
        }
        if trace.on {
            trace.text.end_page();
            trace.figures.end_page();
        }
    }

    /// One run: font, text matrix, and a `TJ` whose numbers after glyphs
    /// move each glyph from where /W puts it to where the line breaker did.
    fn run(
        &self,
        placed: &Placed,
        run: &[Piece],
        font: &mut Option<(Face, f32)>,
        out: &mut Vec<u8>,
        usage: &mut Usage<'a>,
        text: &mut String,
    ) {
        let first = run[0];
        let (face, size) = (first.face, first.size);
        if *font != Some((face, size)) {
            out.name(tag(face).as_bytes()).raw(b" ").real(size, POS_DECIMALS).raw(b" Tf\n");
            *font = Some((face, size));
        }
        out.raw(b"1 0 0 1 ").real(placed.x + first.x, POS_DECIMALS).raw(b" ");
        out.real(placed.y + first.rise, POS_DECIMALS).raw(b" Tm\n[");
        let mut tj = Tj { out, open: false, pending: 0.0, carry: 0.0, any: false, ended: false };
        let mut pen = first.x; // pt from the line's start
        let kept = kept_hyphen_at_end(self.shaper, placed, run);
        walk(self.shaper, run, |s| match s {
            Step::Piece(x) => {
                if tj.any {
                    // land exactly where the line breaker put this piece
                    tj.pending -= (x - pen) * 1000.0 / size;
                    pen = x;
                }
            }
            Step::Glyph { gid, want, text: stands_for, shown, last } => {
                let code = self.codes.code(face, gid);
                if gid == 0 && !shown.is_empty() {
                    // A character the font lacks shows its box; the text
                    // is the character's own, not the box's (one glyph
                    // for many characters, which ToUnicode cannot say).
                    usage.record(face, gid, None);
                    tj.marked(code, pdf_width(self.shaper, face, gid) - want, &actual_text(shown));
                } else if last && kept {
                    usage.record(face, gid, stands_for);
                    tj.actual_text(code, KEPT_HYPHEN);
                } else {
                    usage.record(face, gid, stands_for);
                    tj.glyph(code, pdf_width(self.shaper, face, gid) - want);
                }
                pen += want * size / 1000.0;
                text.push_str(shown);
            }
        });
        // the last glyph's offset would only move the pen past the run
        if !tj.ended {
            tj.close();
            tj.out.raw(b"] TJ\n");
        }
    }
}

/// What a compound's own hyphen that ends a line stands for in the text:
/// U+2010, since text extraction (poppler's, for one) drops a `-` at a line
/// end as the typesetter's and would glue `peut-⏎être` into `peutêtre`.
/// The engine's hyphens stay `-`, which those readers rightly drop.
const KEPT_HYPHEN: &[u8] = b"<FEFF2010>";

/// Whether `run` ends its line with a word's own `-` (`peut-⏎être`, or a
/// suspended `pré-` before `et`) as its last glyph.
fn kept_hyphen_at_end(shaper: &Shaper, placed: &Placed, run: &[Piece]) -> bool {
    let Some(last) = run.last() else { return false };
    let ends_line = placed.line.pieces.last().is_some_and(|p| std::ptr::eq(p, last));
    let w = shaper.word(last.word);
    let Some(g) = (last.to as usize).checked_sub(1).and_then(|k| w.glyphs.get(k)) else { return false };
    // the letter before may be in another face (`*Ex*-collègue`)
    let pieces = &placed.line.pieces;
    let before = match w.text[..g.start as usize].chars().next_back() {
        Some(c) => Some(c),
        None => pieces.len().checked_sub(2).map(|k| pieces[k]).filter(|p| !p.space_after).and_then(|p| {
            let w = shaper.word(p.word);
            let end = w.glyphs.get((p.to as usize).checked_sub(1)?)?.end as usize;
            w.text[..end].chars().next_back()
        }),
    };
    let after_letter = before.is_some_and(char::is_alphanumeric);
    ends_line && !last.hyphen && &w.text[g.start as usize..g.end as usize] == "-" && after_letter
}

/// `text` as a PDF text string in hex, UTF-16BE with its byte order mark.
fn actual_text(text: &str) -> Vec<u8> {
    let mut out = b"<FEFF".to_vec();
    for unit in text.encode_utf16() {
        out.extend(format!("{unit:04X}").bytes());
    }
    out.push(b'>');
    out
}

/// A `TJ` array being written: glyph codes gathered into strings, cut
/// where a glyph needs an offset. A glyph's offset stays pending until the
/// next glyph, since a piece start may still move it.
struct Tj<'o> {
    out: &'o mut Vec<u8>,
    /// A string is open.
    open: bool,
    /// The last glyph's offset, in 1/1000 em (positive moves left).
    pending: f32,
    /// What rounding has left out of the offsets written so far: added to
    /// the next one, so glyphs never drift by more than one rounding step.
    carry: f32,
    any: bool,
    /// The array is closed already (by [`Tj::actual_text`]).
    ended: bool,
}

impl Tj<'_> {
    fn glyph(&mut self, code: u16, offset: f32) {
        self.flush();
        if !self.open {
            self.out.push(b'(');
            self.open = true;
        }
        self.out.code_bytes(code);
        self.pending = offset;
        self.any = true;
    }

    /// A glyph marked as standing for `text` (a PDF string), in a `TJ` of
    /// its own: it ends the run, so nothing follows it in this array.
    fn actual_text(&mut self, code: u16, text: &[u8]) {
        self.flush();
        self.close();
        self.out.raw(b"] TJ\n/Span<</ActualText").raw(text).raw(b">>BDC\n[(").code_bytes(code).raw(b")] TJ\nEMC\n");
        self.ended = true;
    }

    /// A glyph marked as standing for `text` (a PDF string) in a `TJ` of
    /// its own, with its offset; the run goes on in a new array after it.
    fn marked(&mut self, code: u16, offset: f32, text: &[u8]) {
        self.flush();
        self.close();
        self.out.raw(b"] TJ\n/Span<</ActualText").raw(text).raw(b">>BDC\n[(").code_bytes(code).raw(b")");
        self.pending = offset;
        self.flush();
        self.close();
        self.out.raw(b"] TJ\nEMC\n[");
        self.any = true;
    }

    fn close(&mut self) {
        if self.open {
            self.out.push(b')');
            self.open = false;
        }
    }

    fn flush(&mut self) {
        let scale = 10f32.powi(TJ_DECIMALS as i32);
        let exact = self.pending + self.carry;
        let written = (exact * scale).round() / scale;
        if written != 0.0 {
            self.close();
            self.out.real(written, TJ_DECIMALS);
        }
        self.carry = exact - written;
        self.pending = 0.0;
    }
}

/// A text run's line of the layout trace but its page number:
/// `x={:.2} y={:.2} {face} {size:.2} {text}`, written without
/// `core::fmt`, which cost as much as the whole content stream.
fn trace_run(out: &mut String, placed: &Placed, a: Piece, text: &str) {
    out.push_str("x=");
    fixed2(out, placed.x + a.x);
    out.push_str(" y=");
    fixed2(out, placed.y + a.rise);
    out.push(' ');
    out.push_str(face_name(a.face));
    out.push(' ');
    fixed2(out, a.size);
    out.push(' ');
    out.push_str(text.trim_end());
    out.push('\n');
}

/// `v` as `format!("{v:.2}")` writes it: the exact binary value rounded
/// half to even, a negative sign kept even on zero.
fn fixed2(out: &mut String, v: f32) {
    if !v.is_finite() || v.abs() >= 1e15 {
        let _ = write!(out, "{v:.2}");
        return;
    }
    if v.is_sign_negative() {
        out.push('-');
    }
    // exact: an f32's 24-bit mantissa times 100 fits an f64's 53 bits
    let n = (v.abs() as f64 * 100.0).round_ties_even() as u64;
    out.push_str(itoa(n / 100, &mut [0; 20]));
    out.push('.');
    out.push(char::from(b'0' + (n % 100 / 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

pub fn face_name(face: Face) -> &'static str {
    match face {
        Face::Regular => "regular",
        Face::Italic => "italic",
        Face::Bold => "bold",
        Face::BoldItalic => "bold-italic",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tj_cuts_strings_only_for_offsets_and_carries_rounding() {
        let mut out = Vec::new();
        let mut tj = Tj { out: &mut out, open: false, pending: 0.0, carry: 0.0, any: false, ended: false };
        tj.glyph(0x41, 0.0);
        tj.glyph(0x42, 0.004);
        tj.glyph(0x43, 0.004);
        tj.glyph(0x44, -12.5);
        tj.glyph(0x45, 0.0);
        tj.flush();
        // 0.004 is below a step, 0.008 is not: the glyph after C lands right
        assert_eq!(out, b"(\0A\0B\0C)0.01(\0D)-12.5(\0E".to_vec());
        // Codes holding the string's delimiters, escape or end-of-line bytes.
        let mut out = Vec::new();
        let mut tj = Tj { out: &mut out, open: false, pending: 0.0, carry: 0.0, any: false, ended: false };
        for code in [0x2829, 0x5c0d, 0x0a41] {
            tj.glyph(code, 0.0);
        }
        assert_eq!(out, b"(\\(\\)\\\\\\r\\nA".to_vec());
    }

    #[test]
    fn a_marked_glyph_ends_the_array_in_its_own_span() {
        let mut out = Vec::new();
        let mut tj = Tj { out: &mut out, open: false, pending: 0.0, carry: 0.0, any: false, ended: false };
        tj.glyph(0x41, 0.0);
        tj.glyph(0x42, -3.0);
        tj.actual_text(0x2d, KEPT_HYPHEN);
        assert!(tj.ended);
        // the offset after B still moves the hyphen, inside the first array
        assert_eq!(out, b"(\0A\0B)-3] TJ\n/Span<</ActualText<FEFF2010>>>BDC\n[(\0-)] TJ\nEMC\n".to_vec());
    }

    /// A box for a character the font lacks stands for that character, in
    /// a span of its own with its offset; the run goes on after it.
    #[test]
    fn a_missing_character_keeps_its_text_and_the_run_goes_on() {
        let mut out = Vec::new();
        let mut tj = Tj { out: &mut out, open: false, pending: 0.0, carry: 0.0, any: false, ended: false };
        tj.glyph(0x41, -2.0);
        tj.marked(0, 500.0, &actual_text("中😀"));
        tj.glyph(0x42, 0.0);
        tj.close();
        assert!(!tj.ended);
        assert_eq!(out, b"(\0A)-2] TJ\n/Span<</ActualText<FEFF4E2DD83DDE00>>>BDC\n[(\0\0)500] TJ\nEMC\n[(\0B)".to_vec());
    }

    #[test]
    fn fixed2_writes_what_format_writes() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut values = vec![0.0, -0.0, 0.125, 0.375, -0.125, 0.005, 1.005, 2.675, -0.001, 595.2756, 1e16, f32::NAN];
        for _ in 0..200_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            // every magnitude a page can hold, and exact quarter and eighth ties
            values.push((seed % 2_000_000) as f32 / 1000.0 - 500.0);
            values.push((seed % 80_000) as f32 / 8.0);
        }
        for v in values {
            let mut got = String::new();
            fixed2(&mut got, v);
            assert_eq!(got, format!("{v:.2}"), "{v}");
        }
    }
}
