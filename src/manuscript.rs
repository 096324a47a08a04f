//! Loading a manuscript folder: `book.yaml`, the chapter files and their
//! Jekyll-style front matter. Nothing here interprets Markdown.

use crate::normalise::Switches;
use serde::Deserialize;
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// An error in the manuscript: which file, where, what is wrong, what to do.
#[derive(Debug)]
pub struct LoadError {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub hint: String,
}

impl LoadError {
    fn new(path: impl AsRef<Path>, message: impl Into<String>, hint: impl Into<String>) -> Self {
        LoadError {
            path: path.as_ref().display().to_string(),
            line: None,
            column: None,
            message: message.into(),
            hint: hint.into(),
        }
    }
    fn at(mut self, line: usize, column: Option<usize>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::located::write(f, &self.path, self.line, self.column, &self.message, &self.hint)
    }
}

impl std::error::Error for LoadError {}

/// A chapter entry of `book.yaml`: a path, or a path with a title.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum ChapterEntry {
    File(String),
    Titled { file: String, title: Option<String> },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct BookYaml {
    title: Option<String>,
    author: Option<String>,
    language: Option<String>,
    identifier: Option<String>,
    #[serde(default, deserialize_with = "scalar_string")]
    date: Option<String>,
    description: Option<String>,
    subject: Option<String>,
    license: Option<String>,
    cover: Option<String>,
    style: Option<String>,
    #[serde(default, deserialize_with = "scalar_string")]
    version: Option<String>,
    chapters: Option<Vec<ChapterEntry>>,
    #[serde(default)]
    typography: Switches,
}

/// Book-level metadata, as the backends need it.
#[derive(Debug, Clone)]
pub struct BookMeta {
    pub title: String,
    pub author: Option<String>,
    /// BCP 47, e.g. `fr`.
    pub language: String,
    pub identifier: Option<String>,
    /// `YYYY-MM-DD` when the date could be read, else as written.
    pub date: Option<String>,
    pub description: Option<String>,
    pub subject: Option<String>,
    pub license: Option<String>,
    /// The edition's version (`make release` sets it from `git describe`).
    pub version: Option<String>,
    /// book.yaml's `typography:` switches.
    pub typography: Switches,
}

/// Front matter of a chapter file. Unknown keys are kept in `extra`.
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<ChapterDate>,
    pub published: bool,
    pub lang: Option<String>,
    pub category: Option<String>,
    pub extra: Vec<(String, String)>,
    /// What was read but not understood: (line in the file, message).
    pub doubts: Vec<(usize, String)>,
}

/// A date as Jekyll writes it (`2015-04-21 18:48 CEST`): kept as written,
/// with the calendar date read out of it when there is one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ChapterDate {
    /// (year, month, day, hour, minute, second) for sorting; zeros when absent.
    pub key: (i32, u32, u32, u32, u32, u32),
    pub written: String,
}

impl ChapterDate {
    pub fn parse(written: &str) -> ChapterDate {
        let written = written.trim().to_string();
        let digits: Vec<u32> = written
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .take(6)
            .map(|s| s.parse().unwrap_or(0))
            .collect();
        let g = |i: usize| digits.get(i).copied().unwrap_or(0);
        let plausible = g(0) >= 1000 && (1..=12).contains(&g(1)) && (1..=31).contains(&g(2));
        let key = if plausible { (g(0) as i32, g(1), g(2), g(3), g(4), g(5)) } else { (0, 0, 0, 0, 0, 0) };
        ChapterDate { key, written }
    }

    /// `YYYY-MM-DD`, or `None` when the text holds no calendar date.
    pub fn iso_date(&self) -> Option<String> {
        let (y, m, d, ..) = self.key;
        (y != 0).then(|| format!("{y:04}-{m:02}-{d:02}"))
    }
}

