//! Warnings for what a PDF copy leaves behind and must not be fixed
//! silently: a footnote call glued to a word (`promené4`), page numbers
//! and running heads, unbalanced quotes, Jekyll tags left as text, prose
//! indented so far that Markdown takes it for code, a paragraph split by a
//! page break, dialogue typed as a bulleted list, prose lines ending in two
//! spaces (each a line break to Markdown).

use super::protect::{self, Mask};
use super::Warning;
use std::collections::HashMap;

/// `escaped`: the (0-based, sorted) lines whose Liquid `{% raw %}` escaped.
pub fn run(text: &str, mask: &Mask, escaped: &[usize], warnings: &mut Vec<Warning>) {
    let lines = protect::line_spans(text);
    glued_numbers(text, &lines, mask, warnings);
    page_furniture(text, &lines, mask, warnings);
    quotes(text, &lines, mask, warnings);
    liquid(text, &lines, mask, escaped, warnings);
    indented_prose(text, &lines, mask, warnings);
    split_paragraphs(text, &lines, mask, warnings);
    replies_as_list_items(text, &lines, mask, warnings);
    trailing_breaks(text, &lines, mask, warnings);
    notes_over_lines(text, &lines, mask, warnings);
    unclosed_divs(text, &lines, mask, warnings);
}

/// A pandoc div opener never closed, which the normaliser escaped (`\:::`)
/// to print as typed.
fn unclosed_divs(text: &str, lines: &[(usize, usize)], mask: &Mask, warnings: &mut Vec<Warning>) {
    if !text.contains("\\:::") {
        return;
    }
    for (li, &(a, b)) in lines.iter().enumerate() {
        if !mask.get(a) && text[a..b].trim_start_matches(' ').starts_with("\\:::") {
            warnings.push(Warning { line: li + 1, message: "`:::` div never closed: printed as typed".into(), suggestion: "add a line `:::` where the div ends, or remove this line".into() });
        }
    }
}

/// A pandoc inline note (`^[…]`) whose bracket does not close on its line
/// (run after the normaliser, which made notes of those closed in their
/// paragraph): it would print as typed.
fn notes_over_lines(text: &str, lines: &[(usize, usize)], mask: &Mask, warnings: &mut Vec<Warning>) {
    if !text.contains("^[") {
        return;
    }
    for (li, &(a, b)) in lines.iter().enumerate() {
        let line = &text[a..b];
        let Some(o) = super::pandoc::unclosed_note(line, &|k| mask.get(a + k)) else { continue };
        let continues = lines.get(li + 1).is_some_and(|&(c, d)| !text[c..d].trim().is_empty());
        if continues && line[o..].contains(' ') {
            warnings.push(Warning {
                line: li + 1,
                message: "an inline note (`^[…]`) is not closed in its paragraph (or in its quote, as deep): it prints as typed".into(),
                suggestion: "close it with `]` before the paragraph ends, or make it a note `[^1]` with `[^1]: …` below the paragraph".into(),
            });
        }
    }
}

/// Prose whose lines end with two spaces (as some PDF copies and editors
/// leave them): Markdown breaks the line at each, so the book shows the
/// source's lines. Verse and addresses do it on purpose, in short lines:
/// only a paragraph of three such lines or more, of 50 characters on
/// average, is warned about, once, at its first.
fn trailing_breaks(text: &str, lines: &[(usize, usize)], mask: &Mask, warnings: &mut Vec<Warning>) {
    if !text.contains("  \n") {
        return;
    }
    let mut i = 0;
    while i < lines.len() {
        let blank = |j: usize| text[lines[j].0..lines[j].1].trim().is_empty();
        if blank(i) || mask.get(lines[i].0) {
            i += 1;
            continue;
        }
        let end = (i..lines.len()).find(|&j| blank(j)).unwrap_or(lines.len());
        // the paragraph's lines but its last, that end with a hard break
        let broken: Vec<usize> = (i..end - 1).filter(|&j| text[lines[j].0..lines[j].1].ends_with("  ") && !mask.get(lines[j].1 - 1)).collect();
        let long = broken.iter().map(|&j| text[lines[j].0..lines[j].1].trim().chars().count()).sum::<usize>() >= 50 * broken.len();
        if broken.len() >= 3 && long {
            warnings.push(Warning {
                line: broken[0] + 1,
                message: format!("{} lines of this paragraph end with two spaces: Markdown breaks the line at each", broken.len()),
                suggestion: "delete the spaces at the ends of the lines, unless the lines are meant to break there".into(),
            });
        }
        i = end;
    }
}

