//! Language typography, outside protected text. Idempotent: correct text
//! is left alone, and every rule only moves text towards its fixed point.
//!
//! French: U+202F before `; ! ?` and inside `« »`, U+00A0 (or U+202F)
//! before `:`, `’`, `…`, `« »` for straight double quotes, a no-break space
//! after a dialogue dash, between a number and its unit and after `M.` or
//! `n°`. English: curly quotes and apostrophes, `--`/`---` dashes, `…`.

use super::protect::{self, Mask};
use super::{Change, Options, Step, Switches};

const NBSP: char = '\u{a0}';
const NNBSP: char = '\u{202f}';

/// Words after a number that must not be separated from it.
const UNITS: &[&str] = &[
    "millions", "million", "milliards", "milliard", "milliers", "%", "‰", "€", "$", "£", "km", "m", "cm", "mm", "kg", "mg", "ml", "cl", "h", "min", "°C", "°", "Mo", "Go", "ko", "To", "km/h",
];

/// Units a number may be typed glued to (`12km`, `30°C`, `100€`) that take
/// the no-break space as when spaced. Not `h`, `min` nor `°`: `10h30` and
/// an angle's `45°` are written so.
const GLUED_UNITS: &[&str] = &["km", "m", "cm", "mm", "kg", "g", "mg", "l", "ml", "cl", "°C", "€", "$", "£", "Mo", "Go", "ko", "To", "km/h", "m²", "km²", "m³"];

/// A number ending at byte `k` of `line`, glued to a unit that ends there
/// too (`12km,`); the number stands alone (not `B12km`, `1,5.3km`).
fn glued_unit(line: &str, k: usize) -> bool {
    let digits = line[..=k].bytes().rev().take_while(|b| b.is_ascii_digit() || *b == b',').count();
    let alone = line[..k + 1 - digits].chars().next_back().is_none_or(|c| !c.is_alphanumeric() && !matches!(c, '.' | '-' | '/' | '_'));
    let after = &line[k + 1..];
    let end = after.find(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '.' | ')' | '!' | '?' | ':' | '»' | '*' | '_')).unwrap_or(after.len());
    alone && GLUED_UNITS.contains(&&after[..end])
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t' || c == NBSP || c == NNBSP
}

/// Text a French punctuation space may follow.
fn is_content(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, ')' | ']' | '»' | '”' | '’' | '*' | '_' | '…' | '"' | '\'' | '`' | '%' | '.')
}

struct Edit {
    start: usize,
    end: usize,
    with: String,
}

/// The text with the language's typography; each change logged in `log` if given.
pub fn run(text: &str, mask: &Mask, opts: &Options, log: Option<&mut Vec<Change>>) -> String {
    let lang = opts.lang.to_ascii_lowercase();
    let french = lang == "fr" || lang.starts_with("fr-") || lang.starts_with("fr_");
    let english = lang == "en" || lang.starts_with("en-") || lang.starts_with("en_");
    if !french && !english {
        return text.to_string();
    }
    let mut edits = Vec::new();
    // The quotes open in the paragraph (French), for quotes over lines.
    let mut open = Vec::new();
    for &(a, b) in &protect::line_spans(text) {
        if french {
            if text[a..b].trim().is_empty() {
                open.clear();
            }
            french_line(text, a, b, mask, &opts.switches, &mut open, &mut edits);
        } else {
            english_line(text, a, b, mask, &opts.switches, &mut edits);
        }
    }
    apply(text, edits, log)
}

/// The whitespace run ending at `i` (within the line starting at `a`).
fn space_before(text: &str, a: usize, i: usize) -> usize {
    let mut j = i;
    for (k, c) in text[a..i].char_indices().rev() {
        if is_space(c) {
            j = a + k;
        } else {
            break;
        }
    }
    j
}

fn space_after(text: &str, i: usize, b: usize) -> usize {
    i + (text[i..b].len() - text[i..b].trim_start_matches(is_space).len())
}

fn set_space(text: &str, start: usize, end: usize, want: char, edits: &mut Vec<Edit>) {
    let cur = &text[start..end];
    if cur.chars().count() != 1 || !cur.starts_with(want) {
        edits.push(Edit { start, end, with: want.to_string() });
    }
}

