//! Markdown (pulldown-cmark events) to blocks and inlines.
//!
//! An explicit stack rather than recursion, so that deeply nested quotes and
//! lists cannot overflow the call stack.

use super::html::{self, HtmlTag};
use super::{Attrs, Block, CellAlign, Definition, Inline, Note};
use crate::manuscript::LoadError;
use crate::manuscript::xml_text;
use pulldown_cmark::{Alignment, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

/// One level-1 section of a file: its heading (if it opened with one), its
/// blocks and its footnotes.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub heading: Option<String>,
    /// The id written on that heading (`# Title {#a}`).
    pub heading_id: Option<String>,
    pub blocks: Vec<Block>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, Default)]
pub struct ParsedFile {
    pub sections: Vec<Section>,
    /// (line, message) for things dropped or doubtful.
    pub warnings: Vec<(usize, String)>,
    /// (line, destination) of each link into the manuscript, for messages
    /// about where it leads.
    pub links: Vec<(usize, String)>,
}

/// What an image reference resolves to: an asset index, or `None` for a
/// remote image that cannot be embedded (its alt text stands in).
pub type Resolver<'r> = dyn FnMut(&str, usize) -> Result<Option<usize>, LoadError> + 'r;

#[derive(Debug)]
enum Kind {
    Root,
    Para,
    Heading(u8, Attrs),
    Quote,
    List(Option<u64>),
    Item,
    Definitions,
    Term,
    Detail,
    Table(Vec<CellAlign>),
    TableHead,
    Row,
    Cell,
    Code(String),
    /// Raw HTML and the line it starts on.
    HtmlBlock(String, usize),
    Note(String),
    Emph,
    Strong,
    Strike,
    Sup,
    Sub,
    /// A `^…^` or `~…~` span with spaces inside, which pandoc reads as
    /// text (`[^a] and x^2^`: a stray `^` took the words up to the next):
    /// its text between the marks as typed.
    Typed(&'static str),
    Link(String),
    /// Its destination, title and line.
    Image(String, String, usize),
    /// An element opened by inline HTML (`<sup>`, `<em>`, ...), by tag name.
    Html(html::Element),
    /// A table cell or other container whose text we keep as a paragraph.
    Loose,
}

struct Frame {
    kind: Kind,
    blocks: Vec<Block>,
    inlines: Vec<Inline>,
    /// The title of the last image put in `inlines`: an image alone in
    /// its paragraph is a figure, and its title the caption.
    image_title: String,
}

impl Frame {
    fn new(kind: Kind) -> Frame {
        Frame { kind, blocks: Vec::new(), inlines: Vec::new(), image_title: String::new() }
    }
    /// Pending inline content becomes a paragraph before a block is added.
    fn flush(&mut self) {
        if self.inlines.iter().any(|i| !matches!(i, Inline::Text(t) if t.trim().is_empty())) {
            let content = finish_inlines(std::mem::take(&mut self.inlines));
            self.blocks.push(Block::Para { content, attrs: Attrs::default() });
        } else {
            self.inlines.clear();
        }
    }
    fn push_block(&mut self, b: Block) {
        self.flush();
        self.blocks.push(b);
    }
}

fn options() -> Options {
    Options::ENABLE_FOOTNOTES | Options::ENABLE_DEFINITION_LIST | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_SUPERSCRIPT | Options::ENABLE_SUBSCRIPT
}

/// Parse one file's normalised Markdown. `first_line` is the file line of the
/// text's first line, for messages.
pub fn parse_chapters(markdown: &str, first_line: usize, resolve: &mut Resolver<'_>) -> Result<ParsedFile, LoadError> {
    let line_starts: Vec<usize> = std::iter::once(0).chain(markdown.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let line_of = |off: usize| line_starts.partition_point(|&s| s <= off) + first_line - 1;

    let mut out = ParsedFile::default();
    let mut stack = vec![Frame::new(Kind::Root)];
    let mut note_labels: Vec<String> = Vec::new();
    // (each label's index in `note_labels`: a chapter may call thousands)
    let mut note_index: std::collections::HashMap<String, usize> = Default::default();
    // (id, line) of each heading's written id, to warn about one repeated
    let mut heading_ids: Vec<(String, usize)> = Vec::new();
    let mut note_defs: Vec<(String, Vec<Block>)> = Vec::new();
    // Inline elements and block containers opened past the nesting
    // limits, read as their content (their ends are skipped as they come:
    // the events nest).
    let mut flattened = 0usize;
    let mut flattened_blocks = 0usize;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        let off = range.start;
        let line = line_of(off);
        match event {
            Event::Start(tag) => {
                let kind = match tag {
                    Tag::Paragraph => Kind::Para,
                    Tag::Heading { level, id, classes, attrs } => {
                        let mut a = Attrs { id: id.map(|s| s.to_string()), classes: classes.iter().map(|c| c.to_string()).collect() };
                        // `{:.class}` reaches us as an attribute named ":.class".
                        for (k, _) in attrs {
                            absorb_ial(&mut a, &k);
                        }
                        if let Some(id) = &a.id {
                            match heading_ids.iter().find(|(i, _)| i == id) {
                                Some((_, first)) => out.warnings.push((line, format!("the id `{id}` is already the heading's at line {first}: this heading is given another, and links to `#{id}` go to the first (give each heading its own id)"))),
                                None => heading_ids.push((id.clone(), line)),
                            }
                        }
                        Kind::Heading(heading_level(level), a)
                    }
                    Tag::BlockQuote(_) => Kind::Quote,
                    Tag::CodeBlock(_) => Kind::Code(String::new()),
                    Tag::HtmlBlock => Kind::HtmlBlock(String::new(), line),
                    Tag::List(start) => Kind::List(start),
                    Tag::Item => Kind::Item,
                    Tag::DefinitionList => Kind::Definitions,
                    Tag::DefinitionListTitle => Kind::Term,
                    Tag::DefinitionListDefinition => Kind::Detail,
                    Tag::Table(aligns) => Kind::Table(
                        aligns
                            .iter()
                            .map(|a| match a {
                                Alignment::Center => CellAlign::Center,
                                Alignment::Right => CellAlign::Right,
                                Alignment::Left | Alignment::None => CellAlign::Left,
                            })
                            .collect(),
                    ),
                    Tag::TableHead => Kind::TableHead,
                    Tag::TableRow => Kind::Row,
                    Tag::TableCell => Kind::Cell,
                    Tag::FootnoteDefinition(label) => Kind::Note(label.to_string()),
                    Tag::Emphasis => Kind::Emph,
                    Tag::Strong => Kind::Strong,
                    Tag::Strikethrough => Kind::Strike,
                    Tag::Superscript | Tag::Subscript if markdown[range.clone()].contains(char::is_whitespace) => Kind::Typed(if tag == Tag::Superscript { "^" } else { "~" }),
                    Tag::Superscript => Kind::Sup,
                    Tag::Subscript => Kind::Sub,
                    // An address autolink (`<foo@bar.example>`) is a mail link.
                    Tag::Link { link_type: LinkType::Email, dest_url, .. } => Kind::Link(format!("mailto:{dest_url}")),
                    Tag::Link { dest_url, .. } => {
                        if !dest_url.contains(':') {
                            out.links.push((line, dest_url.to_string()));
                        }
                        Kind::Link(dest_url.to_string())
                    }
                    Tag::Image { dest_url, title, .. } => Kind::Image(dest_url.to_string(), title.to_string(), line),
                    _ => Kind::Loose,
                };
                if is_inline(&kind) && inline_depth(&stack) >= html::MAX_DEPTH {
                    flattened += 1;
                    continue;
                }
                if is_container(&kind) && (flattened_blocks > 0 || stack.iter().filter(|f| is_container(&f.kind)).count() >= MAX_BLOCK_DEPTH) {
                    flattened_blocks += 1;
                    continue;
                }
                stack.push(Frame::new(kind));
            }
            Event::End(end) if flattened > 0 && matches!(end, TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Superscript | TagEnd::Subscript | TagEnd::Link) => {
                flattened -= 1;
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item) if flattened_blocks > 0 => {
                flattened_blocks -= 1;
            }
            Event::End(end) => close(&mut stack, end, &mut out, &mut note_defs, resolve)?,
            // (Characters XML cannot hold go here, for both books: the
            // EPUB could not write them, the PDF drew them as boxes.)
            Event::Text(t) => {
                let top = stack.last_mut().expect("root frame");
                match &mut top.kind {
                    Kind::Code(s) | Kind::HtmlBlock(s, _) => s.push_str(&xml_text(t.to_string())),
                    _ => top.inlines.push(Inline::Text(xml_text(t.to_string()))),
                }
            }
            Event::Code(t) => top(&mut stack).inlines.push(Inline::Code(xml_text(t.to_string()))),
            Event::SoftBreak => top(&mut stack).inlines.push(Inline::Text("\n".into())),
            Event::HardBreak => top(&mut stack).inlines.push(Inline::LineBreak),
            Event::Rule => top(&mut stack).push_block(Block::SceneBreak),
            Event::FootnoteReference(label) => {
                let i = *note_index.entry(label.to_string()).or_insert_with(|| {
                    note_labels.push(label.to_string());
                    note_labels.len() - 1
                });
                top(&mut stack).inlines.push(Inline::NoteRef(i));
            }
            Event::Html(raw) => match &mut top(&mut stack).kind {
                Kind::HtmlBlock(s, _) => s.push_str(&raw),
                _ => inline_html(&mut stack, &raw, line, &mut out, resolve)?,
            },
            Event::InlineHtml(raw) => inline_html(&mut stack, &raw, line, &mut out, resolve)?,
            Event::TaskListMarker(done) => top(&mut stack).inlines.push(Inline::Text(if done { "☒ " } else { "☐ " }.into())),
            Event::InlineMath(t) | Event::DisplayMath(t) => top(&mut stack).inlines.push(Inline::Text(t.to_string())),
        }
    }
    while stack.len() > 1 {
        let f = stack.pop().expect("frame");
        attach(&mut stack, f, &mut out, &mut note_defs, resolve, 0)?;
    }
    let mut root = stack.pop().expect("root frame");
    root.flush();
    out.sections = split_sections(root.blocks, &note_labels, &note_defs);
    Ok(out)
}

/// How deep quotes and lists nest before deeper ones are read as their
/// content: what walks the book (both backends) never exhausts the stack.
const MAX_BLOCK_DEPTH: usize = 100;

/// Blocks that hold blocks and nest: quotes, lists and their items.
fn is_container(kind: &Kind) -> bool {
    matches!(kind, Kind::Quote | Kind::List(_) | Kind::Item)
}

/// Inline elements that nest: emphasis and the like, links, HTML's.
fn is_inline(kind: &Kind) -> bool {
    matches!(kind, Kind::Emph | Kind::Strong | Kind::Strike | Kind::Sup | Kind::Sub | Kind::Typed(_) | Kind::Link(_) | Kind::Html(_))
}

/// How many of them are open at the top of the stack. Past
/// [`html::MAX_DEPTH`] more are read as their text: the book's inlines
/// never nest so deep that walking them would exhaust the stack.
fn inline_depth(stack: &[Frame]) -> usize {
    stack.iter().rev().take_while(|f| is_inline(&f.kind)).count()
}

fn top(stack: &mut [Frame]) -> &mut Frame {
    stack.last_mut().expect("root frame")
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn end_matches(kind: &Kind, end: &TagEnd) -> bool {
    matches!(
        (kind, end),
        (Kind::Para, TagEnd::Paragraph)
            | (Kind::Heading(..), TagEnd::Heading(_))
            | (Kind::Quote, TagEnd::BlockQuote(_))
            | (Kind::Code(_), TagEnd::CodeBlock)
            | (Kind::HtmlBlock(..), TagEnd::HtmlBlock)
            | (Kind::List(_), TagEnd::List(_))
            | (Kind::Item, TagEnd::Item)
            | (Kind::Definitions, TagEnd::DefinitionList)
            | (Kind::Term, TagEnd::DefinitionListTitle)
            | (Kind::Detail, TagEnd::DefinitionListDefinition)
            | (Kind::Table(_), TagEnd::Table)
            | (Kind::TableHead, TagEnd::TableHead)
            | (Kind::Row, TagEnd::TableRow)
            | (Kind::Cell, TagEnd::TableCell)
            | (Kind::Note(_), TagEnd::FootnoteDefinition)
            | (Kind::Emph, TagEnd::Emphasis)
            | (Kind::Strong, TagEnd::Strong)
            | (Kind::Strike, TagEnd::Strikethrough)
            | (Kind::Sup, TagEnd::Superscript)
            | (Kind::Sub, TagEnd::Subscript)
            | (Kind::Typed("^"), TagEnd::Superscript)
            | (Kind::Typed("~"), TagEnd::Subscript)
            | (Kind::Link(_), TagEnd::Link)
            | (Kind::Image(..), TagEnd::Image)
    )
}

/// Close the frame `end` ends, closing any inline-HTML element left open
/// inside it (an unclosed `<sup>` must not swallow the rest of the book).
fn close(stack: &mut Vec<Frame>, end: TagEnd, out: &mut ParsedFile, defs: &mut Vec<(String, Vec<Block>)>, resolve: &mut Resolver<'_>) -> Result<(), LoadError> {
    let Some(depth) = stack.iter().rposition(|f| end_matches(&f.kind, &end)) else {
        // A container we do not model (table parts): its text stays inline.
        if stack.len() > 1 && matches!(stack.last().map(|f| &f.kind), Some(Kind::Loose)) {
            let f = stack.pop().expect("frame");
            let parent = top(stack);
            parent.inlines.extend(f.inlines);
            parent.inlines.push(Inline::Text(" ".into()));
            parent.blocks.extend(f.blocks);
        }
        return Ok(());
    };
    while stack.len() > depth {
        let f = stack.pop().expect("frame");
        attach(stack, f, out, defs, resolve, depth)?;
    }
    Ok(())
}

fn attach(stack: &mut [Frame], mut f: Frame, out: &mut ParsedFile, defs: &mut Vec<(String, Vec<Block>)>, resolve: &mut Resolver<'_>, _depth: usize) -> Result<(), LoadError> {
    let parent = top(stack);
    let inline = |c: Vec<Inline>| finish_inlines(c);
    let kind = std::mem::replace(&mut f.kind, Kind::Loose);
    match kind {
        Kind::Para => {
            merge_text(&mut f.inlines);
            let ial = take_trailing_ial(&mut f.inlines);
            let content = inline(f.inlines);
            if let Some(a) = ial.clone().filter(|_| content.is_empty()) {
                // A paragraph that is only `{:.class}` styles the block before it.
                if let Some(prev) = parent.blocks.last_mut() {
                    merge_attrs(prev, &a);
                }
                return Ok(());
            }
            let attrs = ial.unwrap_or_default();
            let block = match content.as_slice() {
                [Inline::Image { asset, alt }] => {
                    let caption = if f.image_title.trim().is_empty() { Vec::new() } else { vec![Inline::Text(f.image_title.trim().to_string())] };
                    Block::Figure { asset: *asset, alt: alt.clone(), caption }
                }
                _ if content.is_empty() => return Ok(()),
                _ => Block::Para { content, attrs },
            };
            parent.push_block(block);
        }
        Kind::Heading(level, attrs) => {
            let content = inline(f.inlines);
            // An empty heading (`##` alone) shows nothing, and readers of
            // the outline would meet a heading without words.
            let shows = |i: &Inline| matches!(i, Inline::Image { .. } | Inline::NoteRef(_));
            if !Inline::plain_text(&content).trim().is_empty() || content.iter().any(shows) {
                parent.push_block(Block::Heading { level, content, attrs });
            }
        }
        Kind::Quote => {
            f.flush();
            parent.push_block(Block::Quote(f.blocks));
        }
        // An IAL line right after an item is its list's (CommonMark reads
        // it as the item's last line; a loose item's paragraph took it).
        Kind::Item => {
            merge_text(&mut f.inlines);
            let attrs = take_trailing_ial(&mut f.inlines).unwrap_or_default();
            f.flush();
            parent.blocks.push(Block::List { start: None, items: vec![f.blocks], attrs });
        }
        Kind::List(start) => {
            f.flush();
            let mut attrs = Attrs::default();
            let items = f
                .blocks
                .into_iter()
                .flat_map(|b| match b {
                    Block::List { items, attrs: a, .. } => {
                        merge_into(&mut attrs, &a);
                        items
                    }
                    other => vec![vec![other]],
                })
                .collect();
            parent.push_block(Block::List { start, items, attrs });
        }
        // A term opens a definition; its details join the last one.
        // (The term is finished with its list: until then, its line breaks
        // tell a term from prose.)
        Kind::Term => {
            merge_text(&mut f.inlines);
            parent.blocks.push(Block::Definitions(vec![Definition { term: f.inlines, details: Vec::new() }]));
        }
        Kind::Detail => {
            f.flush();
            if let Some(Block::Definitions(defs)) = parent.blocks.last_mut() {
                if let Some(d) = defs.last_mut() {
                    d.details.push(f.blocks);
                    return Ok(());
                }
            }
            parent.blocks.push(Block::Definitions(vec![Definition { term: Vec::new(), details: vec![f.blocks] }]));
        }
        Kind::Definitions => {
            f.flush();
            let defs: Vec<Definition> = f
                .blocks
                .into_iter()
                .flat_map(|b| match b {
                    Block::Definitions(d) => d,
                    other => vec![Definition { term: Vec::new(), details: vec![vec![other]] }],
                })
                .collect();
            // A term of several lines, one the normaliser glued to the colon
            // with a no-break space or too long for a term, is prose whose
            // next line happens to open with `: `: the text, as it was.
            let prose = |d: &Definition| {
                d.term.iter().any(|i| matches!(i, Inline::Text(t) if t.contains('\n') || t.ends_with(['\u{a0}', '\u{202f}'])))
                    || !crate::normalise::could_be_term(&Inline::plain_text(&d.term))
            };
            let mut run = Vec::new();
            for d in defs {
                if prose(&d) {
                    if !run.is_empty() {
                        parent.push_block(Block::Definitions(std::mem::take(&mut run)));
                    }
                    prose_again(parent, d);
                } else {
                    run.push(Definition { term: inline(d.term), ..d });
                }
            }
            if !run.is_empty() {
                parent.push_block(Block::Definitions(run));
            }
        }
        // Cells gather in their row as paragraphs, rows in their table as
        // one-row tables, merged when the table ends.
        Kind::Cell => parent.blocks.push(Block::Para { content: inline(f.inlines), attrs: Attrs::default() }),
        Kind::TableHead | Kind::Row => {
            let cells: Vec<Vec<Inline>> = f.blocks.into_iter().map(|b| if let Block::Para { content, .. } = b { content } else { Vec::new() }).collect();
            let (head, rows) = if matches!(kind, Kind::TableHead) { (cells, Vec::new()) } else { (Vec::new(), vec![cells]) };
            parent.blocks.push(Block::Table { align: Vec::new(), head, rows, attrs: Attrs::default() });
        }
        Kind::Table(align) => {
            let (mut head, mut rows) = (Vec::new(), Vec::new());
            for b in f.blocks {
                if let Block::Table { head: h, rows: r, .. } = b {
                    if !h.is_empty() {
                        head = h;
                    }
                    rows.extend(r);
                }
            }
            // An IAL line right after the table is the table's (GFM reads it
            // as a last row of one cell).
            let ial = match rows.last().map(Vec::as_slice) {
                Some([first, rest @ ..]) if rest.iter().all(Vec::is_empty) => parse_ial(Inline::plain_text(first).trim()),
                _ => None,
            };
            if ial.is_some() {
                rows.pop();
            }
            parent.push_block(Block::Table { align, head, rows, attrs: ial.unwrap_or_default() });
        }
        Kind::Code(text) => parent.push_block(Block::Code { text }),
        Kind::HtmlBlock(raw, line) => {
            let mut warnings = Vec::new();
            let (blocks, dropped) = html::to_blocks(&raw, &mut |src, alt| image_or_alt(src, alt, line, resolve, &mut warnings))?;
            out.warnings.extend(warnings);
            if let Some(what) = dropped {
                out.warnings.push((line, format!("raw HTML {what} dropped (its text is kept)")));
            }
            for b in blocks {
                parent.push_block(b);
            }
        }
        Kind::Note(label) => {
            f.flush();
            defs.push((label, f.blocks));
        }
        Kind::Image(url, title, line) => {
            let alt = Inline::plain_text(&f.inlines);
            let image = image_or_alt(&url, &alt, line, resolve, &mut out.warnings)?;
            parent.inlines.push(image);
            parent.image_title = title;
        }
        Kind::Emph => parent.inlines.push(Inline::Emph(f.inlines)),
        Kind::Strong => parent.inlines.push(Inline::Strong(f.inlines)),
        Kind::Strike => parent.inlines.push(Inline::Strike(f.inlines)),
        Kind::Sup => parent.inlines.push(Inline::Sup(f.inlines)),
        Kind::Sub => parent.inlines.push(Inline::Sub(f.inlines)),
        Kind::Typed(mark) => {
            parent.inlines.push(Inline::Text(mark.into()));
            parent.inlines.extend(f.inlines);
            parent.inlines.push(Inline::Text(mark.into()));
        }
        Kind::Link(url) => parent.inlines.push(Inline::Link { url, content: super::without_links(f.inlines) }),
        Kind::Html(el) => parent.inlines.extend(html::wrap(el, f.inlines)),
        Kind::Loose => {
            parent.inlines.extend(f.inlines);
            parent.blocks.extend(f.blocks);
        }
        Kind::Root => unreachable!("the root frame is never attached"),
    }
    Ok(())
}

/// A definition read back as the paragraph it was: the term, then each
/// definition's first paragraph after `: ` on the next line.
fn prose_again(parent: &mut Frame, d: Definition) {
    let mut content = d.term;
    let mut rest = Vec::new();
    for detail in d.details {
        let mut blocks = detail.into_iter();
        match blocks.next() {
            Some(Block::Para { content: c, .. }) if rest.is_empty() => {
                content.push(Inline::Text("\n: ".into()));
                content.extend(c);
            }
            Some(b) => rest.push(b),
            None => {}
        }
        rest.extend(blocks);
    }
    parent.push_block(Block::Para { content: finish_inlines(content), attrs: Attrs::default() });
    for b in rest {
        parent.push_block(b);
    }
}

/// An image (Markdown's or an `<img>`): embedded, or its alt text for one
/// that cannot be (remote), with a warning.
fn image_or_alt(url: &str, alt: &str, line: usize, resolve: &mut Resolver<'_>, warnings: &mut Vec<(usize, String)>) -> Result<Inline, LoadError> {
    Ok(match resolve(url, line)? {
        Some(asset) => Inline::Image { asset, alt: alt.to_string() },
        None => {
            warnings.push((line, format!("remote image `{url}` cannot be embedded; its alt text stands in")));
            Inline::Text(alt.to_string())
        }
    })
}

/// Inline HTML: known formatting tags open and close elements, `<br>` breaks
/// the line, `<img>` is an image, anything else is dropped (its text, if
/// any, stays).
fn inline_html(stack: &mut Vec<Frame>, raw: &str, line: usize, out: &mut ParsedFile, resolve: &mut Resolver<'_>) -> Result<(), LoadError> {
    for tok in html::tokens(raw) {
        match tok {
            HtmlTag::Image { src, alt } => {
                let image = image_or_alt(&src, &alt, line, resolve, &mut out.warnings)?;
                top(stack).inlines.push(image);
            }
            // (a block element inside a paragraph: its text stays inline)
            HtmlTag::BlockOpen(_) | HtmlTag::BlockClose(_) | HtmlTag::ListStart(_) => {}
            // (nested deeper, inline HTML reads as text only: neither the
            // stack nor the book's inlines grow without end)
            HtmlTag::Open(el) => {
                if inline_depth(stack) < html::MAX_DEPTH {
                    stack.push(Frame::new(Kind::Html(el)));
                }
            }
            HtmlTag::Close(name) => {
                if let Some(depth) = stack.iter().rposition(|f| matches!(&f.kind, Kind::Html(el) if el.tag == name)) {
                    // Only close if no markdown container sits above it.
                    if stack[depth + 1..].iter().all(|f| matches!(f.kind, Kind::Html(_))) {
                        while stack.len() > depth {
                            let f = stack.pop().expect("frame");
                            if let Kind::Html(el) = f.kind {
                                top(stack).inlines.extend(html::wrap(el, f.inlines));
                            }
                        }
                    }
                }
            }
            HtmlTag::Break => top(stack).inlines.push(Inline::LineBreak),
            HtmlTag::Text(t) => top(stack).inlines.push(Inline::Text(t)),
            HtmlTag::Dropped(what) => out.warnings.push((line, format!("raw HTML {what} dropped"))),
        }
    }
    Ok(())
}

/// Merge adjacent text, turn soft breaks into spaces, trim paragraph ends.
pub(super) fn finish_inlines(v: Vec<Inline>) -> Vec<Inline> {
    let mut out = soft_breaks(v);
    // Only the paragraph's own ends are trimmed: inside emphasis a space is text.
    if let Some(Inline::Text(t)) = out.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline::Text(t)) = out.last_mut() {
        *t = t.trim_end().to_string();
    }
    out.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
    out
}

/// Soft breaks become spaces, at every depth; adjacent text is joined. A
/// break after a no-break space is none: the normaliser glued the lines
/// (`ça\u{202f}⏎?`, a French space before punctuation opening a line).
fn soft_breaks(mut v: Vec<Inline>) -> Vec<Inline> {
    merge_text(&mut v);
    let mut out: Vec<Inline> = v
        .into_iter()
        .map(|i| match i {
            Inline::Text(t) => Inline::Text(t.replace("\u{a0}\n", "\u{a0}").replace("\u{202f}\n", "\u{202f}").replace('\n', " ")),
            Inline::Emph(c) => Inline::Emph(soft_breaks(c)),
            Inline::Strong(c) => Inline::Strong(soft_breaks(c)),
            Inline::Strike(c) => Inline::Strike(soft_breaks(c)),
            Inline::Sup(c) => Inline::Sup(soft_breaks(c)),
            Inline::Sub(c) => Inline::Sub(soft_breaks(c)),
            Inline::Link { url, content } => Inline::Link { url, content: soft_breaks(content) },
            other => other,
        })
        .collect();
    merge_text(&mut out);
    out
}

/// Join adjacent text inlines (pulldown-cmark splits text at soft breaks).
fn merge_text(v: &mut Vec<Inline>) {
    let mut out: Vec<Inline> = Vec::with_capacity(v.len());
    for i in v.drain(..) {
        match (out.last_mut(), i) {
            (Some(Inline::Text(a)), Inline::Text(b)) => a.push_str(&b),
            (_, i) => out.push(i),
        }
    }
    *v = out;
}

/// A kramdown inline attribute list: `{:.a #b}`, `{: .a}`, `{.a}`.
pub fn parse_ial(s: &str) -> Option<Attrs> {
    let inner = s.trim().strip_prefix('{')?.strip_suffix('}')?;
    let inner = inner.strip_prefix(':').unwrap_or(inner);
    let mut a = Attrs::default();
    let mut any = false;
    for tok in ial_tokens(inner)? {
        // `key="value"` (`lang="fr"`): an attribute neither book uses,
        // taken so that the list is no text.
        let pair = tok.split_once('=').is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        if !pair && !absorb_ial(&mut a, tok) {
            return None;
        }
        any = true;
    }
    any.then_some(a)
}

/// An IAL's tokens, split at spaces outside quotes; `None` if a quote is
/// left open.
fn ial_tokens(s: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    let (mut start, mut quote) = (None, None);
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => {
                quote = Some(c);
                start.get_or_insert(i);
            }
            (None, c) if c.is_whitespace() => {
                if let Some(st) = start.take() {
                    out.push(&s[st..i]);
                }
            }
            (None, _) => {
                start.get_or_insert(i);
            }
        }
    }
    if quote.is_some() {
        return None;
    }
    out.extend(start.map(|st| &s[st..]));
    Some(out)
}