/// French verbs of saying, as an incise puts them before their subject.
const SAYING: &[&str] = &[
    "ajouta", "continua", "cria", "demanda", "dit", "fit", "hurla", "insista", "lança", "murmura", "poursuivit", "protesta", "répliqua", "répondit",
    "reprit", "rétorqua", "souffla", "soupira",
];

/// Dialogue typed with a hyphen (`- Oui, dit-il.`): a bulleted list to
/// Markdown. A list item with an incise (`dit-il`, `demanda-t-elle`) is a
/// reply; one warning for the chapter, at the first.
fn replies_as_list_items(text: &str, lines: &[(usize, usize)], mask: &Mask, warnings: &mut Vec<Warning>) {
    let incise = |t: &str| {
        t.split(|c: char| !(c.is_alphabetic() || c == '-')).any(|w| {
            let w = w.to_lowercase();
            let subject = ["-il", "-elle", "-ils", "-elles"].into_iter().find_map(|s| w.strip_suffix(s));
            subject.is_some_and(|v| SAYING.contains(&v.strip_suffix("-t").unwrap_or(v)))
        })
    };
    let replies: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let (a, b) = lines[i];
            let t = text[a..b].trim_start();
            t.len() + 3 >= b - a && t.starts_with("- ") && !mask.get(b - t.len()) && incise(t)
        })
        .collect();
    if let Some(&first) = replies.first() {
        warnings.push(Warning {
            line: first + 1,
            message: format!("{} {} typed as list items (`- `): Markdown shows them as a bulleted list", replies.len(), if replies.len() == 1 { "reply" } else { "replies" }),
            suggestion: "open each reply with the dialogue dash `—` instead of `-`".into(),
        });
    }
}

/// A paragraph that stops mid-sentence (a letter last, no punctuation)
/// before one that begins in lower case: a page break of the source, whose
/// page number or running head went and left a blank line.
fn split_paragraphs(text: &str, lines: &[(usize, usize)], mask: &Mask, warnings: &mut Vec<Warning>) {
    for i in 1..lines.len().saturating_sub(1) {
        let line = |j: usize| &text[lines[j].0..lines[j].1];
        if !line(i).trim().is_empty() {
            continue;
        }
        let (before, after) = (line(i - 1).trim_end(), line(i + 1));
        let start = after.len() - after.trim_start().len();
        let prose = |l: &str| !l.starts_with([' ', '\t']) && !is_markup(l) && !is_list_item(l);
        let stops = before.chars().next_back().is_some_and(char::is_alphabetic) && !mask.get(lines[i - 1].0 + before.len() - 1);
        let goes_on = after[start..].chars().next().is_some_and(char::is_lowercase) && start < 4 && !mask.get(lines[i + 1].0 + start);
        if stops && goes_on && prose(before) && prose(after.trim_start()) {
            warnings.push(Warning {
                line: i + 1,
                message: "a paragraph stops mid-sentence and the next begins in lower case (a page break of the source?)".into(),
                suggestion: "delete this blank line to join them".into(),
            });
        }
    }
}