fn french_line(text: &str, a: usize, b: usize, mask: &Mask, rules: &Switches, open: &mut Vec<char>, edits: &mut Vec<Edit>) {
    let line = &text[a..b];
    // Dialogue dash opening the line.
    let lead = line.len() - line.trim_start_matches([' ', '>']).len();
    let rest = &line[lead..];
    let mut skip_to = 0;
    if rules.dashes && !mask.get(a + lead) {
        // A typed `--` or `---` opening a reply is the em dash.
        let typed = typed_dash(line, lead, true).map_or(0, |(n, _)| n);
        if typed > 0 || rest.starts_with('—') || rest.starts_with('–') {
            let d = a + lead + if typed > 0 { typed } else { 3 };
            let e = space_after(text, d, b);
            if typed > 0 {
                edits.push(Edit { start: a + lead, end: e, with: format!("—{NBSP}") });
                skip_to = e - a;
            } else if e < b && !text[d..].starts_with(['—', '–']) && !text[e..].starts_with('»') {
                set_space(text, d, e, NBSP, edits);
            }
        }
    }
    if rules.spaces {
        across_lines(text, a, b, mask, rules, edits);
    }
    let liquid = liquid(line);
    let interesting = |c: char| matches!(c, '\'' | '´' | '"' | '.' | ';' | '!' | '?' | ':' | '«' | '»' | '-' | 'M' | '°' | '§') || c.is_ascii_digit();
    for (k, c) in line.match_indices(interesting).filter_map(|(k, m)| Some((k, m.chars().next()?))) {
        let i = a + k;
        if k < skip_to || mask.get(i) || liquid.iter().any(|&(s, e)| (s..e).contains(&k)) {
            continue;
        }
        let (prev, next) = neighbours(line, k, c);
        if c == '«' {
            open.push(c);
        } else if c == '»' {
            open.pop();
        }
        match c {
            // After a letter, an elision (`d'*Hamlet*`, `qu'« aller »`), a
            // cut word (`appart'`) or a closing quote: `’` for all three.
            '\'' if prev.is_alphabetic() && rules.apostrophes => edits.push(Edit { start: i, end: i + 1, with: "’".into() }),
            '´' if rules.apostrophes && acute_for_apostrophe(prev, next) => edits.push(Edit { start: i, end: i + 2, with: "’".into() }),
            // Before a word, after a space: an opening single quote.
            '\'' if rules.quotes && (prev.is_whitespace() || matches!(prev, '(' | '\n' | '"' | '«')) && line[k + 1..].trim_start_matches(['*', '_']).starts_with(char::is_alphabetic) => {
                edits.push(Edit { start: i, end: i + 1, with: "‘".into() })
            }
            '.' if rules.ellipsis && ellipsis(line, k, prev, i, edits) => skip_to = k + 3,
            '.' if rules.number_spaces && prev.is_alphabetic() => {
                // `p. 12`, `vol. 3`: the reference stays with its number.
                let w = line[..k].trim_end_matches(char::is_alphabetic).len();
                if !line[..w].ends_with(char::is_alphanumeric) {
                    abbreviation_space(text, b, a + w, REFERENCES, |ch| ch.is_ascii_digit(), mask, edits);
                }
            }
            '-' if rules.dashes => skip_to = typed(line, k, true, i, edits),
            ';' | '!' | '?' | ':' if rules.spaces => {
                let j = space_before(text, a, i);
                let before = text[a..j].chars().next_back().unwrap_or('\n');
                // A run of `!` or `?` is looked at as one mark: spaced after
                // a space or a letter (`Oui!!!`), not glued to code (`C_??`).
                let run = line[k..].len() - line[k..].trim_start_matches(c).len();
                let next = if matches!(c, '!' | '?') { line[k + run..].chars().next().unwrap_or('\n') } else { next };
                let skip = j == a
                    || (run > 1 && j == i && !before.is_alphabetic())
                    || !is_content(before)
                    || (c == '!' && next == '[')
                    || (c == ':' && (next.is_ascii_digit() && prev.is_ascii_digit() || line[k..].starts_with("://")))
                    // glued on both sides, no punctuation of prose:
                    // `C:\Windows`, `index.php?id=3`, `(a):(b)`
                    || (is_content(before) && j == i && (next.is_alphanumeric() || matches!(next, '\\' | '/' | '(' | '[' | '=' | '@' | '#' | '&' | '%' | '$')))
                    || (c == ';' && text[a..i].rsplit(char::is_whitespace).next().is_some_and(|w| w.starts_with('&')))
                    // (`::`, `;;` are code; `!!!`, `???` the prose's
                    // insistence, spaced before the first.)
                    || (next == c && !matches!(c, '!' | '?'));
                if !skip && !mask.any(j, i) {
                    set_space(text, j, i, if c == ':' && rules.colon_full_space { NBSP } else { NNBSP }, edits);
                }
            }
            '"' if rules.quotes => french_quote(text, (a, b), i, mask, rules, open, edits),
            'M' if rules.spaces && !prev.is_alphanumeric() => abbreviation_space(text, b, i, CIVILITIES, char::is_alphabetic, mask, edits),
            '°' if rules.number_spaces && matches!(prev, 'n' | 'N') && !line[..k - 1].ends_with(char::is_alphanumeric) => {
                abbreviation_space(text, b, i, &["°"], |ch| ch.is_ascii_digit(), mask, edits)
            }
            '§' if rules.number_spaces => abbreviation_space(text, b, i, &["§"], |ch| ch.is_ascii_digit(), mask, edits),
            '«' if rules.spaces => {
                // `dit :«` : the space after a colon.
                if prev == ':' {
                    edits.push(Edit { start: i, end: i, with: " ".into() });
                }
                let e = space_after(text, i + 2, b);
                if e < b && !mask.any(i + 2, e + 1) {
                    set_space(text, i + 2, e, NNBSP, edits);
                }
            }
            '»' if rules.spaces => {
                let j = space_before(text, a, i);
                if j > a && !mask.any(j, i) {
                    set_space(text, j, i, NNBSP, edits);
                }
            }
            d if rules.number_spaces && d.is_ascii_digit() && !next.is_ascii_digit() && next != ',' && next != '.' => {
                // `4,5 millions`, `30 km`: the space after a number; `2 100 000`:
                // a narrow one between groups of thousands.
                let after = &line[k + 1..];
                // `30%`: the sign takes its space too.
                if (after.starts_with(['%', '‰']) || glued_unit(line, k)) && !mask.get(i + 1) {
                    edits.push(Edit { start: i + 1, end: i + 1, with: NBSP.to_string() });
                } else if let Some(unit) = after.strip_prefix(' ') {
                    let word_end = unit.find(|ch: char| ch.is_whitespace() || matches!(ch, ',' | ';' | '.' | ')' | '!' | '?' | ':')).unwrap_or(unit.len());
                    let group = line[..=k].bytes().rev().take_while(u8::is_ascii_digit).count();
                    let thousands = group <= 3 && unit.bytes().take_while(u8::is_ascii_digit).count() == 3;
                    if (UNITS.contains(&&unit[..word_end]) || thousands) && !mask.get(i + 1) {
                        edits.push(Edit { start: i + 1, end: i + 2, with: if thousands { NNBSP } else { NBSP }.to_string() });
                        // `10 h 30`: the minutes stay with the hour too.
                        let minutes = unit[word_end..].strip_prefix(' ').is_some_and(|m| m.starts_with(|ch: char| ch.is_ascii_digit()));
                        if &unit[..word_end] == "h" && minutes && !mask.get(i + 2 + word_end) {
                            edits.push(Edit { start: i + 2 + word_end, end: i + 3 + word_end, with: NBSP.to_string() });
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// A straight double quote in French, at byte `i`, on the line `a..b`:
/// `« »` with their narrow spaces, or `“ ”` inside `« »`. It opens after a
/// space, a bracket, a dash or an elision, and closes before a space or a
/// punctuation mark; where both hold (`" Oui "`), it closes the quote it
/// opened, else opens; where neither does, it closes one or stays as typed. Left as typed: after `=`
/// (`encoding="utf-8"`) or a number (`30"`), and the quote closing it.
/// `open` holds the paragraph's open quotes: `«` as typed, `‹` for one
/// made here, `“`, and `"` for one left as typed.
fn french_quote(text: &str, (a, b): (usize, usize), i: usize, mask: &Mask, rules: &Switches, open: &mut Vec<char>, edits: &mut Vec<Edit>) {
    let (line, k) = (&text[a..b], i - a);
    let before = line[..k].trim_end_matches(['*', '_']).chars().next_back().unwrap_or('\n');
    let next = line[k + 1..].chars().next().unwrap_or('\n');
    let opens = before.is_whitespace() || matches!(before, '(' | '[' | '{' | '—' | '–' | '’' | '\'' | ':' | '«' | '“' | '>' | '=' | '\n');
    let closes = next.is_whitespace() || matches!(next, ',' | '.' | ';' | ':' | '!' | '?' | ')' | ']' | '…' | '»' | '\n');
    let open_here = matches!(open.last(), Some('"' | '‹' | '“'));
    let opening = match (opens, closes) {
        (true, false) => true,
        (false, true) => false,
        // Glued on both sides with no quote to close (`système">`): a
        // stray mark, left as typed, and so is the one closing it.
        (false, false) if !open_here => {
            open.push('"');
            return;
        }
        _ => !open_here,
    };
    if opening {
        if before == '=' || before.is_ascii_digit() {
            open.push('"');
        } else if open.iter().any(|&q| q == '«' || q == '‹') {
            open.push('“');
            edits.push(Edit { start: i, end: i + 1, with: "“".into() });
        } else {
            open.push('‹');
            let e = if rules.spaces { space_after(text, i + 1, b) } else { i + 1 };
            // (`"?"`: the space before `?` is the `?`'s.)
            let space = if rules.spaces && !text[e..].starts_with([';', '!', '?', ':']) { NNBSP.to_string() } else { String::new() };
            // `dit :"` : the space after a colon.
            let colon = if before == ':' { " " } else { "" };
            if !mask.any(i + 1, e) {
                edits.push(Edit { start: i, end: e, with: format!("{colon}«{space}") });
            }
        }
        return;
    }
    match open.pop() {
        Some('"') => {}
        None if before.is_ascii_digit() => {}
        Some('“') => edits.push(Edit { start: i, end: i + 1, with: "”".into() }),
        _ if rules.spaces && k > 0 => {
            let j = space_before(text, a, i);
            if text[a..j].ends_with('"') {
                // `""`: the opening one gave the space.
                edits.push(Edit { start: i, end: i + 1, with: "»".into() });
            } else if !mask.any(j, i) {
                edits.push(Edit { start: j, end: i + 1, with: format!("{NNBSP}»") });
            }
        }
        _ => edits.push(Edit { start: i, end: i + 1, with: "»".into() }),
    }
}

/// French abbreviations of a reference, kept with the number after them.
const REFERENCES: &[&str] = &["p.", "pp.", "t.", "vol.", "chap.", "art.", "fig."];

/// French titles of address, kept with the name they go with.
const CIVILITIES: &[&str] = &["M.", "MM.", "Mme", "Mmes", "Mlle", "Mlles", "Mgr"];

/// `M. Dupont`, `Mme de Staël`, `n° 5`, `§ 3`: one of `abbreviations` at
/// byte `i` (its line ending at `b`), then a space and what `then`
/// accepts, takes a no-break space.
fn abbreviation_space(text: &str, b: usize, i: usize, abbreviations: &[&str], then: fn(char) -> bool, mask: &Mask, edits: &mut Vec<Edit>) {
    let rest = &text[i..b];
    let whole = |t: &&str| rest.starts_with(t) && !rest[t.len()..].starts_with(|ch: char| ch.is_alphanumeric() || ch == '.');
    let Some(t) = abbreviations.iter().copied().find(whole) else { return };
    let (s, e) = (i + t.len(), space_after(text, i + t.len(), b));
    if e > s && text[e..b].starts_with(then) && !mask.any(s, e) {
        set_space(text, s, e, NBSP, edits);
    }
}

/// Jekyll's Liquid on the line: code, though left as text (the lint warns).
fn liquid(line: &str) -> Vec<(usize, usize)> {
    if line.as_bytes().contains(&b'{') { protect::liquid_spans(line) } else { Vec::new() }
}

/// The characters around the one at byte `k` of `line` (`\n` at its ends).
/// An acute accent typed for an apostrophe between two letters (`l´été`,
/// `it´s`), as some keyboards make it: never an accent there.
fn acute_for_apostrophe(prev: char, next: char) -> bool {
    prev.is_alphabetic() && next.is_alphabetic()
}

fn neighbours(line: &str, k: usize, c: char) -> (char, char) {
    let prev = line[..k].chars().next_back().unwrap_or('\n');
    let next = line[k + c.len_utf8()..].chars().next().unwrap_or('\n');
    (prev, next)
}

/// `...` (exactly three dots) at `k` becomes `…`, in both languages.
fn ellipsis(line: &str, k: usize, prev: char, i: usize, edits: &mut Vec<Edit>) -> bool {
    let three = prev != '.' && line[k..].starts_with("...") && !line[k..].starts_with("....");
    if three {
        edits.push(Edit { start: i, end: i + 3, with: "…".into() });
    }
    three
}

/// French spaces across a line break of hard-wrapped text: `?`, `!`, `;`,
/// `:` or `»` opening a line takes its no-break space at the end of the
/// line before (the book joins lines ending so: the mark can never start a
/// line), as does `«` ending one. Not a kramdown definition (`Terme` alone
/// on its line, six words at most, then `: définition`).
fn across_lines(text: &str, a: usize, b: usize, mask: &Mask, rules: &Switches, edits: &mut Vec<Edit>) {
    let line = &text[a..b];
    let body = line.trim_start_matches(is_space);
    let p = a + line.len() - body.len();
    let prev_start = text[..a.saturating_sub(1)].rfind('\n').map_or(0, |i| i + 1);
    let prev = text.get(prev_start..a.saturating_sub(1)).unwrap_or("");
    let prev_body = prev.trim_end_matches(is_space);
    open_quote_at_line_end(text, a, b, mask, edits);
    let joined = a > 0 && !body.is_empty() && !prev_body.is_empty() && !prev_body.trim_start().starts_with(['#', '>', '|']) && !mask.get(p) && !mask.get(prev_start + prev_body.len() - 1);
    if !joined {
        return;
    }
    if let Some(c) = body.chars().next().filter(|c| matches!(c, ';' | '!' | '?' | ':' | '»')) {
        let term = c == ':' && super::could_be_term(prev) && (prev_start == 0 || text[..prev_start - 1].rsplit('\n').next().is_some_and(|l| l.trim().is_empty()));
        let before = prev_body.chars().next_back().unwrap_or('\n');
        if !term && is_content(before) && body[c.len_utf8()..].chars().next().is_none_or(|n| n != c) {
            let want = if c == ':' && rules.colon_full_space { NBSP } else { NNBSP };
            set_space(text, prev_start + prev_body.len(), a - 1, want, edits);
            if p > a {
                edits.push(Edit { start: a, end: p, with: String::new() });
            }
        }
    }
}

/// `«` ending a line of hard-wrapped text: its no-break space goes after it.
fn open_quote_at_line_end(text: &str, a: usize, b: usize, mask: &Mask, edits: &mut Vec<Edit>) {
    let e = a + text[a..b].trim_end_matches(is_space).len();
    let next = text.get(b + 1..).and_then(|t| t.split('\n').next()).unwrap_or("");
    if text[a..e].ends_with('«') && !next.trim().is_empty() && !mask.get(e - '«'.len_utf8()) {
        set_space(text, e, b, NNBSP, edits);
    }
}

/// The dash that `--` or `---` at byte `k` of `line` was typed for, and
/// its length. `---` is the em dash; `--` is the en dash between digits
/// (`1990--95`) and, in English, between spaces (` -- `); glued to a word
/// or a quote (`well--you`, `"Yes--"`), it is the em dash, as it is spaced
/// in French (` -- ` for an aside; `-- ` opening a reply), and in English
/// opening a line before a quote or a capital. Not a dash: the
/// Markdown of a table's delimiter row or a rule, an HTML comment, and a
/// command-line option (`--verbose`: a space before, a word right after).
/// Four hyphens or five are the two-em dash, six or more the three-em.
fn typed_dash(line: &str, k: usize, french: bool) -> Option<(usize, &'static str)> {
    let n = line[k..].bytes().take_while(|&x| x == b'-').count();
    if n < 2 || line[..k].ends_with('-') || line.bytes().all(|x| matches!(x, b'|' | b'-' | b':' | b' ' | b'\t' | b'>')) {
        return None;
    }
    let prev = line[..k].chars().next_back().filter(|_| !line[..k].trim_start_matches([' ', '>']).is_empty());
    let next = line[k + n..].chars().next();
    let spaced = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let dash = match (prev, next) {
        _ if next == Some('>') || line[..k].ends_with("<!") || prev == Some('<') => return None,
        // Four or more: the long dash of a name or a word left out (`the
        // ----shire`, `Mr. ----`), two ems, three from six on.
        _ if n >= 6 => "⸻",
        _ if n >= 4 => "⸺",
        // Opening the line: a French reply (`-- Oui`), else left.
        (None, Some(' ')) if french && !line[k + n..].trim().is_empty() => "—",
        // In English, glued to a quote or a capital: a dash the line goes on
        // with (`--"The best`, `--But`); not an option (`--verbose`).
        (None, Some(q)) if !french && (matches!(q, '"' | '\'' | '“' | '‘') || q.is_uppercase()) => "—",
        (None, _) => return None,
        _ if n == 3 => "—",
        (Some(p), Some(q)) if p.is_ascii_digit() && q.is_ascii_digit() => "–",
        (Some(p), q) if p.is_whitespace() && spaced(q) => if french { "—" } else { "–" },
        (Some(p), _) if p.is_whitespace() => return None,
        // After a word or what ends one; not `(--all` or `-b/--bind`.
        (Some(p), _) if !matches!(p, '(' | '[' | '{' | '/' | '=' | '|' | '\\' | '`' | '@') => "—",
        _ => return None,
    };
    Some((n, dash))
}

/// Replaces the dash typed at `k` (byte `i` of the text), if it is one;
/// where the scan of the line goes on.
fn typed(line: &str, k: usize, french: bool, i: usize, edits: &mut Vec<Edit>) -> usize {
    match typed_dash(line, k, french) {
        Some((n, dash)) => {
            edits.push(Edit { start: i, end: i + n, with: dash.into() });
            k + n
        }
        None => k + line[k..].bytes().take_while(|&x| x == b'-').count(),
    }
}

/// A measure in feet and inches (`5'10"`): the marks are primes, not
/// quotes: `'` between one or two digits on each side (not `200'000`),
/// `"` after the inches.
fn feet_and_inches(line: &str, k: usize, c: char) -> bool {
    let short = |n: usize| (1..=2).contains(&n);
    let before = |s: &str| s.bytes().rev().take_while(u8::is_ascii_digit).count();
    let digits = before(&line[..k]);
    if !short(digits) {
        return false;
    }
    if c == '\'' {
        return short(line[k + 1..].bytes().take_while(u8::is_ascii_digit).count());
    }
    let feet = line[..k - digits].strip_suffix('\'').or_else(|| line[..k - digits].strip_suffix('′'));
    feet.is_some_and(|f| short(before(f)))
}

/// Words that lose their first letters to an apostrophe, not quoted words:
/// `’tis`, `’em`, `rock ’n’ roll`, `’cause`, `’prentice` (none of them a
/// word a quotation would open with).
const EN_ELISIONS: &[&str] = &[
    "bout", "cause", "cept", "em", "gainst", "n", "neath", "nough", "prentice", "til", "tis", "tween", "twas", "twere", "twill", "twixt", "twould",
];

fn english_line(text: &str, a: usize, b: usize, mask: &Mask, rules: &Switches, edits: &mut Vec<Edit>) {
    let line = &text[a..b];
    let mut skip_to = 0;
    // Where the last opening quote ended: a quote right after it opens too
    // (`"'Quoted' inside"`).
    let mut opened_at = usize::MAX;
    let liquid = liquid(line);
    for (k, c) in line.match_indices(['\'', '´', '"', '.', '-']).filter_map(|(k, m)| Some((k, m.chars().next()?))) {
        let i = a + k;
        if k < skip_to || mask.get(i) || liquid.iter().any(|&(s, e)| (s..e).contains(&k)) {
            continue;
        }
        let (prev, next) = neighbours(line, k, c);
        if c == '´' {
            if rules.apostrophes && acute_for_apostrophe(prev, next) {
                edits.push(Edit { start: i, end: i + 2, with: "’".into() });
            }
            continue;
        }
        // Emphasis marks are looked through: `_"a"_` opens, `_a_"` closes.
        let before = line[..k].trim_end_matches(['*', '_']).chars().next_back().unwrap_or('\n');
        // `"...and then"`: an ellipsis opening a quote is part of its text.
        let after = line[k + 1..].trim_start_matches(['*', '_']);
        let after = after.strip_prefix("...").or_else(|| after.strip_prefix('…')).filter(|t| t.starts_with(char::is_alphanumeric)).unwrap_or(after);
        // After a colon or a tag, only before a word (`said:"Yes"`, not `odd:"--though`).
        let glued = matches!(before, ':' | '>') && after.starts_with(char::is_alphanumeric);
        let opening = before.is_whitespace() || matches!(before, '(' | '[' | '{' | '—' | '–' | '-' | '=' | '“' | '‘' | '\n') || glued || opened_at == k;
        match c {
            '\'' | '"' if rules.quotes && feet_and_inches(line, k, c) => {
                edits.push(Edit { start: i, end: i + 1, with: if c == '"' { "″" } else { "′" }.into() });
            }
            '\'' => {
                let word = after.split(|ch: char| !ch.is_alphabetic()).next().unwrap_or("");
                let elided = EN_ELISIONS.contains(&word.to_lowercase().as_str());
                // A year cut to two digits (`'90s`) is elided; `'1984'` is quoted.
                let number = after.bytes().take_while(u8::is_ascii_digit).count();
                // (before a double quote that opens: `'"Hello," he said,'`)
                let nested = after.strip_prefix(['"', '“']).is_some_and(|t| t.starts_with(char::is_alphanumeric));
                // The possessive of a name left out (`General ----'s`).
                let possessive = word == "s" && line[..k].len() - line[..k].trim_end_matches('-').len() >= 4;
                let quote = opening && (!word.is_empty() || number > 2 || nested) && !elided && !possessive;
                if quote {
                    opened_at = k + 1;
                }
                // An apostrophe inside a word, elided or before a number
                // (`it's`, `'tis`, `'90s`); else a quote mark.
                let apostrophe = !quote && ((prev.is_alphabetic() && next.is_alphabetic()) || elided || possessive || next.is_ascii_digit());
                if (apostrophe && rules.apostrophes) || (!apostrophe && rules.quotes) {
                    edits.push(Edit { start: i, end: i + 1, with: if quote { "‘" } else { "’" }.into() });
                }
            }
            '"' if rules.quotes => {
                // Nothing after it: it closes, even after a dash (`do.--" Emma`).
                let next = after.chars().next().unwrap_or('\n');
                let opening = opening && !(next.is_whitespace() || matches!(next, ',' | '.' | ';' | ':' | '!' | '?' | ')' | ']'));
                if opening {
                    opened_at = k + 1;
                }
                edits.push(Edit { start: i, end: i + 1, with: if opening { "“" } else { "”" }.into() })
            }
            '.' if rules.ellipsis && ellipsis(line, k, prev, i, edits) => skip_to = k + 3,
            '-' if rules.dashes => skip_to = typed(line, k, false, i, edits),
            _ => {}
        }
    }
}

fn apply(text: &str, mut edits: Vec<Edit>, log: Option<&mut Vec<Change>>) -> String {
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len() + edits.len() * 3);
    let mut cur = 0;
    // The edits made, for the log.
    let mut made = Vec::new();
    for e in edits {
        if e.start < cur {
            continue;
        }
        out.push_str(&text[cur..e.start]);
        out.push_str(&e.with);
        cur = e.end;
        made.push(e);
    }
    out.push_str(&text[cur..]);
    if let Some(changes) = log {
        log_edits(text, &made, changes);
    }
    out
}

/// One change per word changed (`answered--"My` → `answered—“My`, not a
/// change for each mark), with the word before it as context.
fn log_edits(text: &str, made: &[Edit], changes: &mut Vec<Change>) {
    let span = |e: &Edit| {
        let ls = text[..e.start].rfind(['\n', ' ']).map_or(0, |p| p + 1);
        let ctx = if e.start - ls > 24 { e.start } else { ls };
        let ctx = if text.is_char_boundary(ctx) { ctx } else { e.start };
        let tail_end = e.end + text[e.end..].char_indices().take(12).take_while(|&(_, c)| !c.is_whitespace()).last().map_or(0, |(i, c)| i + c.len_utf8());
        (ctx, tail_end)
    };
    let (mut line, mut counted) = (1, 0);
    let mut i = 0;
    while i < made.len() {
        let (ctx, mut tail) = span(&made[i]);
        let mut j = i + 1;
        // (Also an edit whose context reaches back into this one's:
        // `venez ? »` is one change, not two showing each other's text.)
        while j < made.len() && span(&made[j]).0 < tail {
            tail = tail.max(span(&made[j]).1);
            j += 1;
        }
        line += text[counted..made[i].start].matches('\n').count();
        counted = made[i].start;
        let mut after = String::new();
        let mut at = ctx;
        for e in &made[i..j] {
            after.push_str(&text[at..e.start]);
            after.push_str(&e.with);
            at = e.end;
        }
        after.push_str(&text[at..tail]);
        changes.push(Change { line, step: Step::Typography, before: text[ctx..tail].to_string(), after });
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr(s: &str) -> String {
        run(s, &protect::protect(s), &Options::all("fr"), Some(&mut Vec::new()))
    }
    fn en(s: &str) -> String {
        run(s, &protect::protect(s), &Options::all("en"), Some(&mut Vec::new()))
    }

    #[test]
    fn french_spaces() {
        assert_eq!(fr("Quoi ? Oui! Non ; si:"), "Quoi\u{202f}? Oui\u{202f}! Non\u{202f}; si\u{a0}:");
        assert_eq!(fr("Oui !!! Quoi ??? Non!! (x??y, 'C_??x', C_??)"), "Oui\u{202f}!!! Quoi\u{202f}??? Non\u{202f}!! (x??y, ‘C_??x’, C_??)");
        assert_eq!(fr("**Un:** et **Deux :** x"), "**Un\u{a0}:** et **Deux\u{a0}:** x");
        assert_eq!(fr("«Bonjour» et «  toi  »"), "«\u{202f}Bonjour\u{202f}» et «\u{202f}toi\u{202f}»");
        assert_eq!(fr("« x\u{a0}»"), "«\u{202f}x\u{202f}»");
        let mut o = Options::all("fr");
        o.switches.colon_full_space = false;
        assert_eq!(run("a : b", &protect::protect("a : b"), &o, Some(&mut Vec::new())), "a\u{202f}: b");
        assert_eq!(fr("a\u{202f}: b"), "a\u{a0}: b");
    }

    #[test]
    fn french_spaces_across_wrapped_lines() {
        let src = "mal à\nl’aise, différent \n: elle. Ça\n  ?\nun «\nmot\n» fin\n\nTerme\n: définition\n## Titre\n? x\n`a`\n? b";
        let want = "mal à\nl’aise, différent\u{a0}\n: elle. Ça\u{202f}\n?\nun «\u{202f}\nmot\u{202f}\n» fin\n\nTerme\n: définition\n## Titre\n? x\n`a`\n? b";
        assert_eq!(fr(src), want);
        assert_eq!(fr(want), want);
    }

    #[test]
    fn french_other_rules() {
        assert_eq!(fr("l'été... d'*Hamlet*, l'_Odyssée_, qu'« aller », l'appart' 'ici'"), "l’été… d’*Hamlet*, l’_Odyssée_, qu’«\u{202f}aller\u{202f}», l’appart’ ‘ici’");
        assert_eq!(fr("— Oui.\n— Non."), "—\u{a0}Oui.\n—\u{a0}Non.");
        assert_eq!(fr("l´été, aujourd´hui, ´ seul, a ´b"), "l’été, aujourd’hui, ´ seul, a ´b");
        assert_eq!(fr("4,5 millions et 30 km et 40 personnes, 30% et 5‰"), "4,5\u{a0}millions et 30\u{a0}km et 40 personnes, 30\u{a0}% et 5\u{a0}‰");
        assert_eq!(fr("voir p. 12, t. 2, vol. 3 (fig. 4), et. 5, la p. suivante"), "voir p.\u{a0}12, t.\u{a0}2, vol.\u{a0}3 (fig.\u{a0}4), et. 5, la p. suivante");
        assert_eq!(fr("à 10 h 30 ou 11 h, 2 h avant"), "à 10\u{a0}h\u{a0}30 ou 11\u{a0}h, 2\u{a0}h avant");
        assert_eq!(fr("M. Dupont, Mme de Staël, MM. Durand, Mlle Lise, n° 5, N°  12, § 3 ; Mme, M.5, MAM. x, un° 3"), "M.\u{a0}Dupont, Mme\u{a0}de Staël, MM.\u{a0}Durand, Mlle\u{a0}Lise, n°\u{a0}5, N°\u{a0}12, §\u{a0}3\u{202f}; Mme, M.5, MAM. x, un° 3");
        assert_eq!(fr("C:\\Windows, index.php?id=3, (a):(b), a;b et Oui!Non mais Quoi?! et fin:"), "C:\\Windows, index.php?id=3, (a):(b), a;b et Oui!Non mais Quoi\u{202f}?! et fin\u{a0}:");
        assert_eq!(fr("12km, 30°C, 5,5kg (100€) 50km/h, 10h30, 45°, 3D, 4x4, B12km, v2.3m, 12kms"), "12\u{a0}km, 30\u{a0}°C, 5,5\u{a0}kg (100\u{a0}€) 50\u{a0}km/h, 10h30, 45°, 3D, 4x4, B12km, v2.3m, 12kms");
        assert_eq!(fr("2 100 000 habitants, 12 000 ans, en 1914 200 morts, 3 4000"), "2\u{202f}100\u{202f}000 habitants, 12\u{202f}000 ans, en 1914 200 morts, 3 4000");
    }

    #[test]
    fn french_straight_quotes() {
        let n = '\u{202f}';
        assert_eq!(fr("dit \"oui\" et :\"non\"; l'\"art\" \"?\""), format!("dit «{n}oui{n}» et\u{a0}: «{n}non{n}»{n}; l’«{n}art{n}» «{n}?{n}»"));
        // Spaced inside, over lines, nested in « », after an ellipsis.
        assert_eq!(fr("\" Oui \" et \"un\nlong\" « Il a dit \"non\" » \"...et\""), format!("«{n}Oui{n}» et «{n}un\nlong{n}» «{n}Il a dit “non”{n}» «{n}…et{n}»"));
        // Not quotes: after `=` or a number.
        for s in ["encoding=\"utf-8\" ici", "30\" de pause", "`\"x\"`", "<a title=\"x\">y</a>", "système\"> du"] {
            assert_eq!(fr(s), s);
        }
        let once = fr("\"Quoi ?\" dit-il, \" oui \"");
        assert_eq!(fr(&once), once);
    }

    #[test]
    fn french_idempotent_and_untouched() {
        let once = fr("« Quoi ? » dit-il : l'homme... — Oui ; 4,5 millions !");
        assert_eq!(fr(&once), once);
        for s in [
            "`a:b` et `l'x ?`",
            "```\nif x ? y : z;\n```",
            "https://ex.org/a?b=c;d",
            "[lien](http://x.org/?q=1 \"t:t\")",
            "<a href=\"x?y\">z</a>",
            "18:48",
            "!![image](x.png)",
            "?! ... ....",
            "&amp; et &#233;",
            "{% include a.html titre=\"x\" %} {{ \"y\" | upcase }}",
            "?\n: définition",
        ] {
            assert_eq!(fr(s), s.replace(" ... ", " … "), "{s}");
        }
    }

    #[test]
    fn english() {
        assert_eq!(en("\"It's 'fine',\" she said -- really --- now..."), "“It’s ‘fine’,” she said – really — now…");
        for s in ["`\"x\"` and\n\n---\n", "{% include a.html p=\"y\" %} and {{ \"x\" | upcase }}"] {
            assert_eq!(en(s), s);
        }
        assert_eq!(en("\"'Quoted' inside,\" he said. \"He said, 'Go.'\""), "“‘Quoted’ inside,” he said. “He said, ‘Go.’”");
        assert_eq!(en("well--\"you\" and _table_\" (x), *\"y\"* '_I_ do' do.--\" Emma"), "well—“you” and _table_” (x), *“y”* ‘_I_ do’ do.—” Emma");
        assert_eq!(en("use encoding=\"utf-8\" here"), "use encoding=“utf-8” here");
        assert_eq!(en("'Tis true, 'twas rock 'n' roll, give 'em the '90s; 'nice' 'name'"), "’Tis true, ’twas rock ’n’ roll, give ’em the ’90s; ‘nice’ ‘name’");
        assert_eq!(en("\"'Cause the 'prentice's 'bout done,\" 'til now"), "“’Cause the ’prentice’s ’bout done,” ’til now");
        assert_eq!(en("He was 5'10\" tall, \"Room 101\", '1984', the '90s, 1980's, \"200'000\"."), "He was 5′10″ tall, “Room 101”, ‘1984’, the ’90s, 1980’s, “200’000”.");
        assert_eq!(en("\"...and then,\" she said, '...so' <b>\"x\"</b> said:\"Yes\" odd:\"--though"), "“…and then,” she said, ‘…so’ <b>“x”</b> said:“Yes” odd:”—though");
        assert_eq!(en("it´s Bob´s, ´ alone"), "it’s Bob’s, ´ alone");
        assert_eq!(en("'\"Hello,\" he said,' she told me."), "‘“Hello,” he said,’ she told me.");
        let once = en("\"Don't\" -- ok...");
        assert_eq!(en(&once), once);
    }

    #[test]
    fn typed_dashes() {
        assert_eq!(en("well--you -- so --- now, pages 3--7; \"Yes--\" she said.--\"No.\" Odd!--But:--no--"), "well—you – so — now, pages 3–7; “Yes—” she said.—“No.” Odd!—But:—no—");
        assert_eq!(fr("Il dit -- enfin -- oui, pages 3--7.\n-- Oui.\n---  Non.\n> -- Cité."), "Il dit — enfin — oui, pages 3–7.\n—\u{a0}Oui.\n—\u{a0}Non.\n> —\u{a0}Cité.");
        // Markdown, options and comments are no dashes.
        for s in ["| a | b |\n| -- | --- |\n|:--|--:|", "Use --verbose now", "-b/--bind (--all)", "<!-- note -->", "Title\n--", "---\n", "-- Not a reply in English", "x - y"] {
            assert_eq!(en(s), s, "{s}");
            assert_eq!(fr(s), s.replace("-- Not", "—\u{a0}Not"), "{s}");
        }
        // A line going on after a dash, as older English texts wrap them.
        assert_eq!(en("Well,\n--\"The best.\"\n--But no,\n--verbose"), "Well,\n—“The best.”\n—But no,\n--verbose");
        // A name or a word left out.
        assert_eq!(en("the ----shire, General ----'s, the town of ----, superior to----You for--------.\n---- street"), "the ⸺shire, General ⸺’s, the town of ⸺, superior to⸺You for⸻.\n⸺ street");
        for s in ["a\n\n----\n\nb", "T\n----\n", "| a |\n|-----|\n| b |", "<!------ x ------>"] {
            assert_eq!(en(s), s, "{s}");
        }
        let once = fr("-- Oui -- enfin.");
        assert_eq!(fr(&once), once);
    }

    #[test]
    fn each_rule_switches_off() {
        let with = |lang: &str, f: fn(&mut Switches), s: &str| {
            let mut o = Options::all(lang);
            f(&mut o.switches);
            run(s, &protect::protect(s), &o, None)
        };
        let fr_text = "— Oui : « non ! » l'été... 4,5 millions";
        assert_eq!(with("fr", |r| r.spaces = false, fr_text), "—\u{a0}Oui : « non ! » l’été… 4,5\u{a0}millions");
        assert_eq!(with("fr", |r| r.apostrophes = false, fr_text), "—\u{a0}Oui\u{a0}: «\u{202f}non\u{202f}!\u{202f}» l'été… 4,5\u{a0}millions");
        assert_eq!(with("fr", |r| r.ellipsis = false, "l'été..."), "l’été...");
        assert_eq!(with("fr", |r| r.quotes = false, "dit \"oui\""), "dit \"oui\"");
        assert_eq!(with("fr", |r| r.spaces = false, "dit \"oui\""), "dit «oui»");
        assert_eq!(with("fr", |r| r.dashes = false, "— Oui"), "— Oui");
        assert_eq!(with("fr", |r| r.number_spaces = false, "4,5 millions"), "4,5 millions");
        let en_text = "\"It's 'fine',\" she said -- now...";
        assert_eq!(with("en", |r| r.quotes = false, en_text), "\"It’s 'fine',\" she said – now…");
        assert_eq!(with("en", |r| r.apostrophes = false, en_text), "“It's ‘fine’,” she said – now…");
        assert_eq!(with("en", |r| r.dashes = false, en_text), "“It’s ‘fine’,” she said -- now…");
    }

    #[test]
    fn logs_line_and_context() {
        let mut c = Vec::new();
        run("a\nQuoi?", &protect::protect("a\nQuoi?"), &Options::all("fr"), Some(&mut c));
        assert_eq!(c, vec![Change { line: 2, step: Step::Typography, before: "Quoi?".into(), after: "Quoi\u{202f}?".into() }]);
        let mut c = Vec::new();
        run("4,5 millions de", &protect::protect("4,5 millions de"), &Options::all("fr"), Some(&mut c));
        assert_eq!((c[0].before.as_str(), c[0].after.as_str()), ("4,5 millions", "4,5\u{a0}millions"));
        // Marks changed in one word: one change, with all of them.
        let mut c = Vec::new();
        let t = "He answered--\"My visit,\" she said.";
        run(t, &protect::protect(t), &Options::all("en"), Some(&mut c));
        let c: Vec<_> = c.iter().map(|c| (c.before.as_str(), c.after.as_str())).collect();
        assert_eq!(c, [("answered--\"My", "answered—“My"), ("visit,\"", "visit,”")]);
        // Edits whose contexts overlap: one change, showing the text made.
        let mut c = Vec::new();
        let t = "« Vous venez\u{a0}? »";
        run(t, &protect::protect(t), &Options::all("fr"), Some(&mut c));
        let c: Vec<_> = c.iter().map(|c| (c.before.as_str(), c.after.as_str())).collect();
        assert_eq!(c, [("« Vous", "«\u{202f}Vous"), ("venez\u{a0}? »", "venez\u{202f}?\u{202f}»")]);
    }
}
