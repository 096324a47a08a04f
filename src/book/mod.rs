//! Chapter objects: the plain data both backends render. Built from the
//! normalised Markdown of each source; a backend never sees Markdown.

pub mod anchors;
mod assets;
mod html;
mod parse;

pub use assets::{extension, is_complete, media_type, pixel_size, Asset};
pub use parse::{parse_chapters, ParsedFile};

/// A book ready for the backends.
#[derive(Debug, Clone)]
pub struct Book {
    pub meta: crate::manuscript::BookMeta,
    pub chapters: Vec<Chapter>,
    /// Images the chapters refer to, each once.
    pub assets: Vec<Asset>,
    pub cover: Option<Asset>,
}

#[derive(Debug, Clone)]
pub struct Chapter {
    /// Stable id, also the EPUB file stem: `ch001`.
    pub id: String,
    pub title: String,
    /// The id written on the heading that gave the title (`# Title {#a}`):
    /// a link to it goes to the chapter's start.
    pub title_id: Option<String>,
    /// BCP 47 language of the chapter (front matter `lang`, else the book's).
    pub lang: String,
    /// `YYYY-MM-DD`, when the front matter has a date.
    pub date: Option<String>,
    pub draft: bool,
    /// The file it came from, relative to the manuscript folder.
    pub source: String,
    pub blocks: Vec<Block>,
    /// Footnotes in order of first call; `Inline::NoteRef(i)` points here.
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attrs {
    pub id: Option<String>,
    pub classes: Vec<String>,
}

impl Attrs {
    pub fn has_class(&self, c: &str) -> bool {
        self.classes.iter().any(|x| x == c)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading inside a chapter (level 2 to 6; level 1 opens chapters).
    Heading { level: u8, content: Vec<Inline>, attrs: Attrs },
    Para { content: Vec<Inline>, attrs: Attrs },
    Quote(Vec<Block>),
    List { start: Option<u64>, items: Vec<Vec<Block>>, attrs: Attrs },
    Code { text: String },
    /// `***` or `* * *` between scenes.
    SceneBreak,
    /// An image alone in its paragraph. `asset` indexes `Book::assets`;
    /// `caption` (empty if none): its Markdown title, or an HTML
    /// `<figcaption>`.
    Figure { asset: usize, alt: String, caption: Vec<Inline> },
    /// A definition list (kramdown's `Term` then `: definition`).
    Definitions(Vec<Definition>),
    /// A table (pipes): each column's alignment, the head row, the body
    /// rows; a row is its cells' inline content.
    Table { align: Vec<CellAlign>, head: Vec<Vec<Inline>>, rows: Vec<Vec<Vec<Inline>>>, attrs: Attrs },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CellAlign {
    #[default]
    Left,
    Center,
    Right,
}

/// A term and its definitions, each a run of blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    pub term: Vec<Inline>,
    pub details: Vec<Vec<Block>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Emph(Vec<Inline>),
    Strong(Vec<Inline>),
    Strike(Vec<Inline>),
    Sup(Vec<Inline>),
    Sub(Vec<Inline>),
    Code(String),
    Link { url: String, content: Vec<Inline> },
    /// A link to a chapter of the book (its index in `Book::chapters`, and
    /// its id), at its start or at the element of id `anchor`: a link to a
    /// file of the manuscript, or to a heading (`#part`, `b.md#part`).
    XRef { chapter: usize, id: String, anchor: Option<String>, content: Vec<Inline> },
    /// An image inside running text.
    Image { asset: usize, alt: String },
    /// A footnote call: index into `Chapter::notes`.
    NoteRef(usize),
    LineBreak,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub label: String,
    pub blocks: Vec<Block>,
}

/// A heading of a chapter's own text, for tables of contents and bookmarks.
#[derive(Debug, Clone, PartialEq)]
pub struct Section<'c> {
    pub level: u8,
    pub title: String,
    /// Its id (every heading has one once the book is made).
    pub id: &'c str,
}

/// The deepest heading level an outline shows (a chapter is level 1): the
/// EPUB's table of contents and the PDF's bookmarks.
const OUTLINE_DEPTH: u8 = 3;

impl Chapter {
    /// The chapter's headings of levels 2 and 3, in order (not those inside
    /// a quote or a list: they are no part of its outline).
    pub fn sections(&self) -> Vec<Section<'_>> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { level, content, attrs: Attrs { id: Some(id), .. } } if *level <= OUTLINE_DEPTH => {
                    Some(Section { level: *level, title: Inline::plain_text(content).trim().to_string(), id })
                }
                _ => None,
            })
            .filter(|s| !s.title.is_empty())
            .collect()
    }
}

