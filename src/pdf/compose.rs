//! A chapter's blocks → one vertical flow of lines and spaces (and the
//! chapter's footnotes, set apart), ready to be cut into pages.

use super::hyphenate::Hyphenator;
use super::image::{self, Embedded};
use super::para::{Line, ParaStyle, Paragraph, Piece};
use super::shape::Shaper;
use crate::book::{Asset, Attrs, Block, CellAlign, Chapter, Inline};
use crate::style::{Align, Face, HeadingStyle, Style};

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// Space between a list marker and its item's text, in em.
const MARKER_GAP: f32 = 0.5;

/// Drawn when the font cannot draw the sheet's ornament.
const FALLBACK_ORNAMENT: &str = "*\u{a0}*\u{a0}*";

/// Something stacked in the text block.
#[derive(Debug, Clone)]
pub enum VItem {
    Line(FlowLine),
    /// An image (index into the book's assets), its box from the text
    /// block's left edge; kept on the page of the line after it
    /// (`with_next`: its caption's first).
    Figure {
        asset: usize,
        x: f32,
        width: f32,
        height: f32,
        with_next: bool,
    },
    /// Vertical space; `discardable` spaces vanish at the top of a page.
    Space {
        height: f32,
        discardable: bool,
    },
    /// A horizontal rule (a table's) across the middle of its height, from
    /// the text block's left edge; it stays on the page of the line after
    /// it (`with_next`) or before it.
    Rule {
        x: f32,
        width: f32,
        thickness: f32,
        height: f32,
        with_next: bool,
    },
}

impl VItem {
    pub fn height(&self) -> f32 {
        match self {
            VItem::Line(l) => l.leading,
            VItem::Space { height, .. } | VItem::Figure { height, .. } | VItem::Rule { height, .. } => *height,
        }
    }
}

#[derive(Debug, Clone)]
pub struct FlowLine {
    pub line: Line,
    /// From the text block's left edge.
    pub x: f32,
    /// Baseline to baseline.
    pub leading: f32,
    /// The line's font size (to place the baseline).
    pub size: f32,
    /// The paragraph it belongs to (unique in the chapter), its place in it
    /// and its line count: what widow and orphan rules look at.
    pub para: u32,
    pub index: u32,
    pub count: u32,
    /// A heading line: never last on a page.
    pub keep_with_next: bool,
}

impl FlowLine {
    pub fn baseline(&self) -> f32 {
        baseline(self.leading, self.size)
    }
}

/// From the top of a line's slot to its baseline: the slot is centred on the
/// x-height band, so lines of any leading sit evenly.
pub fn baseline(leading: f32, size: f32) -> f32 {
    leading * 0.5 + size * HALF_X_HEIGHT
}

/// Half the x-height of a book face, in em (Vollkorn's is 0.46 em; most text
/// faces fall within 0.4–0.5 em): a baseline this far below the slot's middle
/// centres the lowercase letters in it.
const HALF_X_HEIGHT: f32 = 0.23;

pub struct Flow {
    pub items: Vec<VItem>,
    /// Each footnote's lines, in chapter order.
    pub notes: Vec<Vec<VItem>>,
    /// The tables with a head, to repeat it on each page their body runs on to.
    pub tables: Vec<TableHead>,
    /// Each element with an id (headings, paragraphs), where it starts: at
    /// the first line at or after this item, for links to land on.
    pub anchors: Vec<(Box<str>, usize)>,
}

/// A table's head (its top rule, head lines and the rule under them) and
/// the items of its body rows.
pub struct TableHead {
    pub body: std::ops::Range<usize>,
    pub head: Vec<VItem>,
}

impl Flow {
    /// The head to repeat above a page that starts at `start`: one inside
    /// a table's body, past its first row (which follows its head).
    pub fn head_at(&self, start: usize) -> Option<&[VItem]> {
        self.tables.iter().find(|t| t.body.start < start && start < t.body.end).map(|t| t.head.as_slice())
    }
}

/// Where a block sits and how its text looks.
#[derive(Clone, Copy)]
struct Ctx {
    left: f32,
    width: f32,
    size: f32,
    leading: f32,
    face: Face,
}

