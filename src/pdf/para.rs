//! A paragraph's inline content → boxes, glue and penalties (with
//! hyphenation) → broken, positioned lines.

use super::hyphenate::{is_explicit_hyphen, Hyphenator};
use super::linebreak::{self, Item, Params, INFINITE_PENALTY};
use super::shape::{Shaper, WordId};
use crate::book::Inline;
use crate::style::{Align, Face};

/// Cost of breaking at a hyphenation point. TeX's 50 hyphenates too eagerly
/// (typst found the same and uses 135); French text has long words, so a bit
/// under typst's value keeps spacing even without hyphen ladders.
const HYPHEN_PENALTY: f32 = 100.0;
/// Cost of breaking after an explicit hyphen: no glyph is added, but the
/// reader still sees a broken word (TeX's `\exhyphenpenalty`).
const EXPLICIT_HYPHEN_PENALTY: f32 = 50.0;
/// Cost of cutting a word wider than the measure at an arbitrary letter:
/// only ever chosen when nothing else fits.
const EMERGENCY_PENALTY: f32 = 5_000.0;
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
    /// Where it links to: `line.links[link - 1]` (0: nowhere).
    pub link: u16,
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
    /// Where its pieces link to.
    pub links: Vec<Destination>,
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Destination {
    /// A web or mail address.
    Web(Box<str>),
    /// A chapter of the book (its index): its start, or its element of id
    /// `anchor`.
    Chapter { chapter: usize, anchor: Option<Box<str>> },
}

impl Line {
    /// `other`'s pieces after this line's, moved by `dx`, their links kept.
    pub fn append(&mut self, other: &Line, dx: f32) {
        for p in &other.pieces {
            let link = match p.link {
                0 => 0,
                k => self.link_to(&other.links[k as usize - 1]),
            };
            self.pieces.push(Piece { x: p.x + dx, link, ..*p });
        }
        self.notes.extend(&other.notes);
    }

    /// The number a piece linking to `to` takes on this line.
    fn link_to(&mut self, to: &Destination) -> u16 {
        let k = self.links.iter().position(|l| l == to).unwrap_or_else(|| {
            self.links.push(to.clone());
            self.links.len() - 1
        });
        u16::try_from(k + 1).unwrap_or(0)
    }
}

pub struct ParaStyle<'h> {
    pub face: Face,
    pub size: f32,
    pub width: f32,
    pub indent: f32,
    pub align: Align,
    pub hyphenator: Option<&'h Hyphenator>,
    /// Break at the text's soft hyphens (U+00AD), patterns or not: body
    /// text, as CSS's `hyphens: manual` does, not titles.
    pub soft_hyphens: bool,
    pub sup_scale: f32,
    pub sup_rise: f32,
}

/// Kinds of break inside a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Break {
    /// Hyphenation point: adds a hyphen.
    Hyphen,
    /// After an explicit hyphen: adds nothing.
    Explicit,
    /// Inside a word too wide for any line: adds a hyphen.
    Emergency,
    /// Inside a web or mail address too wide for any line: adds nothing (a
    /// hyphen would read as part of it); after `/ . ? & = #` first.
    Address,
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
struct Span<'i> {
    text: &'i str,
    face: Face,
    size: f32,
    rise: f32,
    /// The paragraph's link it is in (1-based; 0: none).
    link: u16,
}

enum Token<'i> {
    Span(Span<'i>),
    Note(usize),
    Break,
}

/// Text as styled spans; `links` gets where the links go.
#[allow(clippy::too_many_arguments)]
fn flatten<'i>(inlines: &'i [Inline], face: Face, size: f32, rise: f32, link: u16, st: &ParaStyle, links: &mut Vec<Destination>, out: &mut Vec<Token<'i>>) {
    for i in inlines {
        match i {
            Inline::Text(t) | Inline::Code(t) => out.push(Token::Span(Span { text: t, face, size, rise, link })),
            Inline::Emph(c) => flatten(c, Face::new(!face.is_italic(), face.is_bold()), size, rise, link, st, links, out),
            Inline::Strong(c) => flatten(c, Face::new(face.is_italic(), true), size, rise, link, st, links, out),
            Inline::Strike(c) => flatten(c, face, size, rise, link, st, links, out),
            Inline::Sup(c) => flatten(c, face, size * st.sup_scale, rise + size * st.sup_rise, link, st, links, out),
            Inline::Sub(c) => flatten(c, face, size * st.sup_scale, rise - size * st.sup_rise / 2.0, link, st, links, out),
            Inline::Link { url, content } => {
                let to = crate::book::is_web_link(url).then(|| Destination::Web(crate::book::web_href(url).as_ref().into()));
                let inner = to.map_or(link, |to| add_link(links, to, link));
                flatten(content, face, size, rise, inner, st, links, out)
            }
            Inline::XRef { chapter, anchor, content, .. } => {
                let to = Destination::Chapter { chapter: *chapter, anchor: anchor.as_deref().map(Into::into) };
                let inner = add_link(links, to, link);
                flatten(content, face, size, rise, inner, st, links, out)
            }
            Inline::Image { alt, .. } => out.push(Token::Span(Span { text: alt, face, size, rise, link })),
            Inline::NoteRef(n) => out.push(Token::Note(*n)),
            Inline::LineBreak => out.push(Token::Break),
        }
    }
}

