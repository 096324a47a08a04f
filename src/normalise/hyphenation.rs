//! Undo line-break hyphenation left by copying from a PDF: `ter- rible` and
//! `ter-⏎rible` become `terrible`, while a compound broken at its own
//! hyphen keeps it (`Etats- Unis` → `Etats-Unis`).
//!
//! Evidence, strongest first: a suspended hyphen (`pré- et post-`) is left;
//! how the book itself writes the word (joined or hyphenated, book-wide
//! vocabulary; written both ways, the patterns settle it, else the counts
//! weighed by how readily the book breaks compounds; in English, an
//! inflection of it the book closes up and never hyphenates); a list of the
//! language's hyphenated words (French: Dicollecte's; English: those of the
//! en_GB dictionary it does not also spell closed up; French, an elided word
//! after the hyphen, `chef- d’œuvre`); compounding habits
//! (one letter alone on a side, a capital after the hyphen but not inside a
//! CamelCase name, a lower-case piece before one in capitals and the other
//! way round, a capitalised piece before a CamelCase hump joined, two short
//! pieces in capitals making no word (acronyms), French
//! inversions `-t-il`, `-elle`, `-je`, `-là`...); English word lists: a
//! suffix piece (`art- lessness`) or a listed joined form, inflections
//! included, is joined, unless both halves are words and the book
//! hyphenates more than it closes up their elements elsewhere; prefixes
//! (`ex-`, `demi-`); compound elements the book uses elsewhere; English
//! names (`Wilt- shire`) joined, other words standing alone on both sides
//! kept; when the joined form is no word, a piece the book often
//! hyphenates in other compounds (`non-`, `-style`); French halves that are
//! words while the joined form is none (`bleu- jaune`); a piece that
//! already holds a hyphen (`enable-ssh- support`); last, the
//! hyphenation patterns as a hint (a break the patterns would not make
//! keeps its hyphen with a second sign: both sides words, or one side a
//! word and the joined form none). Weak evidence gives a warning.

use super::protect::{self, Mask};
use super::vocab::Vocabulary;
use super::words::WordList;
use super::{find_break_hyphen, has_other_hyphens, quote_prefix, Change, Step, Warning};
use hyphenation::{Hyphenator, Language, Load, Standard};
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Join,
    Keep,
    /// Not a line-break hyphen (a suspended one: `pré- et post-`).
    Leave,
}

/// Why a decision was taken; the weak ones are reported as warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    Book,
    /// The book writes the word both ways: the counts decided.
    BothSpellings,
    Dictionary,
    /// The joined form is a listed word, and both halves are words too
    /// (`fire- place`): a compound or a word, the book silent on it.
    WordOrCompound,
    Habit,
    Elements,
    BothWords,
    Patterns,
    Default,
}

impl Evidence {
    /// Why a decision is in doubt, for its warning; `None` when it is not.
    fn doubt(self) -> Option<&'static str> {
        match self {
            Evidence::BothSpellings => Some("the book writes it both ways"),
            Evidence::WordOrCompound => Some("both halves are words, and so is the whole"),
            Evidence::Elements => Some("only the book's other compounds tell"),
            Evidence::BothWords => Some("both halves are words"),
            Evidence::Patterns => Some("only the hyphenation patterns tell"),
            Evidence::Book | Evidence::Dictionary | Evidence::Habit | Evidence::Default => None,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    French,
    English,
    Other,
}

fn lang_of(tag: &str) -> Lang {
    let t = tag.to_ascii_lowercase();
    if t == "fr" || t.starts_with("fr-") || t.starts_with("fr_") {
        Lang::French
    } else if t == "en" || t.starts_with("en-") || t.starts_with("en_") {
        Lang::English
    } else {
        Lang::Other
    }
}

fn patterns(lang: Lang) -> Option<&'static Standard> {
    static FR: OnceLock<Option<Standard>> = OnceLock::new();
    static EN: OnceLock<Option<Standard>> = OnceLock::new();
    let load = |l: Language| {
        Standard::from_embedded(l).ok().map(|mut s| {
            // Real PDFs break as short as `aus- si`.
            s.minima = (2, 2);
            s
        })
    };
    match lang {
        Lang::French => FR.get_or_init(|| load(Language::French)).as_ref(),
        Lang::English => EN.get_or_init(|| load(Language::EnglishUS)).as_ref(),
        Lang::Other => None,
    }
}

/// Would the patterns break `joined` after `at` bytes?
fn pattern_allows(lang: Lang, joined: &str, at: usize) -> Option<bool> {
    let p = patterns(lang)?;
    let lower = joined.to_lowercase();
    if lower.len() != joined.len() {
        return None;
    }
    // Only the last element of a compound is hyphenated by the patterns.
    let start = lower[..at].rfind('-').map_or(0, |i| i + 1);
    let end = lower[at..].find('-').map_or(lower.len(), |i| at + i);
    Some(p.hyphenate(&lower[start..end]).breaks.contains(&(at - start)))
}

pub(super) const FR_COMPOUNDS: &str = include_str!("data/fr-compounds.txt");
pub(super) const FR_WORDS: &str = include_str!(concat!(env!("OUT_DIR"), "/fr-words.txt"));
pub(super) const EN_WORDS: &str = include_str!("data/en-words.txt");
pub(super) const EN_PIECES: &str = include_str!("data/en-pieces.txt");
pub(super) const EN_COMPOUNDS: &str = include_str!("data/en-compounds.txt");
/// French hyphenated words (Dicollecte, MPL-2.0: see `data/README.md`).
static FR_COMPOUND_LIST: WordList = WordList::new(FR_COMPOUNDS);
/// French words without hyphen, every inflection (Dicollecte, MPL-2.0).
static FR_WORD_LIST: WordList = WordList::new(FR_WORDS);
/// English words (SCOWL: see `data/README.md`).
static EN_WORD_LIST: WordList = WordList::new(EN_WORDS);
/// Less common English words of four letters or more (SCOWL: see
/// `data/README.md`).
static EN_PIECE_LIST: WordList = WordList::new(EN_PIECES);
/// English hyphenated words (en_GB hunspell dictionary: see `data/README.md`).
static EN_COMPOUND_LIST: WordList = WordList::new(EN_COMPOUNDS);