/// One chapter file, read and split from its front matter.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to the manuscript folder, as shown in messages.
    pub rel: String,
    /// The path as the user would open it (manuscript folder included).
    pub shown: String,
    /// Title given in book.yaml, which wins over everything else.
    pub title: Option<String>,
    pub front: FrontMatter,
    /// The Markdown after the front matter, NFC not yet applied, LF endings.
    pub body: String,
    /// Line number in the file of the first line of `body` (1-based).
    pub body_line: usize,
}

/// A manuscript folder, loaded.
#[derive(Debug, Clone)]
pub struct Manuscript {
    pub root: PathBuf,
    pub meta: BookMeta,
    /// Style sheet named in book.yaml, resolved and checked.
    pub style: Option<PathBuf>,
    /// Cover image, relative to the root, checked to be inside it.
    pub cover: Option<String>,
    pub sources: Vec<Source>,
    /// Unix time of the newest file read (book.yaml and chapters): the
    /// default build time when `SOURCE_DATE_EPOCH` is not set.
    pub newest: i64,
}

/// What a chapter is read from: a path, and a title book.yaml gives it.
type Listed = (String, Option<String>);

impl Manuscript {
    /// Load `DIR/book.yaml` and every chapter it lists.
    pub fn load(dir: &Path) -> Result<Manuscript, LoadError> {
        let yaml_path = dir.join("book.yaml");
        if dir.is_file() {
            return Err(LoadError::new(dir, "is a file, not the manuscript folder", "give the folder that holds book.yaml with --manuscript DIR"));
        }
        if !dir.is_dir() {
            return Err(LoadError::new(dir, "the manuscript folder does not exist", format!("give the folder that holds book.yaml with --manuscript DIR, or start one with `folio init {}`", dir.display())));
        }
        let text = match std::fs::read(&yaml_path) {
            Ok(bytes) => decode(&yaml_path, bytes)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(LoadError::new(&yaml_path, "no book.yaml in the manuscript folder", format!("create it with at least `title:` and `language:` (see README, \"Manuscript format\"), or write one with `folio init {}`", dir.display())))
            }
            Err(e) => return Err(LoadError::new(&yaml_path, format!("cannot read: {e}"), "check the file's permissions")),
        };
        let mut y: BookYaml = if text.trim().is_empty() {
            return Err(LoadError::new(&yaml_path, "book.yaml is empty", "give at least `title:` and `language:`"));
        } else {
            serde_yaml::from_str(&text).map_err(|e| yaml_error(&yaml_path, &e, 0, "book.yaml keys: title, author, language, identifier, date, description, subject, license, cover, style, chapters, typography"))?
        };
        // Text for the book's metadata, not paths or the language (checked).
        for v in [&mut y.title, &mut y.author, &mut y.identifier, &mut y.date, &mut y.description, &mut y.subject, &mut y.license, &mut y.version] {
            *v = v.take().map(xml_text);
        }
        for c in y.chapters.iter_mut().flatten() {
            if let ChapterEntry::Titled { title, .. } = c {
                *title = title.take().map(xml_text);
            }
        }
        let root = dir.to_path_buf();
        let listed: Vec<Listed> = match &y.chapters {
            Some(list) => list
                .iter()
                .map(|c| match c {
                    ChapterEntry::File(f) => (f.clone(), None),
                    ChapterEntry::Titled { file, title } => (file.clone(), title.clone()),
                })
                .collect(),
            None => markdown_files(dir)?.into_iter().map(|f| (f, None)).collect(),
        };
        let mut sources = Vec::with_capacity(listed.len());
        let mut newest = mtime(&yaml_path);
        for (file, title) in listed {
            let path = inside(&root, &file, &yaml_path, "chapter").map_err(|e| e.at(value_line(&text, &file), None))?;
            newest = newest.max(mtime(&path));
            sources.push(read_source(&path, file, title)?);
        }
        if y.chapters.is_none() {
            // Ordered by front-matter date, then file name; undated files first.
            sources.sort_by(|a, b| {
                let ka = a.front.date.as_ref().map(|d| d.key);
                let kb = b.front.date.as_ref().map(|d| d.key);
                ka.cmp(&kb).then_with(|| a.rel.cmp(&b.rel))
            });
        }
        if sources.is_empty() {
            return Err(LoadError::new(&yaml_path, "the manuscript has no chapter", "add Markdown files to the folder, or list them under `chapters:`"));
        }
        let style = match &y.style {
            Some(s) => Some(inside(&root, s, &yaml_path, "style sheet").map_err(|e| e.at(value_line(&text, s), None))?),
            None => None,
        };
        let cover = match &y.cover {
            Some(c) => {
                inside(&root, c, &yaml_path, "cover").map_err(|e| e.at(value_line(&text, c), None))?;
                Some(c.clone())
            }
            None => None,
        };
        let language = y.language.clone().unwrap_or_else(|| "en".into());
        check_language(&language).map_err(|hint| {
            LoadError::new(&yaml_path, format!("`language: {language}` is no language tag"), hint).at(key_line(&text, &["language"]), None)
        })?;
        if y.title.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return Err(LoadError::new(&yaml_path, "`title:` is empty", "give the book's title").at(key_line(&text, &["title"]), None));
        }
        // An empty value is no value (EPUB refuses an empty identifier or rights).
        let given = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        let meta = BookMeta {
            title: y.title.clone().unwrap_or_else(|| "Untitled".into()),
            author: given(&y.author),
            language,
            identifier: given(&y.identifier),
            date: given(&y.date).map(|d| ChapterDate::parse(&d).iso_date().unwrap_or(d)),
            description: given(&y.description),
            subject: given(&y.subject),
            license: given(&y.license),
            version: given(&y.version),
            typography: y.typography,
        };
        Ok(Manuscript { root, meta, style, cover, sources, newest })
    }

    /// Read a file the manuscript refers to (an image), refusing paths that
    /// leave the manuscript folder. `rel` is relative to the root.
    pub fn read_asset(&self, rel: &str, referrer: &str, line: usize) -> Result<(PathBuf, Vec<u8>), LoadError> {
        let who = self.root.join(referrer);
        let path = inside(&self.root, rel, &who, "image").map_err(|e| e.at(line, None))?;
        let meta = std::fs::metadata(&path).map_err(|e| {
            LoadError::new(&who, format!("image `{rel}` cannot be read: {e}"), "image paths are relative to the chapter file").at(line, None)
        })?;
        if meta.len() > MAX_ASSET_BYTES {
            return Err(LoadError::new(&who, format!("image `{rel}` is {} MB; folio takes images up to {} MB", meta.len() >> 20, MAX_ASSET_BYTES >> 20), "scale the image down").at(line, None));
        }
        let bytes = std::fs::read(&path).map_err(|e| LoadError::new(&who, format!("image `{rel}` cannot be read: {e}"), "").at(line, None))?;
        Ok((path, bytes))
    }
}

