//! A paragraph's inline content → boxes, glue and penalties (with
//! hyphenation) → broken, positioned lines.

use super::linebreak::{self, Item, Params, INFINITE_PENALTY};
use super::shape::{Shaper, WordId};
use crate::book::Inline;
use crate::style::{Align, Face};
use super::hyphenate::{is_explicit_hyphen, Hyphenator};

/// Cost of breaking at a hyphenation point. TeX's 50 hyphenates too eagerly
/// (typst found the same and uses 135); French text has long words, so a bit
/// under typst's value keeps spacing even without hyphen ladders.
const HYPHEN_PENALTY: f32 = 100.0;
/// Cost of breaking after an explicit hyphen: no glyph is added, but the
/// reader still sees a broken word (TeX's `\exhyphenpenalty`).
const EXPLICIT_HYPHEN_PENALTY: f32 = 50.0;
/// Spaces may stretch by half their width and shrink by a third (typst's
/// 1.5× / 2⁄3×): wider stretch shows rivers, more shrink cramps the words.
const SPACE_STRETCH: f32 = 0.5;
const SPACE_SHRINK: f32 = 1.0 / 3.0;

/// A run of glyphs on a line.
#[derive(Debug, Clone, Copy)]
pub struct Piece {
    /// From the line's left end, in points.
    pub x: f32,
    pub face: Face,
    pub size: f32,
    /// Baseline shift upwards (superscripts).
    pub rise: f32,
    pub word: WordId,
    pub from: u32,
    pub to: u32,
    /// Draw the engine's hyphen after it.
    pub hyphen: bool,
    /// A breakable space follows on the same line.
    pub space_after: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Line {
    pub pieces: Vec<Piece>,
    /// Natural or justified width (where the last glyph ends).
    pub width: f32,
    /// Ends with an engine hyphen.
    pub hyphenated: bool,
    /// Footnotes called on this line (indices into the chapter's notes).
    pub notes: Vec<usize>,
}

pub struct ParaStyle<'h> {
    pub face: Face,
    pub size: f32,
    pub width: f32,
    pub indent: f32,
    pub align: Align,
    pub hyphenator: Option<&'h Hyphenator>,
    pub sup_scale: f32,
    pub sup_rise: f32,
}

#[derive(Debug, Clone, Copy)]
enum Content {
    None,
    Piece(Piece),
    Space,
    Hyphen,
    NoteRef(usize),
}

/// Styled text before splitting into words.
struct Span {
    text: String,
    face: Face,
    size: f32,
    rise: f32,
}

enum Token {
    Span(Span),
    Note(usize),
    Break,
}

fn flatten(inlines: &[Inline], face: Face, size: f32, rise: f32, st: &ParaStyle, out: &mut Vec<Token>) {
    for i in inlines {
        match i {
            Inline::Text(t) | Inline::Code(t) => out.push(Token::Span(Span { text: t.clone(), face, size, rise })),
            Inline::Emph(c) => flatten(c, Face::new(!face.is_italic(), face.is_bold()), size, rise, st, out),
            Inline::Strong(c) => flatten(c, Face::new(face.is_italic(), true), size, rise, st, out),
            Inline::Strike(c) => flatten(c, face, size, rise, st, out),
            Inline::Sup(c) => flatten(c, face, size * st.sup_scale, rise + size * st.sup_rise, st, out),
            Inline::Sub(c) => flatten(c, face, size * st.sup_scale, rise - size * st.sup_rise / 2.0, st, out),
            Inline::Link { content, .. } => flatten(content, face, size, rise, st, out),
            Inline::Image { alt, .. } => out.push(Token::Span(Span { text: alt.clone(), face, size, rise })),
            Inline::NoteRef(n) => out.push(Token::Note(*n)),
            Inline::LineBreak => out.push(Token::Break),
        }
    }
}

fn is_break_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

struct Builder<'s, 'a, 'h> {
    shaper: &'s mut Shaper<'a>,
    st: &'s ParaStyle<'h>,
    items: Vec<Item>,
    content: Vec<Content>,
}

