//! Book-wide word counts: the main evidence for de-hyphenation.

use rustc_hash::FxHashMap as FastMap;
use std::sync::OnceLock;

/// Words seen across the whole manuscript (lower-cased), hyphenated
/// compounds included, plus how often a word is seen as a compound's
/// first or last element.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    words: FastMap<String, u32>,
    heads: FastMap<String, u32>,
    tails: FastMap<String, u32>,
    /// Distinct compounds per first and last element (derived from
    /// `words`, so that merged parts count a compound once).
    head_kinds: FastMap<String, u32>,
    tail_kinds: FastMap<String, u32>,
    /// The line-end breaks of the text, as `left-right`, lower-cased.
    breaks: FastMap<String, u32>,
    /// How readily the text breaks its compounds: see `break_rates`.
    rates: OnceLock<BreakRates>,
    /// Closed-up words, sorted, and the same reversed: built on first use
    /// (only a doubtful break asks), for prefix and suffix look-ups.
    sorted: OnceLock<Vec<String>>,
    reversed: OnceLock<Vec<String>>,
}

/// How often the text breaks a word at a line end, per character of the
/// words it leaves whole: hyphenated compounds, and closed-up words of five
/// letters or more. Counted only on breaks the book settles (the one
/// spelling seen elsewhere).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BreakRates {
    pub compound_breaks: u32,
    pub closed_breaks: u32,
    pub compound: f64,
    pub closed: f64,
}