/// Calls `f` on every block of `blocks`, then on the blocks inside it (a
/// quote's, a list item's, a definition's), as `f` left them.
pub fn visit_blocks_mut(blocks: &mut [Block], f: &mut dyn FnMut(&mut Block)) {
    for b in blocks {
        f(b);
        match b {
            Block::Quote(inner) => visit_blocks_mut(inner, f),
            Block::List { items, .. } => items.iter_mut().for_each(|item| visit_blocks_mut(item, f)),
            Block::Definitions(defs) => defs.iter_mut().flat_map(|d| d.details.iter_mut()).for_each(|b| visit_blocks_mut(b, f)),
            Block::Heading { .. } | Block::Para { .. } | Block::Code { .. } | Block::SceneBreak | Block::Figure { .. } | Block::Table { .. } => {}
        }
    }
}

/// Calls `inline` on every inline of `blocks` (then on those inside it,
/// as it left them) and `figure` on every figure's image.
pub fn visit_mut(blocks: &mut [Block], inline: &mut dyn FnMut(&mut Inline), figure: &mut dyn FnMut(&mut usize)) {
    fn inlines(v: &mut [Inline], f: &mut dyn FnMut(&mut Inline)) {
        for i in v {
            f(i);
            match i {
                Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) | Inline::Sup(c) | Inline::Sub(c) => inlines(c, f),
                Inline::Link { content: c, .. } | Inline::XRef { content: c, .. } => inlines(c, f),
                Inline::Text(_) | Inline::Code(_) | Inline::Image { .. } | Inline::NoteRef(_) | Inline::LineBreak => {}
            }
        }
    }
    visit_blocks_mut(blocks, &mut |b| match b {
        Block::Figure { asset, caption, .. } => {
            figure(asset);
            inlines(caption, inline);
        }
        Block::Heading { content, .. } | Block::Para { content, .. } => inlines(content, inline),
        Block::Definitions(defs) => defs.iter_mut().for_each(|d| inlines(&mut d.term, inline)),
        Block::Table { head, rows, .. } => std::iter::once(head).chain(rows.iter_mut()).flatten().for_each(|cell| inlines(cell, inline)),
        Block::Quote(_) | Block::List { .. } | Block::Code { .. } | Block::SceneBreak => {}
    });
}

/// Points every image at `map[its index]`: a file's own image numbers
/// become the book's.
pub fn renumber_assets(blocks: &mut [Block], map: &[usize]) {
    let mut inline = |i: &mut Inline| {
        if let Inline::Image { asset, .. } = i {
            *asset = map[*asset];
        }
    };
    visit_mut(blocks, &mut inline, &mut |asset| *asset = map[*asset]);
}

/// Whether a link's `url` goes to the web or a mail address, which both
/// books keep (a link into the manuscript is an [`Inline::XRef`] or leads
/// nowhere in the book; `javascript:` and the like are never kept).
pub fn is_web_link(url: &str) -> bool {
    ["http://", "https://", "mailto:"].iter().any(|p| url.get(..p.len()).is_some_and(|u| u.eq_ignore_ascii_case(p)))
}