/// French words that follow a hyphen in inversions, imperatives and
/// demonstratives (`ai-je`, `dis-moi`, `celle-ci`). Not `les`, `leur`: too
/// many words end so (`cel-les`, `dou-leur`).
const FR_HABITS: &[&str] = &["je", "tu", "nous", "vous", "moi", "toi", "lui", "le", "la", "y", "en", "là", "ci", "même", "mêmes", "ce"];
/// Subject pronouns: inverted after a verb ending in `t` or `d` (`dit-elle`,
/// `prend-il`); after a vowel French inserts `-t-` (`a-t-elle`), so
/// `ru- elle` is a break of `ruelle`.
const FR_SUBJECTS: &[&str] = &["il", "ils", "elle", "elles", "on"];
/// A conjunction after the hyphen, then a hyphenated word: a suspended
/// hyphen (`pré- et post-opératoire`, `long- and short-term`, `micro-
/// comme macro-économique`, `pre- as well as post-war`, `pré- et/ou
/// post-`).
const CONJUNCTIONS: &[&str] = &["et", "ou", "ni", "comme", "voire", "sinon", "mais", "and", "or", "nor", "to", "but", "versus", "vs", "und", "oder"];

/// `right` and what follows it (`next`) make a suspended hyphen's
/// conjunction before a hyphenated word.
fn suspended(right: &str, next: &str) -> bool {
    let mut words = next.split_whitespace();
    // `et/ou`, `and/or`: one conjunction.
    if next.starts_with('/') {
        words.next();
    }
    let right = right.to_lowercase();
    if right == "as" {
        // `as well as`
        if words.next() != Some("well") || words.next() != Some("as") {
            return false;
        }
    } else if !CONJUNCTIONS.contains(&right.as_str()) {
        return false;
    }
    // Articles and the like may come between: `micro- comme la macro-`,
    // `pre- but not post-`.
    const BETWEEN: &[&str] = &["la", "le", "les", "du", "des", "de", "pas", "même", "aussi", "the", "a", "an", "not", "even", "also"];
    for w in words.take(3) {
        if w.contains('-') {
            return true;
        }
        if !BETWEEN.contains(&w.to_lowercase().as_str()) {
            return false;
        }
    }
    false
}

fn first_upper_then_lower(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase) && w.chars().any(char::is_lowercase)
}

/// English endings that make a listed word into another (`hearted` is
/// `heart` + `ed`, as in `half-hearted`).
const EN_SUFFIXES: [&str; 7] = ["ed", "ing", "er", "ers", "s", "ly", "ness"];
/// English suffixes that patterns split off but no one writes apart
/// (`art- lessness`, `suit- ableness`): such a right piece is a break.
const EN_SUFFIX_PIECES: &[&str] = &["ness", "less", "lessness", "ly", "ably", "ibly", "able", "ible", "ableness", "fulness", "fully", "ful", "ship", "ment", "ments", "ism", "ity", "ous", "hood"];

/// Endings of English place names and surnames (not `by`: `Good-by`).
const EN_NAME_ENDINGS: &[&str] = &["shire", "field", "fields", "pool", "land", "son", "ton", "worth", "bury", "ham", "ford", "ley", "wick", "mouth", "chester", "caster", "cester", "don", "dale", "combe", "stead", "thorpe", "burgh", "borough", "well", "wood", "hurst", "mere", "ville"];

/// English word-list evidence for the pieces of a break.
struct English {
    on: bool,
}

impl English {
    fn listed(&self, w: &str) -> bool {
        self.on && EN_WORD_LIST.contains(&w.to_lowercase())
    }
    /// A listed word with an inflection or a common ending.
    fn derived(&self, w: &str) -> bool {
        let w = w.to_lowercase();
        self.on && EN_SUFFIXES.iter().any(|suf| w.strip_suffix(suf).is_some_and(|stem| stem.chars().count() >= 3 && (self.listed(stem) || self.listed(&format!("{stem}e")))))
    }
    /// A word of the wider list, for a piece of a break whose joined form
    /// is in neither list (`online- help`, `dove- cote`). Only four letters
    /// or more: shorter ones there are mostly prefixes and syllables
    /// (`dis`, `tun`).
    fn wider(&self, w: &str, joined: &str) -> bool {
        if !self.on || w.chars().count() < 4 {
            return false;
        }
        let joined = joined.to_lowercase();
        EN_PIECE_LIST.contains(&w.to_lowercase()) && !EN_PIECE_LIST.contains(&joined) && !EN_WORD_LIST.contains(&joined)
    }
    /// Lower-case pieces of one or two letters (`un`, `de`) are mostly
    /// prefixes or syllables: words only when listed.
    fn short_unlisted(&self, w: &str) -> bool {
        self.on && w.chars().count() <= 2 && w.chars().all(char::is_lowercase) && !self.listed(w)
    }
}

