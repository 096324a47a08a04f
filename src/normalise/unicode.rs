//! The Unicode step: NFC (text copied from a Mac or a PDF is often
//! decomposed), and the ligature characters a PDF copy leaves (`diﬀérent`,
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
    if is_nfc(text) && !has_ligature {
        return Cow::Borrowed(text);
    }
    let nfc: String = text.nfc().collect();
    Cow::Owned(if has_ligature { spelled(&nfc) } else { nfc })
}

/// `text` in NFC, ligatures spelled out if asked; the changes logged.
pub fn run(text: &str, ligatures: bool, changes: &mut Vec<Change>) -> String {
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
    fn nfc_logged_once() {
        let mut c = Vec::new();
        assert_eq!(run("ok\nl'e\u{301}te\u{301}", true, &mut c), "ok\nl'été");
        assert_eq!((c.len(), c[0].line, c[0].before.as_str()), (1, 2, "2 decomposed characters"));
        let mut c = Vec::new();
        assert_eq!(run("déjà", true, &mut c), "déjà");
        assert!(c.is_empty());
    }
}
