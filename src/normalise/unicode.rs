//! The Unicode step: NFC (text copied from a Mac or a PDF is often
//! decomposed), UTF-8 that was read as Windows-1252 and saved again
//! (`Ã©tÃ©`, `Itâ€™s`, as old blogs and their exports leave it) made what
//! it was, and the ligature characters a PDF copy leaves (`diﬀérent`,
//! `ﬁn`) spelled out, outside protected text: the typesetter makes its own
//! ligatures, and a word with one is a different word to search, count and
//! hyphenate.

use super::protect::{self, Mask};
use super::{Change, Step};
use std::borrow::Cow;
use unicode_normalization::{is_nfc, UnicodeNormalization};

/// The Alphabetic Presentation Forms of Latin, spelled out.
fn ligature(c: char) -> Option<&'static str> {
    Some(match c {
        'ﬀ' => "ff",
        'ﬁ' => "fi",
        'ﬂ' => "fl",
        'ﬃ' => "ffi",
        'ﬄ' => "ffl",
        'ﬅ' | 'ﬆ' => "st",
        _ => return None,
    })
}

fn spelled(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match ligature(c) {
            Some(l) => out.push_str(l),
            None => out.push(c),
        }
    }
    out
}

/// The text as the Unicode step leaves it (protected text aside), for word
/// counts that match what later steps look up: borrowed when already so.
pub fn canonical(text: &str) -> Cow<'_, str> {
    let has_ligature = text.contains(|c| ligature(c).is_some());
    let garbled = may_be_mojibake(text);
    if is_nfc(text) && !has_ligature && !garbled {
        return Cow::Borrowed(text);
    }
    let mut t: String = if garbled {
        let seen = !unmangled(text, &|_| false, false).1.is_empty();
        mended(text, &|_| false, seen)
    } else {
        text.to_string()
    };
    if !is_nfc(&t) {
        t = t.nfc().collect();
    }
    Cow::Owned(if has_ligature { spelled(&t) } else { t })
}

/// `text` in NFC, mojibake mended, ligatures spelled out if asked; the
/// changes logged.
pub fn run(text: &str, ligatures: bool, changes: &mut Vec<Change>) -> String {
    let mended = may_be_mojibake(text).then(|| mend_mojibake(text, changes)).flatten();
    let text = mended.as_deref().unwrap_or(text);
    let mut out = if is_nfc(text) {
        text.to_string()
    } else {
        let line = text.lines().position(|l| !is_nfc(l)).map_or(1, |i| i + 1);
        let n = text.chars().filter(|c| unicode_normalization::char::is_combining_mark(*c)).count();
        changes.push(Change { line, step: Step::Unicode, before: format!("{n} decomposed characters"), after: "NFC".into() });
        text.nfc().collect()
    };
    if ligatures && out.contains(|c| ligature(c).is_some()) {
        out = spell_out_ligatures(&out, &protect::protect(&out), changes);
    }
    out
}

/// The byte Windows-1252 (or Latin-1, for the five bytes 1252 leaves
/// undefined) shows as `c`.
fn cp1252_byte(c: char) -> Option<u8> {
    if ('\u{80}'..='\u{ff}').contains(&c) {
        return Some(c as u32 as u8);
    }
    Some(match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    })
}

/// A lead byte read as 1252 whose sequence can make what [`mojibake_at`]
/// takes: `Â`…`Æ` (two bytes: U+00A0 to U+01BF) or `â` (three: the
/// punctuation), and not `é`, `è` or `à`, which French is full of.
fn is_lead(c: char) -> bool {
    matches!(c, '\u{c2}'..='\u{c6}' | '\u{e2}')
}

/// Whether `text` may hold mojibake: the UTF-8 of a [lead](is_lead)
/// followed by that of what a continuation byte reads as. A search for
/// each lead first (memchr), which text that has none passes at once.
fn may_be_mojibake(text: &str) -> bool {
    let marked = ['Â', 'Ã', 'Ä', 'Å', 'Æ'].into_iter().any(|c| text.contains(c)) || ["â€", "â‚", "â„"].into_iter().any(|s| text.contains(s));
    marked && text.as_bytes().windows(3).any(|w| w[0] == 0xC3 && ((0x82..=0x86).contains(&w[1]) || w[1] == 0xA2) && matches!(w[2], 0xC2 | 0xC5 | 0xC6 | 0xCB | 0xE2))
}