/// A paragraph indented by four spaces or a tab (a first-line indent kept
/// from a PDF or a word processor, or verse) is a code block to Markdown:
/// it would print in the code font, unwrapped. Prose there is told from
/// code by its words: a capital or a quote first, four words or more,
/// mostly letters, none of the signs code is made of.
fn indented_prose(text: &str, lines: &[(usize, usize)], mask: &Mask, warnings: &mut Vec<Warning>) {
    let blank = |i: usize| text[lines[i].0..lines[i].1].trim().is_empty();
    for (i, &(a, b)) in lines.iter().enumerate() {
        let line = &text[a..b];
        let t = line.trim();
        if t.is_empty() || !(line.starts_with("    ") || line.starts_with('\t')) || !mask.get(a + line.len() - line.trim_start().len()) || (i > 0 && !blank(i - 1)) {
            continue;
        }
        // Under a list item, an indented paragraph belongs to the item.
        let before = (0..i).rev().find(|&j| !blank(j)).map(|j| &text[lines[j].0..lines[j].1]);
        if before.is_some_and(|l| l.starts_with([' ', '\t']) || is_list_item(l.trim_start())) {
            continue;
        }
        let letters = t.chars().filter(|c| c.is_alphabetic()).count();
        let signs = t.chars().filter(|c| !c.is_alphanumeric() && !c.is_whitespace()).count();
        let first = t.chars().next().unwrap_or(' ');
        let prose = (first.is_uppercase() || matches!(first, '"' | '\'' | '“' | '‘' | '«' | '—' | '–'))
            && t.split_whitespace().count() >= 4
            && letters * 10 >= (letters + signs) * 8
            && !t.contains(['{', '}', '=', '<', '>', ';', '$', '#', '|', '\\', '`', '[', ']']);
        if prose {
            warnings.push(Warning {
                line: i + 1,
                message: "an indented paragraph: Markdown shows text indented by four spaces or a tab as code".into(),
                suggestion: "remove the indent (for verse, end each line with a backslash), or fence the lines with ``` if they are code".into(),
            });
        }
    }
}

fn is_list_item(t: &str) -> bool {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &t[digits..];
    (digits == 0 && rest.starts_with(['-', '*', '+']) || digits > 0 && rest.starts_with(['.', ')'])) && rest[1..].starts_with(' ')
}

/// Jekyll's Liquid (`{{ site.url }}`, `{% include x.html %}`) outside
/// code: the book has no site to fill it in, so it would print as is, or
/// (in a link or image destination the kramdown step could not fill in)
/// leave the link or image unmade.
fn liquid(text: &str, lines: &[(usize, usize)], mask: &Mask, escaped: &[usize], warnings: &mut Vec<Warning>) {
    if !text.contains("{{") && !text.contains("{%") {
        return;
    }
    let mut fenced = None;
    for (li, &(a, b)) in lines.iter().enumerate() {
        let line = &text[a..b];
        match fenced {
            Some(open) => {
                fenced = (!protect::closes_fence(line, open)).then_some(open);
                continue;
            }
            None => fenced = protect::fence(line),
        }
        if escaped.binary_search(&li).is_ok() || fenced.is_some() {
            continue;
        }
        let code_block = line.starts_with("    ") || line.starts_with('\t');
        let destinations = if code_block || !line.contains(']') { Vec::new() } else { super::kramdown::in_destinations(line) };
        for (k, e) in protect::liquid_spans(line) {
            if mask.any(a + k, a + k + 2) && !destinations.contains(&(k, e)) {
                continue;
            }
            let tag = &line[k..e];
            warnings.push(Warning { line: li + 1, message: format!("a Jekyll (Liquid) tag left as text: {tag:?}"), suggestion: "write what it stands for, or delete it".into() });
        }
    }
}

/// `promené4`: letters then 1–3 digits at a word's end. Not `H2O`, `mp3`,
/// `1er`, `XVIe`, `2e` (digits first, or capitals inside, or too short).
fn glued_numbers(text: &str, lines: &[(usize, usize)], mask: &Mask, warnings: &mut Vec<Warning>) {
    for (li, &(a, b)) in lines.iter().enumerate() {
        let line = &text[a..b];
        // Most lines of prose have no digit at all.
        if !line.bytes().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let mut word_start: Option<usize> = None;
        let mut letters = 0;
        let mut caps_inside = false;
        let mut digits_at: Option<usize> = None;
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        for (n, &(k, c)) in chars.iter().enumerate() {
            let next = chars.get(n + 1).map_or(' ', |x| x.1);
            if c.is_alphabetic() && digits_at.is_none() {
                if word_start.is_none() {
                    word_start = Some(k);
                    letters = 0;
                    caps_inside = false;
                } else if c.is_uppercase() {
                    caps_inside = true;
                }
                letters += 1;
            } else if c.is_ascii_digit() && word_start.is_some() {
                digits_at.get_or_insert(k);
                if !next.is_alphanumeric() {
                    let (s, d) = (word_start.unwrap(), digits_at.unwrap());
                    if letters >= 3 && !caps_inside && k + 1 - d <= 3 && !mask.any(a + s, a + k + 1) {
                        let word = &line[s..d];
                        warnings.push(Warning {
                            line: li + 1,
                            message: format!("number glued to a word: {:?} (a lost footnote call?)", &line[s..k + 1]),
                            suggestion: format!("{word}[^{}]", &line[d..k + 1]),
                        });
                    }
                }
            } else {
                word_start = None;
                digits_at = None;
            }
        }
    }
}

