//! The one style sheet both backends read: `styles/book.yaml`.
//!
//! The EPUB backend turns it into CSS, the PDF backend lays out from the same
//! values. The default sheet and its fonts are compiled into the binary so a
//! manuscript that names no style builds from anywhere.

use rustybuzz::ttf_parser;
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const DEFAULT_SHEET: &str = include_str!("../styles/book.yaml");
const DEFAULT_SHEET_NAME: &str = "styles/book.yaml (built in)";

/// A font compiled in: its file name in the default sheet, its bytes, and
/// the same deflated at compile time (`build.rs`).
struct BuiltinFont {
    name: &'static str,
    bytes: &'static [u8],
    packed: &'static [u8],
}

macro_rules! builtin_font {
    ($name:literal) => {
        BuiltinFont {
            name: $name,
            bytes: include_bytes!(concat!("../fonts/", $name)),
            packed: include_bytes!(concat!(env!("OUT_DIR"), "/", $name, ".deflate")),
        }
    };
}

const DEFAULT_FONTS: [BuiltinFont; 4] = [
    builtin_font!("Vollkorn-Regular.ttf"),
    builtin_font!("Vollkorn-Italic.ttf"),
    builtin_font!("Vollkorn-Bold.ttf"),
    builtin_font!("Vollkorn-BoldItalic.ttf"),
];

/// The built-in sheet as a file to change, with its fonts and their
/// licence beside it (`fonts/`): what `folio init --style` writes.
pub fn starter_files() -> Vec<(String, std::borrow::Cow<'static, [u8]>)> {
    use std::borrow::Cow;
    let sheet = DEFAULT_SHEET.replace("../fonts/", "fonts/");
    let mut out = vec![("style.yaml".to_string(), Cow::Owned(sheet.into_bytes()))];
    out.extend(DEFAULT_FONTS.iter().map(|f| (format!("fonts/{}", f.name), Cow::Borrowed(f.bytes))));
    out.push(("fonts/OFL.txt".into(), Cow::Borrowed(&include_bytes!("../fonts/OFL.txt")[..])));
    out
}

/// A font's bytes deflated ahead of time: what the EPUB stores for it.
#[derive(Debug, Clone, Copy)]
pub struct Deflated {
    /// CRC-32 of the font.
    pub crc32: u32,
    /// Its raw deflate stream.
    pub stream: &'static [u8],
}

/// The compile-time deflate of `bytes` if they are one of the built-in
/// fonts, whatever the file is called.
fn predeflated(bytes: &[u8]) -> Option<Deflated> {
    let f = DEFAULT_FONTS.iter().find(|f| f.bytes == bytes)?;
    let (crc, stream) = f.packed.split_first_chunk::<4>()?;
    Some(Deflated { crc32: u32::from_le_bytes(*crc), stream })
}

/// An error in the style sheet or its fonts, with the file and, for YAML, the line.
#[derive(Debug)]
pub struct StyleError {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub hint: &'static str,
}

impl fmt::Display for StyleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::located::write(f, &self.path, self.line, self.column, &self.message, self.hint)
    }
}

impl std::error::Error for StyleError {}

/// A length as written in the sheet. `em` is relative to the body size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Length {
    Pt(f32),
    Em(f32),
}

impl Length {
    /// In points, with `em` the given size.
    pub fn pt(self, em: f32) -> f32 {
        match self {
            Length::Pt(v) => v,
            Length::Em(v) => v * em,
        }
    }

    /// As CSS: points stay points, `em` stays relative.
    pub fn css(self) -> String {
        match self {
            Length::Pt(v) => format!("{}pt", trim(v)),
            Length::Em(v) => format!("{}em", trim(v)),
        }
    }

