//! Normalisation: Markdown text in, Markdown text out, with a log of every
//! change and warnings. Pure: no file access; the only global state is
//! read-only language data (patterns, word lists), loaded once.
//!
//! Steps, in order: Unicode (`unicode`: NFC, ligatures spelled out), line-break hyphenation (`hyphenation`,
//! evidence from `vocab`), kramdown and pandoc habits (`kramdown`,
//! `pandoc`), language
//! typography (`typography`); then `lint` warns. Each step sees the output
//! of the one before, and none touches what `protect` marks (code, URLs,
//! HTML, link targets...). All linear in the text's length.

mod hyphenation;
mod kramdown;
mod lint;
mod pandoc;
pub mod protect;
mod typography;
mod unicode;
mod vocab;
mod words;

pub use hyphenation::{decide, Decision, Evidence};
pub use kramdown::could_be_term;
pub use vocab::Vocabulary;

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
    /// The steps and rules to run: a book's `typography:` switches.
    pub switches: Switches,
    /// Log each typographic change. A build does not read the log, and on
    /// a novel it is tens of thousands of entries: a tenth of the
    /// normaliser's time.
    pub log: bool,
}

/// The steps of the normaliser and the rules of its typography step, each
/// of which a book can turn off (book.yaml's `typography:` section).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Switches {
    /// Merge words broken by line-end hyphenation (`ter- rible`).
    pub dehyphenate: bool,
    /// Understand kramdown habits (`####Title`, `{:.class}` lines).
    pub kramdown: bool,
    /// Language typography (French spaces, quotes, apostrophes, ellipsis):
    /// false turns off every rule below at once.
    pub typography: bool,
    /// French: narrow no-break spaces before `; ! ?` and inside `« »`, a
    /// no-break space before `:` and after a title of address (`M. Dupont`).
    pub spaces: bool,
    /// French: the space before `:` is a full no-break space (U+00A0); when
    /// false, a narrow one (U+202F) like before `; ! ?`.
    pub colon_full_space: bool,
    /// `’` for `'` in words and elisions (`l’été`, `it’s`, `’tis`).
    pub apostrophes: bool,
    /// English: curly quotes (`“…”`, `‘…’`); French: `« »` for `"…"`, `‘…’` for `'…'`.
    pub quotes: bool,
    /// `...` → `…`.
    pub ellipsis: bool,
    /// English: `--` → `–`, `---` → `—`; French: a no-break space after a
    /// dialogue dash.
    pub dashes: bool,
    /// French: a no-break space in `4,5 millions`, before a unit and after `n°`.
    pub number_spaces: bool,
    /// The Unicode step spells out ligature characters of a PDF copy (`ﬁ` → `fi`).
    pub ligatures: bool,
}

impl Default for Switches {
    fn default() -> Self {
        Switches { dehyphenate: true, kramdown: true, typography: true, spaces: true, colon_full_space: true, apostrophes: true, quotes: true, ellipsis: true, dashes: true, number_spaces: true, ligatures: true }
    }
}

impl Options {
    pub fn all(lang: &str) -> Options {
        Options { lang: lang.to_string(), unicode: true, switches: Switches::default(), log: true }
    }
    /// Only one step (Unicode NFC still runs first: every step expects NFC).
    pub fn only(lang: &str, step: Step) -> Options {
        let mut o = Options::all(lang);
        o.switches.only(step);
        o
    }
}