fn mtime(p: &Path) -> i64 {
    std::fs::metadata(p)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs() as i64)
}

/// The largest image or cover folio embeds.
pub const MAX_ASSET_BYTES: u64 = 32 << 20;

/// Resolve `rel` under `root`, refusing absolute paths, `..` and symlinks
/// that lead out of the folder; the file must exist.
fn inside(root: &Path, rel: &str, referrer: &Path, what: &str) -> Result<PathBuf, LoadError> {
    // `sub/../p.png` stays inside; `../p.png` from the root does not.
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    let mut leaves = false;
    for c in Path::new(rel).components() {
        match c {
            Component::Normal(n) => parts.push(n),
            Component::CurDir => {}
            Component::ParentDir => leaves |= parts.pop().is_none(),
            Component::RootDir | Component::Prefix(_) => leaves = true,
        }
    }
    if parts.is_empty() && !leaves {
        return Err(LoadError::new(referrer, format!("{what} `{rel}` is not a file"), format!("give the path of the {what}'s file, relative to the manuscript folder")));
    }
    if leaves {
        return Err(LoadError::new(referrer, format!("{what} path `{rel}` leads out of the manuscript folder"), "keep every file of the book inside the manuscript folder and give its path relative to it"));
    }
    let path = parts.iter().fold(root.to_path_buf(), |p, n| p.join(n));
    let real = path.canonicalize().map_err(|_| {
        LoadError::new(referrer, format!("{what} `{rel}` does not exist"), format!("check the name; paths are relative to {}", root.display()))
    })?;
    let real_root = root.canonicalize().map_err(|e| LoadError::new(root, format!("cannot resolve the manuscript folder: {e}"), ""))?;
    if !real.starts_with(&real_root) {
        return Err(LoadError::new(referrer, format!("{what} `{rel}` is a link that leads out of the manuscript folder"), "copy the file into the manuscript folder instead of linking to it"));
    }
    if !real.is_file() {
        return Err(LoadError::new(referrer, format!("{what} `{rel}` is not a file"), format!("give the path of the {what}'s file, relative to the manuscript folder")));
    }
    Ok(path)
}

