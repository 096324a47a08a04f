//! pandoc's Markdown habits that CommonMark reads otherwise, made what
//! pandoc makes of them (part of the kramdown step: Markdown dialects):
//! fenced divs (`::: {.class}` … `:::`) go and their content stays (their
//! attributes style each paragraph, as `{:.class}`); bracketed
//! spans (`[text]{.smallcaps}`) are their text; `H~2~O` and `2^10^`
//! (inside a word, where CommonMark's delimiter rules refuse them) are
//! `<sub>` and `<sup>`; an inline note `^[text]` becomes a note defined
//! at the end of the text (one running over lines of its paragraph takes
//! them onto its first line); LaTeX's `\newpage` alone on a line goes.
//! A line map says where each line of the result comes from (merged notes
//! and the style lines of divs of several paragraphs move the rest).

use super::protect::{self, Mask};
use super::{quote_prefix, Change, Step};

/// LaTeX page breaks pandoc passes to LaTeX; the book has no use for them.
const PAGE_BREAKS: &[&str] = &["\\newpage", "\\pagebreak", "\\clearpage", "\\newpage{}", "\\pagebreak{}", "\\clearpage{}"];

/// An inline note runs over this many lines at most (a longer one is
/// more likely a bracket never closed, and the lint says so).
const MAX_NOTE_LINES: usize = 30;