/// Add `.class` or `#id` (with an optional leading `:`) to `a`.
fn absorb_ial(a: &mut Attrs, tok: &str) -> bool {
    let tok = tok.trim_start_matches(':');
    let valid = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if let Some(c) = tok.strip_prefix('.').filter(|c| valid(c)) {
        a.classes.push(c.to_string());
        true
    } else if let Some(id) = tok.strip_prefix('#').filter(|c| valid(c)) {
        a.id = Some(id.to_string());
        true
    } else {
        false
    }
}

/// A paragraph whose last line is an IAL (`text\n{:.x}`) gives it attributes.
fn take_trailing_ial(v: &mut [Inline]) -> Option<Attrs> {
    let n = v.len();
    let Some(Inline::Text(t)) = v.last_mut() else { return None };
    let start = t.rfind('\n').map_or(0, |i| i + 1);
    if start == 0 && n > 1 {
        return None;
    }
    let a = parse_ial(&t[start..])?;
    t.truncate(start);
    Some(a)
}

fn merge_attrs(b: &mut Block, a: &Attrs) {
    if let Some(attrs) = b.attrs_mut() {
        merge_into(attrs, a);
    }
}

fn merge_into(attrs: &mut Attrs, a: &Attrs) {
    attrs.classes.extend(a.classes.iter().cloned());
    if a.id.is_some() {
        attrs.id = a.id.clone();
    }
}