/// The chapters of a folder without a `chapters:` list: its Markdown files
/// and, as Jekyll keeps them, those of its `_posts/` folder.
fn markdown_files(dir: &Path) -> Result<Vec<String>, LoadError> {
    let list = |d: &Path, prefix: &str| -> Result<Vec<String>, LoadError> {
        let rd = std::fs::read_dir(d).map_err(|e| LoadError::new(d, format!("cannot list the folder: {e}"), ""))?;
        Ok(rd
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".md") || n.ends_with(".markdown"))
            .map(|n| format!("{prefix}{n}"))
            .collect())
    };
    let mut out = list(dir, "")?;
    let posts = dir.join("_posts");
    if posts.is_dir() {
        out.extend(list(&posts, "_posts/")?);
    }
    out.sort();
    Ok(out)
}

/// The date a Jekyll post's file name begins with (`2020-01-02-title.md`),
/// which Jekyll takes when the front matter gives none.
fn post_date(rel: &str) -> Option<ChapterDate> {
    let name = Path::new(rel).file_name()?.to_str()?;
    let b = name.as_bytes();
    let shape = b.len() > 11 && b[..10].iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() }) && b[10] == b'-';
    shape.then(|| ChapterDate::parse(&name[..10])).filter(|d| d.key.0 != 0)
}

/// Bytes to text: UTF-8 required (the error names the byte offset and line),
/// a BOM is dropped, CRLF and CR become LF.
/// `bytes` as text, else an error at the line of the first byte that is
/// not UTF-8.
pub fn utf8_text(path: &Path, bytes: Vec<u8>) -> Result<String, LoadError> {
    String::from_utf8(bytes).map_err(|e| {
        let off = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..off].iter().filter(|&&b| b == b'\n').count() + 1;
        LoadError::new(path, format!("not UTF-8: invalid byte 0x{:02X} at byte offset {off}", e.as_bytes()[off]), "save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)").at(line, None)
    })
}

fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, LoadError> {
    let text = utf8_text(path, bytes)?;
    let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
    Ok(if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text })
}

fn read_source(path: &Path, rel: String, title: Option<String>) -> Result<Source, LoadError> {
    let bytes = std::fs::read(path).map_err(|e| LoadError::new(path, format!("cannot read the chapter: {e}"), "check that the file listed in book.yaml exists"))?;
    let shown = path.display().to_string();
    let text = decode(path, bytes)?;
    let (mut front, body, body_line) = split_front_matter(&text, &shown)?;
    if front.date.is_none() {
        front.date = post_date(&rel);
    }
    Ok(Source { rel, shown, title, front, body: body.to_string(), body_line })
}

