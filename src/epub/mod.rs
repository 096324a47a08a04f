//! The EPUB 3 backend: chapter objects and the style sheet in, the bytes of
//! an `.epub` out. epub-builder assembles the package; `package` then makes
//! it reproducible and fixes what epub-builder gets wrong.

mod css;
mod package;
pub mod xhtml;

use crate::book::{Book, Chapter};
use crate::style::{Face, Style};
use epub_builder::{EpubBuilder, EpubContent, EpubVersion, MetadataOpfV3, ReferenceType, TocElement, ZipLibrary};
use std::fmt;

pub use css::stylesheet;

#[derive(Debug)]
pub struct EpubError(pub String);

impl fmt::Display for EpubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EPUB: {}", self.0)
    }
}

impl std::error::Error for EpubError {}

impl From<epub_builder::Error> for EpubError {
    fn from(e: epub_builder::Error) -> Self {
        EpubError(e.to_string())
    }
}

/// What the EPUB needs besides the book and the style.
#[derive(Debug, Clone)]
pub struct EpubOptions {
    /// Unix time of the build (`SOURCE_DATE_EPOCH`): `dcterms:modified` and
    /// every zip entry's timestamp.
    pub modified: i64,
    /// The version of folio, for the `generator` meta.
    pub generator: String,
}

/// Labels in the book's language for the pages folio adds.
struct Labels {
    contents: &'static str,
    cover: &'static str,
    title_page: &'static str,
    landmarks: &'static str,
    version: &'static str,
}

fn labels(lang: &str) -> Labels {
    if lang.starts_with("fr") {
        Labels { contents: "Table des matières", cover: "Couverture", title_page: "Page de titre", landmarks: "Repères", version: "Version" }
    } else {
        Labels { contents: "Contents", cover: "Cover", title_page: "Title page", landmarks: "Landmarks", version: "Version" }
    }
}

/// Build the EPUB in memory.
pub fn write(book: &Book, style: &Style, opts: &EpubOptions) -> Result<Vec<u8>, EpubError> {
    let meta = &book.meta;
    let lang = meta.language.as_str();
    let l = labels(lang);
    let mut b = EpubBuilder::new(ZipLibrary::new()?)?;
    b.epub_version(EpubVersion::V33);
    b.metadata("title", meta.title.clone())?;
    if let Some(a) = &meta.author {
        b.metadata("author", a.clone())?;
    }
    b.metadata("lang", lang)?;
    // Pages turn the other way in a book written right to left.
    if crate::manuscript::right_to_left(lang) {
        b.metadata("direction", "rtl")?;
    }
    b.metadata("generator", opts.generator.clone())?;
    b.metadata("toc_name", l.contents)?;
    if let Some(d) = &meta.description {
        b.metadata("description", d.clone())?;
    }
    if let Some(s) = &meta.subject {
        b.metadata("subject", s.clone())?;
    }
    if let Some(r) = &meta.license {
        b.metadata("license", r.clone())?;
    }
    b.set_uuid(identifier_uuid(book));
    let modified = chrono::DateTime::from_timestamp(opts.modified, 0).ok_or_else(|| EpubError(format!("SOURCE_DATE_EPOCH {} is out of range", opts.modified)))?;
    b.set_modified_date(modified);
    if let Some(date) = meta.date.as_deref().and_then(parse_day) {
        b.set_publication_date(date);
    }
    if let Some(v) = &meta.version {
        b.add_metadata_opf(Box::new(MetadataOpfV3::new("schema:version".into(), xhtml::escape(v))));
    }
    for (property, content) in accessibility(book) {
        b.add_metadata_opf(Box::new(MetadataOpfV3::new(property.to_string(), xhtml::escape(&content))));
    }

    let faces = css::faces_used(book, style);
    b.stylesheet(css::stylesheet(style, &faces).as_bytes())?;
    // Fonts and chapters are most of the book's bytes: epub-builder only
    // lists them (an empty entry); they are made and deflated on every core
    // (the built-in fonts were deflated at compile time), each chapter's
    // XHTML dropped once deflated.
    let hrefs: Vec<String> = book.assets.iter().map(|a| a.href.clone()).collect();
    let jobs: Vec<Bulk> = faces.iter().map(|&f| Bulk::Font(f)).chain(book.chapters.iter().map(Bulk::Chapter)).collect();
    let packed = crate::parallel::map_with(&jobs, || package::Packer::new(opts.modified), |packer, job| match *job {
        Bulk::Font(face) => {
            let font = style.font(face);
            packer.pack(format!("OEBPS/{}", css::font_href(style, face)), &font.bytes, package::FONT_COMPRESSION, font.deflated)
        }
        Bulk::Chapter(c) => {
            let doc = xhtml::chapter(c, &hrefs, &style.sheet.scene_break.ornament);
            packer.pack(format!("OEBPS/{}.xhtml", c.id), doc.as_bytes(), package::TEXT_COMPRESSION, None)
        }
    })
    .into_iter()
    .collect::<Result<Vec<_>, _>>()
    .map_err(EpubError)?;
    for &face in &faces {
        b.add_resource(css::font_href(style, face), &[][..], "font/ttf")?;
    }
    for a in &book.assets {
        b.add_resource(&a.href, &a.bytes[..], a.media_type)?;
    }
    if let Some(cover) = &book.cover {
        b.add_cover_image(&cover.href, &cover.bytes[..], cover.media_type)?;
        let body = format!("<div class=\"cover\"><img src=\"{}\" alt=\"{}\"/></div>\n", xhtml::escape(&cover.href), xhtml::escape(&format!("{} : {}", l.cover, meta.title)));
        b.add_content(EpubContent::new("cover.xhtml", xhtml::document(lang, l.cover, "cover", &body).as_bytes()).reftype(ReferenceType::Cover))?;
    }
    b.add_content(EpubContent::new("title.xhtml", title_page(book, &l).as_bytes()).reftype(ReferenceType::TitlePage))?;
    b.add_content(EpubContent::new("contents.xhtml", contents_page(book, &l).as_bytes()).reftype(ReferenceType::Toc))?;

    for (i, c) in book.chapters.iter().enumerate() {
        let mut content = EpubContent::new(format!("{}.xhtml", c.id), &[][..]).title(c.title.clone());
        for s in c.sections() {
            content.toc.add(TocElement::new(format!("{}.xhtml#{}", c.id, s.id), s.title).level(s.level.into()));
        }
        if i == 0 {
            content = content.reftype(ReferenceType::Text);
        }
        b.add_content(content)?;
    }
    let mut raw = Vec::new();
    b.generate(&mut raw)?;
    let fixes = package::Fixes { lang: lang.to_string(), modified: opts.modified, identifier: meta.identifier.clone(), landmarks_label: l.landmarks };
    package::finish(&raw, &fixes, &packed).map_err(EpubError)
}

