//! Chapter objects: the plain data both backends render. Built from the
//! normalised Markdown of each source; a backend never sees Markdown.

mod assets;
mod html;
mod parse;

pub use assets::{media_type, pixel_size, Asset};
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
    List { start: Option<u64>, items: Vec<Vec<Block>> },
    Code { text: String },
    /// `***` or `* * *` between scenes.
    SceneBreak,
    /// An image alone in its paragraph. `asset` indexes `Book::assets`.
    Figure { asset: usize, alt: String },
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

impl Inline {
    /// The text a reader sees, without markup.
    pub fn plain_text(inlines: &[Inline]) -> String {
        let mut s = String::new();
        fn walk(v: &[Inline], s: &mut String) {
            for i in v {
                match i {
                    Inline::Text(t) | Inline::Code(t) => s.push_str(t),
                    Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) | Inline::Sup(c) | Inline::Sub(c) => walk(c, s),
                    Inline::Link { content, .. } => walk(content, s),
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
