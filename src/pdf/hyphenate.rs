//! Where a word may take an engine hyphen: the `hyphenation` crate's
//! patterns, the sheet's minima, and French rules on top. Results are cached
//! per word, since novels repeat their words.

use crate::style::Body;
use hyphenation::{Hyphenator as _, Language, Load, Standard};
use rustc_hash::FxHashMap;
use std::cell::{Ref, RefCell};

pub fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’')
}

pub fn is_explicit_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}')
}

/// Hyphenation language for a BCP 47 tag: the full tag, then its primary
/// subtag (`en` means US English).
fn language(tag: &str) -> Option<Language> {
    let tag = tag.to_ascii_lowercase();
    let primary = tag.split(['-', '_']).next().unwrap_or("");
    Language::try_from_code(&tag).or(Language::try_from_code(primary)).or(match primary {
        "en" => Some(Language::EnglishUS),
        "de" => Some(Language::German1996),
        _ => None,
    })
}

/// The sheet's hyphenation for `lang`: `Ok(None)` when the sheet turns it
/// off, an error (for a warning) when the language has no patterns.
pub fn for_language(body: &Body, lang: &str) -> Result<Option<Hyphenator>, String> {
    if !body.hyphenate {
        return Ok(None);
    }
    let l = language(lang).ok_or_else(|| format!("no hyphenation patterns for language `{lang}`"))?;
    let dict = Standard::from_embedded(l).map_err(|e| format!("no hyphenation for `{lang}`: {e}"))?;
    Ok(Some(Hyphenator::new(dict, body.hyphenate_before, body.hyphenate_after)))
}

pub struct Hyphenator {
    dict: Standard,
    /// Letters kept before and after a break.
    before: usize,
    after: usize,
    /// Points by word, as the text has it.
    cache: RefCell<FxHashMap<String, Vec<usize>>>,
    /// Points by plain lowercase part: a word comes with many punctuation
    /// marks and elisions (`maison`, `maison,`, `l’maison`…).
    parts: RefCell<FxHashMap<String, Vec<usize>>>,
}

impl Hyphenator {
    pub fn new(mut dict: Standard, before: usize, after: usize) -> Self {
        let (before, after) = (before.max(1), after.max(1));
        dict.minima = (before, after);
        Hyphenator { dict, before, after, cache: RefCell::default(), parts: RefCell::default() }
    }