/// Decide for `left- right` (`left`: the word before the hyphen, with any
/// elision; `right`: the word after it, compounds included; `next`: the
/// text after `right`, a few words of it, for elisions and suspended
/// hyphens).
pub fn decide(left: &str, right: &str, next: &str, lang_tag: &str, vocab: &Vocabulary) -> (Decision, Evidence) {
    let lang = lang_of(lang_tag);
    // An elision (`c’est- à-dire`) counts for the word list only.
    let (elision, left) = match left.char_indices().find(|&(_, c)| c == '\'' || c == '’') {
        Some((i, c)) => left.split_at(i + c.len_utf8()),
        None => ("", left),
    };
    let rl = right.to_lowercase();
    if suspended(right, next) {
        return (Decision::Leave, Evidence::Habit);
    }
    let joined = format!("{left}{right}");
    let hyphened = format!("{left}-{right}");
    let (j, h) = (vocab.count(&joined), vocab.count(&hyphened));
    // Would the patterns break here? A break they refuse is more likely the
    // compound's own hyphen.
    let refused = || pattern_allows(lang, &joined, left.len()) == Some(false);
    if j != h {
        // A book that spells it both ways: the patterns settle it, else
        // the spelling more likely to have given this break.
        let keep = j < h || (h > 0 && (refused() || h as f64 * compound_odds(lang, &joined, vocab) > j as f64));
        let ev = if j > 0 && h > 0 { Evidence::BothSpellings } else { Evidence::Book };
        return (if keep { Decision::Keep } else { Decision::Join }, ev);
    }
    // (Only a piece that begins a hyphenated compound of the book can.)
    if j == 0 && h == 0 && vocab.head(left.split('-').next().unwrap_or(left)) > 0 {
        // The book silent on this form but hyphenating an inflection of it
        // (`mort-vivant` for `mort- vivante`). A joined inflection is
        // weaker evidence: in English only, after the habits below.
        let (j, h) = inflected_counts(left, right, lang, vocab);
        if h > j {
            return (Decision::Keep, Evidence::Elements);
        }
    }
    let listed_compound = |w: &str| FR_COMPOUND_LIST.contains(&w.to_lowercase().replace('’', "'"));
    if lang == Lang::French && ((!elision.is_empty() && listed_compound(&format!("{elision}{hyphened}"))) || listed_compound(&hyphened)) {
        return (Decision::Keep, Evidence::Dictionary);
    }
    // French: an elided word after the hyphen (`chef- d’œuvre`, `va-
    // t’en`). The word lists know the whole (`aujourd’hui` is one word);
    // else a letter elided just after a break is a compound's: a word is
    // never broken right before its apostrophe.
    if let Some(after) = next.strip_prefix(['\'', '’']).filter(|_| lang == Lang::French) {
        let word: String = after.chars().take_while(|c| c.is_alphabetic()).collect();
        if !word.is_empty() {
            if listed_compound(&format!("{elision}{hyphened}'{word}")) {
                return (Decision::Keep, Evidence::Dictionary);
            }
            if french_word(&format!("{joined}'{word}").to_lowercase()) {
                return (Decision::Join, Evidence::Dictionary);
            }
            let r_el = right.rsplit('-').next().unwrap_or(right);
            if r_el.chars().count() == 1 {
                return (Decision::Keep, Evidence::Habit);
            }
        }
    }
    // (French text borrows English compounds: `counter-clockwise`, `co-founder`.)
    if lang != Lang::Other && EN_COMPOUND_LIST.contains(&hyphened.to_lowercase()) {
        return (Decision::Keep, Evidence::Dictionary);
    }
    let l_el = left.rsplit('-').next().unwrap_or(left);
    let r_el = right.split('-').next().unwrap_or(right);
    // No typesetter leaves one letter alone at a break (`T- shirt`, `ctrl- C`);
    // one before an apostrophe is not alone (`aujour- d’hui`).
    let elided = next.starts_with(['\'', '’']);
    let one_letter = l_el.chars().count() == 1 || (r_el.chars().count() == 1 && !elided);
    if one_letter || left.ends_with("-t") || rl.starts_with("t-") {
        return (Decision::Keep, Evidence::Habit);
    }
    // A capital, an apostrophe, a capital: a name (`Wilcox- O’Hearn`); a
    // word set in capitals breaks so (`AUJOUR- D’HUI`), not one in lower case.
    let apostrophe_name = right.chars().count() == 1
        && right.chars().all(char::is_uppercase)
        && left.ends_with(char::is_lowercase)
        && next.strip_prefix(['\'', '’']).is_some_and(|n| n.starts_with(char::is_uppercase));
    // A capitalised piece before one holding a CamelCase hump after three
    // lower-case letters or more (`Piano- PedalBracket`, `Gui- tarTeX`):
    // one identifier. (`Smith- MacDonald` is two names.)
    if first_upper_then_lower(l_el) && camel_hump(r_el) {
        return (Decision::Join, Evidence::Habit);
    }
    if first_upper_then_lower(right) || apostrophe_name {
        // A capital inside the left piece (`PyThread- State`): the next hump
        // of a CamelCase name, not a compound of names (`Saint- Germain`).
        return (if inner_capital(l_el) { Decision::Join } else { Decision::Keep }, Evidence::Habit);
    }
    // Lower case, then a piece in capitals (`da- DK`, `non- ASCII`): no word
    // changes case so at a syllable.
    if left.ends_with(char::is_lowercase) && r_el.chars().count() >= 2 && r_el.chars().all(char::is_uppercase) {
        return (Decision::Keep, Evidence::Habit);
    }
    // And the other way, capitals then lower case (`QR- code`): an acronym
    // before a word, for a word set in capitals stays in capitals.
    if l_el.chars().count() >= 2 && l_el.chars().all(char::is_uppercase) && r_el.chars().count() >= 2 && r_el.chars().all(char::is_lowercase) {
        return (Decision::Keep, Evidence::Habit);
    }
    // Two short pieces in capitals that make no word (`CRC- CCITT`, `PA-
    // RISC`): acronyms joined by their hyphen. A word set in capitals
    // (`ATTEN- TION`) is a word once in lower case, and is joined below;
    // a long one (`MERCHANTA- BILITY`) no acronym.
    let caps = |w: &str| (2..=5).contains(&w.chars().count()) && w.chars().all(char::is_uppercase);
    if caps(l_el) && caps(r_el) {
        let lower = joined.to_lowercase();
        let word = vocab.count(&lower) > 0 || EN_WORD_LIST.contains(&lower) || (lang == Lang::French && french_word(&lower));
        if !word {
            return (Decision::Keep, Evidence::Habit);
        }
    }
    let after_t_or_d = left.ends_with(['t', 'd']);
    // Imperatives end in `e`, `s`, `z` (`garde-les`, `montre-leur`).
    let imperative = left.ends_with(['e', 's', 'z']) && matches!(rl.as_str(), "les" | "leur" | "leurs");
    if lang == Lang::French && (FR_HABITS.contains(&rl.as_str()) || (FR_SUBJECTS.contains(&rl.as_str()) && after_t_or_d) || imperative) {
        return (Decision::Keep, Evidence::Habit);
    }
    // A piece already joined by a hyphen (`enable-ssh- support`,
    // `more-or- less`): TeX breaks a word holding a hyphen only there, never
    // inside its elements.
    if left.contains('-') || right.contains('-') {
        return (Decision::Keep, Evidence::Elements);
    }
    let en = English { on: lang == Lang::English };
    // English: the book silent on this form but writing an inflection of
    // it closed up, never hyphenated (`callback` for `call- backs`).
    if en.on && j == 0 && h == 0 {
        let (j, h) = inflected_counts(left, right, lang, vocab);
        if j > 0 && h == 0 {
            return (Decision::Join, Evidence::Book);
        }
    }
    if en.on && EN_SUFFIX_PIECES.contains(&rl.as_str()) {
        return (Decision::Join, Evidence::Dictionary);
    }
    let element = |w: &str| !en.short_unlisted(w);
    let known = |w: &str| element(w) && (vocab.count(w) > 0 || vocab.head(w) > 0 || vocab.tail(w) > 0 || en.listed(w) || en.derived(w) || en.wider(w, &joined));
    let both_words = l_el.chars().count() >= 2 && known(l_el) && known(r_el);
    if en.listed(&joined) || en.derived(&joined) {
        // Both halves words too: the book's habit with them decides.
        if both_words && hyphen_habit(l_el, r_el, vocab) {
            return (Decision::Keep, Evidence::Elements);
        }
        return (Decision::Join, if both_words { Evidence::WordOrCompound } else { Evidence::Dictionary });
    }
    // Prefixes hyphenated before a word (`always`: `demi-heure`;
    // `before_words`: only before a word the book knows, `ex-collègues` but
    // `exemple`), and reduplications (`chien-chien`).
    let (always, before_words): (&[&str], &[&str]) = match lang {
        Lang::French => (&["demi", "semi", "vice"], &["ex", "non"]),
        // English style guides hyphenate `self-`, `all-`, `quasi-` always
        // (a listed `selfish`, `allow` was joined above).
        Lang::English => (&["self", "all", "quasi"], &["ex", "non"]),
        Lang::Other => (&[], &[]),
    };
    let l_low = l_el.to_lowercase();
    let long_r = r_el.chars().count() >= 3;
    // (In French, joined into a word of either language: `ex- plain`.)
    let joined_word = || {
        let lower = joined.to_lowercase();
        lang == Lang::French && (french_word(&lower) || EN_WORD_LIST.contains(&lower))
    };
    if (always.contains(&l_low.as_str()) && long_r)
        || (before_words.contains(&l_low.as_str()) && long_r && known(r_el) && !joined_word())
        || (l_low.chars().count() >= 4 && l_low == r_el.to_lowercase())
    {
        return (Decision::Keep, Evidence::Habit);
    }
    if element(l_el) && vocab.head(l_el) > 0 && vocab.tail(r_el) > 0 {
        return (Decision::Keep, Evidence::Elements);
    }
    // English place names and surnames end so (`Wilt- shire`, `John- son`):
    // a name, not a compound of two words.
    if en.on && first_upper_then_lower(l_el) && EN_NAME_ENDINGS.contains(&r_el) {
        return (Decision::Join, Evidence::Habit);
    }
    if en.on && both_words {
        return (Decision::Keep, Evidence::BothWords);
    }
    // A name the book never writes closed up, then a listed word of five
    // letters or more (`Autoconf- style`, `Manchester- street`): names
    // break at syllables that are seldom such words.
    let name_then_word = first_upper_then_lower(l_el) && l_el.chars().count() >= 4 && r_el.chars().count() >= 5 && r_el.chars().all(char::is_lowercase);
    if en.on && name_then_word && j == 0 && en.listed(r_el) {
        return (Decision::Keep, Evidence::BothWords);
    }
    // The joined form is no word, and one piece is a compound element the
    // book uses: it begins (`non-`) or ends (`-style`) two distinct
    // hyphenated compounds or more, and over twice as many as the closed-up
    // words it begins or ends.
    if element(l_el) && element(r_el) && compound_element(&l_low, &r_el.to_lowercase(), vocab) {
        return (Decision::Keep, Evidence::Elements);
    }
    // French: both halves are words, the joined form is none, in French or
    // in English (French text borrows English words): a compound
    // (`bleu- jaune`, `multi- colorée`).
    if lang == Lang::French && french_halves(l_el, r_el, vocab) {
        return (Decision::Keep, Evidence::BothWords);
    }
    // The patterns are only a hint: a break they would not make keeps its
    // hyphen when both sides are words, or when the joined form is no word
    // while one side is (`mort- vivante`); alone, each is a warning.
    let patterns_refuse = refused();
    let word = |w: &str| w.chars().count() >= 3 && (vocab.count(w) > 0 || en.listed(w));
    if patterns_refuse && (both_words || word(l_el) || word(r_el)) {
        return (Decision::Keep, Evidence::Patterns);
    }
    (Decision::Join, if patterns_refuse { Evidence::Patterns } else if both_words { Evidence::BothWords } else { Evidence::Default })
}