/// The character that the UTF-8 bytes read as 1252 at the start of `s`
/// stood for, and the length they take in `s`. Only a Latin letter, a sign
/// or punctuation counts: what else the bytes could make (`é…»` would be
/// a CJK ideograph) is text as written.
///
/// `lenient` (in a text found garbled): `Ã` or `Â` then a plain space is
/// `à` or a no-break space whose byte 0xA0 became a space on the way; the
/// space goes with it, unless a word (or what opens one) follows `à`: then
/// spaces were merged, and the third of the result says to keep one.
fn mojibake_at(s: &str, lenient: bool) -> Option<(char, usize, bool)> {
    if lenient {
        let with = if s.starts_with("Ã ") { Some('à') } else if s.starts_with("Â ") { Some('\u{a0}') } else { None };
        if let Some(c) = with {
            // (what closes or follows a word is glued to `à`: `voilà.`,
            // `*là*,`; emphasis marks open a word when a letter follows)
            let after = s[3..].trim_start_matches(['*', '_']);
            let opens = after.len() < s.len() - 3 && after.starts_with(char::is_alphanumeric);
            let word_follows = c == 'à'
                && s.len() > 3
                && (opens || !s[3..].starts_with(|n: char| n.is_whitespace() || ".,;:!?)]}»…’-*_".contains(n)));
            return Some((c, 3, word_follows));
        }
    }
    let mut chars = s.char_indices();
    let lead = chars.next().map(|(_, c)| c).filter(|&c| is_lead(c))? as u32 as u8;
    let n = if lead < 0xE0 { 1 } else { 2 };
    let mut bytes = [lead, 0, 0];
    for b in &mut bytes[1..=n] {
        let (_, c) = chars.next()?;
        *b = cp1252_byte(c).filter(|b| (0x80..=0xBF).contains(b))?;
    }
    let end = chars.next().map_or(s.len(), |(i, _)| i);
    let c = std::str::from_utf8(&bytes[..=n]).ok()?.chars().next()?;
    let plausible = ('\u{a0}'..='\u{24f}').contains(&c) || ('\u{2010}'..='\u{2044}').contains(&c) || matches!(c, '€' | '™' | '\u{202f}');
    plausible.then_some((c, end, false))
}

/// `text` with its mojibake mended, but where `protected(byte)`; and the
/// byte range in `text` of each sequence mended (see [`mojibake_at`] for
/// `lenient`).
fn unmangled(text: &str, protected: &dyn Fn(usize) -> bool, lenient: bool) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(text.len());
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut cur = 0;
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        let found = is_lead(c) && !protected(i);
        if let Some((m, len, space)) = found.then(|| mojibake_at(&text[i..], lenient)).flatten() {
            out.push_str(&text[cur..i]);
            out.push(m);
            if space {
                out.push(' ');
            }
            spans.push((i, i + len));
            i += len;
            cur = i;
        } else {
            i += c.len_utf8();
        }
    }
    out.push_str(&text[cur..]);
    (out, spans)
}

/// `text` mended again while that changes it, for text garbled twice or
/// thrice (`ÃƒÂ©`), but where `protected(byte)` of the first pass.
fn mended(text: &str, protected: &dyn Fn(usize) -> bool, lenient: bool) -> String {
    let (mut out, spans) = unmangled(text, protected, lenient);
    for _ in 0..2 {
        if spans.is_empty() || !may_be_mojibake(&out) {
            break;
        }
        // what protected the text protects it still (code stays code)
        let mask = protect::protect(&out);
        let (again, more) = unmangled(&out, &|i| mask.get(i), lenient);
        if more.is_empty() {
            break;
        }
        out = again;
    }
    out
}

/// Mends mojibake outside protected text, twice garbled too, and logs each
/// word mended; `None` when nothing was.
fn mend_mojibake(text: &str, changes: &mut Vec<Change>) -> Option<String> {
    let mask = protect::protect(text);
    if unmangled(text, &|i| mask.get(i), false).1.is_empty() {
        return None;
    }
    // garbled for sure: read leniently
    let spans = unmangled(text, &|i| mask.get(i), true).1;
    let out = mended(text, &|i| mask.get(i), true);
    // (a mended no-break space is no word's end)
    let word_start = |i: usize| text[..i].rfind(|c: char| c.is_ascii_whitespace()).map_or(0, |k| k + 1);
    let word_end = |i: usize| text[i..].find(|c: char| c.is_ascii_whitespace()).map_or(text.len(), |k| i + k);
    // each word once, to the end of its last sequence (which may take the
    // space after it)
    let mut words: Vec<(usize, usize)> = Vec::new();
    for (a, b) in spans {
        let (s, e) = (word_start(a), word_end(b).max(b));
        match words.last_mut() {
            Some(w) if w.0 == s || w.1 > a => w.1 = w.1.max(e),
            _ => words.push((s, e)),
        }
    }
    for (s, e) in words {
        let word = &text[s..e];
        let line = text[..s].matches('\n').count() + 1;
        changes.push(Change { line, step: Step::Unicode, before: word.to_string(), after: mended(word, &|_| false, true) });
    }
    Some(out)
}