/// The text, and for each of its lines the line of `text` it comes from (a
/// note's definition, added at the end: the line of its call); empty when
/// nothing can have changed.
pub fn run(text: &str, mask: &Mask, changes: &mut Vec<Change>) -> (String, Vec<usize>) {
    let maybe = text.contains(":::") || text.contains("]{") || text.contains('~') || text.contains('^') || text.contains("\\newpage") || text.contains("\\pagebreak") || text.contains("\\clearpage");
    if !maybe {
        return (text.to_string(), Vec::new());
    }
    let lines = protect::line_spans(text);
    // Each line's replacement, and a line to add after it (a div's style).
    let (mut new, after) = divs(text, &lines, mask);
    // Lines taken onto an earlier one by a note running over them.
    let mut merged = vec![false; lines.len()];
    // (label, text, line of the call)
    let mut notes: Vec<(String, String, usize)> = Vec::new();
    let mut next_label = if text.contains("^[") { first_free_label(text) } else { 1 };
    let mut li = 0;
    while li < lines.len() {
        let (a, b) = lines[li];
        if new[li].is_some() || mask.get(a) {
            li += 1;
            continue;
        }
        if PAGE_BREAKS.contains(&text[a..b].trim()) {
            new[li] = Some(String::new());
            li += 1;
            continue;
        }
        // A note running over lines takes them onto this one; if what it
        // holds is no note after all, the line stays alone.
        let first = notes.len();
        let mut last = note_end_line(text, &lines, li, mask, &new).unwrap_or(li);
        let mut edits = line_edits(text, mask, &lines[li..=last], &mut next_label, &mut notes);
        if last > li && notes.len() == first {
            last = li;
            edits = line_edits(text, mask, &lines[li..=li], &mut next_label, &mut notes);
        }
        notes[first..].iter_mut().for_each(|n| n.2 = li + 1);
        if let Some((line, edits)) = edits {
            new[li] = Some(apply(&line, edits));
            merged[li + 1..=last].iter_mut().for_each(|m| *m = true);
        }
        li = last + 1;
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut map = Vec::with_capacity(lines.len());
    for (li, &(a, b)) in lines.iter().enumerate() {
        if merged[li] {
            continue;
        }
        let line = &text[a..b];
        // This line and those a note took onto it.
        let group = li..li + 1 + merged[li + 1..].iter().take_while(|&&m| m).count();
        let added = group.clone().filter_map(|j| after[j].as_deref()).next_back();
        match (&new[li], added) {
            (None, None) => out.push_str(line),
            (n, added) => {
                let mut n = n.clone().unwrap_or_else(|| line.to_string());
                if let Some(added) = added {
                    n = format!("{n}\n{added}");
                    map.push(li + 1);
                }
                let before = group.map(|j| &text[lines[j].0..lines[j].1]).collect::<Vec<_>>().join("\n");
                out.push_str(&n);
                changes.push(Change { line: li + 1, step: Step::Kramdown, before, after: n });
            }
        }
        map.push(li + 1);
        if b < text.len() {
            out.push('\n');
        }
    }
    if !notes.is_empty() {
        // Defined after everything, each after a blank line.
        if !out.ends_with('\n') {
            out.push('\n');
        }
        for (label, note, line) in &notes {
            out.push_str(&format!("\n[^{label}]: {note}\n"));
            map.extend([*line, *line]);
        }
    }
    (out, map)
}

/// The edits of the `group` of lines (joined by a space, each but the first
/// without its indent), notes first where they overlap, and the joined
/// line; `None` for a line without any.
#[allow(clippy::type_complexity)]
fn line_edits(text: &str, mask: &Mask, group: &[(usize, usize)], next_label: &mut usize, notes: &mut Vec<(String, String, usize)>) -> Option<(String, Vec<(usize, usize, String)>)> {
    let (a, b) = group[0];
    let mut line = text[a..b].to_string();
    // Each piece's start in the line and in `text`, for the mask.
    let mut pieces = vec![(0, a)];
    for &(c, d) in &group[1..] {
        // (without the quote marks it goes on in)
        let t = text[c + quote_prefix(&text[c..d]).1..d].trim_start();
        line.truncate(line.trim_end().len());
        line.push(' ');
        pieces.push((line.len(), d - t.len()));
        line.push_str(t);
    }
    let protected = |k: usize| {
        let (start, at) = pieces[pieces.partition_point(|p| p.0 <= k) - 1];
        mask.get(at + k - start)
    };
    let mut edits = inline_notes(&line, &protected, next_label, notes);
    edits.extend(spans(&line, &protected));
    edits.extend(scripts(&line, &protected));
    (!edits.is_empty()).then_some((line, edits))
}

/// The line where an inline note opened on line `li` and not closed there
/// closes, if it does within its paragraph (no blank line, no new block).
fn note_end_line(text: &str, lines: &[(usize, usize)], li: usize, mask: &Mask, new: &[Option<String>]) -> Option<usize> {
    let (a, b) = lines[li];
    let line = &text[a..b];
    let o = unclosed_note(line, &|k| mask.get(a + k))?;
    // (Its `[` has no `]` on the line: the count cannot reach 0 there.)
    let mut depth = 0usize;
    let mut close = |piece: &str| {
        piece.bytes().any(|c| {
            match c {
                b'[' => depth += 1,
                b']' => depth = depth.saturating_sub(1),
                _ => return false,
            }
            depth == 0
        })
    };
    close(&line[o + 1..]);
    // A note in a block quote goes on in lines quoted as deep.
    let depth = quote_prefix(line).0;
    for (j, &(c, d)) in lines.iter().enumerate().skip(li + 1).take(MAX_NOTE_LINES) {
        let (next_depth, prefix) = quote_prefix(&text[c..d]);
        let next = &text[c + prefix..d];
        if next_depth != depth || next.trim().is_empty() || mask.get(c + prefix) || new[j].is_some() || starts_block(next) {
            return None;
        }
        if close(next) {
            return Some(j);
        }
    }
    None
}

/// The first `^[` of `line` (not protected, not escaped) whose bracket
/// does not close on the line: an inline note running over lines.
pub(super) fn unclosed_note(line: &str, protected: &dyn Fn(usize) -> bool) -> Option<usize> {
    if !line.contains("^[") {
        return None;
    }
    let pairs = bracket_pairs(line);
    line.match_indices("^[").map(|(o, _)| o).find(|&o| !protected(o) && !line[..o].ends_with('\\') && closing_bracket(&pairs, o + 1).is_none())
}

/// A line that begins a block of its own rather than going on a paragraph.
fn starts_block(line: &str) -> bool {
    let t = line.trim_start();
    let list_number = t.find(|c: char| !c.is_ascii_digit()).is_some_and(|i| i > 0 && (t[i..].starts_with(". ") || t[i..].starts_with(") ")));
    list_number || ["#", ">", "```", "~~~", ":::", "- ", "* ", "+ ", "|"].iter().any(|m| t.starts_with(m)) || line.len() - t.len() >= 4
}

/// The fence lines of fenced divs, each replaced: by nothing, or by a
/// kramdown IAL that styles the paragraph before it; and the IAL lines to
/// add after the div's other paragraphs. An opener never closed is no div:
/// its colons are escaped so that it prints as typed (Markdown would read
/// `::: x` after a paragraph as a definition), and the lint says so.
#[allow(clippy::type_complexity)]
fn divs(text: &str, lines: &[(usize, usize)], mask: &Mask) -> (Vec<Option<String>>, Vec<Option<String>>) {
    let mut new = vec![None; lines.len()];
    let mut after = vec![None; lines.len()];
    if !text.contains(":::") {
        return (new, after);
    }
    let mut open: Vec<(usize, String)> = Vec::new();
    for (li, &(a, b)) in lines.iter().enumerate() {
        let line = &text[a..b];
        let t = line.trim_start_matches(' ');
        if mask.get(a) || line.len() - t.len() > 3 || !t.starts_with(":::") {
            continue;
        }
        let rest = t.trim_start_matches(':').trim();
        if rest.is_empty() {
            if let Some((opener, attrs)) = open.pop() {
                new[opener] = Some(String::new());
                new[li] = Some(String::new());
                if !attrs.is_empty() {
                    style_div(text, lines, mask, (&mut new, &mut after), opener + 1..li, &attrs);
                }
            }
        } else if let Some(attrs) = div_attributes(rest.trim_end_matches(':').trim_end()) {
            open.push((li, attrs));
        }
    }
    for (li, _) in open {
        let line = &text[lines[li].0..lines[li].1];
        let indent = line.len() - line.trim_start_matches(' ').len();
        new[li] = Some(format!("{}\\{}", &line[..indent], &line[indent..]));
    }
    (new, after)
}

/// A div's attributes on its paragraphs, as kramdown IALs after each: on
/// the closing fence's line for the last (or only) block, on a line added
/// after the others (its id on the first only). Blocks a nested div styled
/// keep their own and take this div's classes; a list or a quote among
/// several blocks is left.
fn style_div(text: &str, lines: &[(usize, usize)], mask: &Mask, (new, after): (&mut [Option<String>], &mut [Option<String>]), inside: std::ops::Range<usize>, attrs: &str) {
    let close = inside.end;
    // (a fence inside, gone, leaves a blank line)
    let blank = |new: &[Option<String>], j: usize| text[lines[j].0..lines[j].1].trim().is_empty() || new[j].as_deref() == Some("");
    let mut runs = Vec::new();
    let mut j = inside.start;
    while j < close {
        if blank(new, j) {
            j += 1;
            continue;
        }
        let start = j;
        while j < close && !blank(new, j) {
            j += 1;
        }
        runs.push(start..j);
    }
    let classes: String = attrs.split_whitespace().filter(|a| a.starts_with('.')).map(|a| format!(" {a}")).collect();
    // Blocks a nested div styled take this div's classes too (not its id:
    // one block, one id).
    runs.retain(|run| {
        let mut styled = false;
        for k in run.clone() {
            for ial in [&mut new[k], &mut after[k]].into_iter().filter_map(|s| s.as_mut()).filter(|s| s.ends_with('}')) {
                ial.insert_str(ial.len() - 1, &classes);
                styled = true;
            }
        }
        !styled
    });
    let unstyled = |k: usize| new[k].is_none() && after[k].is_none();
    if let [only] = runs.as_slice() {
        if only.end == close && only.clone().all(unstyled) {
            new[close] = Some(format!("{{:{attrs}}}"));
            return;
        }
    }
    let paragraph = |run: &std::ops::Range<usize>| {
        let (a, b) = lines[run.start];
        !mask.get(a) && !starts_block(&text[a..b]) && run.clone().all(unstyled)
    };
    let paragraphs: Vec<_> = runs.into_iter().filter(paragraph).collect();
    let mut first = true;
    for run in paragraphs {
        let ial = format!("{{:{}}}", if first { attrs } else { &classes });
        first = false;
        if run.end == close {
            new[close] = Some(ial);
        } else {
            after[run.end - 1] = Some(ial);
        }
    }
}

/// The attributes of a div's opening fence (`{.a #b key=v}` or a bare
/// class name), as a kramdown IAL's content (` .a #b`).
fn div_attributes(s: &str) -> Option<String> {
    let inner = match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        Some(inner) => inner,
        None if !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') => return Some(format!(" .{s}")),
        None => return None,
    };
    Some(inner.split_whitespace().filter(|w| w.starts_with(['.', '#'])).map(|w| format!(" {w}")).collect())
}