/// Split `---` front matter from the body. Returns (front, body, body line).
pub fn split_front_matter<'a>(text: &'a str, rel: &str) -> Result<(FrontMatter, &'a str, usize), LoadError> {
    let mut fm = FrontMatter { published: true, ..Default::default() };
    let first = text.lines().next().unwrap_or("");
    if first.trim_end() != "---" {
        return Ok((fm, text, 1));
    }
    // Find the closing `---` (or `...`) line.
    let mut offset = first.len() + 1;
    let mut close = None;
    for (line, line_no) in text.get(offset..).unwrap_or("").split_inclusive('\n').zip(2..) {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            close = Some((offset, offset + line.len(), line_no));
            break;
        }
        offset += line.len();
    }
    let Some((yaml_end, body_start, close_line)) = close else {
        return Err(LoadError::new(rel, "front matter opened with `---` is never closed", "end the front matter with a line holding only `---`").at(1, None));
    };
    let yaml = &text[first.len() + 1..yaml_end];
    let value: serde_yaml::Value = if yaml.trim().is_empty() {
        serde_yaml::Value::Null
    } else {
        serde_yaml::from_str(yaml).map_err(|e| yaml_error(Path::new(rel), &e, 1, "front matter is YAML: `key: value` lines between two `---` lines"))?
    };
    match value {
        serde_yaml::Value::Mapping(m) => {
            for (k, v) in m {
                let key = scalar(&k).unwrap_or_default();
                let val = scalar(&v);
                match key.as_str() {
                    "title" => {
                        if val.is_none() && !v.is_null() {
                            fm.doubts.push((1 + key_line(yaml, &["title"]), "`title:` is not text: left out (write `title: Words`)".into()));
                        }
                        fm.title = val
                    }
                    "date" => {
                        let d = val.map(|d| ChapterDate::parse(&d));
                        if let Some(d) = d.as_ref().filter(|d| d.iso_date().is_none()) {
                            fm.doubts.push((1 + key_line(yaml, &["date"]), format!("`date: {}` holds no calendar date: the chapter is not dated (write `date: 2019-05-01`)", d.written)));
                        }
                        fm.date = d
                    }
                    "published" => {
                        let yes_no = matches!(v, serde_yaml::Value::Bool(_)) || matches!(val.as_deref(), Some("true" | "false"));
                        if !yes_no {
                            fm.doubts.push((1 + key_line(yaml, &["published"]), format!("`published: {}` is neither true nor false: taken as true", val.as_deref().unwrap_or(""))));
                        }
                        fm.published = !matches!(v, serde_yaml::Value::Bool(false)) && val.as_deref() != Some("false")
                    }
                    "lang" | "language" => {
                        if let Some(tag) = &val {
                            check_language(tag).map_err(|hint| LoadError::new(rel, format!("`{key}: {tag}` is no language tag"), hint).at(1 + key_line(yaml, &[&key]), None))?;
                        }
                        fm.lang = val
                    }
                    "category" => fm.category = val,
                    _ => fm.extra.push((key, val.unwrap_or_default())),
                }
            }
        }
        serde_yaml::Value::Null => {}
        _ => return Err(LoadError::new(rel, "front matter must be a list of `key: value` lines", "").at(2, None)),
    }
    Ok((fm, &text[body_start.min(text.len())..], close_line + 1))
}

