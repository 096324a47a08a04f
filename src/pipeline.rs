//! The pipeline's front half: manuscript → normalise → chapter objects.
//! What comes out (a `Book`, a `Style`, a report) is all a backend gets.

use crate::book::{self, Asset, Book, Chapter};
use crate::manuscript::{LoadError, Manuscript, Source};
use crate::normalise::{self, Vocabulary};
use crate::parallel;
use crate::style::{Style, StyleError};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A message about the manuscript that does not stop the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl Diagnostic {
    /// A normaliser warning in `file`, whose body starts at line `body_line`.
    pub fn of_normaliser(file: &str, body_line: usize, w: &normalise::Warning) -> Diagnostic {
        Diagnostic { file: file.to_string(), line: w.line + body_line - 1, message: format!("{} ({})", w.message, w.suggestion) }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

/// What the build has to tell the author, file by file, with file line
/// numbers. (The log of changes is `folio normalise --diff`'s: a build
/// does not keep it, a novel has tens of thousands.)
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Default)]
pub struct PrepareOptions {
    /// Leave out chapters whose front matter says `published: false`.
    pub no_drafts: bool,
    /// A style sheet that overrides the one book.yaml names.
    pub style: Option<PathBuf>,
}

#[derive(Debug)]
pub enum PrepareError {
    Load(LoadError),
    Style(StyleError),
}