/// A web or mail link's `url` as both books write it: what a URL cannot
/// hold percent-encoded (a space, `"`, `<`, `\`, `{`, `|`, a `[` outside an
/// IPv6 host, a second `#`, a `%` that starts no escape), so that EPUBCheck
/// takes it. A valid URL comes back as it was; other characters than
/// ASCII stay (an IRI).
pub fn web_href(url: &str) -> std::borrow::Cow<'_, str> {
    let b = url.as_bytes();
    // The host (after `//`, up to `/ ? #`) may hold an IPv6 address's brackets.
    let host = url.find("://").map_or(0..0, |s| {
        let from = s + 3;
        from..url[from..].find(['/', '?', '#']).map_or(url.len(), |e| from + e)
    });
    let hex = |i: usize| b.get(i).is_some_and(u8::is_ascii_hexdigit);
    let mut fragment = false;
    let mut out: Option<String> = None;
    for (i, c) in url.char_indices() {
        let bad = match c {
            '%' => !(hex(i + 1) && hex(i + 2)),
            '#' => std::mem::replace(&mut fragment, true),
            '[' | ']' => !host.contains(&i),
            ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' | '\u{7f}' => true,
            c => c.is_ascii_control(),
        };
        if bad {
            let s = out.get_or_insert_with(|| url[..i].to_string());
            s.push_str(&format!("%{:02X}", c as u32));
        } else if let Some(s) = &mut out {
            s.push(c);
        }
    }
    out.map_or(std::borrow::Cow::Borrowed(url), std::borrow::Cow::Owned)
}

/// A link's content without the links inside it (kept as their words): a
/// link inside a link is invalid HTML, and the outer one is the author's.
pub fn without_links(content: Vec<Inline>) -> Vec<Inline> {
    let mut out = Vec::with_capacity(content.len());
    for i in content {
        match i {
            Inline::Link { content, .. } | Inline::XRef { content, .. } => out.extend(without_links(content)),
            Inline::Emph(c) => out.push(Inline::Emph(without_links(c))),
            Inline::Strong(c) => out.push(Inline::Strong(without_links(c))),
            Inline::Strike(c) => out.push(Inline::Strike(without_links(c))),
            Inline::Sup(c) => out.push(Inline::Sup(without_links(c))),
            Inline::Sub(c) => out.push(Inline::Sub(without_links(c))),
            i => out.push(i),
        }
    }
    out
}

impl Block {
    /// The id and classes of a block that can have them (a kramdown IAL
    /// gives them: `{: #id .class}`).
    pub fn attrs(&self) -> Option<&Attrs> {
        match self {
            Block::Heading { attrs, .. } | Block::Para { attrs, .. } | Block::List { attrs, .. } | Block::Table { attrs, .. } => Some(attrs),
            _ => None,
        }
    }

    pub fn attrs_mut(&mut self) -> Option<&mut Attrs> {
        match self {
            Block::Heading { attrs, .. } | Block::Para { attrs, .. } | Block::List { attrs, .. } | Block::Table { attrs, .. } => Some(attrs),
            _ => None,
        }
    }

    /// The text a reader sees, without markup; its parts joined by spaces.
    pub fn plain_text(&self) -> String {
        let all = |v: &[Block]| v.iter().map(Block::plain_text).filter(|t| !t.is_empty()).collect::<Vec<_>>().join(" ");
        match self {
            Block::Heading { content, .. } | Block::Para { content, .. } => Inline::plain_text(content),
            Block::Quote(v) => all(v),
            Block::List { items, .. } => items.iter().map(|i| all(i)).collect::<Vec<_>>().join(" "),
            Block::Code { text } => text.clone(),
            Block::SceneBreak => String::new(),
            Block::Figure { alt, caption, .. } if caption.is_empty() => alt.clone(),
            Block::Figure { alt, caption, .. } => format!("{alt} {}", Inline::plain_text(caption)),
            Block::Definitions(defs) => defs.iter().map(|d| format!("{} {}", Inline::plain_text(&d.term), d.details.iter().map(|b| all(b)).collect::<Vec<_>>().join(" "))).collect::<Vec<_>>().join(" "),
            Block::Table { head, rows, .. } => std::iter::once(head).chain(rows).flatten().map(|c| Inline::plain_text(c)).collect::<Vec<_>>().join(" "),
        }
    }
}