/// A BCP 47 language tag as EPUB and PDF need it (`fr`, `en-GB`,
/// `pt-BR`): an ISO 639 code of two or three letters, then subtags of
/// letters and digits. (The syntax allows longer codes; no language has
/// one, while `French` is a common slip.) A private-use tag (`x-elvish`)
/// and the grandfathered `i-` ones (`i-klingon`) open with a single letter.
/// Else a hint that names the likely tag.
pub fn check_language(tag: &str) -> Result<(), String> {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    let singleton = matches!(primary, "x" | "X" | "i" | "I");
    let mut rest = parts.peekable();
    let language = (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic());
    let ok = (language || (singleton && rest.peek().is_some()))
        && rest.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if ok {
        return Ok(());
    }
    let named = match tag.trim().to_lowercase().as_str() {
        "français" | "francais" | "french" => Some("fr"),
        "english" | "anglais" => Some("en"),
        _ => None,
    };
    Err(match named {
        Some(t) => format!("write `{t}` (a BCP 47 tag: `fr`, `en`, `en-GB`)"),
        None if tag.contains('_') => format!("write `{}`: subtags are joined by `-`", tag.replace('_', "-")),
        None => "give a BCP 47 tag: `fr`, `en`, `en-GB`, `pt-BR`".into(),
    })
}

/// Is text in the language `tag` written right to left? By its script
/// subtag when it has one (`az-Arab`, `ku-Latn`), else by the language
/// (Arabic, Hebrew, Persian, Urdu, Yiddish, and the others written in the
/// Arabic, Hebrew, Syriac or Thaana script).
pub fn right_to_left(tag: &str) -> bool {
    const LANGUAGES: &[&str] = &["ar", "arc", "azb", "ckb", "dv", "fa", "he", "iw", "ji", "ks", "ps", "sd", "syr", "ug", "ur", "yi"];
    const SCRIPTS: &[&str] = &["adlm", "arab", "hebr", "mand", "nkoo", "rohg", "samr", "syrc", "thaa"];
    let mut parts = tag.split('-').map(str::to_ascii_lowercase);
    let primary = parts.next().unwrap_or_default();
    match parts.find(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_alphabetic())) {
        Some(script) => SCRIPTS.contains(&script.as_str()),
        None => LANGUAGES.contains(&primary.as_str()),
    }
}

/// The 1-based line of `yaml` where `value` is first written, else 1.
fn value_line(yaml: &str, value: &str) -> usize {
    yaml.lines().position(|l| l.contains(value)).map_or(1, |i| i + 1)
}

/// The 1-based line of the first of `keys` at the start of a line of
/// `yaml`, else 1.
fn key_line(yaml: &str, keys: &[&str]) -> usize {
    yaml.lines().position(|l| keys.iter().any(|k| l.strip_prefix(k).is_some_and(|r| r.trim_start().starts_with(':')))).map_or(1, |i| i + 1)
}

/// `s` without the characters XML 1.0 cannot hold (C0 controls but tab
/// and line ends, U+FFFE, U+FFFF): YAML's `"\x01"` escapes write them, and
/// one in the metadata made an EPUB no reader opens.
pub fn xml_text(s: String) -> String {
    let bad = |c: char| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}');
    if s.contains(bad) {
        s.replace(bad, "")
    } else {
        s
    }
}

/// A YAML scalar as text (numbers, booleans and dates included).
fn scalar(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(xml_text(s.clone())),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        serde_yaml::Value::Tagged(t) => scalar(&t.value),
        _ => None,
    }
}

fn scalar_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = serde_yaml::Value::deserialize(d)?;
    Ok(scalar(&v))
}