/// How much likelier a hyphenated compound is to be broken at its hyphen
/// than the same word closed up at this one point, in this text: the ratio
/// of the book's break rates (see `Vocabulary::break_rates`) times the
/// points where the patterns could break the closed-up word. 1 when the
/// book has too few breaks of either kind to tell.
fn compound_odds(lang: Lang, joined: &str, vocab: &Vocabulary) -> f64 {
    let r = vocab.break_rates();
    if r.compound_breaks < 10 || r.closed_breaks < 30 || r.closed <= 0.0 {
        return 1.0;
    }
    let lower = joined.to_lowercase();
    let points = patterns(lang).map_or(1, |p| p.hyphenate(&lower).breaks.len().max(1));
    (r.compound / r.closed * points as f64).max(1.0)
}

/// Both pieces are words (of the book, the French list or the English one),
/// and joined they make no word of either list.
fn french_halves(l: &str, r: &str, vocab: &Vocabulary) -> bool {
    let name = first_upper_then_lower(l);
    let (l, r) = (l.to_lowercase(), r.to_lowercase());
    let en = English { on: true };
    // The pieces of a name are short words by chance (`Ka- lia`): a
    // capitalised piece must be a listed word of three letters or more.
    if name && !(l.chars().count() >= 3 && (french_word(&l) || en.listed(&l))) {
        return false;
    }
    let word = |w: &str| w.chars().count() >= 2 && (vocab.count(w) > 0 || french_word(w) || en.listed(w));
    let joined = format!("{l}{r}");
    // Most breaks end at the first test: joined, they make a French word.
    !french_word(&joined) && word(&l) && word(&r) && !en.listed(&joined) && !en.derived(&joined)
}

/// A listed French word, or the plural of one: the list lacks some plurals
/// of words made with a prefix (`centimètres`).
fn french_word(w: &str) -> bool {
    FR_WORD_LIST.contains(w) || w.strip_suffix(['s', 'x']).is_some_and(|stem| FR_WORD_LIST.contains(stem))
}

/// How often the book writes `left` + `right` joined and hyphenated with
/// the right piece inflected otherwise: an ending added or taken off.
fn inflected_counts(left: &str, right: &str, lang: Lang, vocab: &Vocabulary) -> (u32, u32) {
    let endings: &[&str] = match lang {
        Lang::French => &["e", "s", "es", "x"],
        Lang::English => &["s", "es", "ed", "d", "ing", "er", "ers"],
        Lang::Other => &[],
    };
    let r = right.to_lowercase();
    let mut forms: Vec<String> = endings.iter().map(|e| format!("{r}{e}")).collect();
    forms.extend(endings.iter().filter_map(|e| r.strip_suffix(e)).filter(|s| s.chars().count() >= 2).map(String::from));
    let count = |sep: &str| forms.iter().map(|f| vocab.count(&format!("{left}{sep}{f}"))).sum();
    (count(""), count("-"))
}

/// `l` begins, or `r` ends, at least two distinct hyphenated compounds of
/// the book and over twice as many as the closed-up words made with it.
fn compound_element(l: &str, r: &str, vocab: &Vocabulary) -> bool {
    let strong = |(hyphenated, closed): (u32, u32)| hyphenated >= 2 && hyphenated > 2 * closed;
    (l.chars().count() >= 2 && strong(vocab.head_habit(l))) || (r.chars().count() >= 2 && strong(vocab.tail_habit(r)))
}

/// A lower-case letter followed by a capital: `PyThread`, `myExtension`.
fn inner_capital(w: &str) -> bool {
    w.chars().zip(w.chars().skip(1)).any(|(a, b)| a.is_lowercase() && b.is_uppercase())
}

/// Three lower-case letters or more, then a capital: `PedalBracket`,
/// `tarTeX`, not `MacDonald`.
fn camel_hump(w: &str) -> bool {
    let mut run = 0;
    for c in w.chars() {
        if c.is_uppercase() && run >= 3 {
            return true;
        }
        run = if c.is_lowercase() { run + 1 } else { 0 };
    }
    false
}