/// What goes into the package apart from epub-builder's zip.
enum Bulk<'a> {
    Font(Face),
    Chapter(&'a Chapter),
}

fn parse_day(d: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let date = chrono::NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc())
}

/// A stable identifier from the book's metadata: the same book always gets
/// the same one, so builds are reproducible and readers keep their place.
fn identifier_uuid(book: &Book) -> uuid::Uuid {
    let m = &book.meta;
    let key = format!("{}\u{0}{}\u{0}{}\u{0}{}", m.title, m.author.as_deref().unwrap_or(""), m.language, m.identifier.as_deref().unwrap_or(""));
    // A namespace of folio's own (a v5 uuid of "folio" in the URL namespace).
    let ns = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, b"folio");
    uuid::Uuid::new_v5(&ns, key.as_bytes())
}

/// EPUB Accessibility 1.1 metadata (required for e-books sold in the EU).
fn accessibility(book: &Book) -> Vec<(&'static str, String)> {
    let has_images = !book.assets.is_empty();
    let mut v = vec![("schema:accessMode", "textual".to_string())];
    if has_images {
        v.push(("schema:accessMode", "visual".into()));
    }
    v.push(("schema:accessModeSufficient", "textual".into()));
    v.push(("schema:accessibilityFeature", "structuralNavigation".into()));
    v.push(("schema:accessibilityFeature", "tableOfContents".into()));
    v.push(("schema:accessibilityFeature", "readingOrder".into()));
    if has_images {
        v.push(("schema:accessibilityFeature", "alternativeText".into()));
    }
    v.push(("schema:accessibilityHazard", "none".into()));
    let summary = if book.meta.language.starts_with("fr") {
        "Texte entièrement lisible et navigable : chapitres structurés par des titres, table des matières, ordre de lecture logique, aucun danger connu."
    } else {
        "Text fully readable and navigable: chapters structured by headings, table of contents, logical reading order, no known hazards."
    };
    v.push(("schema:accessibilitySummary", summary.into()));
    v
}

fn title_page(book: &Book, l: &Labels) -> String {
    let m = &book.meta;
    let mut body = String::from("<section class=\"titlepage\" epub:type=\"titlepage\" aria-label=\"");
    body.push_str(l.title_page);
    body.push_str("\">\n");
    body.push_str(&format!("<h1 class=\"title\">{}</h1>\n", xhtml::escape(&m.title)));
    if let Some(a) = &m.author {
        body.push_str(&format!("<p class=\"author\">{}</p>\n", xhtml::escape(a)));
    }
    if let Some(r) = &m.license {
        body.push_str(&format!("<p class=\"license\">{}</p>\n", xhtml::escape(r)));
    }
    if let Some(v) = &m.version {
        body.push_str(&format!("<p class=\"license\">{} {}</p>\n", l.version, xhtml::escape(v)));
    }
    body.push_str("</section>\n");
    xhtml::document(&m.language, &m.title, "frontmatter", &body)
}

fn contents_page(book: &Book, l: &Labels) -> String {
    let mut body = format!("<nav class=\"toc\" aria-labelledby=\"contents-title\">\n<h1 id=\"contents-title\">{}</h1>\n<ol>\n", xhtml::escape(l.contents));
    for c in &book.chapters {
        body.push_str(&format!("<li><a href=\"{}.xhtml\">{}</a></li>\n", c.id, xhtml::escape(&c.title)));
    }
    body.push_str("</ol>\n</nav>\n");
    xhtml::document(&book.meta.language, l.contents, "frontmatter", &body)
}