impl Builder<'_, '_, '_> {
    fn push(&mut self, item: Item, c: Content) {
        self.items.push(item);
        self.content.push(c);
    }

    fn space_width(&mut self, face: Face, size: f32) -> f32 {
        let id = self.shaper.shape(face, " ");
        let units = self.shaper.units(id, 0, self.shaper.word(id).glyphs.len());
        self.shaper.pt(face, units, size)
    }

    fn glue(&mut self, face: Face, size: f32) {
        let w = self.space_width(face, size);
        let justify = self.st.align == Align::Justify;
        let (stretch, shrink) = if justify { (w * SPACE_STRETCH, w * SPACE_SHRINK) } else { (0.0, 0.0) };
        self.push(Item::Glue { width: w, stretch, shrink, fil: false }, Content::Space);
    }

    /// One word (between breakable spaces), possibly in several spans.
    fn word(&mut self, segs: &[(usize, usize, Face, f32, f32)], text: &str, last: bool) {
        let mut points = match self.st.hyphenator {
            Some(h) if !last => h.points(text),
            _ => Vec::new(),
        };
        // after an explicit hyphen inside the word: a break adding nothing
        let explicit: Vec<usize> = text
            .char_indices()
            .filter(|&(i, c)| is_explicit_hyphen(c) && i > 0 && i + c.len_utf8() < text.len())
            .map(|(i, c)| i + c.len_utf8())
            .collect();
        points.extend(explicit.iter().copied());
        points.sort_unstable();
        points.dedup();
        for &(s, e, face, size, rise) in segs {
            let id = self.shaper.shape(face, &text[s..e]);
            let mut from = 0usize;
            let n = self.shaper.word(id).glyphs.len();
            let cuts: Vec<(usize, bool)> = points
                .iter()
                .filter(|&&p| p > s && p < e)
                .filter_map(|&p| self.shaper.word(id).split_at(p - s).map(|g| (g, explicit.contains(&p))))
                .collect();
            for (g, is_explicit) in cuts.into_iter().chain(std::iter::once((n, false))) {
                if g > from {
                    let w = self.shaper.pt(face, self.shaper.units(id, from, g), size);
                    let piece = Piece {
                        x: 0.0,
                        face,
                        size,
                        rise,
                        word: id,
                        from: from as u32,
                        to: g as u32,
                        hyphen: false,
                        space_after: false,
                    };
                    self.push(Item::Box { width: w }, Content::Piece(piece));
                    from = g;
                }
                if g < n {
                    if is_explicit {
                        self.push(
                            Item::Penalty { width: 0.0, penalty: EXPLICIT_HYPHEN_PENALTY, flagged: true },
                            Content::None,
                        );
                    } else {
                        let hy = self.shaper.shape(face, "-");
                        let hw = self.shaper.pt(face, self.shaper.units(hy, 0, self.shaper.word(hy).glyphs.len()), size);
                        self.push(
                            Item::Penalty { width: hw, penalty: HYPHEN_PENALTY, flagged: true },
                            Content::Hyphen,
                        );
                    }
                }
            }
        }
    }

    fn flush_word(&mut self, word: &mut String, segs: &mut Vec<(usize, usize, Face, f32, f32)>, last: bool) {
        if !word.is_empty() {
            self.word(segs, word, last);
            word.clear();
            segs.clear();
        }
    }

    /// A footnote call: a superscript number glued to the word before.
    fn note_call(&mut self, n: usize) {
        let st = self.st;
        let label = (n + 1).to_string();
        let size = st.size * st.sup_scale;
        let id = self.shaper.shape(st.face, &label);
        let glyphs = self.shaper.word(id).glyphs.len();
        let w = self.shaper.pt(st.face, self.shaper.units(id, 0, glyphs), size);
        let piece = Piece {
            x: 0.0,
            face: st.face,
            size,
            rise: st.size * st.sup_rise,
            word: id,
            from: 0,
            to: glyphs as u32,
            hyphen: false,
            space_after: false,
        };
        self.push(Item::Box { width: 0.0 }, Content::NoteRef(n));
        self.push(Item::Box { width: w }, Content::Piece(piece));
    }

    fn finish_paragraph(&mut self) {
        self.push(Item::Glue { width: 0.0, stretch: 0.0, shrink: 0.0, fil: true }, Content::None);
        self.push(Item::Penalty { width: 0.0, penalty: -INFINITE_PENALTY, flagged: false }, Content::None);
    }
}