/// Does the book hyphenate these elements more than it closes them up?
/// Counts distinct compounds sharing the first or last element
/// (`good-humour`, `good-breeding` for `good- will`; `tea-room` for `ball-
/// room`) against distinct closed-up words made of the same element and a
/// word of the book (`goodness` is no `good` + word; `ballroom` is).
fn hyphen_habit(l_el: &str, r_el: &str, vocab: &Vocabulary) -> bool {
    let (l, r) = (l_el.to_lowercase(), r_el.to_lowercase());
    let (mut hyph_h, mut closed_h) = vocab.head_habit(&l);
    let (mut hyph_t, mut closed_t) = vocab.tail_habit(&r);
    // This very compound and its closed form are the question, not the habit.
    if vocab.count(&format!("{l}-{r}")) > 0 {
        hyph_h = hyph_h.saturating_sub(1);
        hyph_t = hyph_t.saturating_sub(1);
    }
    if vocab.count(&format!("{l}{r}")) > 0 {
        let seen = |w: &str| w.chars().count() >= 3 && vocab.count(w) > 0;
        closed_h -= u32::from(seen(&r) && closed_h > 0);
        closed_t -= u32::from(seen(&l) && closed_t > 0);
    }
    let hyphenated = hyph_h + hyph_t;
    hyphenated > 0 && hyphenated > closed_h + closed_t
}

/// Result of the step: the text, and for each output line its input line.
pub struct Dehyphenated {
    pub text: String,
    pub line_map: Vec<usize>,
}

/// Nothing but block markers: quote marks, a list bullet or number.
fn only_markers(s: &str) -> bool {
    let t = s.trim_matches(|c: char| c == '>' || c.is_whitespace());
    t.is_empty() || matches!(t, "-" | "*" | "+") || t.strip_suffix(['.', ')']).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Would `line` start a block, or end the paragraph above it, at the start
/// of a line? (Headings, quotes, list items, rules, setext underlines,
/// code, HTML.)
fn is_block_start(line: &str) -> bool {
    let t = line.trim();
    let underline = !t.is_empty() && (t.bytes().all(|b| b == b'=') || t.bytes().all(|b| b == b'-'));
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let ordered = (1..=9).contains(&digits) && t[digits..].starts_with(['.', ')']) && t[digits + 1..].chars().next().is_none_or(char::is_whitespace);
    t.starts_with(['#', '>', '|', '<', '`', '~', '{', '[', '!'])
        || ["-", "*", "+"].iter().any(|m| t == *m || t.strip_prefix(m).is_some_and(|r| r.starts_with([' ', '\t'])))
        || underline
        || ordered
        || protect::is_rule_line(line)
}

/// Letters with hyphens between letters, from `start` forward.
fn word_end(text: &str, start: usize) -> usize {
    let mut end = start;
    let mut it = text[start..].char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_alphabetic() {
            end = start + i + c.len_utf8();
        } else if c == '-' && it.peek().is_some_and(|&(_, d)| d.is_alphabetic()) {
            continue;
        } else {
            break;
        }
    }
    end
}

/// Letters with hyphens between letters, back from `end`.
fn word_start(text: &str, end: usize) -> usize {
    let mut start = end;
    let mut prev_letter = false;
    for (i, c) in text[..end].char_indices().rev() {
        if c.is_alphabetic() {
            start = i;
            prev_letter = true;
        } else if c == '-' && prev_letter && text[..i].chars().next_back().is_some_and(char::is_alphabetic) {
            prev_letter = false;
        } else {
            break;
        }
    }
    start
}

struct Edit {
    start: usize,
    end: usize,
    with: String,
    merges_line: bool,
}