fn yaml_error(path: &Path, e: &serde_yaml::Error, line_offset: usize, hint: &str) -> LoadError {
    let mut err = LoadError::new(path, format!("invalid YAML: {e}"), hint);
    if let Some(loc) = e.location() {
        err = err.at(loc.line() + line_offset, Some(loc.column()));
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_to_left_languages() {
        for tag in ["he", "ar-EG", "fa", "ur-PK", "yi", "az-Arab", "AR"] {
            assert!(right_to_left(tag), "{tag}");
        }
        for tag in ["en", "fr-CA", "ku-Latn", "ar-Latn", "sr-Cyrl", "hea", "x-ar"] {
            assert!(!right_to_left(tag), "{tag}");
        }
    }

    #[test]
    fn language_tags() {
        for ok in ["fr", "en", "en-GB", "pt-BR", "zh-Hant-TW", "sr-Latn", "de-CH-1996", "x-elvish", "i-klingon", "en-x-fancy"] {
            assert_eq!(check_language(ok), Ok(()), "{ok}");
        }
        for bad in ["", "f", "fr_FR", "en GB", "français", "fr-", "-fr", "en-toolongsubtag", "1a", "x", "x-", "i-", "y-elvish"] {
            assert!(check_language(bad).is_err(), "{bad}");
        }
        assert!(check_language("French").unwrap_err().contains("`fr`"));
        assert!(check_language("fr_CA").unwrap_err().contains("`fr-CA`"));
        assert_eq!(key_line("title: T\nauthor: A\nlanguage : x\n", &["language"]), 3);
        assert_eq!(key_line("title: T\nlanguages: x\n", &["language"]), 1);
    }

    #[test]
    fn metadata_holds_no_character_xml_cannot() {
        assert_eq!(xml_text("A\u{1}B\u{b}C\u{1f}\u{fffe}\u{ffff}\tD\u{7f}".into()), "ABC\tD\u{7f}");
        let (fm, ..) = split_front_matter("---\ntitle: \"Ch\\x01ap\"\ncategory: \"a\\x0cb\"\n---\nx\n", "a.md").unwrap();
        assert_eq!((fm.title.as_deref(), fm.category.as_deref()), (Some("Chap"), Some("ab")));
    }

    #[test]
    fn post_dates_from_file_names() {
        assert_eq!(post_date("_posts/2020-01-02-b.md").and_then(|d| d.iso_date()).as_deref(), Some("2020-01-02"));
        for no in ["2020-01-02.md", "2020-13-02-b.md", "jour-4.md", "20200-01-02-b.md", "_posts/2020-1-02-b.md"] {
            assert_eq!(post_date(no), None, "{no}");
        }
    }

    #[test]
    fn jekyll_dates_are_read_not_rejected() {
        let d = ChapterDate::parse("2015-04-21 18:48 CEST");
        assert_eq!(d.iso_date().as_deref(), Some("2015-04-21"));
        assert_eq!(d.key, (2015, 4, 21, 18, 48, 0));
        assert_eq!(ChapterDate::parse("someday").iso_date(), None);
    }

    #[test]
    fn front_matter_is_split_with_line_numbers() {
        let text = "---\ntitle: Jour 4\ndate: 2015-04-21 18:48 CEST\npublished: false\nfoo: bar\n---\n\nBody\n";
        let (fm, body, line) = split_front_matter(text, "x.md").unwrap();
        assert_eq!(fm.title.as_deref(), Some("Jour 4"));
        assert!(!fm.published);
        assert_eq!(fm.extra, vec![("foo".to_string(), "bar".to_string())]);
        assert_eq!(body, "\nBody\n");
        assert_eq!(line, 7);
    }

    #[test]
    fn unterminated_front_matter_is_an_error() {
        let e = split_front_matter("---\ntitle: x\n\nBody\n", "x.md").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("never closed"));
    }

    #[test]
    fn bad_front_matter_yaml_names_the_file_line() {
        let e = split_front_matter("---\ntitle: x\n  bad: [\n---\nBody", "x.md").unwrap_err();
        assert!(e.line.unwrap() >= 2, "{e}");
    }

    #[test]
    fn decode_reports_offset_and_strips_bom_and_crlf() {
        let e = decode(Path::new("c.md"), b"ab\ncd\xE9f".to_vec()).unwrap_err();
        assert!(e.message.contains("byte offset 5"), "{}", e.message);
        assert_eq!(e.line, Some(2));
        assert_eq!(decode(Path::new("c.md"), b"\xEF\xBB\xBFa\r\nb".to_vec()).unwrap(), "a\nb");
    }
}