/// Split a file's blocks at level-1 headings; give each section the notes it
/// calls, renumbered in order of first call.
fn split_sections(blocks: Vec<Block>, labels: &[String], defs: &[(String, Vec<Block>)]) -> Vec<Section> {
    let mut sections = vec![Section::default()];
    for b in blocks {
        match b {
            Block::Heading { level: 1, content, attrs } => {
                let cur = sections.last().expect("one section");
                let title = Inline::plain_text(&content);
                if cur.heading.is_none() && cur.blocks.iter().all(|b| !matches!(b, Block::Heading { .. })) && sections.len() == 1 {
                    sections[0].heading = Some(title);
                    sections[0].heading_id = attrs.id;
                } else {
                    sections.push(Section { heading: Some(title), heading_id: attrs.id, ..Default::default() });
                }
            }
            b => sections.last_mut().expect("one section").blocks.push(b),
        }
    }
    // (the first definition of each label, found at once)
    let mut defined: std::collections::HashMap<&str, &[Block]> = Default::default();
    for (l, b) in defs {
        defined.entry(l.as_str()).or_insert(b.as_slice());
    }
    for s in &mut sections {
        let mut order = Order::default();
        renumber_blocks(&mut s.blocks, &mut order);
        let mut i = 0;
        while i < order.labels.len() {
            let label = &labels[order.labels[i]];
            let mut blocks = defined.get(label.as_str()).map(|b| b.to_vec()).unwrap_or_default();
            renumber_blocks(&mut blocks, &mut order);
            s.notes.push(Note { label: label.clone(), blocks });
            i += 1;
        }
    }
    sections
}