/// Sets a paragraph: returns its lines, each positioned within the measure.
pub fn set(shaper: &mut Shaper, inlines: &[Inline], st: &ParaStyle) -> Vec<Line> {
    let mut tokens = Vec::new();
    flatten(inlines, st.face, st.size, 0.0, st, &mut tokens);
    let mut b = Builder { shaper, st, items: Vec::new(), content: Vec::new() };
    if st.indent > 0.0 {
        b.push(Item::Box { width: st.indent }, Content::None);
    }

    // Words: maximal runs of non-breaking text over spans; a note call
    // sticks to the word before it.
    let mut word = String::new();
    let mut segs: Vec<(usize, usize, Face, f32, f32)> = Vec::new();
    let mut pending_space: Option<(Face, f32)> = None;
    let mut line_start = true;
    for (ti, t) in tokens.iter().enumerate() {
        match t {
            Token::Span(s) => {
                for chunk in split_keep(&s.text) {
                    match chunk {
                        Chunk::Space => {
                            // the word is set once we know whether it is the
                            // paragraph's last
                            if !line_start {
                                pending_space = Some((s.face, s.size));
                            }
                        }
                        Chunk::Text(txt) => {
                            if let Some((f, z)) = pending_space.take() {
                                let sticky = binds(&word, txt);
                                b.flush_word(&mut word, &mut segs, false);
                                if sticky {
                                    b.push(Item::Penalty { width: 0.0, penalty: INFINITE_PENALTY, flagged: false }, Content::None);
                                }
                                b.glue(f, z);
                            }
                            line_start = false;
                            let start = word.len();
                            word.push_str(txt);
                            segs.push((start, word.len(), s.face, s.size, s.rise));
                        }
                    }
                }
            }
            Token::Note(n) => {
                b.flush_word(&mut word, &mut segs, false);
                b.note_call(*n);
                line_start = false;
            }
            Token::Break => {
                // the word before a hard break ends its line: no hyphen
                b.flush_word(&mut word, &mut segs, true);
                if ti + 1 == tokens.len() {
                    // a hard break ending the paragraph adds nothing
                    continue;
                }
                pending_space = None;
                line_start = true;
                b.push(Item::Glue { width: 0.0, stretch: 0.0, shrink: 0.0, fil: true }, Content::None);
                b.push(Item::Penalty { width: 0.0, penalty: -INFINITE_PENALTY, flagged: false }, Content::None);
                // a box keeps the next line's start from vanishing
                b.push(Item::Box { width: 0.0 }, Content::None);
            }
        }
    }
    // the paragraph's last word never hyphenates
    b.flush_word(&mut word, &mut segs, true);
    b.finish_paragraph();
    let Builder { items, content, .. } = b;
    lines_from(&items, &content, st)
}


/// French usage the manuscript may not spell with no-break spaces: no line
/// ends before `? ! ; : »` or right after `«` or a dash opening a reply.
fn binds(before: &str, after: &str) -> bool {
    after.starts_with(['?', '!', ';', ':', '»', '\u{203A}']) || matches!(before, "«" | "—" | "–" | "\u{2039}")
}

enum Chunk<'t> {
    Space,
    Text(&'t str),
}

/// Splits text into breakable-space runs and text runs, in order.
fn split_keep(s: &str) -> impl Iterator<Item = Chunk<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, c) in s.char_indices() {
        let sp = is_break_space(c);
        match in_space {
            None => in_space = Some(sp),
            Some(prev) if prev != sp => {
                out.push(if prev { Chunk::Space } else { Chunk::Text(&s[start..i]) });
                start = i;
                in_space = Some(sp);
            }
            _ => {}
        }
    }
    if let Some(prev) = in_space {
        out.push(if prev { Chunk::Space } else { Chunk::Text(&s[start..]) });
    }
    out.into_iter()
}

fn lines_from(items: &[Item], content: &[Content], st: &ParaStyle) -> Vec<Line> {
    let ragged = if st.align == Align::Justify { 0.0 } else { st.width };
    let breaks = linebreak::break_lines(items, &Params { line_width: st.width, ragged_stretch: ragged });
    let mut lines = Vec::with_capacity(breaks.len());
    let mut start = 0;
    for br in &breaks {
        let end = br.at.min(items.len());
        let mut line = Line::default();
        let mut x = 0.0f32;
        for k in start..end {
            match (items[k], content[k]) {
                (Item::Box { width }, c) => {
                    if let Content::Piece(mut p) = c {
                        p.x = x;
                        line.pieces.push(p);
                    }
                    if let Content::NoteRef(n) = c {
                        line.notes.push(n);
                    }
                    x += width;
                }
                (Item::Glue { width, stretch, shrink, fil }, _) => {
                    if fil {
                        continue;
                    }
                    let r = br.ratio;
                    let adj = if !r.is_finite() || ragged > 0.0 {
                        0.0
                    } else if r >= 0.0 {
                        r * stretch
                    } else {
                        r * shrink
                    };
                    x += width + adj;
                    if let Some(p) = line.pieces.last_mut() {
                        p.space_after = true;
                    }
                }
                (Item::Penalty { .. }, _) => {}
            }
        }
        if let (Some(Item::Penalty { width, .. }), Some(Content::Hyphen)) = (items.get(end), content.get(end)) {
            if let Some(p) = line.pieces.last_mut() {
                p.hyphen = true;
                line.hyphenated = true;
            }
            x += width;
        }
        if let Some(p) = line.pieces.last_mut() {
            p.space_after = false;
        }
        line.width = x;
        let shift = match st.align {
            Align::Justify | Align::Left => 0.0,
            Align::Center => (st.width - x) / 2.0,
            Align::Right => st.width - x,
        };
        if shift != 0.0 {
            for p in &mut line.pieces {
                p.x += shift;
            }
        }
        if !line.pieces.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        start = linebreak::next_line_start(items, end);
    }
    lines
}