/// `to` added to `links`: its number (1-based), or `outer` when there are
/// too many.
fn add_link(links: &mut Vec<Destination>, to: Destination, outer: u16) -> u16 {
    match u16::try_from(links.len() + 1) {
        Ok(k) => {
            links.push(to);
            k
        }
        Err(_) => outer,
    }
}

fn is_break_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// The part of a word in one span: its byte range in the word and style.
#[derive(Debug, Clone, Copy)]
struct Seg {
    start: usize,
    end: usize,
    face: Face,
    size: f32,
    rise: f32,
    link: u16,
}

/// The word being gathered and its working lists, kept from word to word
/// so that setting a word allocates nothing.
#[derive(Default)]
struct Scratch {
    word: String,
    segs: Vec<Seg>,
    points: Vec<(usize, Break)>,
    shaped: Vec<WordId>,
}

struct Builder<'s, 'a, 'h> {
    shaper: &'s mut Shaper<'a>,
    st: &'s ParaStyle<'h>,
    items: &'s mut Vec<Item>,
    content: &'s mut Vec<Content>,
    missing: &'s mut Vec<char>,
}

impl Builder<'_, '_, '_> {
    fn push(&mut self, item: Item, c: Content) {
        self.items.push(item);
        self.content.push(c);
    }

    /// Width in points of a whole shaped word.
    fn width(&self, id: WordId, face: Face, size: f32) -> f32 {
        self.shaper.pt(face, self.shaper.units(id, 0, self.shaper.word(id).glyphs.len()), size)
    }

    fn glue(&mut self, face: Face, size: f32) {
        let id = self.shaper.shape(face, " ");
        let w = self.width(id, face, size);
        let justify = self.st.align == Align::Justify;
        let (stretch, shrink) = if justify { (w * SPACE_STRETCH, w * SPACE_SHRINK) } else { (0.0, 0.0) };
        self.push(Item::Glue { width: w, stretch, shrink, fil: false }, Content::Space);
    }

    /// Where the gathered word may break: byte offsets, sorted, one kind
    /// each (a hyphenation point before an explicit break before an
    /// emergency one).
    fn break_points(&mut self, s: &mut Scratch, last: bool) {
        let text = s.word.as_str();
        s.points.clear();
        // The author's soft hyphens are the word's only hyphenation points
        // (as in TeX and CSS): after each, where a hyphen is drawn.
        let soft = self.st.soft_hyphens && text.contains('\u{ad}');
        if soft && !last {
            s.points.extend(text.match_indices('\u{ad}').map(|(i, _)| (i + 2, Break::Hyphen)).filter(|&(p, _)| p > 2 && p < text.len()));
        }
        if let (Some(h), false, false) = (self.st.hyphenator, last, soft) {
            s.points.extend(h.points(text).iter().map(|&p| (p, Break::Hyphen)));
        }
        // after an explicit hyphen inside the word: a break adding nothing
        s.points.extend(
            text.char_indices()
                .filter(|&(i, c)| is_explicit_hyphen(c) && i > 0 && i + c.len_utf8() < text.len())
                .map(|(i, c)| (i + c.len_utf8(), Break::Explicit)),
        );
        // A word wider than the measure (or than an indented first line: a
        // paragraph may be that one word) may break anywhere rather than
        // overflow the margin; the penalty keeps these breaks for need.
        let width: f32 = s.segs.iter().zip(&s.shaped).map(|(g, &id)| self.width(id, g.face, g.size)).sum();
        if width > self.st.width - self.st.indent.max(0.0) {
            let address = text.contains("://") || text.starts_with("www.") || (text.contains('@') && text.contains('.'));
            if address {
                s.points.retain(|p| p.1 == Break::Explicit);
                s.points.extend(text.char_indices().skip(1).map(|(i, _)| (i, Break::Address)));
                // (after the address's own separators: `/`, `.`, `?`…)
                s.points.extend(
                    text.char_indices()
                        .filter(|&(i, c)| matches!(c, '/' | '.' | '?' | '&' | '=' | '#' | '_') && i > 0 && i + 1 < text.len() && !text[i + 1..].starts_with('/'))
                        .map(|(i, _)| (i + 1, Break::Explicit)),
                );
                // (an explicit break wins over a silent one at the same place)
                s.points.sort_by_key(|p| (p.0, p.1 != Break::Explicit));
                s.points.dedup_by_key(|p| p.0);
                return;
            }
            s.points.extend(text.char_indices().skip(1).map(|(i, _)| (i, Break::Emergency)));
        }
        s.points.sort_by_key(|p| p.0);
        s.points.dedup_by_key(|p| p.0);
    }

    /// The gathered word (between breakable spaces), possibly in several
    /// spans: a box per piece between break points.
    fn word(&mut self, s: &mut Scratch, last: bool) {
        s.shaped.clear();
        for g in &s.segs {
            let id = self.shaper.shape(g.face, &s.word[g.start..g.end]);
            if self.shaper.word(id).notdef {
                self.missing.extend(self.shaper.word(id).missing());
            }
            s.shaped.push(id);
        }
        self.break_points(s, last);
        // Points and segments are both in byte order: one pass over the
        // points, not one per segment (a word of alternating faces has as
        // many segments as points: that was quadratic).
        let mut next = 0;
        for (g, &id) in s.segs.iter().zip(&s.shaped) {
            let mut from = 0;
            while let Some(&(p, kind)) = s.points.get(next).filter(|p| p.0 <= g.end) {
                next += 1;
                if p <= g.start {
                    continue;
                }
                // between this segment and the next (`*peut*-*être*`, or a
                // long word of alternating faces): the segment's last piece,
                // then the break
                if p == g.end {
                    let end = self.shaper.word(id).glyphs.len();
                    self.piece(g, id, from, end);
                    from = end;
                    self.break_after(g, kind);
                    continue;
                }
                // no break inside a ligature
                if let Some(at) = self.shaper.word(id).split_at(p - g.start) {
                    self.piece(g, id, from, at);
                    from = at.max(from);
                    self.break_after(g, kind);
                }
            }
            self.piece(g, id, from, self.shaper.word(id).glyphs.len());
        }
    }

    /// A box of glyphs `from..to` of a shaped word, if any.
    fn piece(&mut self, g: &Seg, id: WordId, from: usize, to: usize) {
        if to <= from {
            return;
        }
        let w = self.shaper.pt(g.face, self.shaper.units(id, from, to), g.size);
        let piece = Piece {
            x: 0.0,
            face: g.face,
            size: g.size,
            rise: g.rise,
            word: id,
            from: from as u32,
            to: to as u32,
            hyphen: false,
            space_after: false,
            link: g.link,
        };
        self.push(Item::Box { width: w }, Content::Piece(piece));
    }

    /// The penalty of a break inside a word.
    fn break_after(&mut self, g: &Seg, kind: Break) {
        if kind == Break::Explicit {
            self.push(Item::Penalty { width: 0.0, penalty: EXPLICIT_HYPHEN_PENALTY, flagged: true }, Content::None);
        } else if kind == Break::Address {
            self.push(Item::Penalty { width: 0.0, penalty: EMERGENCY_PENALTY, flagged: false }, Content::None);
        } else {
            let hy = self.shaper.shape(g.face, "-");
            let hw = self.width(hy, g.face, g.size);
            let penalty = if kind == Break::Hyphen { HYPHEN_PENALTY } else { EMERGENCY_PENALTY };
            self.push(Item::Penalty { width: hw, penalty, flagged: true }, Content::Hyphen);
        }
    }

    fn flush_word(&mut self, s: &mut Scratch, last: bool) {
        if !s.word.is_empty() {
            self.word(s, last);
            s.word.clear();
            s.segs.clear();
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
            link: 0,
        };
        self.push(Item::Box { width: 0.0 }, Content::NoteRef(n));
        self.push(Item::Box { width: w }, Content::Piece(piece));
    }

    fn finish_paragraph(&mut self) {
        self.push(Item::Glue { width: 0.0, stretch: 0.0, shrink: 0.0, fil: true }, Content::None);
        self.push(Item::Penalty { width: 0.0, penalty: -INFINITE_PENALTY, flagged: false }, Content::None);
    }
}