/// Calls `f(word, start, end)` for each word of `text`: letters, with
/// hyphens only between letters; an apostrophe ends a word (`l’été` gives
/// `l`, `été`). A piece cut by a line-break hyphen (`ter- rible`) is not a
/// word: it would be false evidence; `on_break(left, right)` gets it.
pub(crate) fn for_each_word(text: &str, mut f: impl FnMut(&str, usize, usize), mut on_break: impl FnMut(&str, &str)) {
    let mut it = text.char_indices().peekable();
    let mut after_break = false;
    let mut left = 0..0;
    while let Some((i, c)) = it.next() {
        if !c.is_alphabetic() {
            if !c.is_whitespace() && !super::BREAK_HYPHENS.contains(&c) {
                after_break = false;
            }
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = it.peek() {
            if d.is_alphabetic() || d.is_combining_mark_like() {
                end = j + d.len_utf8();
                it.next();
            } else if d == '-' && text[j + 1..].starts_with(char::is_alphabetic) {
                it.next();
            } else {
                break;
            }
        }
        let breaks = text[end..].strip_prefix(super::BREAK_HYPHENS).is_some_and(|r| r.starts_with(|x: char| x.is_ascii_whitespace()));
        if after_break {
            on_break(&text[left.clone()], &text[start..end]);
        } else if !breaks {
            f(&text[start..end], start, end);
        }
        if breaks {
            left = start..end;
        }
        after_break = breaks;
    }
}

fn bump(map: &mut FastMap<String, u32>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

/// `w.to_lowercase()` into a reused buffer.
fn lowercase_into(w: &str, out: &mut String) {
    out.clear();
    if w.is_ascii() {
        out.push_str(w);
        out.make_ascii_lowercase();
    } else if w.contains('Σ') {
        // Final sigma: only `str::to_lowercase` knows the word's end.
        out.push_str(&w.to_lowercase());
    } else {
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
}

trait MarkLike {
    fn is_combining_mark_like(&self) -> bool;
}
impl MarkLike for char {
    fn is_combining_mark_like(&self) -> bool {
        unicode_normalization::char::is_combining_mark(*self)
    }
}

impl Vocabulary {
    pub fn from_texts<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vocabulary {
        let mut v = Vocabulary::default();
        let mut lower = String::new();
        for t in texts {
            // Counted as the normaliser will look them up: NFC, no ligature.
            let t = super::unicode::canonical(t);
            let mut breaks = Vec::new();
            for_each_word(
                &t,
                |w, _, _| {
                    lowercase_into(w, &mut lower);
                    v.add(&lower);
                },
                |l, r| breaks.push(format!("{l}-{r}").to_lowercase()),
            );
            for b in breaks {
                *v.breaks.entry(b).or_default() += 1;
            }
        }
        v.count_kinds();
        v
    }

    /// One vocabulary from many, e.g. one per chapter counted in parallel.
    pub fn merge(parts: impl IntoIterator<Item = Vocabulary>) -> Vocabulary {
        let mut all = Vocabulary::default();
        for p in parts {
            for (mine, theirs) in [(&mut all.words, p.words), (&mut all.heads, p.heads), (&mut all.tails, p.tails), (&mut all.breaks, p.breaks)] {
                if mine.is_empty() {
                    *mine = theirs;
                    continue;
                }
                for (w, n) in theirs {
                    *mine.entry(w).or_default() += n;
                }
            }
        }
        all.count_kinds();
        all
    }

    fn count_kinds(&mut self) {
        self.head_kinds.clear();
        self.tail_kinds.clear();
        for w in self.words.keys() {
            if let Some((h, _)) = w.split_once('-') {
                *self.head_kinds.entry(h.to_string()).or_default() += 1;
                *self.tail_kinds.entry(w.rsplit('-').next().unwrap_or_default().to_string()).or_default() += 1;
            }
        }
    }

    /// Counts a lower-cased word; allocates only for a word not seen before.
    fn add(&mut self, lw: &str) {
        if let Some((h, _)) = lw.split_once('-') {
            bump(&mut self.heads, h);
            bump(&mut self.tails, lw.rsplit('-').next().unwrap_or_default());
        }
        bump(&mut self.words, lw);
    }

    /// How readily this text breaks compounds and closed-up words: a
    /// hyphenated compound is broken at its hyphen more often than a closed
    /// word at one given point (it has one place to break, and generated
    /// test sets break compounds on purpose), so a book that writes a word
    /// both ways leaves its hyphenated form fewer times unbroken.
    pub fn break_rates(&self) -> BreakRates {
        *self.rates.get_or_init(|| {
            let mut r = BreakRates::default();
            for (b, n) in &self.breaks {
                let joined: String = b.chars().filter(|&c| c != '-').collect();
                // Only breaks of a one-hyphen compound or a closed word.
                if b.matches('-').count() != 1 {
                    continue;
                }
                match (self.words.contains_key(b.as_str()), self.words.contains_key(&joined)) {
                    (true, false) => r.compound_breaks += n,
                    (false, true) => r.closed_breaks += n,
                    _ => {}
                }
            }
            let (mut compound_chars, mut closed_chars) = (0u64, 0u64);
            for (w, n) in &self.words {
                let len = w.chars().count() as u64;
                match w.matches('-').count() {
                    1 => compound_chars += len * *n as u64,
                    0 if len >= 5 => closed_chars += len * *n as u64,
                    _ => {}
                }
            }
            r.compound = r.compound_breaks as f64 / compound_chars.max(1) as f64;
            r.closed = r.closed_breaks as f64 / closed_chars.max(1) as f64;
            r
        })
    }

    /// How often `w` (any case) was seen.
    pub fn count(&self, w: &str) -> u32 {
        self.words.get(&w.to_lowercase()).copied().unwrap_or(0)
    }
    /// How often `w` began a hyphenated compound.
    pub fn head(&self, w: &str) -> u32 {
        self.heads.get(&w.to_lowercase()).copied().unwrap_or(0)
    }
    /// How often `w` ended a hyphenated compound.
    pub fn tail(&self, w: &str) -> u32 {
        self.tails.get(&w.to_lowercase()).copied().unwrap_or(0)
    }

    /// How the book writes `head` before another word: distinct hyphenated
    /// compounds starting `head-`, and distinct words `head` + a word seen
    /// alone (3 letters or more), closed up. `head` is lower-case.
    pub fn head_habit(&self, head: &str) -> (u32, u32) {
        let sorted = self.sorted.get_or_init(|| self.closed_words(|w| w.to_string()));
        let from = sorted.partition_point(|w| w.as_str() < head);
        let closed = sorted[from..].iter().take_while(|w| w.starts_with(head)).filter(|w| self.is_long_word(&w[head.len()..])).count();
        (self.head_kinds.get(head).copied().unwrap_or(0), closed as u32)
    }

    /// The same after another word: `-tail` compounds, words ending in `tail`.
    pub fn tail_habit(&self, tail: &str) -> (u32, u32) {
        let rev: String = tail.chars().rev().collect();
        let reversed = self.reversed.get_or_init(|| self.closed_words(|w| w.chars().rev().collect()));
        let from = reversed.partition_point(|w| w.as_str() < rev.as_str());
        let closed = reversed[from..]
            .iter()
            .take_while(|w| w.starts_with(&rev))
            .filter(|w| self.is_long_word(&w[rev.len()..].chars().rev().collect::<String>()))
            .count();
        (self.tail_kinds.get(tail).copied().unwrap_or(0), closed as u32)
    }

    fn closed_words(&self, key: impl Fn(&str) -> String) -> Vec<String> {
        let mut v: Vec<String> = self.words.keys().filter(|w| !w.contains('-')).map(|w| key(w)).collect();
        v.sort_unstable();
        v
    }

    fn is_long_word(&self, w: &str) -> bool {
        w.chars().count() >= 3 && self.words.contains_key(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_compounds_and_fragments() {
        let v = Vocabulary::from_texts(["L’été, peut-être un ter- rible ordina-\nteurs. Etats-Unis", "Été"]);
        assert_eq!(v.count("été"), 2);
        assert_eq!(v.count("peut-être"), 1);
        assert_eq!(v.count("l"), 1);
        assert_eq!(v.count("ter"), 0);
        assert_eq!(v.count("rible"), 0);
        assert_eq!(v.count("teurs"), 0);
        assert_eq!(v.count("un"), 1);
        assert_eq!(v.head("peut"), 1);
        assert_eq!(v.tail("unis"), 1);
        assert_eq!(v.count("etats-unis"), 1);
    }

    #[test]
    fn breaks_are_recorded_not_counted_as_words() {
        let mut pairs = Vec::new();
        for_each_word("un ter- rible ordina-\nteurs, peut- être", |_, _, _| {}, |l, r| pairs.push(format!("{l}|{r}")));
        assert_eq!(pairs, ["ter|rible", "ordina|teurs", "peut|être"]);
        let v = Vocabulary::from_texts(["peut-être, peut- être, l'ordinateur, un ordina- teur, ter- rible"]);
        let r = v.break_rates();
        // `ter- rible`: neither spelling seen whole, so not counted.
        assert_eq!((r.compound_breaks, r.closed_breaks), (1, 1));
        assert!((r.compound - 1.0 / 9.0).abs() < 1e-9 && (r.closed - 1.0 / 10.0).abs() < 1e-9, "{r:?}");
        let merged = Vocabulary::merge(["peut-être, peut- être", "l'ordinateur, un ordina- teur, ter- rible"].iter().map(|t| Vocabulary::from_texts([*t])));
        assert_eq!(merged.break_rates(), r);
    }

    #[test]
    fn counted_after_the_unicode_step() {
        let v = Vocabulary::from_texts(["l'e\u{301}te\u{301} diﬀérent"]);
        assert_eq!((v.count("été"), v.count("différent")), (1, 1));
    }

    #[test]
    fn merged_parts_count_like_the_whole() {
        let texts = ["Un peut-être, un été.", "UN été, deux peut-être", "", "Été"];
        let whole = Vocabulary::from_texts(texts);
        let merged = Vocabulary::merge(texts.iter().map(|t| Vocabulary::from_texts([*t])));
        for w in ["un", "été", "peut-être", "deux", "absent"] {
            assert_eq!(merged.count(w), whole.count(w), "{w}");
        }
        assert_eq!((merged.head("peut"), merged.tail("être")), (2, 2));
        // A compound in two parts is still one kind of compound.
        assert_eq!(merged.head_habit("peut"), whole.head_habit("peut"));
        assert_eq!(merged.head_habit("peut").0, 1);
    }

    #[test]
    fn element_habits() {
        let v = Vocabulary::from_texts(["non-zero non-zero non-empty nonsense sense none; bedroom bed room tea-room card-room"]);
        // `non-zero` twice is one compound; `none` is no `non` + word.
        assert_eq!(v.head_habit("non"), (2, 1));
        assert_eq!(v.tail_habit("room"), (2, 1));
        assert_eq!(v.head_habit("xyz"), (0, 0));
    }
}