/// `H~2~O`, `2^10^`, `XIX^e^`: a run of letters and digits between two
/// single `~` or `^` right after a letter or a digit is a sub- or
/// superscript, as pandoc reads it (`~R~i` or `^M^J` opening a word are
/// left: search patterns and control keys).
fn scripts(line: &str, protected: &dyn Fn(usize) -> bool) -> Vec<(usize, usize, String)> {
    let mut edits = Vec::new();
    if !line.contains(['~', '^']) {
        return edits;
    }
    let b = line.as_bytes();
    let mut k = 0;
    while k < b.len() {
        let d = b[k];
        // Only inside a word (`H~2~O`): CommonMark reads the others already.
        let in_word = || line[..k].chars().next_back().is_some_and(char::is_alphanumeric);
        if (d == b'~' || d == b'^') && in_word() && !protected(k) {
            let body = &line[k + 1..];
            let end = body.find(|c: char| !(c.is_alphanumeric() || matches!(c, '+' | '-' | '−' | '.' | ','))).filter(|&e| e > 0 && body.as_bytes()[e] == d);
            let lone = |e: usize| body.as_bytes().get(e + 1) != Some(&d);
            if let Some(e) = end.filter(|&e| lone(e) && !(k + 1..=k + 1 + e).any(protected)) {
                let tag = if d == b'~' { "sub" } else { "sup" };
                edits.push((k, k + e + 2, format!("<{tag}>{}</{tag}>", &body[..e])));
                k += e + 2;
                continue;
            }
        }
        k += 1;
    }
    edits
}