impl Switches {
    /// Turn every step off but `step`.
    pub fn only(&mut self, step: Step) {
        (self.dehyphenate, self.kramdown, self.typography) = (step == Step::Hyphenation, step == Step::Kramdown, step == Step::Typography);
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

/// What a PDF copy leaves at a line-end break: the hyphen-minus, the soft
/// hyphen (U+00AD, a break the typesetter chose: always joined) and the
/// Unicode hyphen (U+2010, decided like `-` and kept as it is).
pub(crate) const BREAK_HYPHENS: [char; 3] = ['-', '\u{ad}', '\u{2010}'];

/// The next break hyphen in `s`, searched as fast as a single `-` when the
/// text holds no other kind (`others`: see `has_other_hyphens`), as most do.
pub(crate) fn find_break_hyphen(s: &str, others: bool) -> Option<usize> {
    if others {
        s.find(BREAK_HYPHENS)
    } else {
        s.find('-')
    }
}

/// How many `>` open the line, and the bytes they take with their spaces.
pub(crate) fn quote_prefix(line: &str) -> (usize, usize) {
    let body = line.trim_start_matches(['>', ' ', '\t']);
    let prefix = &line[..line.len() - body.len()];
    (prefix.matches('>').count(), if prefix.contains('>') { prefix.len() } else { 0 })
}

pub(crate) fn has_other_hyphens(text: &str) -> bool {
    text.contains('\u{ad}') || text.contains('\u{2010}')
}

/// Whether `text` may hold a line-break hyphen (a letter, `-`, then a space
/// or the line's end): the only place the vocabulary is consulted. A
/// cheap superset of what de-hyphenation looks at, so that a manuscript
/// without any skips counting its words.
pub fn may_have_hyphen_breaks(text: &str) -> bool {
    let others = has_other_hyphens(text);
    let mut p = 0;
    while let Some(off) = find_break_hyphen(&text[p..], others) {
        let h = p + off;
        let len = text[h..].chars().next().map_or(1, char::len_utf8);
        let after = text.as_bytes().get(h + len).is_none_or(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        if after && text[..h].chars().next_back().is_some_and(char::is_alphabetic) {
            return true;
        }
        p = h + len;
    }
    false
}

/// A title or a name from YAML (book.yaml, front matter) as the text
/// around it is made: the Unicode step (mojibake mended) and the
/// language's typography. Plain text, one line.
pub fn typeset_title(title: &str, opts: &Options) -> String {
    let title = if opts.unicode { unicode::run(title, opts.switches.ligatures, &mut Vec::new()) } else { title.to_string() };
    if !opts.switches.typography {
        return title;
    }
    typography::run(&title, &protect::protect(&title), opts, None)
}

/// Run the enabled steps over `text`.
pub fn normalise(text: &str, opts: &Options, vocab: &Vocabulary) -> Normalised {
    let mut out = Normalised { text: text.to_string(), ..Default::default() };
    if opts.unicode {
        out.text = unicode::run(text, opts.switches.ligatures, &mut out.changes);
    }
    // Later steps log lines of their own input: map them back.
    let mut line_map: Option<Vec<usize>> = None;
    // The protected spans, found again only after a step changed the text.
    let mut mask = protect::protect(&out.text);
    let refresh = |mask: &mut protect::Mask, before: &str, after: &str| {
        if before != after {
            *mask = protect::protect(after);
        }
    };
    // most books have no line-break hyphen left: nothing to look at
    if opts.switches.dehyphenate && may_have_hyphen_breaks(&out.text) {
        let d = hyphenation::run(&out.text, &mask, &opts.lang, vocab, &mut out.changes, &mut out.warnings);
        refresh(&mut mask, &out.text, &d.text);
        out.text = d.text;
        if d.line_map.iter().enumerate().any(|(i, &l)| l != i + 1) {
            line_map = Some(d.line_map);
        }
    }
    let first_later = out.changes.len();
    let first_warning = out.warnings.len();
    // Lines whose Liquid `{% raw %}` escaped: meant to print as they are.
    let mut escaped = Vec::new();
    // Where the pandoc step's lines come from (notes over lines merged,
    // their definitions added at the end), and where later steps' changes
    // and warnings begin.
    let mut pandoc_map: Option<(Vec<usize>, usize, usize)> = None;
    if opts.switches.kramdown {
        let t = kramdown::run(&out.text, &mask, &mut out.changes, &mut escaped);
        refresh(&mut mask, &out.text, &t);
        out.text = t;
        let (t, map) = pandoc::run(&out.text, &mask, &mut out.changes);
        refresh(&mut mask, &out.text, &t);
        if map.iter().enumerate().any(|(i, &l)| l != i + 1) {
            pandoc_map = Some((map, out.changes.len(), out.warnings.len()));
        }
        out.text = t;
    }
    if opts.switches.typography {
        let t = typography::run(&out.text, &mask, opts, opts.log.then_some(&mut out.changes));
        refresh(&mut mask, &out.text, &t);
        out.text = t;
    }
    lint::run(&out.text, &mask, &escaped, &mut out.warnings);
    if let Some((map, changes, warnings)) = pandoc_map {
        let at = |l: &mut usize| *l = map.get(*l - 1).or(map.last()).copied().unwrap_or(*l);
        out.changes[changes..].iter_mut().for_each(|c| at(&mut c.line));
        out.warnings[warnings..].iter_mut().for_each(|w| at(&mut w.line));
    }
    if let Some(map) = line_map {
        let at = |l: usize| map.get(l - 1).copied().unwrap_or(l);
        out.changes[first_later..].iter_mut().for_each(|c| c.line = at(c.line));
        out.warnings[first_warning..].iter_mut().for_each(|w| w.line = at(w.line));
    }
    // In text order (stable: steps stay in order on a line).
    out.changes.sort_by_key(|c| c.line);
    out.warnings.sort_by_key(|w| w.line);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::{is_nfc, UnicodeNormalization};

    /// The chapter the project was made for, end to end.
    #[test]
    fn seed_chapter_jour_4() {
        // manuscript/jour-4.md is the seed, verbatim.
        let raw = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/manuscript/jour-4.md")).unwrap();
        let (_, body, _) = crate::manuscript::split_front_matter(&raw, "jour-4.md").unwrap();
        let vocab = Vocabulary::from_texts([body]);
        let n = normalise(body, &Options::all("fr"), &vocab);
        assert!(is_nfc(&n.text));
        let mut want: String = body.nfc().collect();
        for (a, b) in [
            ("ter- rible", "terrible"),
            ("super- calculateur", "supercalculateur"),
            ("ordina- teurs", "ordinateurs"),
            ("mu- tualiser", "mutualiser"),
            ("ap- prit", "apprit"),
            ("####Histoire", "#### Histoire"),
            (" :", "\u{a0}:"),
            ("Un:", "Un\u{a0}:"),
            (" ?", "\u{202f}?"),
            ("...", "…"),
            ("4,5 millions", "4,5\u{a0}millions"),
        ] {
            assert!(want.contains(a), "{a}");
            want = want.replace(a, b);
        }
        assert_eq!(n.text, want);
        for w in ["Etats-Unis", "ordinateurs personnel", "#### Histoire 1\n{:.text-center}"] {
            assert!(n.text.contains(w), "{w}");
        }
        assert_eq!(n.changes.iter().filter(|c| c.step == Step::Hyphenation).count(), 5);
        assert_eq!(n.changes.iter().filter(|c| c.step == Step::Kramdown).count(), 3);
        assert_eq!(n.changes.iter().filter(|c| c.step == Step::Unicode).count(), 1);
        assert_eq!(n.warnings.len(), 1, "{:?}", n.warnings);
        assert_eq!((n.warnings[0].line, n.warnings[0].suggestion.as_str()), (2, "promené[^4]"));
        // Idempotent: a second run changes nothing.
        let again = normalise(&n.text, &Options::all("fr"), &vocab);
        assert_eq!(again.text, n.text);
        assert!(again.changes.is_empty(), "{:?}", again.changes);
    }

    #[test]
    fn without_the_log_the_text_and_warnings_are_the_same() {
        let text = "Un: deux ; « trois »...\nIl s'est promené4 fois, ter- rible !\n";
        let v = Vocabulary::from_texts([text]);
        let logged = normalise(text, &Options::all("fr"), &v);
        let quiet = normalise(text, &Options { log: false, ..Options::all("fr") }, &v);
        assert_eq!(quiet.text, logged.text);
        assert_eq!(quiet.warnings, logged.warnings);
        assert!(logged.changes.iter().any(|c| c.step == Step::Typography));
        assert!(!quiet.changes.iter().any(|c| c.step == Step::Typography));
    }

    #[test]
    fn hyphen_break_prefilter() {
        for t in ["un ter- rible", "un ter-\nrible", "ordina-\r\nteurs", "fin-"] {
            assert!(may_have_hyphen_breaks(t), "{t:?}");
        }
        for t in ["peut-être", "— Oui - non", "12- 3", "", "a -b"] {
            assert!(!may_have_hyphen_breaks(t), "{t:?}");
        }
    }

    /// Text made of the pieces the steps look at, shuffled: no step may
    /// panic, every change must be logged within the text's lines, and a
    /// second pass of the typography changes nothing.
    #[test]
    fn scrambled_markdown_never_breaks_a_step() {
        const PIECES: &[&str] = &[
            "mot", "Été", "ter", "rible", "-", "--", "---", " ", " ", "\n", "\n\n", "'", "\"", ":", ";", "?", "!", "«", "»", "...", "`", "```", "    ", "\t", ">", "#", "*", "_", "|", "{:", "{::comment}", "{:/}", "}", "[^1]:", "[", "](http://x.org/a-b)", "{% raw %}", "{{ x }}", "12", "4,5", "\u{ad}", "\u{2010}", "ﬁ", "e\u{301}", "<!--", "-->", "<b>", "*[A]:", "5'10\"", "\r\n", "—", "’", "´", "M.", "Mme", "n°", "§", "%", "Ã", "©", "â€", "™", "Â", "<<", ">>", "{% comment %}", "{% endcomment %}", "]({{ site.baseurl }}/x)", "({% post_url a %})",
            ":::", "::: {.x}", "]{.y}", "^[", "~", "^", "H~2~O", "\\newpage", "](a.png \"", "\")", "&ecirc;", "12km",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3000 {
            let n = (next() % 60) as usize;
            let text: String = (0..n).map(|_| PIECES[(next() % PIECES.len() as u64) as usize]).collect();
            let v = Vocabulary::from_texts([text.as_str()]);
            for lang in ["fr", "en"] {
                let out = normalise(&text, &Options::all(lang), &v);
                let lines = text.lines().count().max(1) + 1;
                assert!(out.changes.iter().all(|c| c.line >= 1 && c.line <= lines), "{text:?}");
                assert!(out.warnings.iter().all(|w| w.line >= 1 && w.line <= lines), "{text:?}: {:?}", out.warnings);
                // (the Unicode step left out: typography may put a no-break
                // space after a stray `Â`, which then reads as mojibake)
                let typo = Options { unicode: false, ..Options::only(lang, Step::Typography) };
                let once = normalise(&out.text, &typo, &v).text;
                assert_eq!(normalise(&once, &typo, &v).text, once, "{lang} {text:?}");
            }
        }
    }

    /// Liquid that `{% raw %}` escaped is meant to print: no warning for it.
    #[test]
    fn escaped_liquid_is_not_warned_about() {
        let text = "{% raw %}\n{{ x }}\n{% endraw %}\nB {% raw %}{{ y }}{% endraw %}\n{{ z }}";
        let out = normalise(text, &Options::all("en"), &Vocabulary::default());
        assert_eq!(out.text, "\n{{ x }}\n\nB {{ y }}\n{{ z }}");
        assert_eq!(out.warnings.iter().map(|w| w.line).collect::<Vec<_>>(), [5], "{:?}", out.warnings);
    }

    #[test]
    fn switches_and_line_numbers() {
        let v = Vocabulary::default();
        let only = normalise("####T\nun ter- rible : x", &Options::only("fr", Step::Hyphenation), &v);
        assert_eq!(only.text, "####T\nun terrible : x");
        let all = normalise("un ter-\nrible\nfin :", &Options::all("fr"), &v);
        assert_eq!(all.text, "un\nterrible\nfin\u{a0}:");
        assert_eq!(all.changes.last().unwrap().line, 3);
        let merged = normalise("ter-\nrible\nfin :", &Options::all("fr"), &v);
        assert_eq!(merged.text, "terrible\nfin\u{a0}:");
        assert_eq!(merged.changes.last().unwrap().line, 3);
        // A note over lines is made a note, and what follows keeps its line;
        // one that cannot be (out of its quote) is warned about at its line.
        let notes = normalise("Un^[a b\nc] d.\nfin :\n\n> x ^[a b\nc] d\n", &Options::all("fr"), &v);
        assert_eq!(notes.changes.iter().filter(|c| c.step == Step::Typography).map(|c| c.line).collect::<Vec<_>>(), [3]);
        assert_eq!(notes.warnings.iter().map(|w| w.line).collect::<Vec<_>>(), [5], "{:?}", notes.warnings);
    }
}