fn spell_out_ligatures(text: &str, mask: &Mask, changes: &mut Vec<Change>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut line = 1;
    let mut cur = 0;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            line += 1;
        }
        let Some(with) = ligature(c).filter(|_| !mask.get(i)) else { continue };
        out.push_str(&text[cur..i]);
        out.push_str(with);
        cur = i + c.len_utf8();
        // Logged with the word it is in.
        let is_letter = |ch: char| ch.is_alphabetic();
        let start = text[..i].rfind(|ch: char| !is_letter(ch)).map_or(0, |k| k + text[k..].chars().next().map_or(1, char::len_utf8));
        let end = text[cur..].find(|ch: char| !is_letter(ch)).map_or(text.len(), |k| cur + k);
        let word = &text[start..end];
        if changes.last().is_none_or(|c| c.line != line || c.before != word) {
            changes.push(Change { line, step: Step::Unicode, before: word.to_string(), after: spelled(word) });
        }
    }
    out.push_str(&text[cur..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ligatures_spelled_out_outside_code() {
        let mut c = Vec::new();
        let out = run("Un texte diﬀérent, ﬁnal et aﬄigé.\n`ﬁ` ﬂeur", true, &mut c);
        assert_eq!(out, "Un texte différent, final et affligé.\n`ﬁ` fleur");
        let logged: Vec<_> = c.iter().map(|c| (c.line, c.before.as_str(), c.after.as_str())).collect();
        assert_eq!(logged, [(1, "diﬀérent", "différent"), (1, "ﬁnal", "final"), (1, "aﬄigé", "affligé"), (2, "ﬂeur", "fleur")]);
        assert_eq!(run("ﬁn", false, &mut Vec::new()), "ﬁn");
    }

    #[test]
    fn mojibake_is_mended_outside_code() {
        let mut c = Vec::new();
        let src = "L\u{c3}\u{a9}t\u{c3}\u{a9} \u{e2}\u{20ac}\u{153} it\u{e2}\u{20ac}\u{2122}s \u{e2}\u{20ac}\u{9d} \u{c3}\u{192}\u{c2}\u{a9}\nN\u{c2}\u{a0}: `\u{c3}\u{a9}`";
        assert_eq!(run(src, true, &mut c), "Lété “ it’s ” é\nN\u{a0}: `\u{c3}\u{a9}`");
        let logged: Vec<_> = c.iter().map(|c| (c.line, c.after.as_str())).collect();
        assert_eq!(logged, [(1, "Lété"), (1, "“"), (1, "it’s"), (1, "”"), (1, "é"), (2, "N\u{a0}:")]);
        // what may look so but is text: Latin letters before signs, and
        // bytes that would make no Latin letter nor punctuation
        for t in ["déjà vu", "café©", "SÃO PAULO", "allé…»", "Ã", "n° 5 — «"] {
            let mut c = Vec::new();
            assert_eq!(run(t, true, &mut c), t);
            assert!(c.is_empty(), "{t}");
        }
        assert_eq!(canonical("Ã©tÃ© ÃƒÂ©"), "été é");
        // a no-break space that became a plain space on the way, in a
        // text garbled elsewhere; alone, `Ã ` is text as written
        let mut c = Vec::new();
        assert_eq!(run("DÃ©jÃ  vu, voilÃ . Ã la fin, aprÃ¨sÂ ?", true, &mut c), "Déjà vu, voilà. à la fin, après\u{a0}?");
        assert_eq!(run("Ã© *lÃ *, Ã *Paris*, Ã (x)", true, &mut Vec::new()), "é *là*, à *Paris*, à (x)");
        assert_eq!(c.iter().map(|c| c.after.as_str()).collect::<Vec<_>>(), ["Déjà", "voilà.", "à la", "après\u{a0}?"]);
        assert_eq!(run("SÃ O PAULO", true, &mut Vec::new()), "SÃ O PAULO");
        // nothing to mend where the test for it passes: no endless loop
        assert_eq!(run("Ã©…»x", true, &mut Vec::new()), "é…»x");
    }

    #[test]
    fn nfc_logged_once() {
        let mut c = Vec::new();
        assert_eq!(run("ok\nl'e\u{301}te\u{301}", true, &mut c), "ok\nl'été");
        assert_eq!((c.len(), c[0].line, c[0].before.as_str()), (1, 2, "2 decomposed characters"));
        let mut c = Vec::new();
        assert_eq!(run("déjà", true, &mut c), "déjà");
        assert!(c.is_empty());
    }
}