/// The notes of a section in order of first call: the labels' indices,
/// and each one's number.
#[derive(Default)]
struct Order {
    labels: Vec<usize>,
    number: std::collections::HashMap<usize, usize>,
}

/// Each note call numbered in order of first call, wherever it is (a
/// table's cell, a definition, a quote).
fn renumber_blocks(blocks: &mut [Block], order: &mut Order) {
    let mut number = |i: &mut Inline| {
        if let Inline::NoteRef(n) = i {
            *n = *order.number.entry(*n).or_insert_with(|| {
                order.labels.push(*n);
                order.labels.len() - 1
            });
        }
    };
    super::visit_mut(blocks, &mut number, &mut |_| {});
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(md: &str) -> ParsedFile {
        parse_chapters(md, 1, &mut |_, _| Ok(Some(0))).unwrap()
    }

    #[test]
    fn heading_with_kramdown_class() {
        let p = parse("#### Histoire 1 {:.text-center}\n\nTexte.\n");
        match &p.sections[0].blocks[0] {
            Block::Heading { level: 4, attrs, content } => {
                assert_eq!(attrs.classes, vec!["text-center"]);
                assert_eq!(Inline::plain_text(content), "Histoire 1");
            }
            b => panic!("{b:?}"),
        }
    }

    #[test]
    fn ial_lines_after_lists_and_tables_are_theirs() {
        let p = parse("- un\n- deux\n{: .a}\n\n| x | y |\n|---|---|\n| 1 | 2 |\n{: #t .b}\n\n1. un\n2. deux\n{: #l}\n");
        let b = &p.sections[0].blocks;
        let Block::List { items, attrs, .. } = &b[0] else { panic!("{b:?}") };
        assert_eq!((Block::plain_text(&items[1][0]).as_str(), attrs.classes.as_slice()), ("deux", ["a".to_string()].as_slice()));
        let Block::Table { rows, attrs, .. } = &b[1] else { panic!("{b:?}") };
        assert_eq!((rows.len(), attrs.id.as_deref(), attrs.classes.as_slice()), (1, Some("t"), ["b".to_string()].as_slice()));
        assert!(matches!(&b[2], Block::List { start: Some(1), attrs, .. } if attrs.id.as_deref() == Some("l")), "{:?}", b[2]);
        // Not an IAL: the text stays.
        let p = parse("- un {: x\n\n| x |\n|---|\n| {: .a} b |\n");
        assert_eq!(p.sections[0].blocks.iter().map(Block::plain_text).collect::<Vec<_>>(), ["un {: x", "x {: .a} b"]);
    }

    #[test]
    fn spans_with_spaces_between_carets_or_tildes_stay_text() {
        let p = parse("Voir [^a] puis 2^10^ et ~c d~ mais ^e^ et ~f~.\n");
        let Block::Para { content, .. } = &p.sections[0].blocks[0] else { panic!() };
        assert_eq!(Inline::plain_text(content), "Voir [^a] puis 2^10^ et ~c d~ mais e et f.");
        assert_eq!(content.iter().filter(|i| matches!(i, Inline::Sup(_) | Inline::Sub(_))).count(), 2, "{content:?}");
    }

    #[test]
    fn characters_xml_cannot_hold_leave_the_text() {
        let p = parse("A\u{1}B\u{1b} `c\u{2}d`\n\n```\nx\u{7}y\n```\n");
        let plain: Vec<String> = p.sections[0].blocks.iter().map(Block::plain_text).collect();
        assert_eq!(plain, ["AB cd", "xy\n"]);
    }

    #[test]
    fn ial_with_key_values() {
        let a = parse_ial("{: #p1 lang=\"fr\" title='a b' .x}").unwrap();
        assert_eq!((a.id.as_deref(), a.classes.clone()), (Some("p1"), vec!["x".to_string()]));
        assert!(parse_ial("{: title=\"open}").is_none());
        assert!(parse_ial("{: not an ial}").is_none());
        let p = parse("Para\n{: #p1 lang=\"fr\"}\n");
        match &p.sections[0].blocks[0] {
            Block::Para { content, attrs } => assert_eq!((Inline::plain_text(content).as_str(), attrs.id.as_deref()), ("Para", Some("p1"))),
            b => panic!("{b:?}"),
        }
    }

    /// An empty heading shows nothing and is left out (a level-1 one splits
    /// no chapter); one of a mark or a note call stays. A written id on a
    /// level-1 heading is the chapter's; one written twice is warned about.
    #[test]
    fn empty_headings_are_left_out_and_ids_kept() {
        let p = parse("# A {#a}\n\nText.\n\n##\n\n#\n\n## *\n\n### B {#b}\n\n### C {#b}\n");
        assert_eq!((p.sections.len(), p.sections[0].heading_id.as_deref()), (1, Some("a")));
        let headings: Vec<String> = p.sections[0].blocks.iter().filter_map(|b| if let Block::Heading { content, .. } = b { Some(Inline::plain_text(content)) } else { None }).collect();
        assert_eq!(headings, ["*", "B", "C"]);
        assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
        assert!(p.warnings[0].0 == 13 && p.warnings[0].1.contains("the id `b` is already the heading's at line 11"), "{:?}", p.warnings);
    }

    /// A note called from a table's cell or a definition is the chapter's
    /// like any other (it was lost, its call leading nowhere).
    #[test]
    fn notes_called_from_tables_and_definitions() {
        let p = parse("| A | B |\n|---|---|\n| x[^t] | y |\n\nTerme\n: sens[^d]\n\n[^t]: Dans le tableau.\n[^d]: Dans la définition.\n");
        let notes: Vec<String> = p.sections[0].notes.iter().map(|n| n.label.clone()).collect();
        assert_eq!(notes, ["t", "d"]);
    }

    #[test]
    fn definition_lists() {
        let p = parse("Terme\n: Un sens.\n: Un autre.\n\n*Mot*\n: Sens\n\n    sur deux paragraphes.\n\nTexte.\n");
        let b = &p.sections[0].blocks;
        let text = |v: &[Inline]| Inline::plain_text(v);
        let Block::Definitions(defs) = &b[0] else { panic!("{b:?}") };
        assert_eq!(defs.iter().map(|d| (text(&d.term), d.details.len())).collect::<Vec<_>>(), [("Terme".to_string(), 2), ("Mot".to_string(), 1)]);
        assert!(matches!(defs[1].term.as_slice(), [Inline::Emph(_)]));
        assert_eq!(defs[1].details[0].len(), 2, "{:?}", defs[1].details);
        assert!(matches!(&b[1], Block::Para { content, .. } if text(content) == "Texte."));
    }

    #[test]
    fn prose_opening_a_line_with_a_colon_is_no_definition() {
        let p = parse("Elle était mal à\nl'aise, c'était différent\u{a0}\n: elle l'était partout.\n\nSuite ça\u{202f}\n? Oui.\n\nUne technique bien rôdée\u{a0}\n: assommer un garde.\n\nTerme\n: sens\n");
        let b = &p.sections[0].blocks;
        let texts: Vec<String> = b.iter().map(|b| match b { Block::Para { content, .. } => Inline::plain_text(content), other => format!("{other:?}") }).collect();
        assert_eq!(texts[..3], ["Elle était mal à l'aise, c'était différent\u{a0}: elle l'était partout.", "Suite ça\u{202f}? Oui.", "Une technique bien rôdée\u{a0}: assommer un garde."]);
        assert!(matches!(&b[3], Block::Definitions(d) if d.len() == 1), "{:?}", b[3]);
    }

    #[test]
    fn tables() {
        let p = parse("| A | *B* | C |\n|:--|--:|:-:|\n| 1 | 2 |\n| x | y | z |\n\nAprès.\n");
        let b = &p.sections[0].blocks;
        let Block::Table { align, head, rows, .. } = &b[0] else { panic!("{b:?}") };
        assert_eq!(align, &[CellAlign::Left, CellAlign::Right, CellAlign::Center]);
        assert_eq!(head.iter().map(|c| Inline::plain_text(c)).collect::<Vec<_>>(), ["A", "B", "C"]);
        assert!(matches!(head[1].as_slice(), [Inline::Emph(_)]));
        let cells: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| Inline::plain_text(c)).collect()).collect();
        assert_eq!(cells, [vec!["1", "2", ""], vec!["x", "y", "z"]]);
        assert!(matches!(&b[1], Block::Para { .. }));
    }

    #[test]
    fn ial_paragraph_styles_previous_block() {
        let p = parse("Un paragraphe.\n\n{:.text-center}\n\nSuite.\n");
        assert_eq!(p.sections[0].blocks.len(), 2);
        assert!(matches!(&p.sections[0].blocks[0], Block::Para { attrs, .. } if attrs.has_class("text-center")));
    }

    #[test]
    fn trailing_ial_line_styles_its_paragraph() {
        let p = parse("Un paragraphe\n{: .text-center #x}\n");
        match &p.sections[0].blocks[0] {
            Block::Para { attrs, content } => {
                assert_eq!(attrs.classes, vec!["text-center"]);
                assert_eq!(attrs.id.as_deref(), Some("x"));
                assert_eq!(Inline::plain_text(content), "Un paragraphe");
            }
            b => panic!("{b:?}"),
        }
    }

    #[test]
    fn splits_at_level_one_headings() {
        let p = parse("Avant.\n\n# Un\n\nA\n\n# Deux\n\nB\n");
        assert_eq!(p.sections.len(), 2);
        assert_eq!(p.sections[0].heading.as_deref(), Some("Un"));
        assert_eq!(p.sections[0].blocks.len(), 2);
        assert_eq!(p.sections[1].heading.as_deref(), Some("Deux"));
    }

    #[test]
    fn footnotes_are_numbered_per_section() {
        let p = parse("# A\n\nx[^n]\n\n# B\n\ny[^m] z[^n]\n\n[^n]: note N\n[^m]: note M\n");
        assert_eq!(p.sections[1].notes.len(), 2);
        assert_eq!(p.sections[1].notes[0].label, "m");
        assert_eq!(p.sections[0].notes[0].label, "n");
    }

    #[test]
    fn script_never_passes_and_unclosed_tags_close() {
        let p = parse("Texte <sup>1 et <script>alert(1)</script> fin\n\n<div onclick=\"x()\">bloc &amp; <b>gras</div>\n");
        let dbg = format!("{:?}", p.sections[0].blocks);
        assert!(!dbg.contains("alert"), "{dbg}");
        assert!(!dbg.contains("onclick"), "{dbg}");
        assert!(dbg.contains("bloc & "), "{dbg}");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let md = ">".repeat(5000) + " deep\n";
        let p = parse(&md);
        assert_eq!(p.sections.len(), 1);
    }

    #[test]
    fn scene_breaks() {
        let p = parse("A\n\n* * *\n\nB\n\n***\n\nC\n");
        assert_eq!(p.sections[0].blocks.iter().filter(|b| matches!(b, Block::SceneBreak)).count(), 2);
    }
}