pub fn run(text: &str, mask: &Mask, lang: &str, vocab: &Vocabulary, changes: &mut Vec<Change>, warnings: &mut Vec<Warning>) -> Dehyphenated {
    let lines = protect::line_spans(text);
    let mut edits: Vec<Edit> = Vec::new();
    let others = has_other_hyphens(text);
    for (li, &(ls, le)) in lines.iter().enumerate() {
        let mut p = ls;
        while let Some(off) = find_break_hyphen(&text[p..le], others) {
            let h = p + off;
            let hyphen = text[h..].chars().next().unwrap_or('-');
            p = h + hyphen.len_utf8();
            if mask.get(h) || h == ls || !text[..h].chars().next_back().is_some_and(char::is_alphabetic) {
                continue;
            }
            let after = text[p..le].len() - text[p..le].trim_start_matches([' ', '\t']).len();
            let mut r0 = p + after;
            let line_end = r0 == le;
            if line_end {
                let Some(&(ns, ne)) = lines.get(li + 1) else { continue };
                // Inside a block quote, the next line goes on the paragraph
                // if it is quoted as deep (`ap-⏎> prit`).
                let (depth, _) = quote_prefix(&text[ls..le]);
                let (next_depth, prefix) = quote_prefix(&text[ns..ne]);
                // (An unquoted line goes on a quoted paragraph too.)
                if next_depth != depth && next_depth != 0 {
                    continue;
                }
                let next = &text[ns + prefix..ne];
                if next.trim().is_empty() || is_block_start(next) {
                    continue;
                }
                r0 = ns + prefix + (next.len() - next.trim_start().len());
            } else if after == 0 {
                continue;
            }
            if mask.get(r0) || !text[r0..].starts_with(char::is_alphabetic) {
                continue;
            }
            let r_end = word_end(text, r0);
            let mut l_start = word_start(text, h);
            // Take an elision along (`c’est- à-dire`): `decide` knows it.
            if let Some(c) = text[..l_start].chars().next_back().filter(|&c| c == '\'' || c == '’') {
                let e = l_start - c.len_utf8();
                let s = word_start(text, e);
                if s < e && !text[s..e].contains('-') {
                    l_start = s;
                }
            }
            let left = &text[l_start..h];
            let right = &text[r0..r_end];
            // The word after `right`, or the rest of it after an apostrophe.
            let rest = &text[r_end..];
            let next = &rest[..rest.char_indices().nth(80).map_or(rest.len(), |(i, _)| i)];
            let (d, ev) = if hyphen == '\u{ad}' { (Decision::Join, Evidence::Habit) } else { decide(left, right, next, lang, vocab) };
            let before = format!("{}{}", &text[l_start..r0], right);
            let line = li + 1;
            if let Some(why) = ev.doubt() {
                let guess = if d == Decision::Keep { format!("{left}-{right}") } else { format!("{left}{right}") };
                warnings.push(Warning { line, message: format!("unsure hyphen break {before:?} made {guess:?} ({why})"), suggestion: format!("check it; write `{left}-{right}` or `{left}{right}` on one line") });
            }
            let joiner = match d {
                Decision::Leave => continue,
                Decision::Join => "",
                // The hyphen as written (`-` or U+2010).
                Decision::Keep => &text[h..h + hyphen.len_utf8()],
            };
            let edit = if !line_end {
                Edit { start: h, end: r0, with: joiner.into(), merges_line: false }
            } else {
                let (ns, ne) = lines[li + 1];
                let tok_end = r0 + text[r0..ne].find([' ', '\t']).unwrap_or(ne - r0);
                let rest = tok_end + (text[tok_end..ne].len() - text[tok_end..ne].trim_start().len());
                let indent = &text[ns..r0];
                // (Not when what stays would open a block: `ter-⏎rible - a`
                // would make `- a` a list item.)
                if rest < ne && !is_block_start(&text[rest..ne]) {
                    // Move the word's end up: `ter-⏎rible, la` → `terrible,⏎la`.
                    Edit { start: h, end: rest, with: format!("{joiner}{}\n{indent}", &text[r0..tok_end]), merges_line: false }
                } else {
                    let tok_start = text[ls..h].rfind([' ', '\t']).map(|i| ls + i + 1).unwrap_or(ls);
                    let sp = text[ls..tok_start].trim_end_matches([' ', '\t']).len() + ls;
                    if !only_markers(&text[ls..sp]) {
                        // Move the word's start down instead (not away
                        // from its list or quote marker: then merge).
                        Edit { start: sp, end: r0, with: format!("\n{indent}{}{joiner}", &text[tok_start..h]), merges_line: false }
                    } else {
                        Edit { start: h, end: r0, with: joiner.into(), merges_line: true }
                    }
                }
            };
            let overlaps = |e: &Edit| edits.last().is_some_and(|last| last.end > e.start);
            // The start cannot go down when the break before moved a word up
            // to it (`ter-⏎rible, peut-⏎être.`): merge the lines then.
            let edit = if overlaps(&edit) && line_end { Edit { start: h, end: r0, with: joiner.into(), merges_line: true } } else { edit };
            if overlaps(&edit) {
                continue;
            }
            changes.push(Change { line, step: Step::Hyphenation, before, after: format!("{left}{joiner}{right}") });
            edits.push(edit);
        }
    }
    // Apply, tracking which input line each output line comes from.
    let mut out = String::with_capacity(text.len());
    let mut line_map = Vec::with_capacity(lines.len());
    let mut cur = 0;
    let mut in_line = 1;
    line_map.push(1);
    let copy = |out: &mut String, line_map: &mut Vec<usize>, s: &str, in_line: &mut usize| {
        for c in s.chars() {
            out.push(c);
            if c == '\n' {
                *in_line += 1;
                line_map.push(*in_line);
            }
        }
    };
    for e in &edits {
        copy(&mut out, &mut line_map, &text[cur..e.start], &mut in_line);
        out.push_str(&e.with);
        let removed_nl = text[e.start..e.end].matches('\n').count();
        let added_nl = e.with.matches('\n').count();
        in_line += removed_nl;
        for _ in 0..added_nl {
            line_map.push(in_line);
        }
        debug_assert!(e.merges_line || removed_nl == added_nl);
        cur = e.end;
    }
    copy(&mut out, &mut line_map, &text[cur..], &mut in_line);
    Dehyphenated { text: out, line_map }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(text: &str, book: &str, lang: &str) -> String {
        let v = Vocabulary::from_texts([text, book]);
        run(text, &protect::protect(text), lang, &v, &mut Vec::new(), &mut Vec::new()).text
    }
    fn fr(text: &str) -> String {
        fix(text, "", "fr")
    }

    #[test]
    fn joins_true_breaks() {
        assert_eq!(fr("un ter- rible séisme"), "un terrible séisme");
        assert_eq!(fr("nos ordina- teurs"), "nos ordinateurs");
        assert_eq!(fr("à mu- tualiser leur"), "à mutualiser leur");
        assert_eq!(fr("il leur ap- prit à"), "il leur apprit à");
        assert_eq!(fr("le super- calculateur, un supercalculateur"), "le supercalculateur, un supercalculateur");
    }

    #[test]
    fn keeps_compound_hyphens() {
        assert_eq!(fr("les Etats- Unis"), "les Etats-Unis");
        assert_eq!(fr("Saint- Germain"), "Saint-Germain");
        assert_eq!(fr("a-t- elle dit"), "a-t-elle dit");
        assert_eq!(fr("a- t-elle dit"), "a-t-elle dit");
        assert_eq!(fr("c'est- à-dire"), "c'est-à-dire");
        assert_eq!(fr("Que fait- il ?"), "Que fait-il ?");
        assert_eq!(fr("celle- ci"), "celle-ci");
        assert_eq!(fr("dit- elle, prend- il"), "dit-elle, prend-il");
        assert_eq!(fr("la ru- elle, la dou- leur, cel- les"), "la ruelle, la douleur, celles");
        // Suspended hyphens, whatever the conjunction.
        for t in ["la micro- comme la macro-économie", "les hyper- voire les super-marchés", "pré- et/ou post-opératoire", "pré- et\npost-opératoire"] {
            assert_eq!(fr(t), t);
        }
        assert_eq!(fr("Garde- les, montre- leur"), "Garde-les, montre-leur");
        fix("il peut- être", "peut-être, peut-être", "fr");
        assert_eq!(fix("il peut- être", "peut-être, peut-être", "fr"), "il peut-être");
        assert_eq!(fix("a well- known fact", "well, known", "en"), "a well-known fact");
        assert_eq!(fix("les ex- collègues", "des collègues", "fr"), "les ex-collègues");
        assert_eq!(fr("un chien- chien"), "un chien-chien");
        assert_eq!(fr("un demi- mensonge"), "un demi-mensonge");
        assert_eq!(fr("par exem- ple"), "par exemple");
        assert_eq!(fix("ses ex- amis", "des amis", "fr"), "ses ex-amis");
        // (Unless joined they make a word: English in a French manual.)
        assert_eq!(fix("pour ex- plain", "en plain text", "fr"), "pour explain");
        assert_eq!(fix("un non- sens", "le sens", "fr"), "un non-sens");
        assert_eq!(fr("une chauve- souris"), "une chauve-souris");
        assert_eq!(fix("une mort- vivante", "un mort-vivant", "fr"), "une mort-vivante");
        assert_eq!(fix("des ter- ribles", "terrible", "fr"), "des terribles");
        assert_eq!(fix("an ex- ample", "", "en"), "an example");
        assert_eq!(fix("from Wilt- shire to Liver- pool", "", "en"), "from Wiltshire to Liverpool");
        assert_eq!(fix("use enable-ssh- support or intra- package-references, more-or- less", "", "en"), "use enable-ssh-support or intra-package-references, more-or-less");
        // Written both ways: a break the French patterns would not make is
        // the compound's hyphen, one they would make is not.
        assert_eq!(fix("un plug- in", "plugin, plugin, plug-in", "fr"), "un plug-in");
        assert_eq!(fix("un plu- gin", "plugin, plugin, plug-in", "fr"), "un plugin");
    }

    #[test]
    fn a_letter_before_an_apostrophe_is_not_alone() {
        assert_eq!(fr("Il vient aujour- d'hui et aujour-\nd’hui, quel- qu’un"), "Il vient aujourd'hui et aujourd’hui,\nquelqu’un");
        assert_eq!(fr("un T- shirt"), "un T-shirt");
        // A compound's hyphen before an elided word: listed, or not.
        assert_eq!(fr("un chef- d’œuvre, un hors- d'œuvre, va- t’en, un trompe- l’œil, un coq- à-l’âne, un pot- d’étain"), "un chef-d’œuvre, un hors-d'œuvre, va-t’en, un trompe-l’œil, un coq-à-l’âne, un pot-d’étain");
    }

    #[test]
    fn soft_and_unicode_hyphens() {
        // A soft hyphen at a break is always the typesetter's; inside a
        // word it is the author's hint, left alone.
        assert_eq!(fr("un ter\u{ad}\nrible cas, Etats\u{ad} Unis, ter\u{ad}rible"), "un terrible\ncas, EtatsUnis, ter\u{ad}rible");
        // U+2010 is decided like `-`, and kept as it is.
        assert_eq!(fr("ordina\u{2010}\nteurs et Etats\u{2010} Unis"), "ordinateurs\net Etats\u{2010}Unis");
        // Pieces cut by either are no evidence of words.
        let v = Vocabulary::from_texts(["un ter\u{ad}\nrible, ordina\u{2010} teurs"]);
        assert_eq!((v.count("ter"), v.count("rible"), v.count("ordina"), v.count("teurs")), (0, 0, 0, 0));
    }

    #[test]
    fn breaks_in_quotes_and_lists() {
        assert_eq!(fr("> Il leur ap-\n> prit à lire les ordina-\n>   teurs.\n"), "> Il leur apprit\n> à lire les\n>   ordinateurs.\n");
        assert_eq!(fr("> > un ter-\n> > rible cas, un ter-\nrible cas\n"), "> > un terrible\n> > cas, un terrible\ncas\n");
        // Not across quote levels, nor out of a quote into a new one.
        assert_eq!(fr("> un ter-\n> > rible\n\nun ter-\n> rible\n"), "> un ter-\n> > rible\n\nun ter-\n> rible\n");
        // A word alone after its marker is not moved away from it.
        assert_eq!(fr("- Etats-\n  Unis\n- un ter-\n  rible\n1. ordina-\n   teurs\n> ordina-\n> teurs\n"), "- Etats-Unis\n- un\n  terrible\n1. ordinateurs\n> ordinateurs\n");
    }

    #[test]
    fn both_ways_weighs_how_readily_compounds_break() {
        // `tomorrow` 3 times whole, `to-morrow` once: a majority for the
        // closed form, until the book shows it breaks its compounds far
        // more readily than its closed words (12 of 24 compounds broken,
        // 40 of some 2,000 long words).
        let book = "tomorrow tomorrow tomorrow to-morrow";
        assert_eq!(fix("see you to- morrow", book, "en"), "see you tomorrow");
        let mut text = String::from("see you to- morrow\n");
        for i in 0..12 {
            text.push_str(&format!("a well-known gate-keeper, a well- known word{i}\n"));
        }
        for _ in 0..40 {
            text.push_str(&"a common gardener forgets ".repeat(12));
            text.push_str("the gar- dener\n");
        }
        let v = Vocabulary::from_texts([text.as_str(), book]);
        let r = v.break_rates();
        assert_eq!((r.compound_breaks, r.closed_breaks), (12, 40));
        assert!(r.compound > 10.0 * r.closed, "{r:?}");
        let out = run(&text, &protect::protect(&text), "en", &v, &mut Vec::new(), &mut Vec::new()).text;
        assert!(out.starts_with("see you to-morrow\n"), "{}", &out[..40]);
        assert!(out.contains("the gardener\n") && out.contains("a well-known word0"));
    }

    #[test]
    fn french_word_list() {
        // Halves are words, joined they are none: a compound, even unseen.
        assert_eq!(fr("un ruban bleu- jaune, une image multi- colorée"), "un ruban bleu-jaune, une image multi-colorée");
        // Joined they are a word: a break, though both halves are words too.
        assert_eq!(fr("il faut par- tir, mon- trer et sou- rire"), "il faut partir, montrer et sourire");
        // An English word in French text is joined, not kept.
        assert_eq!(fr("le fichier up- date"), "le fichier update");
        // A plural the list lacks; a name whose pieces are short words.
        assert_eq!(fr("trois centi- mètres"), "trois centimètres");
        assert_eq!(fr("dit Ka- lia"), "dit Kalia");
        // English compounds French text borrows.
        assert_eq!(fr("sens counter- clockwise, un co- founder"), "sens counter-clockwise, un co-founder");
    }

    #[test]
    fn english_evidence() {
        let en = |text: &str, book: &str| fix(text, book, "en");
        // A conjunction without a hyphenated word after it: a plain break.
        assert_eq!(en("and Eli- nor said", ""), "and Elinor said");
        assert_eq!(en("pre- and post-war", ""), "pre- and post-war");
        assert_eq!(en("pre- as well as post-war, in- and/or out-patients, pre- but not post-", ""), "pre- as well as post-war, in- and/or out-patients, pre- but not post-");
        // `as` alone is no conjunction of one (`Thom- as`).
        assert_eq!(en("Thom- as well-known", ""), "Thomas well-known");
        // One letter alone on a side: no typesetter breaks there.
        assert_eq!(en("a T- shirt, press ctrl- C", ""), "a T-shirt, press ctrl-C");
        // Case changing between the pieces: an acronym before a word, and a
        // CamelCase identifier after a capitalised piece, but two names.
        assert_eq!(en("a QR- code, a USB- stick, the Piano- PedalBracket and Gui- tarTeX", ""), "a QR-code, a USB-stick, the PianoPedalBracket and GuitarTeX");
        assert_eq!(en("Smith- MacDonald and Smith- McLean", ""), "Smith-MacDonald and Smith-McLean");
        // Suffix pieces, inflected listed words, prefixes that are no words.
        assert_eq!(en("her art- lessness", ""), "her artlessness");
        assert_eq!(en("without re- thinking", ""), "without rethinking");
        assert_eq!(en("so un- civil", "civil"), "so uncivil");
        // Prefixes English always hyphenates, unless listed joined.
        assert_eq!(en("all- sufficiency, quasi- judicial", ""), "all-sufficiency, quasi-judicial");
        assert_eq!(en("a self- ish act", ""), "a selfish act");
        // Listed joined, but the book hyphenates these elements elsewhere.
        assert_eq!(en("was over- powered", "over-careful, over-rated"), "was over-powered");
        assert_eq!(en("was over- powered", ""), "was overpowered");
        // An inflection the book closes up, never hyphenates.
        assert_eq!(en("the hook call- backs", "a callback"), "the hook callbacks");
        assert_eq!(en("the hook call- backs", "a callback, a call-back"), "the hook call-backs");
        // Compounds the English dictionary spells only with their hyphen,
        // not those it also spells closed up (`re-sort` and `resort`).
        assert_eq!(en("a non- standard tool, tittle- tattle", ""), "a non-standard tool, tittle-tattle");
        assert_eq!(en("a last re- sort", ""), "a last resort");
        assert_eq!(en("with good- will", "good-humour, good-breeding"), "with good-will");
        assert_eq!(en("with good- will", "goodness"), "with goodwill");
        // A compound element the book uses, before or after a piece that
        // makes no word joined; not when the element is mostly closed up.
        assert_eq!(en("an Eiffel- style contract", "PIL-style, Autoconf-style"), "an Eiffel-style contract");
        assert_eq!(en("an Autoconf- style build", ""), "an Autoconf-style build");
        assert_eq!(en("Mr. Tun- bridge", ""), "Mr. Tunbridge");
        // Less common words are pieces too, when the joined form is in no
        // list; not those of three letters, mostly prefixes (`dis`).
        assert_eq!(en("the online- help, a dove- cote", ""), "the online-help, a dove-cote");
        assert_eq!(en("so dis- obliging", ""), "so disobliging");
        assert_eq!(en("a non- hypertextual page", "non-zero, non-fatal"), "a non-hypertextual page");
        assert_eq!(en("a non- hypertextual page", "non-zero, non-fatal, nonsense, sense, nonfiction, fiction"), "a nonhypertextual page");
        // CamelCase names break between humps; compounds of names keep.
        assert_eq!(en("a PyThread- State, Anglo- Saxon", ""), "a PyThreadState, Anglo-Saxon");
        // A name after an apostrophe; a word in capitals is no name.
        assert_eq!(en("Zooko Wilcox- O’Hearn and Dupont- O'Brien", ""), "Zooko Wilcox-O’Hearn and Dupont-O'Brien");
        assert_eq!(fix("AUJOUR- D’HUI", "", "fr"), "AUJOURD’HUI");
        assert_eq!(en("locale da- DK, non- ASCII", ""), "locale da-DK, non-ASCII");
        // Acronyms joined by a hyphen; words set in capitals join.
        assert_eq!(en("the CRC- CCITT code on PA- RISC, ATTEN- TION, MERCHANTA- BILITY", ""), "the CRC-CCITT code on PA-RISC, ATTENTION, MERCHANTABILITY");
    }

    #[test]
    fn line_end_breaks_move_the_word() {
        assert_eq!(fr("un ter-\nrible séisme"), "un terrible\nséisme");
        assert_eq!(fr("un ter-  \n  rible, séisme"), "un terrible,\n  séisme");
        assert_eq!(fr("un grand ter-\nrible."), "un grand\nterrible.");
        assert_eq!(fr("ter-\nrible"), "terrible");
        assert_eq!(fr("les Etats-\nUnis et"), "les Etats-Unis\net");
        // What stays on the line must not open a block there: the word's
        // start goes down instead, or the lines merge.
        for (broken, fixed) in [
            ("un ter-\nrible - et", "un\nterrible - et"),
            ("un ter-\nrible # et", "un\nterrible # et"),
            ("un ter-\nrible > et", "un\nterrible > et"),
            ("un ter-\nrible 1. et", "un\nterrible 1. et"),
            ("un ter-\nrible ---", "un\nterrible ---"),
            ("un ter-\nrible =", "un\nterrible ="),
            ("ter-\nrible * et", "terrible * et"),
        ] {
            assert_eq!(fr(broken), fixed);
        }
    }

    #[test]
    fn breaks_on_following_lines() {
        // The word moved up leaves the next broken word alone on its line.
        assert_eq!(fr("Il était ter-\nrible, peut-\nêtre.\n"), "Il était terrible,\npeut-être.\n");
        assert_eq!(fr("> Il était ter-\n> rible, pa-\n> role.\n"), "> Il était terrible,\n> parole.\n");
        assert_eq!(fr("Il était ter-\nrible, peut-\nêtre, dit-\nil.\n"), "Il était terrible,\npeut-être,\ndit-il.\n");
    }

    #[test]
    fn line_map_follows_merges() {
        let v = Vocabulary::default();
        let t = "a\nter-\nrible\nb";
                let d = run(t, &protect::protect(t), "fr", &v, &mut Vec::new(), &mut Vec::new());
        assert_eq!(d.text, "a\nterrible\nb");
        assert_eq!(d.line_map, vec![1, 2, 4]);
    }

    #[test]
    fn leaves_what_is_not_a_break() {
        for s in [
            "pré- et post-opératoire",
            "pre- and post-war",
            "A - B",
            "— Oui, dit-il",
            "- item\n- other",
            "un `ter- rible` code",
            "```\nter-\nrible\n```",
            "voir https://ex.org/ter- rible",
            "Titre\n---\n",
            "a -- b",
            "mot-\n\nsuite",
            "mot-\n- item",
            "<a title=\"ter- rible\">x</a>",
            "[lien](http://x.org/ter- \"t\")",
        ] {
            assert_eq!(fr(s), s, "{s}");
        }
    }

    #[test]
    fn logs_and_warns() {
        let v = Vocabulary::default();
        let (mut c, mut w) = (Vec::new(), Vec::new());
        let t = "x\nun ter- rible";
        run(t, &protect::protect(t), "fr", &v, &mut c, &mut w);
        assert_eq!(c, vec![Change { line: 2, step: Step::Hyphenation, before: "ter- rible".into(), after: "terrible".into() }]);
        assert!(w.is_empty(), "{w:?}");
        // Doubtful decisions are warned about, with why: a word written
        // both ways, halves that are words as the whole is, halves alone.
        let t = "a fire- place, over- powered, a dove- cote, a ter- rible\nover-powered, overpowered, overpowered";
        let v = Vocabulary::from_texts([t]);
        run(t, &protect::protect(t), "en", &v, &mut Vec::new(), &mut w);
        let why: Vec<&str> = w.iter().map(|w| w.message.rsplit_once(" (").unwrap().1).collect();
        assert_eq!(why, ["both halves are words, and so is the whole)", "the book writes it both ways)", "both halves are words)"], "{w:?}");
    }
}