/// Time spent in each step of setting chapters: the composer times the two
/// interleaved steps of setting paragraphs, whoever paginates adds theirs.
#[derive(Debug, Default, Clone, Copy)]
pub struct Times {
    /// Shaping and hyphenating words into boxes, glue and penalties.
    pub shaping: Duration,
    /// Choosing the breaks and placing each line's pieces.
    pub breaking: Duration,
    pub pagination: Duration,
    /// Placing and painting pages, as soon as each chapter is paginated.
    pub painting: Duration,
}

impl std::ops::AddAssign for Times {
    fn add_assign(&mut self, t: Times) {
        self.shaping += t.shaping;
        self.breaking += t.breaking;
        self.pagination += t.pagination;
        self.painting += t.painting;
    }
}

pub struct Composer<'s, 'a> {
    pub shaper: &'s mut Shaper<'a>,
    style: &'a Style,
    /// Hyphenation by language: none when the sheet turns it off, the
    /// warning to repeat in each chapter when the language has no patterns.
    dicts: HashMap<String, Result<Option<Hyphenator>, String>>,
    /// The warnings of the chapter being set (each chapter has all its own,
    /// so that chapters set on several composers merge in any order).
    pub warnings: Vec<String>,
    /// Characters of the chapter being set that the fonts lack.
    missing: std::collections::BTreeSet<char>,
    para_id: u32,
    assets: &'a [Asset],
    /// The images figures use, embedded once each.
    pub images: BTreeMap<usize, Embedded>,
    /// Tallest a figure may be: the text block's height.
    max_figure_height: f32,
    /// Reused from paragraph to paragraph.
    paragraph: Paragraph,
    /// The heads of the tables set so far in the chapter's flow.
    tables: Vec<TableHead>,
    /// The ids set so far in the chapter's flow.
    anchors: Vec<(Box<str>, usize)>,
    pub times: Times,
}

impl<'s, 'a> Composer<'s, 'a> {
    pub fn new(shaper: &'s mut Shaper<'a>, style: &'a Style, assets: &'a [Asset], max_figure_height: f32) -> Self {
        Composer {
            shaper,
            style,
            dicts: HashMap::new(),
            warnings: Vec::new(),
            missing: Default::default(),
            para_id: 0,
            assets,
            images: BTreeMap::new(),
            max_figure_height,
            paragraph: Paragraph::default(),
            tables: Vec::new(),
            anchors: Vec::new(),
            times: Times::default(),
        }
    }

    fn warn(&mut self, msg: String) {
        if !self.warnings.contains(&msg) {
            self.warnings.push(msg);
        }
    }

    pub fn measure(&self) -> f32 {
        let p = &self.style.sheet.page;
        let em = self.style.em();
        p.width.pt(em) - p.margin_inner.pt(em) - p.margin_outer.pt(em)
    }

    fn body_ctx(&self) -> Ctx {
        let b = &self.style.sheet.body;
        let em = self.style.em();
        Ctx { left: 0.0, width: self.measure(), size: em, leading: b.leading.pt(em), face: Face::Regular }
    }

    /// Leading for text of `size`: the body's ratio.
    fn leading_for(&self, size: f32) -> f32 {
        let em = self.style.em();
        size * self.style.sheet.body.leading.pt(em) / em
    }