/// `line` with `edits` (start, end, replacement) made, in order; one that
/// overlaps an earlier one is left out.
fn apply(line: &str, mut edits: Vec<(usize, usize, String)>) -> String {
    edits.sort_by_key(|e| e.0);
    let (mut out, mut at) = (String::with_capacity(line.len() + 16), 0);
    for (s, e, with) in edits {
        if s >= at {
            out.push_str(&line[at..s]);
            out.push_str(&with);
            at = e;
        }
    }
    out.push_str(&line[at..]);
    out
}

/// The closing `]` of the `[` at byte `open`, brackets nested, on the line.
/// The closing `]` of each `[` of the line, brackets nested: (open,
/// close) pairs, by their opening, found in one pass (a line of a thousand
/// unclosed `[` must not be read a thousand times).
fn bracket_pairs(line: &str) -> Vec<(usize, usize)> {
    let mut open = Vec::new();
    let mut pairs = Vec::new();
    for (i, b) in line.bytes().enumerate() {
        match b {
            b'[' => open.push(i),
            b']' => {
                if let Some(o) = open.pop() {
                    pairs.push((o, i));
                }
            }
            _ => {}
        }
    }
    pairs.sort_unstable();
    pairs
}

/// The closing `]` of the `[` at byte `open`, in `pairs`.
fn closing_bracket(pairs: &[(usize, usize)], open: usize) -> Option<usize> {
    pairs.binary_search_by_key(&open, |p| p.0).ok().map(|i| pairs[i].1)
}