impl fmt::Display for PrepareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrepareError::Load(e) => e.fmt(f),
            PrepareError::Style(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for PrepareError {}

impl From<LoadError> for PrepareError {
    fn from(e: LoadError) -> Self {
        PrepareError::Load(e)
    }
}

impl From<StyleError> for PrepareError {
    fn from(e: StyleError) -> Self {
        PrepareError::Style(e)
    }
}

/// Wall time spent in each stage, in pipeline order (for `--timings`).
#[derive(Debug, Clone, Default)]
pub struct Timings(pub Vec<(&'static str, std::time::Duration)>);

impl Timings {
    /// Add `d` to `stage`, keeping first-seen order.
    pub fn add(&mut self, stage: &'static str, d: std::time::Duration) {
        match self.0.iter_mut().find(|(s, _)| *s == stage) {
            Some((_, t)) => *t += d,
            None => self.0.push((stage, d)),
        }
    }
    /// Run `f`, counting its time to `stage`.
    pub fn time<T>(&mut self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        let t0 = std::time::Instant::now();
        let r = f();
        self.add(stage, t0.elapsed());
        r
    }
}

/// A book ready for the backends.
pub struct Prepared {
    pub timings: Timings,
    pub book: Book,
    /// Newest modification time of the manuscript's files (Unix seconds).
    pub newest_source: i64,
    pub style: Style,
    pub report: Report,
}

/// Normalisation options for one source, from book.yaml and its language.
pub fn normalise_options(ms: &Manuscript, src: &Source) -> normalise::Options {
    book_options(&ms.meta.typography, src.front.lang.as_deref().unwrap_or(&ms.meta.language))
}

/// The normaliser's options from book.yaml's `typography:` switches.
pub fn book_options(switches: &normalise::Switches, lang: &str) -> normalise::Options {
    normalise::Options { switches: *switches, ..normalise::Options::all(lang) }
}

/// The vocabulary of the whole manuscript: evidence for de-hyphenation.
pub fn vocabulary(ms: &Manuscript) -> Vocabulary {
    if !ms.sources.iter().any(|s| normalise::may_have_hyphen_breaks(&s.body)) {
        return Vocabulary::default();
    }
    Vocabulary::merge(parallel::map(&ms.sources, |s| Vocabulary::from_texts([s.body.as_str()])))
}

/// Load, normalise and parse the manuscript in `dir`.
pub fn prepare(dir: &Path, opts: &PrepareOptions) -> Result<Prepared, PrepareError> {
    let mut timings = Timings::default();
    let mut ms = timings.time("load", || Manuscript::load(dir))?;
    let style = match opts.style.as_ref().or(ms.style.as_ref()) {
        Some(p) => Style::load(p)?,
        None => Style::builtin(),
    };
    let vocab = timings.time("normalise", || vocabulary(&ms));
    let mut report = Report::default();
    let mut assets: Vec<Asset> = Vec::new();
    let mut asset_index: HashMap<String, usize> = HashMap::new();
    let mut chapters: Vec<Chapter> = Vec::new();
    let mut drafts = Vec::new();
    // (file, link) → the line of its first use, for warnings
    let mut link_lines: HashMap<(String, String), usize> = HashMap::new();

    // Files are normalised and parsed independently, so on every core;
    // images are numbered afterwards, in book order.
    let normalised = timings.time("normalise", || {
        parallel::map(&ms.sources, |src| {
            // the build keeps the text and warnings, not the change log
            let opts = normalise::Options { log: false, ..normalise_options(&ms, src) };
            let n = normalise::normalise(&src.body, &opts, &vocab);
            (n.text, n.warnings)
        })
    });
    // Only the normalised text goes on.
    ms.sources.iter_mut().for_each(|s| s.body = String::new());
    let parsed_files = timings.time("parse", || parallel::map(&ms.sources.iter().zip(&normalised).collect::<Vec<_>>(), |(src, (text, _))| parse_file(&ms, src, text)));
    for ((src, (_, warnings)), parsed) in ms.sources.iter().zip(normalised).zip(parsed_files) {
        report.warnings.extend(warnings.iter().map(|w| Diagnostic::of_normaliser(&src.shown, src.body_line, w)));
        let (mut parsed, images) = parsed?;
        // The file's own image numbers → the book's.
        let global: Vec<usize> = images
            .into_iter()
            .map(|(rel, mut asset)| {
                *asset_index.entry(rel).or_insert_with(|| {
                    asset.href = format!("images/img{:03}.{}", assets.len() + 1, book::extension(asset.media_type));
                    assets.push(asset);
                    assets.len() - 1
                })
            })
            .collect();
        for section in &mut parsed.sections {
            book::renumber_assets(&mut section.blocks, &global);
            section.notes.iter_mut().for_each(|n| book::renumber_assets(&mut n.blocks, &global));
        }
        for (line, url) in parsed.links {
            link_lines.entry((src.rel.clone(), url)).or_insert(line);
        }
        for (line, message) in parsed.warnings.into_iter().chain(src.front.doubts.iter().cloned()) {
            report.warnings.push(Diagnostic { file: src.shown.clone(), line, message });
        }
        let draft = !src.front.published;
        if draft {
            drafts.push(src.rel.clone());
            if opts.no_drafts {
                continue;
            }
        }
        let lang = src.front.lang.clone().unwrap_or_else(|| ms.meta.language.clone());
        for (k, mut section) in parsed.sections.into_iter().enumerate() {
            // book.yaml's title, then front matter, then the first `#` heading;
            // they name the file's first chapter only.
            // (An empty or blank title is none: the nav needs a name.)
            let named = |t: &&String| !t.trim().is_empty();
            let given = if k == 0 { src.title.as_ref().filter(named).or(src.front.title.as_ref().filter(named)) } else { None };
            let given = given.map(|t| normalise::typeset_title(t, &normalise_options(&ms, src)));
            let title = match (given, section.heading.take().filter(|h| !h.trim().is_empty())) {
                (Some(t), Some(h)) => {
                    if h.trim() != t.trim() {
                        // Keep the heading's words rather than lose them.
                        let content = vec![book::Inline::Text(h)];
                        section.blocks.insert(0, book::Block::Heading { level: 2, content, attrs: Default::default() });
                    }
                    t
                }
                (Some(t), None) | (None, Some(t)) => t,
                (None, None) => Path::new(&src.rel).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
            };
            chapters.push(Chapter {
                id: format!("ch{:03}", chapters.len() + 1),
                title,
                title_id: section.heading_id,
                lang: lang.clone(),
                date: src.front.date.as_ref().and_then(|d| d.iso_date()),
                draft,
                source: src.rel.clone(),
                blocks: section.blocks,
                notes: section.notes,
            });
        }
    }
    for lost in link_chapters(&mut chapters) {
        let source = &chapters[lost.chapter].source;
        let file = ms.sources.iter().find(|s| &s.rel == source).map_or_else(|| source.clone(), |s| s.shown.clone());
        let line = link_lines.get(&(source.clone(), lost.url.clone())).copied().unwrap_or(0);
        report.warnings.push(Diagnostic { file, line, message: lost.message() });
    }
    if !drafts.is_empty() {
        let what = if opts.no_drafts { "left out (--no-drafts)" } else { "built; --no-drafts leaves them out" };
        report.warnings.push(Diagnostic { file: ms.root.join("book.yaml").display().to_string(), line: 0, message: format!("drafts (published: false) {what}: {}", drafts.join(", ")) });
    }
    if chapters.is_empty() {
        return Err(LoadError {
            path: ms.root.join("book.yaml").display().to_string(),
            line: None,
            column: None,
            message: "no chapter left to build".into(),
            hint: "every chapter is a draft: build without --no-drafts, or set `published: true`".into(),
        }
        .into());
    }
    // The book's title and names take the typography of its text.
    let opts = book_options(&ms.meta.typography, &ms.meta.language);
    let meta = &mut ms.meta;
    for field in [Some(&mut meta.title), meta.author.as_mut(), meta.description.as_mut()].into_iter().flatten() {
        *field = normalise::typeset_title(field, &opts);
    }
    let cover = match &ms.cover {
        Some(c) => Some(read_image(&ms, c, "book.yaml", 0, "images/cover")?),
        None => None,
    };
    Ok(Prepared { timings, newest_source: ms.newest, book: Book { meta: ms.meta, chapters, assets, cover }, style, report })
}

fn read_image(ms: &Manuscript, rel: &str, referrer: &str, line: usize, stem: &str) -> Result<Asset, LoadError> {
    let (path, bytes) = ms.read_asset(rel, referrer, line)?;
    let refused = |what: &str, hint: &str| LoadError {
        path: ms.root.join(referrer).display().to_string(),
        line: (line > 0).then_some(line),
        column: None,
        message: format!("{} {what}", path.display()),
        hint: hint.into(),
    };
    let Some(media_type) = book::media_type(&bytes) else {
        return Err(refused("is not an image folio can embed", "use a PNG, JPEG, GIF or SVG file"));
    };
    if !book::is_complete(media_type, &bytes) {
        return Err(refused("is cut short: the image's end is missing", "copy or export the image again"));
    }
    let size = book::pixel_size(&bytes);
    Ok(Asset { href: format!("{stem}.{}", book::extension(media_type)), media_type, bytes: bytes.into(), size })
}

/// One file parsed, its images read and numbered in order of first use
/// within the file: (path relative to the manuscript, image).
type ParsedWithImages = (book::ParsedFile, Vec<(String, Asset)>);

fn parse_file(ms: &Manuscript, src: &Source, text: &str) -> Result<ParsedWithImages, LoadError> {
    let chapter_dir = Path::new(&src.rel).parent().map(Path::to_path_buf).unwrap_or_default();
    let mut images: Vec<(String, Asset)> = Vec::new();
    let mut resolve = |url: &str, line: usize| -> Result<Option<usize>, LoadError> {
        if url.contains("://") || url.starts_with("data:") {
            return Ok(None);
        }
        let rel = join_rel(&chapter_dir, url);
        if let Some(i) = images.iter().position(|(r, _)| *r == rel) {
            return Ok(Some(i));
        }
        let asset = read_image(ms, &rel, &src.rel, line, "")?;
        images.push((rel, asset));
        Ok(Some(images.len() - 1))
    };
    let parsed = book::parse_chapters(text, src.body_line, &mut resolve)?;
    Ok((parsed, images))
}

/// Links into the manuscript become links to chapters: to a chapter's file
/// (`[see](b.md)`, or a Jekyll post's name, `2020-01-02-b`, as
/// `{% post_url %}` gave it), to the first chapter it makes; with a
/// fragment (`b.md#part`, `#part`), to the heading it names. Every heading
/// is given its id here. Returns the links that lead nowhere, or not where
/// they say, to warn about.
fn link_chapters(chapters: &mut [Chapter]) -> Vec<LostLink> {
    let anchors: Vec<book::anchors::Anchors> = chapters.iter_mut().map(book::anchors::name_headings).collect();
    // (A file's chapters are consecutive: its level-1 sections in order.)
    let mut files: std::collections::BTreeMap<String, std::ops::Range<usize>> = Default::default();
    for (k, c) in chapters.iter().enumerate() {
        files.entry(c.source.clone()).and_modify(|r| r.end = k + 1).or_insert(k..k + 1);
    }
    let ids: Vec<String> = chapters.iter().map(|c| c.id.clone()).collect();
    // For each file linked to with a fragment: every name its chapters
    // know, with the first chapter that knows it (made once, when first
    // needed: a file may hold thousands of chapters, linked thousands of
    // times).
    let mut file_names: std::collections::HashMap<String, std::collections::HashMap<String, (usize, book::anchors::Place)>> = Default::default();
    let mut lost: Vec<LostLink> = Vec::new();
    let mut lost_seen: std::collections::HashSet<(usize, String)> = Default::default();
    for (k, c) in chapters.iter_mut().enumerate() {
        let dir = Path::new(&c.source).parent().map(Path::to_path_buf).unwrap_or_default();
        let source = c.source.clone();
        let mut resolve = |i: &mut book::Inline| {
            let book::Inline::Link { url, content } = i else { return };
            if url.contains(':') || url.is_empty() {
                return;
            }
            let url = url.clone();
            let (path, fragment) = match url.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (url.as_str(), None),
            };
            let file = if path.is_empty() { Some((&source, &files[&source])) } else { chapter_file(&files, &dir, path) };
            let why = match file {
                None => Why::Chapter,
                Some((file, range)) => {
                    // (`#x`: this chapter first, then the others of its file)
                    let at = fragment.map(|f| {
                        let place = |t: usize, p: &book::anchors::Place| match p {
                            book::anchors::Place::Start => (t, None),
                            book::anchors::Place::Id(a) => (t, Some(a.clone())),
                        };
                        if f.is_empty() {
                            return Some((if path.is_empty() { k } else { range.start }, None));
                        }
                        let key = book::anchors::key(f);
                        if let Some(p) = anchors[k].get(&key).filter(|_| path.is_empty()) {
                            return Some(place(k, p));
                        }
                        let names = file_names.entry(file.clone()).or_insert_with(|| {
                            let mut names = std::collections::HashMap::new();
                            for t in range.clone() {
                                for (name, p) in anchors[t].entries() {
                                    names.entry(name.clone()).or_insert((t, p.clone()));
                                }
                            }
                            names
                        });
                        names.get(&key).map(|(t, p)| place(*t, p))
                    });
                    let (chapter, anchor, why) = match at {
                        None => (range.start, None, None),
                        Some(Some((t, a))) => (t, a, None),
                        Some(None) if path.is_empty() => {
                            push_lost(&mut lost, &mut lost_seen, k, &url, Why::Heading);
                            return;
                        }
                        Some(None) => (range.start, None, Some(Why::HeadingThere(file.clone()))),
                    };
                    *i = book::Inline::XRef { chapter, id: ids[chapter].clone(), anchor, content: std::mem::take(content) };
                    match why {
                        Some(why) => why,
                        None => return,
                    }
                }
            };
            push_lost(&mut lost, &mut lost_seen, k, &url, why);
        };
        book::visit_mut(&mut c.blocks, &mut resolve, &mut |_| {});
        for n in &mut c.notes {
            book::visit_mut(&mut n.blocks, &mut resolve, &mut |_| {});
        }
    }
    lost
}

/// A link into the manuscript that leads nowhere, or not where it says.
struct LostLink {
    chapter: usize,
    url: String,
    why: Why,
}

/// What a lost link lacks.
enum Why {
    /// A chapter from its file: the link is dropped, its words kept.
    Chapter,
    /// (`#x`) An element of that id in this file: dropped too.
    Heading,
    /// (`b.md#x`) An element of that id in `b.md`: the link goes to its
    /// start.
    HeadingThere(String),
}

impl LostLink {
    fn message(&self) -> String {
        let url = &self.url;
        let fragment = url.split_once('#').map_or("", |(_, f)| f);
        match &self.why {
            Why::Chapter => format!("a link to `{url}`, which is no chapter of the book: its words are kept, not the link (link to a chapter's file, or to a web address)"),
            Why::Heading => format!("a link to `{url}`, but no heading of this file has that id: its words are kept, not the link (give the heading that id, `## Title {{#{fragment}}}`, or link to an id the heading has)"),
            Why::HeadingThere(file) => format!("a link to `{url}`, but no heading of {file} has the id `{fragment}`: the link goes to the start of its chapter (give the heading that id, `## Title {{#{fragment}}}`)"),
        }
    }
}

/// Each lost link once per chapter (`seen`: those said already).
fn push_lost(lost: &mut Vec<LostLink>, seen: &mut std::collections::HashSet<(usize, String)>, chapter: usize, url: &str, why: Why) {
    if seen.insert((chapter, url.to_string())) {
        lost.push(LostLink { chapter, url: url.to_string(), why });
    }
}

/// The file a relative link from `dir` names, and its chapters: `b.md`,
/// `../a.md`, or a Jekyll post's name (the file of that stem, anywhere).
fn chapter_file<'f>(files: &'f std::collections::BTreeMap<String, std::ops::Range<usize>>, dir: &Path, path: &str) -> Option<(&'f String, &'f std::ops::Range<usize>)> {
    // `../a.md` from `posts/b.md` is `a.md`
    let mut parts: Vec<&str> = Vec::new();
    let joined = join_rel(dir, path);
    for p in joined.split('/') {
        match p {
            ".." => {
                parts.pop();
            }
            "" => {}
            p => parts.push(p),
        }
    }
    let rel = parts.join("/");
    files.get_key_value(&rel).or_else(|| {
        let name = Path::new(&rel).file_name().unwrap_or_default();
        (!rel.contains('.')).then(|| files.iter().find(|(f, _)| Path::new(f).file_stem().is_some_and(|s| s == name))).flatten()
    })
}

/// `dir/url` with `./` and percent escapes resolved, as a relative path.
///
/// A path that starts with `/` is read from the manuscript's root, as a
/// website reads it from its own (`/assets/x.png` of a Jekyll post).
fn join_rel(dir: &Path, url: &str) -> String {
    let url = book::anchors::percent_decoded(url.split(['#', '?']).next().unwrap_or(url));
    let joined = match url.strip_prefix('/').filter(|r| !r.starts_with('/')) {
        Some(from_root) => Path::new(from_root).to_path_buf(),
        None => dir.join(url),
    };
    let mut parts: Vec<String> = Vec::new();
    for c in joined.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            // Kept, so that Manuscript::read_asset refuses it with a clear message.
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    parts.join("/")
}