/// A paragraph as the line breaker sees it: boxes, glue and penalties, and
/// what each shows. Building it shapes and hyphenates the words; breaking it
/// is a separate step, so that each can be timed. Its buffers are reused by
/// the next paragraph built in it.
#[derive(Default)]
pub struct Paragraph {
    items: Vec<Item>,
    content: Vec<Content>,
    /// Characters the fonts lack, in the order met (as `.notdef` boxes).
    pub missing: Vec<char>,
    /// Where its pieces link to (a piece's `link` - 1).
    links: Vec<Destination>,
    scratch: Scratch,
}

/// Sets a paragraph: returns its lines, each positioned within the measure.
pub fn set(shaper: &mut Shaper, inlines: &[Inline], st: &ParaStyle) -> Vec<Line> {
    let mut p = Paragraph::default();
    p.build(shaper, inlines, st);
    p.lines(st)
}

impl Paragraph {
    /// Shapes and hyphenates `inlines` into this paragraph's items.
    pub fn build(&mut self, shaper: &mut Shaper, inlines: &[Inline], st: &ParaStyle) {
        let mut tokens = Vec::new();
        let mut links = Vec::new();
        flatten(inlines, st.face, st.size, 0.0, 0, st, &mut links, &mut tokens);
        self.links = links;
        self.items.clear();
        self.content.clear();
        self.missing.clear();
        let s = &mut self.scratch;
        s.word.clear();
        s.segs.clear();
        let mut b = Builder { shaper, st, items: &mut self.items, content: &mut self.content, missing: &mut self.missing };
        if st.indent > 0.0 {
            b.push(Item::Box { width: st.indent }, Content::None);
        }

        // Words: maximal runs of non-breaking text over spans; a note call
        // sticks to the word before it.
        let mut pending_space: Option<(Face, f32)> = None;
        let mut line_start = true;
        for (ti, t) in tokens.iter().enumerate() {
            match t {
                Token::Span(span) => {
                    for (k, txt) in span.text.split(is_break_space).enumerate() {
                        // the word before a space is set once we know
                        // whether it is the paragraph's last
                        if k > 0 && !line_start {
                            pending_space = Some((span.face, span.size));
                        }
                        if txt.is_empty() {
                            continue;
                        }
                        if let Some((f, z)) = pending_space.take() {
                            let sticky = binds(&s.word, txt);
                            b.flush_word(s, false);
                            if sticky {
                                b.push(
                                    Item::Penalty { width: 0.0, penalty: INFINITE_PENALTY, flagged: false },
                                    Content::None,
                                );
                            }
                            b.glue(f, z);
                        }
                        line_start = false;
                        let start = s.word.len();
                        s.word.push_str(txt);
                        s.segs.push(Seg {
                            start,
                            end: s.word.len(),
                            face: span.face,
                            size: span.size,
                            rise: span.rise,
                            link: span.link,
                        });
                    }
                }
                Token::Note(n) => {
                    b.flush_word(s, false);
                    b.note_call(*n);
                    line_start = false;
                }
                Token::Break => {
                    // the word before a hard break ends its line: no hyphen
                    b.flush_word(s, true);
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
        b.flush_word(s, true);
        b.finish_paragraph();
    }

    /// Breaks the paragraph into lines, each positioned within the measure.
    pub fn lines(&self, st: &ParaStyle) -> Vec<Line> {
        lines_from(&self.items, &self.content, &self.links, st)
    }
}

/// French usage the manuscript may not spell with no-break spaces: no line
/// ends before `? ! ; : »` or right after `«` or a dash opening a reply.
fn binds(before: &str, after: &str) -> bool {
    after.starts_with(['?', '!', ';', ':', '»', '\u{203A}']) || matches!(before, "«" | "—" | "–" | "\u{2039}")
}

fn lines_from(items: &[Item], content: &[Content], links: &[Destination], st: &ParaStyle) -> Vec<Line> {
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
                        if let Some(to) = p.link.checked_sub(1).and_then(|k| links.get(k as usize)) {
                            p.link = line.link_to(to);
                        }
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
            // Lines live until their page is drawn: no growth slack kept.
            line.pieces.shrink_to_fit();
            lines.push(line);
        }
        start = linebreak::next_line_start(items, end);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::style::Style;
    use hyphenation::{Language, Load, Standard};

    fn setup(style: &Style) -> (Shaper<'_>, Hyphenator) {
        let h = Hyphenator::new(Standard::from_embedded(Language::French).unwrap(), 2, 3);
        (Shaper::new(style).unwrap(), h)
    }

    fn st(h: &Hyphenator, width: f32) -> ParaStyle<'_> {
        ParaStyle {
            face: Face::Regular,
            size: 10.5,
            width,
            indent: 12.0,
            align: Align::Justify,
            hyphenator: Some(h),
            soft_hyphens: true,
            sup_scale: 0.7,
            sup_rise: 0.35,
        }
    }

    fn text_of(shaper: &Shaper, line: &Line) -> String {
        let mut s = String::new();
        for p in &line.pieces {
            let w = shaper.word(p.word);
            for g in &w.glyphs[p.from as usize..p.to as usize] {
                s.push_str(&w.text[g.start as usize..g.end as usize]);
            }
            if p.hyphen {
                s.push('-');
            }
            if p.space_after {
                s.push(' ');
            }
        }
        s
    }

    const TEXT: &str = "Il était une fois, dans un pays lointain et passablement embrouillé, \
        une administration extraordinairement méticuleuse qui numérotait les ordinateurs, \
        les photocopieuses et les bureaucrates\u{a0}: « Qu’importe\u{202F}! » disait-on, \
        l’imprimerie départementale fonctionnait parfaitement bien malgré tout ; \
        personne ne s’en plaignait véritablement, pas même les contribuables.";

    #[test]
    fn lines_fit_and_justified_lines_fill_the_measure() {
        let style = Style::builtin();
        let (mut shaper, h) = setup(&style);
        for width in [120.0, 160.0, 200.0, 260.0] {
            let lines = set(&mut shaper, &[Inline::Text(TEXT.into())], &st(&h, width));
            assert!(lines.len() > 2);
            for (k, l) in lines.iter().enumerate() {
                assert!(l.width <= width + 0.01, "overfull at {width}: {}", text_of(&shaper, l));
                if k + 1 < lines.len() {
                    assert!((l.width - width).abs() < 0.01, "not justified: {}", text_of(&shaper, l));
                }
            }
            // the words come out in order, hyphens aside
            let joined: String = lines
                .iter()
                .map(|l| text_of(&shaper, l))
                .map(|t| if let Some(t) = t.strip_suffix('-') { t.to_string() } else { format!("{t} ") })
                .collect();
            let want: String = TEXT.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
            assert_eq!(joined.trim_end().replace("- ", "-"), want.replace("- ", "-"));
        }
    }

    #[test]
    fn soft_hyphens_are_a_word_s_only_break_points() {
        let style = Style::builtin();
        let (mut shaper, h) = setup(&style);
        let word = "anti\u{ad}constitution\u{ad}nellement";
        let text = format!("un {word} et encore un {word} puis {word} et un photocopieuse.");
        let mut broken = 0;
        // (measures the whole word fits in: no emergency breaks)
        for width in (140..260).step_by(3) {
            let lines = set(&mut shaper, &[Inline::Text(text.clone())], &st(&h, width as f32));
            for l in lines.iter().filter(|l| l.hyphenated) {
                let t = text_of(&shaper, l);
                let piece = t.rsplit(' ').next().unwrap_or("");
                // the line ends at a soft hyphen (kept, drawn as nothing)
                // with the engine's hyphen: never at another pattern point
                assert!(["anti\u{ad}-", "anti\u{ad}constitution\u{ad}-", "photo-", "photoco-", "photocopieu-"].contains(&piece), "{width}: {t:?}");
                broken += usize::from(piece.starts_with("anti"));
            }
        }
        assert!(broken > 0, "never broken at a soft hyphen");
        // titles break at no soft hyphen
        for width in (140..260).step_by(3) {
            let plain = ParaStyle { hyphenator: None, soft_hyphens: false, ..st(&h, width as f32) };
            let lines = set(&mut shaper, &[Inline::Text(text.clone())], &plain);
            assert!(lines.iter().all(|l| !l.hyphenated), "a title broke at a soft hyphen");
        }
    }

    #[test]
    fn no_break_at_no_break_spaces_nor_before_high_punctuation() {
        let style = Style::builtin();
        let (mut shaper, h) = setup(&style);
        for width in (100..300).step_by(7) {
            let lines = set(&mut shaper, &[Inline::Text(TEXT.into())], &st(&h, width as f32));
            for l in &lines {
                let t = text_of(&shaper, l);
                assert!(!t.starts_with([':', '!', '?', ';', '»', '\u{a0}', '\u{202F}']), "{t}");
                assert!(!t.trim_end().ends_with('«'), "{t}");
            }
            // the last word is whole
            let last = text_of(&shaper, lines.last().unwrap());
            assert!(last.ends_with("contribuables."), "{last}");
        }
    }
}