/// `[text]{.class}`, `[text]{lang=fr}`: the text (not a link's `](`, nor
/// kramdown's `{:`, which the kramdown step reads).
fn spans(line: &str, protected: &dyn Fn(usize) -> bool) -> Vec<(usize, usize, String)> {
    let mut edits = Vec::new();
    if !line.contains("]{") {
        return edits;
    }
    let pairs = bracket_pairs(line);
    let mut k = 0;
    while let Some(o) = line[k..].find('[').map(|o| k + o) {
        k = o + 1;
        let before = line[..o].chars().next_back();
        if protected(o) || matches!(before, Some('!' | '^' | '\\' | ']')) {
            continue;
        }
        let Some(c) = closing_bracket(&pairs, o) else { continue };
        let Some(attrs) = line[c + 1..].strip_prefix('{') else { continue };
        // (attributes are short: a line of `]{` never closed is read once)
        let Some(e) = attrs.char_indices().take(200).find(|&(_, ch)| ch == '}').map(|(e, _)| e) else { continue };
        let a = attrs[..e].trim_start();
        if a.starts_with(['.', '#']) || (a.contains('=') && !a.starts_with(':')) {
            edits.push((o, o + 1, String::new()));
            edits.push((c, c + 2 + e + 1, String::new()));
        }
    }
    edits
}

/// The first label number `inline-N` after those the text uses already.
fn first_free_label(text: &str) -> usize {
    text.match_indices("[^inline-").filter_map(|(i, m)| text[i + m.len()..].split(']').next()?.parse::<usize>().ok()).max().map_or(1, |n| n + 1)
}