    fn load_dict(&mut self, lang: &str) {
        if !self.dicts.contains_key(lang) {
            let dict = super::hyphenate::for_language(&self.style.sheet.body, lang);
            self.dicts.insert(lang.to_string(), dict);
            if crate::manuscript::right_to_left(lang) {
                self.warn(format!("text in `{lang}` is set left to right, its letters in reverse: the PDF has no right-to-left layout yet (the EPUB has)"));
            }
        }
        if let Some(Err(e)) = self.dicts.get(lang) {
            self.warn(e.clone());
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn set_lines(
        &mut self,
        out: &mut Vec<VItem>,
        content: &[Inline],
        ctx: Ctx,
        indent: f32,
        align: Align,
        hyphenate: Option<&str>,
        keep: bool,
    ) {
        let lines = self.lines_of(content, ctx, indent, align, hyphenate);
        self.push_paragraph(out, lines, &ctx, keep);
    }

    /// The lines `content` breaks into in `ctx`.
    fn lines_of(&mut self, content: &[Inline], ctx: Ctx, indent: f32, align: Align, hyphenate: Option<&str>) -> Vec<Line> {
        let sheet = &self.style.sheet;
        let hyph = hyphenate.and_then(|l| self.dicts.get(l)).and_then(|d| d.as_ref().ok()).and_then(|d| d.as_ref());
        let st = ParaStyle {
            face: ctx.face,
            size: ctx.size,
            width: ctx.width,
            indent,
            align,
            hyphenator: hyph,
            soft_hyphens: hyphenate.is_some(),
            sup_scale: sheet.superscript.scale,
            sup_rise: sheet.superscript.rise,
        };
        let t0 = Instant::now();
        self.paragraph.build(self.shaper, content, &st);
        self.missing.extend(self.paragraph.missing.drain(..));
        let t1 = Instant::now();
        let lines = self.paragraph.lines(&st);
        self.times.shaping += t1 - t0;
        self.times.breaking += t1.elapsed();
        lines
    }

    /// A table: columns as wide as their widest cell; when they do not fit,
    /// each keeps its longest word and shares the rest of the measure in
    /// proportion to what it lacks (as browsers lay out tables); each row
    /// set as one paragraph whose
    /// lines hold every cell's line of the same rank, kept on one page; the
    /// head in bold, kept with the first row and repeated on each page the
    /// body runs on to; rules above and below, and under the head
    /// (as typeset tables have them, no vertical ones).
    fn table(&mut self, out: &mut Vec<VItem>, align: &[CellAlign], head: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>], ctx: Ctx) {
        let cols = rows.iter().map(Vec::len).chain([head.len()]).max().unwrap_or(0);
        if cols == 0 {
            return;
        }
        let bold = Ctx { face: Face::new(ctx.face.is_italic(), true), ..ctx };
        // The space between columns: an em, less when many columns would
        // give it over a quarter of the measure.
        let gap = if cols > 1 { ctx.size.min(ctx.width / 4.0 / (cols - 1) as f32) } else { ctx.size };
        let all_rows = || std::iter::once((head, bold)).filter(|(h, _)| !h.is_empty()).chain(rows.iter().map(|r| (r.as_slice(), ctx)));
        // Each column's widest line unbroken, and its longest word.
        let (mut most, mut least) = (vec![ctx.size; cols], vec![ctx.size; cols]);
        for (row, c) in all_rows() {
            for (i, cell) in row.iter().enumerate() {
                let widest = |lines: Vec<Line>| lines.iter().map(|l| l.width).fold(0.0, f32::max);
                most[i] = most[i].max(widest(self.lines_of(cell, Ctx { width: 1.0e6, ..c }, 0.0, Align::Left, None)));
                // (Words split at breakable spaces only: `2\u{202f}000` is one.)
                for word in Inline::plain_text(cell).split(|ch: char| ch.is_ascii_whitespace()).filter(|w| !w.is_empty()) {
                    least[i] = least[i].max(widest(self.lines_of(&[Inline::Text(word.to_string())], Ctx { width: 1.0e6, ..c }, 0.0, Align::Left, None)));
                }
            }
        }
        let room = ctx.width - gap * (cols - 1) as f32;
        // Too many columns for their longest words: the table is set
        // smaller (to half size at most), rather than break words at any
        // letter or run off the page.
        let scale = (room / least.iter().sum::<f32>()).clamp(0.5, 1.0);
        let small = |c: Ctx| Ctx { size: c.size * scale, leading: c.leading * scale, ..c };
        let (bold, ctx) = (small(bold), small(ctx));
        most.iter_mut().chain(least.iter_mut()).for_each(|w| *w *= scale);
        let all_rows = || std::iter::once((head, bold)).filter(|(h, _)| !h.is_empty()).chain(rows.iter().map(|r| (r.as_slice(), ctx)));
        let (sum_most, sum_least): (f32, f32) = (most.iter().sum(), least.iter().sum());
        let widths: Vec<f32> = if sum_most <= room {
            most
        } else if sum_least < room {
            let share = (room - sum_least) / (sum_most - sum_least);
            least.iter().zip(&most).map(|(l, m)| l + (m - l) * share).collect()
        } else {
            least.iter().map(|l| l / sum_least * room).collect()
        };
        let table_width = widths.iter().sum::<f32>() + gap * (cols - 1) as f32;
        let mut x = (ctx.width - table_width).max(0.0) / 2.0;
        let lefts: Vec<f32> = widths.iter().map(|w| {
            let at = x;
            x += w + gap;
            at
        }).collect();
        let space = self.style.sheet.blockquote.space.pt(self.style.em());
        let thickness = self.style.sheet.footnotes.rule_thickness.pt(self.style.em());
        let rule = |with_next| VItem::Rule { x: ctx.left + lefts[0], width: table_width.min(ctx.width), thickness, height: ctx.leading / 2.0, with_next };
        out.push(VItem::Space { height: space, discardable: true });
        let top = out.len();
        out.push(rule(true));
        let mut body = out.len();
        for (r, (row, c)) in all_rows().enumerate() {
            let is_head = r == 0 && !head.is_empty();
            let cells: Vec<Vec<Line>> = (0..cols)
                .map(|i| {
                    let a = match align.get(i) {
                        Some(CellAlign::Center) => Align::Center,
                        Some(CellAlign::Right) => Align::Right,
                        _ => Align::Left,
                    };
                    let content = row.get(i).map_or(&[][..], Vec::as_slice);
                    self.lines_of(content, Ctx { width: widths[i], ..c }, 0.0, a, None)
                })
                .collect();
            let count = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
            let merged = (0..count)
                .map(|k| {
                    let mut line = Line::default();
                    for (i, lines) in cells.iter().enumerate() {
                        if let Some(l) = lines.get(k) {
                            line.append(l, lefts[i]);
                            line.width = line.width.max(lefts[i] + l.width);
                        }
                    }
                    line
                })
                .collect();
            self.push_paragraph(out, merged, &c, is_head);
            // A row is never split across pages (unless taller than a page,
            // which the paginator then cuts where it must).
            let end = out.len() - 1;
            for item in &mut out[end + 1 - count..end] {
                if let VItem::Line(l) = item {
                    l.keep_with_next = true;
                }
            }
            if is_head {
                out.push(rule(true));
                body = out.len();
            }
        }
        if !head.is_empty() {
            self.tables.push(TableHead { body: body..out.len(), head: out[top..body].to_vec() });
        }
        out.push(rule(false));
        out.push(VItem::Space { height: space, discardable: true });
    }

    /// The lines of one paragraph, numbered for the widow and orphan rules.
    fn push_paragraph(&mut self, out: &mut Vec<VItem>, lines: Vec<Line>, ctx: &Ctx, keep: bool) {
        self.para_id += 1;
        let count = lines.len() as u32;
        for (i, line) in lines.into_iter().enumerate() {
            out.push(VItem::Line(FlowLine {
                line,
                x: ctx.left,
                leading: ctx.leading,
                size: ctx.size,
                para: self.para_id,
                index: i as u32,
                count,
                keep_with_next: keep,
            }));
        }
    }

    fn heading(&mut self, out: &mut Vec<VItem>, content: &[Inline], hs: &HeadingStyle, first: bool) {
        let em = self.style.em();
        let size = hs.size.pt(em);
        let ctx = Ctx { size, leading: self.leading_for(size), face: Face::new(hs.italic, hs.bold), ..self.body_ctx() };
        out.push(VItem::Space { height: hs.space_before.pt(em), discardable: !first });
        self.set_lines(out, content, ctx, 0.0, hs.align, None, true);
        out.push(VItem::Space { height: hs.space_after.pt(em), discardable: false });
    }

    /// A figure's size scaled to fit the measure and the text block, once
    /// its image is embedded; `None` (with a warning) if it cannot be.
    fn figure_size(&mut self, asset: usize, alt: &str, measure: f32, max_height: f32) -> Option<(f32, f32)> {
        if !self.images.contains_key(&asset) {
            let Some(a) = self.assets.get(asset) else {
                self.warn(format!("figure \"{alt}\": no such image; skipped"));
                return None;
            };
            match image::embed(&a.bytes) {
                Ok(e) => {
                    self.images.insert(asset, e);
                }
                Err(why) => {
                    let kind = a.media_type.trim_start_matches("image/").trim_end_matches("+xml").to_uppercase();
                    self.warn(format!("figure \"{alt}\" ({kind}) is not in the PDF: {why}; its alt text and caption stand for it"));
                    return None;
                }
            }
        }
        let e = self.images.get(&asset)?;
        if e.width == 0 || e.height == 0 {
            return None;
        }
        let ratio = e.height as f32 / e.width as f32;
        // As the EPUB shows it: a pixel is a CSS pixel (0.75 pt), never
        // wider than the measure nor taller than the page allows (a small
        // picture is not blown up into a blur).
        let natural = e.width as f32 * 0.75;
        let width = measure.min(natural).min(max_height / ratio);
        Some((width, width * ratio))
    }

    /// Hangs a list marker in the indent, left of the first line set from
    /// `from` on, so that the item's lines align with each other.
    fn hang(&mut self, out: &mut Vec<VItem>, from: usize, marker: &str, ctx: Ctx) {
        let id = self.shaper.shape(ctx.face, marker);
        let n = self.shaper.word(id).glyphs.len();
        let width = self.shaper.pt(ctx.face, self.shaper.units(id, 0, n), ctx.size);
        let gap = ctx.size * MARKER_GAP;
        let piece = Piece {
            x: -(width + gap),
            face: ctx.face,
            size: ctx.size,
            rise: 0.0,
            word: id,
            from: 0,
            to: n as u32,
            hyphen: false,
            space_after: false,
            link: 0,
        };
        match out[from..].iter_mut().find_map(|i| match i {
            VItem::Line(l) => Some(l),
            _ => None,
        }) {
            Some(l) => l.line.pieces.insert(0, piece),
            None => {
                let line = Line { pieces: vec![piece], ..Line::default() };
                self.push_paragraph(out, vec![line], &ctx, false);
            }
        }
    }

    pub fn chapter(&mut self, ch: &Chapter) -> Flow {
        self.load_dict(&ch.lang);
        let mut items = Vec::new();
        let title = vec![Inline::Text(ch.title.clone())];
        let hs = self.style.sheet.headings.chapter.clone();
        self.heading(&mut items, &title, &hs, true);
        let ctx = self.body_ctx();
        self.tables.clear();
        self.anchors.clear();
        self.blocks(&mut items, &ch.blocks, ctx, &ch.lang, true);
        let tables = std::mem::take(&mut self.tables);
        let anchors = std::mem::take(&mut self.anchors);
        if let Some(VItem::Line(l)) = items.iter_mut().rev().find(|i| matches!(i, VItem::Line(_))) {
            l.keep_with_next = false;
        }
        let mut notes = Vec::with_capacity(ch.notes.len());
        let em = self.style.em();
        let fs = &self.style.sheet.footnotes;
        let nctx = Ctx { size: fs.size.pt(em), leading: fs.leading.pt(em), ..self.body_ctx() };
        for (i, note) in ch.notes.iter().enumerate() {
            let mut lines = Vec::new();
            let mut blocks = note.blocks.clone();
            // the note's number opens its first paragraph
            let mark = vec![Inline::Sup(vec![Inline::Text((i + 1).to_string())]), Inline::Text(" ".into())];
            match blocks.first_mut() {
                Some(Block::Para { content, .. }) => {
                    content.splice(0..0, mark);
                }
                _ => blocks.insert(0, Block::Para { content: mark, attrs: Attrs::default() }),
            };
            self.blocks(&mut lines, &blocks, nctx, &ch.lang, true);
            notes.push(lines);
        }
        // (A table in a note stays on its page: nothing to repeat; a link
        // lands on the note's call, not its id.)
        self.tables.clear();
        self.anchors.clear();
        if !self.missing.is_empty() {
            let missing = std::mem::take(&mut self.missing);
            // (a control character is named, not sent to the terminal)
            let shown: String = missing
                .iter()
                .take(12)
                .map(|&c| if c.is_control() { format!("U+{:04X} ", c as u32) } else { format!("{c} ") })
                .collect();
            let more = if missing.len() > 12 { "… " } else { "" };
            self.warn(format!(
                "“{}”: the fonts have no glyph for {}{more}({} characters): they print as empty boxes; set fonts that have them in the style sheet (`fonts:`)",
                ch.title,
                shown,
                missing.len()
            ));
        }
        Flow { items, notes, tables, anchors }
    }

    /// Sets blocks; `fresh` is true where a paragraph takes no indent (after a
    /// heading, a scene break, at the start).
    fn blocks(&mut self, out: &mut Vec<VItem>, blocks: &[Block], ctx: Ctx, lang: &str, mut fresh: bool) {
        let style = self.style;
        let sheet = &style.sheet;
        let em = style.em();
        for block in blocks {
            if let Some(id) = block.attrs().and_then(|a| a.id.as_deref()) {
                self.anchors.push((id.into(), out.len()));
            }
            match block {
                Block::Heading { level, content, .. } => {
                    self.heading(out, content, sheet.headings.level(*level), false);
                    fresh = true;
                }
                Block::Para { content, attrs } => {
                    let mut align = sheet.body.align;
                    let mut indent = if fresh { 0.0 } else { sheet.body.indent.pt(em) };
                    let mut c = ctx;
                    for class in &attrs.classes {
                        if let Some(cs) = sheet.classes.get(class) {
                            if let Some(a) = cs.align {
                                align = a;
                            }
                            if let Some(i) = cs.indent {
                                indent = i.pt(em);
                            }
                            if let Some(it) = cs.italic {
                                c.face = Face::new(it, c.face.is_bold());
                            }
                        }
                    }
                    let space = sheet.body.paragraph_spacing.pt(em);
                    if space > 0.0 && !fresh {
                        out.push(VItem::Space { height: space, discardable: true });
                    }
                    let hyph = (align == Align::Justify).then_some(lang);
                    self.set_lines(out, content, c, indent, align, hyph, false);
                    fresh = false;
                }
                Block::Quote(inner) => {
                    let size = sheet.blockquote.size.pt(em);
                    let ind = sheet.blockquote.indent.pt(em);
                    let c = Ctx {
                        left: ctx.left + ind,
                        width: (ctx.width - 2.0 * ind).max(ctx.width / 3.0),
                        size,
                        leading: self.leading_for(size),
                        ..ctx
                    };
                    let space = sheet.blockquote.space.pt(em);
                    out.push(VItem::Space { height: space, discardable: true });
                    self.blocks(out, inner, c, lang, true);
                    out.push(VItem::Space { height: space, discardable: true });
                    fresh = false;
                }
                Block::List { start, items, .. } => {
                    let ind = sheet.lists.indent.pt(em);
                    let c = Ctx { left: ctx.left + ind, width: (ctx.width - ind).max(ctx.width / 3.0), ..ctx };
                    let space = sheet.blockquote.space.pt(em);
                    out.push(VItem::Space { height: space, discardable: true });
                    for (k, item) in items.iter().enumerate() {
                        let marker = match start {
                            Some(s) => format!("{}.", s + k as u64),
                            None => sheet.lists.bullet.clone(),
                        };
                        let first = out.len();
                        self.blocks(out, item, c, lang, true);
                        self.hang(out, first, &marker, c);
                    }
                    out.push(VItem::Space { height: space, discardable: true });
                    fresh = false;
                }
                Block::Table { align, head, rows, .. } => {
                    self.table(out, align, head, rows, ctx);
                    fresh = false;
                }
                Block::Definitions(defs) => {
                    // The term in bold, kept with its first definition; the
                    // definitions indented like list items.
                    let ind = sheet.lists.indent.pt(em);
                    let inner = Ctx { left: ctx.left + ind, width: (ctx.width - ind).max(ctx.width / 3.0), ..ctx };
                    let space = sheet.blockquote.space.pt(em);
                    out.push(VItem::Space { height: space, discardable: true });
                    for (k, d) in defs.iter().enumerate() {
                        if k > 0 {
                            out.push(VItem::Space { height: space / 2.0, discardable: true });
                        }
                        let term = Ctx { face: Face::new(ctx.face.is_italic(), true), ..ctx };
                        self.set_lines(out, &d.term, term, 0.0, Align::Left, None, true);
                        for detail in &d.details {
                            self.blocks(out, detail, inner, lang, true);
                        }
                    }
                    out.push(VItem::Space { height: space, discardable: true });
                    fresh = false;
                }
                Block::Code { text } => {
                    for l in text.lines() {
                        let content = vec![Inline::Text(l.replace(' ', "\u{a0}"))];
                        self.set_lines(out, &content, ctx, 0.0, Align::Left, None, false);
                    }
                    fresh = false;
                }
                Block::SceneBreak => {
                    let space = sheet.scene_break.space.pt(em);
                    out.push(VItem::Space { height: space, discardable: true });
                    let mut ornament = sheet.scene_break.ornament.clone();
                    if !self.shaper.covers(ctx.face, &ornament) {
                        self.warn(format!(
                            "the font has no glyph for the scene-break ornament `{ornament}`: using `{FALLBACK_ORNAMENT}`"
                        ));
                        ornament = FALLBACK_ORNAMENT.into();
                    }
                    let content = vec![Inline::Text(ornament)];
                    // the ornament announces what follows: never last on a page
                    self.set_lines(out, &content, ctx, 0.0, Align::Center, None, true);
                    out.push(VItem::Space { height: space, discardable: true });
                    fresh = true;
                }
                Block::Figure { asset, alt, caption } => {
                    // The caption centred under the image, on its page: the
                    // image leaves it room.
                    let c = &sheet.captions;
                    let size = c.size.pt(em);
                    let cap = Ctx { size, leading: self.leading_for(size), face: Face::new(c.italic, ctx.face.is_bold()), ..ctx };
                    let lines = if caption.is_empty() { Vec::new() } else { self.lines_of(caption, cap, 0.0, Align::Center, None) };
                    // (and half a line between them, as the EPUB's margin)
                    let gap = if lines.is_empty() { 0.0 } else { size / 2.0 };
                    let room = self.max_figure_height - lines.len() as f32 * cap.leading - gap;
                    if let Some((width, height)) = self.figure_size(*asset, alt, ctx.width, room) {
                        let space = sheet.blockquote.space.pt(em);
                        out.push(VItem::Space { height: space, discardable: true });
                        let x = ctx.left + (ctx.width - width) / 2.0;
                        out.push(VItem::Figure { asset: *asset, x, width, height, with_next: !lines.is_empty() });
                        if gap > 0.0 {
                            out.push(VItem::Space { height: gap, discardable: false });
                        }
                        self.push_paragraph(out, lines, &cap, false);
                        out.push(VItem::Space { height: space, discardable: true });
                        fresh = true;
                    } else {
                        // No image: its alt text stands for it, then the
                        // caption, so that no words are lost.
                        let space = sheet.blockquote.space.pt(em);
                        out.push(VItem::Space { height: space, discardable: true });
                        if !alt.trim().is_empty() {
                            let alt_lines = self.lines_of(&[Inline::Text(format!("[{}]", alt.trim()))], cap, 0.0, Align::Center, None);
                            self.push_paragraph(out, alt_lines, &cap, false);
                        }
                        self.push_paragraph(out, lines, &cap, false);
                        out.push(VItem::Space { height: space, discardable: true });
                        fresh = true;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line of a table row but its last is kept with the next: a row
    /// never splits across pages; the last line of a body row may end one.
    #[test]
    fn a_table_row_is_kept_whole() {
        let style = Style::builtin();
        let mut shaper = Shaper::new(&style).unwrap();
        let mut c = Composer::new(&mut shaper, &style, &[], 500.0);
        let text = |s: &str| vec![Inline::Text(s.into())];
        let long = "une remarque bien trop longue pour tenir sur une seule ligne de sa colonne, qui passe donc à la ligne plusieurs fois";
        let rows = vec![vec![text("Lyon"), text(long)], vec![text("Paris"), text("capitale")]];
        let mut out = Vec::new();
        let ctx = c.body_ctx();
        c.table(&mut out, &[CellAlign::Left, CellAlign::Left], &[text("Ville"), text("Remarque")], &rows, ctx);
        let lines: Vec<&FlowLine> = out.iter().filter_map(|i| if let VItem::Line(l) = i { Some(l) } else { None }).collect();
        let lyon: Vec<&&FlowLine> = lines.iter().filter(|l| l.para == lines[1].para).collect();
        assert!(lyon.len() >= 2, "the long remark wraps: {}", lyon.len());
        assert!(lyon[..lyon.len() - 1].iter().all(|l| l.keep_with_next) && !lyon[lyon.len() - 1].keep_with_next);
        assert!(lines[0].keep_with_next, "the head stays with the first row");
        assert!(!lines.last().unwrap().keep_with_next);
    }
}