    fn parse(s: &str) -> Result<Length, String> {
        let s = s.trim();
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
            .unwrap_or(s.len());
        let (num, unit) = s.split_at(split);
        let v: f32 = num
            .parse()
            .map_err(|_| format!("`{s}` is not a length (write e.g. 11pt, 15mm, 1.2em)"))?;
        if !v.is_finite() || v < 0.0 {
            return Err(format!("`{s}`: a length must be a positive number"));
        }
        Ok(match unit.trim() {
            "" | "pt" => Length::Pt(v),
            "mm" => Length::Pt(v * 72.0 / 25.4),
            "cm" => Length::Pt(v * 72.0 / 2.54),
            "in" => Length::Pt(v * 72.0),
            "em" => Length::Em(v),
            u => return Err(format!("`{s}`: unknown unit `{u}` (use pt, mm, cm, in or em)")),
        })
    }
}

fn trim(v: f32) -> String {
    let s = format!("{:.3}", v);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl<'de> Deserialize<'de> for Length {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(f32),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::N(v) => Length::parse(&v.to_string()),
            Raw::S(s) => Length::parse(&s),
        }
        .map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    #[default]
    Justify,
    Left,
    Center,
    Right,
}

impl Align {
    pub fn css(self) -> &'static str {
        match self {
            Align::Justify => "justify",
            Align::Left => "left",
            Align::Center => "center",
            Align::Right => "right",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FontFiles {
    pub regular: String,
    pub italic: String,
    pub bold: String,
    pub bold_italic: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    pub size: Length,
    pub leading: Length,
    pub indent: Length,
    #[serde(default = "zero")]
    pub paragraph_spacing: Length,
    #[serde(default)]
    pub align: Align,
    #[serde(default = "yes")]
    pub hyphenate: bool,
    #[serde(default = "two")]
    pub hyphenate_before: usize,
    #[serde(default = "three")]
    pub hyphenate_after: usize,
    #[serde(default = "two")]
    pub widows: usize,
    #[serde(default = "two")]
    pub orphans: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadingStyle {
    pub size: Length,
    #[serde(default = "center")]
    pub align: Align,
    #[serde(default)]
    pub italic: bool,
    #[serde(default)]
    pub bold: bool,
    #[serde(default = "zero")]
    pub space_before: Length,
    #[serde(default = "zero")]
    pub space_after: Length,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Headings {
    pub chapter: HeadingStyle,
    pub h2: HeadingStyle,
    pub h3: HeadingStyle,
    pub h4: HeadingStyle,
}

impl Headings {
    /// Style of a heading level inside a chapter; 5 and 6 look like 4.
    pub fn level(&self, level: u8) -> &HeadingStyle {
        match level {
            0 | 1 => &self.chapter,
            2 => &self.h2,
            3 => &self.h3,
            _ => &self.h4,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassStyle {
    #[serde(default)]
    pub align: Option<Align>,
    #[serde(default)]
    pub indent: Option<Length>,
    #[serde(default)]
    pub italic: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SceneBreak {
    pub ornament: String,
    pub space: Length,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockQuote {
    pub indent: Length,
    pub size: Length,
    /// PDF only: space above and below a quotation or a list.
    #[serde(default = "block_space")]
    pub space: Length,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Footnotes {
    pub size: Length,
    pub leading: Length,
    /// PDF only: space between the text and the notes at the foot of a page.
    #[serde(default = "note_space")]
    pub space_before: Length,
    /// PDF only: the rule above the notes.
    #[serde(default = "rule_width")]
    pub rule_width: Length,
    #[serde(default = "rule_thickness")]
    pub rule_thickness: Length,
}

/// Superscripts (and footnote calls): size and raise, as fractions of the
/// surrounding text's size.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Superscript {
    pub scale: f32,
    pub rise: f32,
}

impl Default for Superscript {
    fn default() -> Self {
        Superscript { scale: 0.7, rise: 0.35 }
    }
}

/// Captions of figures (an image's Markdown title, an HTML `<figcaption>`):
/// set under the image, centred.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Captions {
    pub size: Length,
    #[serde(default = "yes")]
    pub italic: bool,
}

impl Default for Captions {
    fn default() -> Self {
        Captions { size: Length::Pt(9.0), italic: true }
    }
}

/// Lists: how far items are indented, and the bullet of unordered lists.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lists {
    pub indent: Length,
    pub bullet: String,
}

impl Default for Lists {
    fn default() -> Self {
        Lists { indent: Length::Em(1.5), bullet: "–".into() }
    }
}

/// The printed page: used by the PDF backend only.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    pub width: Length,
    pub height: Length,
    pub margin_top: Length,
    pub margin_bottom: Length,
    pub margin_inner: Length,
    pub margin_outer: Length,
    pub running_head_size: Length,
    pub folio_size: Length,
    /// From the page's top edge to the running head's baseline.
    #[serde(default = "head_position")]
    pub running_head_position: Length,
    /// From the page's bottom edge to the page number's baseline.
    #[serde(default = "folio_position")]
    pub folio_position: Length,
    /// Width of the page-number column of the table of contents.
    #[serde(default = "toc_number_width")]
    pub toc_number_width: Length,
}

/// `styles/book.yaml`, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleSheet {
    pub fonts: FontFiles,
    pub body: Body,
    pub headings: Headings,
    #[serde(default)]
    pub classes: std::collections::BTreeMap<String, ClassStyle>,
    pub scene_break: SceneBreak,
    pub blockquote: BlockQuote,
    pub footnotes: Footnotes,
    #[serde(default)]
    pub superscript: Superscript,
    #[serde(default)]
    pub lists: Lists,
    #[serde(default)]
    pub captions: Captions,
    pub page: Page,
}

fn zero() -> Length {
    Length::Pt(0.0)
}
fn block_space() -> Length {
    Length::Pt(7.0)
}
fn rule_width() -> Length {
    Length::Pt(25.0 * 72.0 / 25.4)
}
fn rule_thickness() -> Length {
    Length::Pt(0.4)
}
fn toc_number_width() -> Length {
    Length::Em(3.0)
}
fn note_space() -> Length {
    Length::Pt(8.0)
}
fn head_position() -> Length {
    Length::Pt(12.0 * 72.0 / 25.4)
}
fn folio_position() -> Length {
    Length::Pt(12.0 * 72.0 / 25.4)
}
fn yes() -> bool {
    true
}
fn two() -> usize {
    2
}
fn three() -> usize {
    3
}
fn center() -> Align {
    Align::Center
}

/// Which face of the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Face {
    Regular,
    Italic,
    Bold,
    BoldItalic,
}

impl Face {
    pub const ALL: [Face; 4] = [Face::Regular, Face::Italic, Face::Bold, Face::BoldItalic];

    pub fn new(italic: bool, bold: bool) -> Face {
        match (italic, bold) {
            (false, false) => Face::Regular,
            (true, false) => Face::Italic,
            (false, true) => Face::Bold,
            (true, true) => Face::BoldItalic,
        }
    }
    pub fn is_italic(self) -> bool {
        matches!(self, Face::Italic | Face::BoldItalic)
    }
    pub fn is_bold(self) -> bool {
        matches!(self, Face::Bold | Face::BoldItalic)
    }
}

/// A font file, read and checked.
#[derive(Debug, Clone)]
pub struct FontData {
    /// The file name, e.g. `Vollkorn-Regular.ttf`.
    pub file_name: String,
    pub bytes: Arc<[u8]>,
    /// The family name from the font's `name` table.
    pub family: String,
    /// Deflated at compile time: a built-in font, from the binary or from
    /// a sheet that names the same file.
    pub deflated: Option<Deflated>,
}

/// A style sheet with its fonts loaded: what the backends receive.
#[derive(Debug, Clone)]
pub struct Style {
    pub sheet: StyleSheet,
    pub fonts: [FontData; 4],
    /// Where it came from, for messages.
    pub source: String,
}

impl Style {
    pub fn font(&self, face: Face) -> &FontData {
        &self.fonts[face as usize]
    }

    /// The body size in points (what `em` means).
    pub fn em(&self) -> f32 {
        self.sheet.body.size.pt(12.0)
    }

    /// The built-in default sheet with its compiled-in fonts.
    pub fn builtin() -> Style {
        let sheet = parse_sheet(DEFAULT_SHEET, DEFAULT_SHEET_NAME).expect("the built-in style sheet parses");
        let fonts = DEFAULT_FONTS.map(|f| {
            font_data(f.name.to_string(), Arc::from(f.bytes), DEFAULT_SHEET_NAME).expect("the built-in fonts are fonts")
        });
        Style { sheet, fonts, source: DEFAULT_SHEET_NAME.into() }
    }

    /// A sheet from disk; its font paths are relative to the sheet's folder.
    pub fn load(path: &Path) -> Result<Style, StyleError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| StyleError {
            path: shown.clone(),
            line: None,
            column: None,
            message: format!("cannot read the style sheet: {e}"),
            hint: "check the `style` path in book.yaml or the --style option",
        })?;
        let sheet = parse_sheet(&text, &shown)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let files = [&sheet.fonts.regular, &sheet.fonts.italic, &sheet.fonts.bold, &sheet.fonts.bold_italic];
        let mut fonts = Vec::with_capacity(4);
        for f in files {
            let p: PathBuf = dir.join(f);
            let bytes = std::fs::read(&p).map_err(|e| StyleError {
                path: shown.clone(),
                line: None,
                column: None,
                message: format!("font file {} cannot be read: {e}", p.display()),
                hint: "font paths in the style sheet are relative to the sheet's folder",
            })?;
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            fonts.push(font_data(name, Arc::from(bytes), &shown)?);
        }
        let fonts: [FontData; 4] = fonts.try_into().expect("four fonts");
        Ok(Style { sheet, fonts, source: shown })
    }
}

fn parse_sheet(text: &str, shown: &str) -> Result<StyleSheet, StyleError> {
    let sheet: StyleSheet = serde_yaml::from_str(text).map_err(|e| {
        let loc = e.location();
        StyleError {
            path: shown.to_string(),
            line: loc.as_ref().map(|l| l.line()),
            column: loc.as_ref().map(|l| l.column()),
            message: e.to_string(),
            hint: "see styles/book.yaml in the folio repository for every key the sheet accepts",
        }
    })?;
    match out_of_range(&sheet) {
        Some((section, key, message)) => Err(StyleError {
            path: shown.to_string(),
            line: Some(key_line(text, section, key)),
            column: None,
            message: format!("`{section}: {key}`: {message}"),
            hint: "see styles/book.yaml in the folio repository for the values the sheet takes",
        }),
        None => Ok(sheet),
    }
}

/// A value that parses but cannot make a book: a size or leading of zero
/// (invisible or overprinted text, `font-size: infem` in the CSS), a
/// superscript scaled to nothing or raised off the line.
fn out_of_range(s: &StyleSheet) -> Option<(&'static str, &'static str, &'static str)> {
    let em = s.body.size.pt(11.0);
    let sized = |l: Length| l.pt(em) > 0.0;
    let checks: [(bool, &str, &str, &str); 12] = [
        (s.body.size.pt(11.0) > 0.0, "body", "size", "a text size must be more than 0"),
        (sized(s.body.leading), "body", "leading", "the leading must be more than 0"),
        (sized(s.headings.chapter.size), "chapter", "size", "a text size must be more than 0"),
        (sized(s.headings.h2.size), "h2", "size", "a text size must be more than 0"),
        (sized(s.headings.h3.size), "h3", "size", "a text size must be more than 0"),
        (sized(s.headings.h4.size), "h4", "size", "a text size must be more than 0"),
        (sized(s.blockquote.size), "blockquote", "size", "a text size must be more than 0"),
        (sized(s.footnotes.size), "footnotes", "size", "a text size must be more than 0"),
        (sized(s.footnotes.leading), "footnotes", "leading", "the leading must be more than 0"),
        (sized(s.captions.size), "captions", "size", "a text size must be more than 0"),
        ((0.2..=1.0).contains(&s.superscript.scale), "superscript", "scale", "give a fraction of the text's size from 0.2 to 1"),
        ((0.0..=1.0).contains(&s.superscript.rise), "superscript", "rise", "give a fraction of the text's size from 0 to 1"),
    ];
    checks.into_iter().find(|c| !c.0).map(|(_, section, key, message)| (section, key, message))
}

/// The 1-based line of `key:` in the block of `section:` (at any depth),
/// else of `section:`, else 1.
fn key_line(text: &str, section: &str, key: &str) -> usize {
    let starts = |l: &str, k: &str| l.trim_start().strip_prefix(k).is_some_and(|r| r.trim_start().starts_with(':'));
    let lines: Vec<&str> = text.lines().collect();
    let Some(at) = lines.iter().position(|l| starts(l, section)) else { return 1 };
    let depth = lines[at].len() - lines[at].trim_start().len();
    let inside = lines[at + 1..].iter().take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > depth);
    inside.clone().position(|l| starts(l, key)).map_or(at + 1, |i| at + 2 + i)
}

fn font_data(file_name: String, bytes: Arc<[u8]>, sheet: &str) -> Result<FontData, StyleError> {
    let face = ttf_parser::Face::parse(&bytes, 0).map_err(|e| StyleError {
        path: sheet.to_string(),
        line: None,
        column: None,
        message: format!("{file_name} is not a usable font ({e})"),
        hint: "give a TrueType (.ttf) or OpenType (.otf) file",
    })?;
    let family = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::FAMILY && n.is_unicode())
        .find_map(|n| n.to_string())
        .unwrap_or_else(|| file_name.trim_end_matches(".ttf").trim_end_matches(".otf").to_string());
    let deflated = predeflated(&bytes);
    Ok(FontData { file_name, bytes, family, deflated })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_that_make_no_book() {
        let sheet = include_str!("../styles/book.yaml");
        assert!(parse_sheet(sheet, "s").is_ok());
        for (from, to, line_key) in [("leading: 14pt", "leading: 0pt", "leading:"), ("scale: 0.7", "scale: 0", "scale:"), ("rise: 0.35", "rise: 80", "rise:")] {
            assert!(sheet.contains(from), "{from}");
            let bad = sheet.replacen(from, to, 1);
            let e = parse_sheet(&bad, "s").unwrap_err();
            let want = bad.lines().position(|l| l.trim_start().starts_with(line_key)).unwrap() + 1;
            assert_eq!(e.line, Some(want), "{}", e.message);
        }
    }

    #[test]
    fn lengths_convert_units() {
        assert_eq!(Length::parse("72").unwrap(), Length::Pt(72.0));
        assert!((Length::parse("25.4mm").unwrap().pt(10.0) - 72.0).abs() < 1e-3);
        assert_eq!(Length::parse("1.5em").unwrap().pt(10.0), 15.0);
        assert!(Length::parse("3furlongs").is_err());
        assert!(Length::parse("big").is_err());
    }

    #[test]
    fn builtin_sheet_and_fonts_load() {
        let s = Style::builtin();
        assert_eq!(s.font(Face::Italic).file_name, "Vollkorn-Italic.ttf");
        assert_eq!(s.font(Face::Regular).family, "Vollkorn");
        assert!(s.sheet.classes.contains_key("text-center"));
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let text = DEFAULT_SHEET.replace("  widows: 2\n", "  widows: 2\n  widdows: 3\n");
        let e = parse_sheet(&text, "x.yaml").unwrap_err();
        assert!(e.message.contains("widdows"), "{}", e.message);
        let line = text.lines().position(|l| l.contains("widdows")).unwrap() + 1;
        assert_eq!(e.line, Some(line));
    }
}