impl Inline {
    /// The text a reader sees, without markup.
    pub fn plain_text(inlines: &[Inline]) -> String {
        let mut s = String::new();
        fn walk(v: &[Inline], s: &mut String) {
            for i in v {
                match i {
                    Inline::Text(t) | Inline::Code(t) => s.push_str(t),
                    Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) | Inline::Sup(c) | Inline::Sub(c) => walk(c, s),
                    Inline::Link { content, .. } | Inline::XRef { content, .. } => walk(content, s),
                    Inline::Image { alt, .. } => s.push_str(alt),
                    Inline::NoteRef(_) => {}
                    Inline::LineBreak => s.push(' '),
                }
            }
        }
        walk(inlines, &mut s);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_hrefs_are_valid_urls() {
        for ok in ["http://x.org/a?b=1&c=%C3%A9#top", "http://[::1]:80/x", "http://ex.com/é?q=ü", "mailto:a@b.c"] {
            assert!(matches!(web_href(ok), std::borrow::Cow::Borrowed(_)), "{ok} left as it is");
        }
        for (bad, good) in [
            ("http://x.org/a b", "http://x.org/a%20b"),
            ("http://x.org/a[b]", "http://x.org/a%5Bb%5D"),
            ("http://x.org/a\"b", "http://x.org/a%22b"),
            ("http://x.org/%zz", "http://x.org/%25zz"),
            ("http://x.org/a%", "http://x.org/a%25"),
            ("http://x.org/#a#b", "http://x.org/#a%23b"),
            ("http://x.org/a|b\\c{d}^e`f<g>", "http://x.org/a%7Cb%5Cc%7Bd%7D%5Ee%60f%3Cg%3E"),
            ("http://[::1]/[x]", "http://[::1]/%5Bx%5D"),
        ] {
            assert_eq!(web_href(bad), good);
        }
    }

    #[test]
    fn links_inside_links_become_their_words() {
        let t = |s: &str| Inline::Text(s.into());
        let inner = Inline::Emph(vec![t("x "), Inline::Link { url: "http://y.org".into(), content: vec![t("y")] }]);
        assert_eq!(without_links(vec![inner, t(" z")]), vec![Inline::Emph(vec![t("x "), t("y")]), t(" z")]);
    }

    #[test]
    fn renumbering_reaches_nested_images() {
        let img = |asset| Inline::Image { asset, alt: String::new() };
        let mut blocks = vec![
            Block::Figure { asset: 0, alt: String::new(), caption: Vec::new() },
            Block::Quote(vec![Block::Para { content: vec![Inline::Emph(vec![Inline::Link { url: "u".into(), content: vec![img(1)] }])], attrs: Attrs::default() }]),
            Block::List { start: None, items: vec![vec![Block::Heading { level: 2, content: vec![img(0)], attrs: Attrs::default() }]], attrs: Attrs::default() },
        ];
        renumber_assets(&mut blocks, &[7, 3]);
        let mut seen = Vec::new();
        fn walk(v: &[Inline], seen: &mut Vec<usize>) {
            for i in v {
                match i {
                    Inline::Image { asset, .. } => seen.push(*asset),
                    Inline::Emph(c) | Inline::Link { content: c, .. } => walk(c, seen),
                    _ => {}
                }
            }
        }
        for b in &blocks {
            match b {
                Block::Figure { asset, .. } => seen.push(*asset),
                Block::Quote(q) => q.iter().for_each(|b| if let Block::Para { content, .. } = b { walk(content, &mut seen) }),
                Block::List { items, .. } => items[0].iter().for_each(|b| if let Block::Heading { content, .. } = b { walk(content, &mut seen) }),
                _ => {}
            }
        }
        assert_eq!(seen, vec![7, 3, 7]);
    }
}