/// `^[text]` on the line: a call `[^inline-N]` (`next`: the label number
/// to give), the text kept in `notes`.
fn inline_notes(line: &str, protected: &dyn Fn(usize) -> bool, next: &mut usize, notes: &mut Vec<(String, String, usize)>) -> Vec<(usize, usize, String)> {
    let mut edits = Vec::new();
    if !line.contains("^[") {
        return edits;
    }
    let pairs = bracket_pairs(line);
    let mut from = 0;
    while let Some(o) = line[from..].find("^[").map(|o| from + o) {
        from = o + 2;
        if protected(o) || line[..o].ends_with('\\') {
            continue;
        }
        let Some(c) = closing_bracket(&pairs, o + 1) else { continue };
        // A call typed as `^[1]` or `^[a]` (text renderings of notes), a
        // regular expression's `^[a-z]`: no note; a note is words.
        let body = line[o + 2..c].trim();
        if !body.contains(char::is_whitespace) || !body.contains(char::is_alphabetic) {
            from = c + 1;
            continue;
        }
        let label = format!("inline-{next}");
        *next += 1;
        edits.push((o, c + 1, format!("[^{label}]")));
        notes.push((label, apply(body, scripts(body, &|_| false)), 0));
        from = c + 1;
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        run(s, &protect::protect(s), &mut Vec::new()).0
    }

    #[test]
    fn fenced_divs() {
        assert_eq!(p("A.\n\n::: {.epigraph #e}\nUne phrase.\n:::\n\nB.\n"), "A.\n\n\nUne phrase.\n{: .epigraph #e}\n\nB.\n");
        assert_eq!(p("::: note\nUn.\n\nDeux.\n:::\n"), "\nUn.\n{: .note}\n\nDeux.\n{: .note}\n");
        let text = "::: {.c #i}\nUn\ndeux.\n\n- liste\n\nTrois.\n\nQuatre.\n:::\nFin.\n";
        let (out, map) = run(text, &protect::protect(text), &mut Vec::new());
        assert_eq!(out, "\nUn\ndeux.\n{: .c #i}\n\n- liste\n\nTrois.\n{: .c}\n\nQuatre.\n{: .c}\nFin.\n");
        assert_eq!(map, [1, 2, 3, 3, 4, 5, 6, 7, 7, 8, 9, 10, 11]);
        // What a styled paragraph holds is read as everywhere.
        assert_eq!(p("::: c\nH~2~O et^[une\nnote].\n\nB.\n:::\n"), "\nH<sub>2</sub>O et[^inline-1].\n{: .c}\n\nB.\n{: .c}\n\n[^inline-1]: une note\n");
        // Nested: the outer div's classes join the inner's.
        assert_eq!(p(":::: outer\n::: {.inner}\nX.\n:::\n::::\n"), "\n\nX.\n{: .inner .outer}\n\n");
        assert_eq!(p(":::: {.o #top}\nA.\n\n::: i\nB.\n\nC.\n:::\n::::\n"), "\nA.\n{: .o #top}\n\n\nB.\n{: .i .o}\n\nC.\n{: .i .o}\n\n");
        // in code, or in a line: no div
        for s in ["```\n::: x\ny\n:::\n```\n", "a ::: b\n"] {
            assert_eq!(p(s), s);
        }
        // never closed: printed as typed, not read as a definition list
        assert_eq!(p("A.\n\n::: {.x}\nTexte.\n"), "A.\n\n\\::: {.x}\nTexte.\n");
        assert_eq!(p("::: a\nX.\n:::\n\n  ::: b\n"), "\nX.\n{: .a}\n\n  \\::: b\n");
    }

    #[test]
    fn scripts_spans_notes_page_breaks() {
        assert_eq!(p("H~2~O, 2^10^, le XIX^e^ siècle"), "H<sub>2</sub>O, 2<sup>10</sup>, le XIX<sup>e</sup> siècle");
        assert_eq!(p("[Petites capitales]{.smallcaps} et [mot]{lang=en}."), "Petites capitales et mot.");
        assert_eq!(p("Un fait^[Voir *là*, p. 3.] connu.\n\n[^inline-1]: x\n"), "Un fait[^inline-2] connu.\n\n[^inline-1]: x\n\n[^inline-2]: Voir *là*, p. 3.\n");
        assert_eq!(p("Avant.\n\n\\newpage\n\nAprès.\n"), "Avant.\n\n\n\nAprès.\n");
        for s in ["~~barré~~ et ~ 5 km, ~/a b~", "`H~2~O` et [lien](http://x.org/~a~)", "[a](b){.x} et ![i]{.x}", "\\~a~ et x^[ non fermé", "Linux.^[1] et ^[12] ou ^[a], r\"^[a2-9tjqk]{5}$\"", "|~R~i|, ^M^J, doc:~:~/x, a~b c~", "{:.x} [a]{: .k}"] {
            assert_eq!(p(s), s, "{s}");
        }
    }

    #[test]
    fn inline_notes_over_lines() {
        let text = "Un fait^[Voir la page\ntrois, et *là*\n[ailleurs].] connu,\nsuite.\n\nFin.\n";
        let (out, map) = run(text, &protect::protect(text), &mut Vec::new());
        assert_eq!(out, "Un fait[^inline-1] connu,\nsuite.\n\nFin.\n\n[^inline-1]: Voir la page trois, et *là* [ailleurs].\n");
        assert_eq!(map, [1, 4, 5, 6, 1, 1]);
        // In a block quote, over lines quoted as deep.
        assert_eq!(p("> Un fait^[Voir la\n> page trois.] connu.\n"), "> Un fait[^inline-1] connu.\n\n[^inline-1]: Voir la page trois.\n");
        // Not closed in its paragraph, or in code, or over a new block, or
        // out of its quote: as typed.
        for s in ["x ^[a b\n\nFin.]\n", "x ^[a b\n# Titre]\n", "x `^[a b`\nsuite]\n", "x ^[a b\n- item]\n", "```\nx ^[a b\nc] d\n```\n", "> x ^[a b\n>> c] d\n", "> x ^[a b\n>\n> c] d\n"] {
            assert_eq!(p(s), s, "{s}");
        }
        // Lines keep their numbers when nothing is merged.
        let text = "a\n\\newpage\nb H~2~O\n";
        assert_eq!(run(text, &protect::protect(text), &mut Vec::new()).1, [1, 2, 3]);
    }
}