fn is_markup(t: &str) -> bool {
    t.starts_with(['#', '-', '*', '>', '|', '[', '`', '{', '<', '+', '=', '!'])
}

/// A page number alone on a line; a short line with a number, repeated in
/// the chapter (digits aside) in the middle of paragraphs: a running head.
fn page_furniture(text: &str, lines: &[(usize, usize)], mask: &Mask, warnings: &mut Vec<Warning>) {
    let key = |t: &str| t.chars().filter(|c| !c.is_ascii_digit()).collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ");
    let candidate = |i: usize| {
        let (a, b) = lines[i];
        let t = text[a..b].trim();
        if !t.bytes().any(|c| c.is_ascii_digit()) {
            return false;
        }
        let inside = |j: Option<usize>| j.and_then(|j| lines.get(j)).is_some_and(|&(x, y)| !text[x..y].trim().is_empty());
        !t.is_empty()
            && t.chars().count() <= 60
            && !is_markup(t)
            && !mask.get(a)
            && t.chars().any(char::is_alphabetic)
            && !t.ends_with(['.', '!', '?', ':', ';', ',', '»', '…', '"', '”'])
            && (inside(i.checked_sub(1)) || inside(Some(i + 1)))
    };
    let mut counts: HashMap<String, usize> = HashMap::new();
    for i in 0..lines.len() {
        if candidate(i) {
            *counts.entry(key(&text[lines[i].0..lines[i].1])).or_default() += 1;
        }
    }
    for (i, &(a, b)) in lines.iter().enumerate() {
        let t = text[a..b].trim();
        if !t.bytes().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let digits = t.trim_matches(|c: char| matches!(c, '-' | '—' | '–' | ' '));
        if !t.is_empty() && !mask.get(a) && digits.len() <= 4 && !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()) {
            warnings.push(Warning { line: i + 1, message: format!("a page number alone on a line: {t:?}"), suggestion: "delete the line".into() });
        } else if candidate(i) && counts.get(&key(t)).is_some_and(|&n| n >= 3) {
            warnings.push(Warning { line: i + 1, message: format!("a running head inside the text: {t:?}"), suggestion: "delete the line".into() });
        }
    }
}