    /// Byte offsets in `word` where an engine hyphen may go. The word is cut
    /// at explicit hyphens and apostrophes first: each part keeps the minima
    /// (so never a break right after `l’`), and breaks at explicit hyphens
    /// are not listed here (they add no hyphen). Proper names (capitalised)
    /// are not hyphenated.
    pub fn points(&self, word: &str) -> Ref<'_, [usize]> {
        // too short to keep the minima, whatever its letters (most words)
        if word.len() < self.before + self.after {
            return Ref::map(self.cache.borrow(), |_| &[][..]);
        }
        if let Ok(v) = Ref::filter_map(self.cache.borrow(), |c| c.get(word).map(Vec::as_slice)) {
            return v;
        }
        let v = self.compute(word);
        self.cache.borrow_mut().insert(word.to_string(), v);
        Ref::map(self.cache.borrow(), |c| c[word].as_slice())
    }

    fn compute(&self, word: &str) -> Vec<usize> {
        let mut out = Vec::new();
        let mut part_start = 0;
        let bounds = word
            .char_indices()
            .filter(|&(_, c)| is_explicit_hyphen(c) || is_apostrophe(c))
            .map(|(i, c)| (i, i + c.len_utf8()))
            .chain(std::iter::once((word.len(), word.len())));
        for (end, next) in bounds {
            let part = &word[part_start..end];
            // the letters of the part, without surrounding punctuation
            let core_start = part.find(char::is_alphabetic);
            let core_end =
                part.rfind(char::is_alphabetic).and_then(|i| part[i..].chars().next().map(|c| i + c.len_utf8()));
            if let (Some(cs), Some(ce)) = (core_start, core_end) {
                let core = &part[cs..ce];
                let plain =
                    core.chars().all(char::is_alphabetic) && !core.chars().next().is_some_and(char::is_uppercase);
                if plain {
                    let mut parts = self.parts.borrow_mut();
                    if !parts.contains_key(core) {
                        parts.insert(core.to_string(), self.patterns(core));
                    }
                    out.extend(parts[core].iter().map(|b| part_start + cs + b));
                }
            }
            part_start = next;
        }
        out
    }

    /// Byte offsets where a plain lowercase word may break: the patterns'
    /// points that keep the minima.
    fn patterns(&self, core: &str) -> Vec<usize> {
        let n = core.chars().count();
        if n < self.before + self.after {
            return Vec::new();
        }
        let mut out = self.dict.hyphenate(core).breaks;
        // (the points are in order: chars counted once along the word)
        let (mut k, mut at) = (0, 0);
        out.retain(|&b| {
            if b < at || !core.is_char_boundary(b) {
                return false;
            }
            k += core[at..b].chars().count();
            at = b;
            k >= self.before && n - k >= self.after
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyphenation::{Language, Load};

    fn fr(before: usize, after: usize) -> Hyphenator {
        Hyphenator::new(Standard::from_embedded(Language::French).unwrap(), before, after)
    }

    fn show(h: &Hyphenator, w: &str) -> String {
        let mut s = w.to_string();
        for &p in h.points(w).iter().rev() {
            s.insert(p, '|');
        }
        s
    }

    #[test]
    fn minima_come_from_the_caller() {
        assert_eq!(show(&fr(2, 3), "ordinateurs"), "or|di|na|teurs");
        assert_eq!(show(&fr(3, 3), "ordinateurs"), "ordi|na|teurs");
        assert_eq!(show(&fr(2, 2), "électricité"), "élec|tri|ci|té");
        assert_eq!(show(&fr(2, 3), "électricité"), "élec|tri|cité");
    }

    #[test]
    fn never_right_after_an_apostrophe() {
        let h = fr(2, 3);
        for w in ["l’ordinateur", "l'ordinateur", "qu’importait", "d’électricité,"] {
            let apos = w.char_indices().find(|&(_, c)| is_apostrophe(c)).map(|(i, c)| i + c.len_utf8()).unwrap();
            assert!(!h.points(w).contains(&apos), "{}", show(&h, w));
            assert!(!h.points(w).is_empty(), "{}", show(&h, w));
        }
    }

    #[test]
    fn a_part_is_hyphenated_alike_in_any_word() {
        let h = fr(2, 3);
        assert_eq!(show(&h, "ordinateurs"), "or|di|na|teurs");
        // other words, the same part: found again, not through the patterns
        assert_eq!(show(&h, "«ordinateurs»,"), "«or|di|na|teurs»,");
        assert_eq!(show(&h, "ordinateurs-ordinateurs"), "or|di|na|teurs-or|di|na|teurs");
        assert_eq!(h.parts.borrow().len(), 1);
        assert_eq!(show(&h, "qu’ordinateurs…"), "qu’or|di|na|teurs…");
        assert_eq!(
            h.parts.borrow().keys().map(String::as_str).collect::<std::collections::BTreeSet<_>>(),
            ["ordinateurs", "qu"].into()
        );
    }

    #[test]
    fn short_words_never_reach_the_patterns() {
        let h = fr(2, 3);
        assert!(h.points("dans").is_empty());
        assert!(h.cache.borrow().is_empty());
        // a long word of short parts: each part is too short
        assert_eq!(show(&h, "peut-être"), "peut-être");
        assert_eq!(show(&h, "ordinateurs"), "or|di|na|teurs");
    }

    #[test]
    fn explicit_hyphens_and_proper_names() {
        let h = fr(2, 3);
        let w = "porte-monnaie";
        // no engine break next to the explicit hyphen, and parts keep minima
        assert_eq!(show(&h, w), "porte-mon|naie");
        assert!(h.points("Constantinople").is_empty());
        // punctuation around the word is not counted as letters
        assert_eq!(show(&h, "«ordinateurs»,"), "«or|di|na|teurs»,");
    }
}
