//! Normalisation: Markdown text in, Markdown text out, with a log of every
//! change. Pure: no file access, no global state.
//!
//! Steps, in order: Unicode NFC, line-break hyphenation, kramdown habits,
//! language typography. Each step sees the output of the one before.

mod hyphenation;
mod kramdown;
mod lint;
pub mod protect;
mod typography;
mod vocab;

pub use hyphenation::{decide, Decision, Evidence};
pub use vocab::Vocabulary;
use unicode_normalization::{is_nfc, UnicodeNormalization};

/// One step of the normaliser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    Unicode,
    Hyphenation,
    Kramdown,
    Typography,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Unicode => "unicode",
            Step::Hyphenation => "hyphenation",
            Step::Kramdown => "kramdown",
            Step::Typography => "typography",
        }
    }
}

/// What to run, for which language.
#[derive(Debug, Clone)]
pub struct Options {
    /// BCP 47 language of the text (`fr`, `en-GB`, ...).
    pub lang: String,
    pub unicode: bool,
    pub hyphenation: bool,
    pub kramdown: bool,
    pub typography: bool,
    /// French: a full no-break space before `:` (else a narrow one).
    pub colon_full_space: bool,
}

impl Options {
    pub fn all(lang: &str) -> Options {
        Options { lang: lang.to_string(), unicode: true, hyphenation: true, kramdown: true, typography: true, colon_full_space: true }
    }
    /// Only one step (Unicode NFC still runs first: every step expects NFC).
    pub fn only(lang: &str, step: Step) -> Options {
        Options {
            lang: lang.to_string(),
            unicode: true,
            hyphenation: step == Step::Hyphenation,
            kramdown: step == Step::Kramdown,
            typography: step == Step::Typography,
            colon_full_space: true,
        }
    }
}

/// One logged change. `line` is 1-based in the input text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub line: usize,
    pub step: Step,
    pub before: String,
    pub after: String,
}

/// Suspicious text left as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub line: usize,
    pub message: String,
    pub suggestion: String,
}

#[derive(Debug, Clone, Default)]
pub struct Normalised {
    pub text: String,
    pub changes: Vec<Change>,
    pub warnings: Vec<Warning>,
}

/// Run the enabled steps over `text`.
pub fn normalise(text: &str, opts: &Options, vocab: &Vocabulary) -> Normalised {
    let mut out = Normalised { text: text.to_string(), ..Default::default() };
    if opts.unicode && !is_nfc(text) {
        let line = text.lines().position(|l| !is_nfc(l)).map_or(1, |i| i + 1);
        let n = text.chars().filter(|c| unicode_normalization::char::is_combining_mark(*c)).count();
        out.text = text.nfc().collect();
        out.changes.push(Change { line, step: Step::Unicode, before: format!("{n} decomposed characters"), after: "NFC".into() });
    }
    // Later steps log lines of their own input: map them back.
    let mut line_map: Option<Vec<usize>> = None;
    if opts.hyphenation {
        let d = hyphenation::run(&out.text, &opts.lang, vocab, &mut out.changes, &mut out.warnings);
        out.text = d.text;
        if d.line_map.iter().enumerate().any(|(i, &l)| l != i + 1) {
            line_map = Some(d.line_map);
        }
    }
    let first_later = out.changes.len();
    let first_warning = out.warnings.len();
    if opts.kramdown {
        out.text = kramdown::run(&out.text, &mut out.changes);
    }
    if opts.typography {
        out.text = typography::run(&out.text, opts, &mut out.changes);
    }
    lint::run(&out.text, &mut out.warnings);
    if let Some(map) = line_map {
        let at = |l: usize| map.get(l - 1).copied().unwrap_or(l);
        out.changes[first_later..].iter_mut().for_each(|c| c.line = at(c.line));
        out.warnings[first_warning..].iter_mut().for_each(|w| w.line = at(w.line));
    }
    out
}