/// `« »` and `“ ”` must pair up across the chapter (a French exchange may
/// run over several paragraphs). A quotation that runs over paragraphs
/// opens each one again and closes only the last: an opening mark that
/// starts a paragraph, when the last mark before it opened, takes that
/// one's place.
fn quotes(text: &str, lines: &[(usize, usize)], mask: &Mask, warnings: &mut Vec<Warning>) {
    let body = |li: usize| text[lines[li].0..lines[li].1].trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '>' | '*' | '_'));
    // The mark at `k` opens a paragraph: not a mark that a wrapped line
    // happens to begin with (nor a verse line: that cannot be told apart).
    let reopens = |li: usize, k: usize| {
        let line = &text[lines[li].0..k];
        line.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '>' | '*' | '_')).is_empty() && (li == 0 || body(li - 1).is_empty())
    };
    for (open, close) in [('«', '»'), ('“', '”')] {
        let (mut o, mut c) = ([0u8; 4], [0u8; 4]);
        let (o, c) = (open.encode_utf8(&mut o).as_bytes(), close.encode_utf8(&mut c).as_bytes());
        let mut stack: Vec<usize> = Vec::new();
        let mut last_was_open = false;
        let mut li = 0;
        // Both marks share their first byte: find it, then look closer.
        let bytes = text.as_bytes();
        for (k, _) in bytes.iter().enumerate().filter(|&(_, &b)| b == o[0]) {
            let rest = &bytes[k..];
            let (is_open, is_close) = (rest.starts_with(o), rest.starts_with(c));
            if !(is_open || is_close) || mask.get(k) {
                continue;
            }
            while lines.get(li).is_some_and(|&(_, end)| end < k) {
                li += 1;
            }
            if is_open {
                // Reopened: the paragraph before ended inside the quotation.
                if last_was_open && reopens(li, k) && stack.last().is_some_and(|&l| l - 1 != li) {
                    stack.pop();
                }
                stack.push(li + 1);
                last_was_open = true;
                continue;
            }
            last_was_open = false;
            if stack.pop().is_none() {
                warnings.push(Warning { line: li + 1, message: format!("{close} without an opening {open}"), suggestion: format!("add the missing {open} or remove this {close}") });
            }
        }
        for line in stack {
            warnings.push(Warning { line, message: format!("{open} never closed"), suggestion: format!("add the missing {close}") });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint(s: &str) -> Vec<(usize, String)> {
        let mut w = Vec::new();
        run(s, &protect::protect(s), &[], &mut w);
        w.into_iter().map(|w| (w.line, w.suggestion)).collect()
    }

    #[test]
    fn glued_footnote_calls() {
        assert_eq!(lint("Je me suis promené4 dans"), vec![(1, "promené[^4]".to_string())]);
        assert_eq!(lint("a\nla fin12."), vec![(2, "fin[^12]".to_string())]);
        for s in ["H2O et mp3", "le 1er et le XVIe, 2e", "`code4`", "le MP3 et CO2", "l’an 2004", "Version3b"] {
            assert!(lint(s).is_empty(), "{s}: {:?}", lint(s));
        }
    }

    #[test]
    fn unclosed_div() {
        assert_eq!(lint("A.\n\n\\::: {.x}\nB.\n"), vec![(3, "add a line `:::` where the div ends, or remove this line".to_string())]);
        assert!(lint("```\n\\::: x\n```\n").is_empty());
    }

    #[test]
    fn page_numbers_and_running_heads() {
        assert_eq!(lint("texte\n\n127\n\nsuite"), vec![(3, "delete the line".to_string())]);
        let s = "un texte\nJour 4 — 12\ncontinue.\n\nun texte\nJour 4 — 13\nsuite.\n\nun texte\nJour 4 — 14\nfin.";
        assert_eq!(lint(s).iter().map(|w| w.0).collect::<Vec<_>>(), vec![2, 6, 10]);
        assert!(lint("— Oui\n\n— Oui\n\n— Oui").is_empty());
        assert!(lint("1. liste\n2. deux").is_empty());
    }

    #[test]
    fn liquid_left_as_text() {
        assert_eq!(lint("Voir {{ site.url }} et {% include a.html %}.").len(), 2);
        // in a destination the kramdown step could not fill in
        assert_eq!(lint("[a]({{ page.url }}) ![b]({{ x }}/b.png)\n\n[c]: {{ y }}/c").len(), 3);
        assert!(lint("`[a]({{ x }})`\n\n```\n[a]({{ x }})\n```\n\n    [a]({{ x }})").is_empty());
        assert!(lint("`{{ x }}` et\n```\n{% if %}\n```\n{x} {:.a} { {").is_empty());
    }

    #[test]
    fn indented_prose_is_code_to_markdown() {
        let hint = "remove the indent (for verse, end each line with a backslash), or fence the lines with ``` if they are code".to_string();
        assert_eq!(lint("Intro.\n\n    Il était une fois un homme\nqui vivait seul.\n\n\tLe lendemain, il partit vers le nord."), vec![(3, hint.clone()), (6, hint)]);
        for s in ["Intro.\n\n    let x = a + b;\n    Some(x)", "    fn main() {}", "- item\n\n    The item goes on here in its paragraph.", "1. item\n\n    The item goes on here in its paragraph.", "Text\n    Wrapped line of the same paragraph here.", "    ls -la /tmp and more"] {
            assert!(lint(s).is_empty(), "{s}: {:?}", lint(s));
        }
    }

    #[test]
    fn prose_lines_ending_in_two_spaces() {
        let prose = "Il était une fois un homme qui vivait seul dans la forêt,  \nsans voisin ni ami, et qui parlait aux arbres le soir venu,  \npuis il rentrait chez lui pour dormir jusqu'au lendemain,  \noù tout recommençait comme la veille.\n";
        assert_eq!(lint(&format!("Intro.\n\n{prose}")), vec![(3, "delete the spaces at the ends of the lines, unless the lines are meant to break there".to_string())]);
        // verse, an address, two lines, code: on purpose
        for s in ["Le vent se lève,  \nil faut tenter  \nde vivre.  \nFin.", "M. Dupont  \n12 rue des Lilas  \n75000 Paris", &prose.replacen("  \n", "\n", 2), &format!("```\n{prose}```")] {
            assert!(lint(s).is_empty(), "{s}: {:?}", lint(s));
        }
    }

    #[test]
    fn paragraphs_split_by_a_page_break() {
        let hint = "delete this blank line to join them".to_string();
        assert_eq!(lint("Il marchait quand soudain il\n\nvit une ombre.\n\nFin."), vec![(2, hint)]);
        for s in ["Il marchait.\n\nvit une ombre.", "Il marchait\n\n— vit", "# Titre\n\nsuite", "- item\n\nsuite", "Voir `code`\n\nsuite", "Un,\n\ndeux", "Texte\n\n    code ici"] {
            assert!(lint(s).is_empty(), "{s}: {:?}", lint(s));
        }
    }

    #[test]
    fn inline_notes_over_lines() {
        let hint = "close it with `]` before the paragraph ends, or make it a note `[^1]` with `[^1]: …` below the paragraph".to_string();
        assert_eq!(lint("Un fait^[Voir la page\ntrois.] connu.\n"), vec![(1, hint)]);
        for s in ["Un fait^[1]\nsuite", "Un fait^[Voir la page trois.] connu.", "`^[a b`\nsuite", "x ^[a b\n\nFin."] {
            assert!(lint(s).is_empty(), "{s}: {:?}", lint(s));
        }
    }

    #[test]
    fn replies_typed_as_list_items() {
        let hint = "open each reply with the dialogue dash `—` instead of `-`".to_string();
        assert_eq!(lint("Texte.\n\n- Oui.\n\n- Non, dit-il.\n- Pourquoi ? demanda-t-elle.\n"), vec![(5, hint)]);
        for s in ["- Que faut-il faire ?\n- Peut-on ?", "— Oui, dit-il.", "```\n- Oui, dit-il.\n```", "- une liste\n- dite ainsi"] {
            assert!(lint(s).is_empty(), "{s}: {:?}", lint(s));
        }
    }

    #[test]
    fn unbalanced_quotes() {
        assert!(lint("« Oui », dit-il.\n\n« Non,\n\n— Si. »").is_empty());
        assert_eq!(lint("« Oui, dit-il.\n\nFin."), vec![(1, "add the missing »".to_string())]);
        assert_eq!(lint("Oui » dit-il."), vec![(1, "add the missing « or remove this »".to_string())]);
        assert_eq!(lint("“Yes,” he said. ”"), vec![(1, "add the missing “ or remove this ”".to_string())]);
        // A quotation over three paragraphs, each opened again.
        assert!(lint("“One.\n\n“Two,\nthree.\n\n> “Four.”\n\nAfter.").is_empty());
        // A wrapped line that begins with an inner quote reopens nothing.
        assert!(lint("« Qu'ont-ils chanté ? J'ai cru reconnaître\n« sang » et « mort ».\n\n— Oui. »").is_empty());
        assert!(lint("« Un.\n\n« Deux. »").is_empty());
        // Not reopened at the start of its paragraph: still unclosed.
        assert_eq!(lint("“One.\n\nThen “two.”"), vec![(1, "add the missing ”".to_string())]);
        assert_eq!(lint("“One.\n\nAfter."), vec![(1, "add the missing ”".to_string())]);
        // A paragraph that closed its last quote did not run on.
        assert_eq!(lint("“One, he said. “Two.”\n\n“Three.”"), vec![(1, "add the missing ”".to_string())]);
    }
}
