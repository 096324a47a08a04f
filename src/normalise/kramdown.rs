//! kramdown and Jekyll habits that CommonMark reads differently:
//! `####Titre` (no space) is a heading for kramdown, a paragraph for
//! CommonMark; Jekyll's `{% highlight ruby %}` … `{% endhighlight %}` is a
//! code block (made a fenced one); `{% raw %}` / `{% endraw %}` only
//! escape Liquid (dropped, the text kept); kramdown's table of contents
//! placeholder (`* TOC` then `{:toc}`) is dropped: the book makes its own;
//! Liquid's `{% comment %}` … `{% endcomment %}` goes with its text.
//! IAL lines (`{:.text-center}`) are left where they are: the parser
//! attaches them to the block above. kramdown's extensions and
//! definitions that print nothing go: `{::comment}` … `{:/comment}` (with
//! its text), `{::options … /}`, the `{::nomarkdown}` tags (their HTML
//! stays), abbreviation definitions (`*[HTML]: …`), and span IALs glued to
//! what they style (`*mot*{: .x}`, `[lien](url){:target="_blank"}`).

use super::protect::{self, Mask};
use super::{Change, Step};

/// The text with kramdown's habits made CommonMark; `escaped` gets the
/// (0-based) lines whose Liquid `{% raw %}` escaped: text to print as it is.
pub fn run(text: &str, mask: &Mask, changes: &mut Vec<Change>, escaped: &mut Vec<usize>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let lines = protect::line_spans(text);
    let mut skip = 0;
    // Between a `{% raw %}` line and its `{% endraw %}`.
    let mut raw = false;
    // Inside a fenced block (its char and length) or a highlight block,
    // nothing changes but the highlight block's end.
    let mut fenced: Option<(u8, usize)> = None;
    let mut highlight = false;
    // Inside `{::comment}` (its text goes) or `{::nomarkdown}` (stays).
    let mut extension: Option<&str> = None;
    // Inside Liquid's `{% comment %}` (its text goes).
    let mut comment = false;
    for (li, &(a, b)) in lines.iter().enumerate() {
        let line = &text[a..b];
        let mut log = |before: &str, after: &str| changes.push(Change { line: li + 1, step: Step::Kramdown, before: before.to_string(), after: after.to_string() });
        // The line's new text, if it changes.
        let new: Option<String> = 'line: {
            // Dropped lines stay as empty ones: later steps log by line.
            if li < skip {
                break 'line Some(String::new());
            }
            if let Some(open) = fenced {
                if protect::closes_fence(line, open) {
                    fenced = None;
                }
                break 'line None;
            }
            if comment {
                let kept = liquid_comments(line, &mut comment);
                log(line, &kept);
                break 'line Some(kept);
            }
            if let Some(name) = extension {
                let Some((inside, after)) = split_at_close(line, name) else {
                    break 'line (name == "comment").then(|| {
                        log(line, "");
                        String::new()
                    });
                };
                extension = None;
                let kept = if name == "comment" { after.to_string() } else { format!("{inside}{after}") };
                log(line, &kept);
                break 'line Some(kept);
            }
            let replaced = if highlight {
                highlight = protect::liquid_tag(line, "endhighlight").is_none();
                (!highlight).then(|| "```".to_string())
            } else if let Some(lang) = protect::liquid_tag(line, "highlight") {
                highlight = true;
                Some(format!("```{}", lang.split_whitespace().next().unwrap_or("")))
            } else if let Some(open) = protect::fence(line) {
                fenced = Some(open);
                None
            } else if mask.get(a) {
                None
            } else if protect::liquid_tag(line, "raw").is_some() || protect::liquid_tag(line, "endraw").is_some() {
                raw = protect::liquid_tag(line, "raw").is_some();
                Some(String::new())
            } else if is_toc_item(line) && lines.get(li + 1).is_some_and(|&(c, d)| text[c..d].trim() == "{:toc}") {
                skip = li + 2;
                log(&format!("{line}\n{{:toc}}"), "");
                break 'line Some(String::new());
            } else {
                None
            };
            if let Some(with) = replaced {
                log(line, &with);
                break 'line Some(with);
            }
            // Inline `{% raw %}`: the tags go, the text stays.
            let mut fixed = None;
            let inline_raw = line.contains("{% raw %}") || line.contains("{% endraw %}");
            if raw || inline_raw {
                escaped.push(li);
            }
            if inline_raw {
                let t = without_raw_tags(line, |k| mask.get(a + k));
                if t != line {
                    log(line, &t);
                    fixed = Some(t);
                }
            }
            if !raw && !inline_raw && line.contains("comment") && line.contains("{%") {
                let t = liquid_comments(line, &mut comment);
                if t != line {
                    log(line, &t);
                    fixed = Some(t);
                }
            }
            let indented_code = mask.get(a) && (line.starts_with("    ") || line.starts_with('\t'));
            if line.contains("<<") && !indented_code && !mask.get(a) {
                let cur = fixed.as_deref().unwrap_or(line);
                if let Some(t) = guillemets(cur) {
                    log(cur, &t);
                    fixed = Some(t);
                }
            }
            if !raw && !inline_raw && line.contains('{') {
                let cur = fixed.as_deref().unwrap_or(line);
                if let Some(t) = jekyll_urls(cur) {
                    log(cur, &t);
                    fixed = Some(t);
                }
            }
            if is_abbreviation(line) {
                log(line, "");
                break 'line Some(String::new());
            }
            if line.contains("{:") && !indented_code {
                let (t, open) = extensions(fixed.as_deref().unwrap_or(line));
                extension = open;
                if t != fixed.as_deref().unwrap_or(line) {
                    log(line, &t);
                    fixed = Some(t);
                }
            }
            if line.contains("[^") && !indented_code {
                let cur = fixed.as_deref().unwrap_or(line);
                let code = code_spans(cur);
                if let Some(t) = notes_after_links(cur, |k| in_code(&code, k) || (fixed.is_none() && mask.get(a + k))) {
                    log(cur, &t);
                    fixed = Some(t);
                }
            }
            let cur = fixed.as_deref().unwrap_or(line);
            let lead = cur.len() - cur.trim_start_matches(' ').len();
            let hashes = cur[lead..].bytes().take_while(|&c| c == b'#').count();
            let body = &cur[lead + hashes..];
            if lead <= 3 && (1..=6).contains(&hashes) && !mask.get(a) && body.starts_with(char::is_alphabetic) {
                let spaced = format!("{} {}", &cur[..lead + hashes], body);
                log(cur, &spaced);
                break 'line Some(spaced);
            }
            fixed
        };
        out.push_str(new.as_deref().unwrap_or(line));
        if b < text.len() {
            out.push('\n');
        }
    }
    out
}

/// The line without its `{% raw %}` and `{% endraw %}` tags, but for
/// those in protected text (`protected(byte)`: code shows them).
fn without_raw_tags(line: &str, protected: impl Fn(usize) -> bool) -> String {
    let mut out = String::with_capacity(line.len());
    let mut k = 0;
    while let Some(i) = line[k..].find("{%").map(|i| k + i) {
        let tag = ["{% raw %}", "{% endraw %}"].into_iter().find(|t| line[i..].starts_with(t)).filter(|_| !protected(i));
        out.push_str(&line[k..i]);
        match tag {
            Some(t) => k = i + t.len(),
            None => {
                out.push_str("{%");
                k = i + 2;
            }
        }
    }
    out.push_str(&line[k..]);
    out
}

/// Note calls at the end of a link's text (`[le site[^1]](url)`, as
/// kramdown reads them) moved after the link (`[le site](url)[^1]`):
/// CommonMark reads the call first, and the link was lost. The line, if
/// it changes (`protected(byte)`: code and URLs stay).
fn notes_after_links(line: &str, protected: impl Fn(usize) -> bool) -> Option<String> {
    let b = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut done = 0;
    let mut p = 0;
    while let Some(x) = line[p..].find("]]").map(|x| p + x + 1) {
        p = x + 1;
        // `x`: the `]` that closes the link text; the calls end just before.
        // (The calls and the destination are masked: they are no text.)
        let mut calls = x;
        while let Some(open) = note_call_ending(b, calls) {
            calls = open;
        }
        if calls == x {
            continue;
        }
        let Some(text_open) = opening_bracket(b, calls).filter(|&o| o + 1 < calls && o >= done) else { continue };
        let end = match b.get(x + 1) {
            Some(b'(') => closing(b, x + 1, b'(', b')'),
            Some(b'[') => closing(b, x + 1, b'[', b']'),
            _ => None,
        };
        let Some(end) = end else { continue };
        if protected(text_open) {
            continue;
        }
        out.push_str(&line[done..calls]);
        out.push_str(&line[x..end]);
        out.push_str(&line[calls..x]);
        done = end;
        p = end;
    }
    (done > 0).then(|| out + &line[done..])
}

/// How far the searches below look, in bytes: a note label, a link's text,
/// its destination. Farther, it is no link; and a line of brackets stays
/// linear.
const MAX_LABEL: usize = 64;
const MAX_TEXT: usize = 1_000;
const MAX_DESTINATION: usize = 2_000;

/// The start of a note call `[^label]` ending just before byte `end`.
fn note_call_ending(b: &[u8], end: usize) -> Option<usize> {
    let close = end.checked_sub(1).filter(|&c| b[c] == b']')?;
    let label = b[close.saturating_sub(MAX_LABEL)..close].iter().rev().take_while(|c| !c.is_ascii_whitespace() && !matches!(c, b'[' | b']' | b'^')).count();
    let open = (close - label).checked_sub(2)?;
    (label > 0 && &b[open..open + 2] == b"[^").then_some(open)
}

/// The `[` that opens the bracket closing just before byte `end`.
fn opening_bracket(b: &[u8], end: usize) -> Option<usize> {
    let mut depth = 0;
    for k in (end.saturating_sub(MAX_TEXT)..end).rev() {
        match b[k] {
            _ if k > 0 && b[k - 1] == b'\\' => {}
            b']' => depth += 1,
            b'[' if depth == 0 => return Some(k),
            b'[' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The byte after the `close` that matches the `open` at `start`.
fn closing(b: &[u8], start: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 0;
    let mut k = start;
    while k < b.len().min(start + MAX_DESTINATION) {
        match b[k] {
            b'\\' => k += 1,
            c if c == open => depth += 1,
            c if c == close => {
                depth -= 1;
                if depth == 0 {
                    return Some(k + 1);
                }
            }
            _ => {}
        }
        k += 1;
    }
    None
}

/// Whether byte `k` is inside one of the `code` spans of its line.
fn in_code(code: &[(usize, usize)], k: usize) -> bool {
    code.iter().any(|&(s, e)| s <= k && k < e)
}

/// The line without Liquid's comments (`{% comment %}` … `{% endcomment %}`,
/// which Jekyll prints nothing for), outside code spans; `open` says
/// whether a comment is open, before the line and after it.
fn liquid_comments(line: &str, open: &mut bool) -> String {
    let code = code_spans(line);
    let mut out = String::with_capacity(line.len());
    let mut cur = 0;
    for (k, e) in protect::liquid_spans(line) {
        let inner = line[k + 2..e - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        let wanted = if *open { "endcomment" } else { "comment" };
        if inner != wanted || in_code(&code, k) {
            continue;
        }
        if !*open {
            out.push_str(&line[cur..k]);
        }
        *open = !*open;
        cur = e;
    }
    if !*open {
        out.push_str(&line[cur..]);
    }
    out
}

/// kramdown's guillemets: `<< oui >>` is `« oui »`, outside code spans,
/// only in pairs around words (not `a << b`, Perl's `C<< $x >>` nor a
/// quoted `"<<"`).
fn guillemets(line: &str) -> Option<String> {
    let code = code_spans(line);
    let free = |k: usize| !in_code(&code, k);
    let mut out = String::with_capacity(line.len());
    let mut cur = 0;
    let mut from = 0;
    while let Some(open) = line[from..].find("<<").map(|k| from + k).filter(|&k| free(k)) {
        let Some(close) = line[open + 2..].find(">>").map(|k| open + 2 + k).filter(|&k| free(k)) else { break };
        let before = line[..open].chars().next_back().unwrap_or(' ');
        let after = line[close + 2..].chars().next().unwrap_or(' ');
        let inside = &line[open + 2..close];
        let words = inside.contains(char::is_alphabetic) && !inside.contains(['<', '>', '$', '=', '"', '{', '}']);
        if !(before.is_whitespace() || before == '(') || !(after.is_whitespace() || ".,;:!?)".contains(after)) || !words {
            from = close + 2;
            continue;
        }
        out.push_str(&line[cur..open]);
        out.push('«');
        out.push_str(&line[open + 2..close]);
        out.push('»');
        cur = close + 2;
        from = cur;
    }
    (cur > 0).then(|| {
        out.push_str(&line[cur..]);
        out
    })
}

/// Where Liquid on `line` starts a link or image destination (right after
/// `](`, or after the `]: ` of a reference definition), outside code spans.
pub fn in_destinations(line: &str) -> Vec<(usize, usize)> {
    let code = code_spans(line);
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (k, e) in protect::liquid_spans(line) {
        let before = &line[..k];
        let opens = before.ends_with("](") || before.ends_with("](<") || (before.starts_with('[') && before.ends_with("]: ") && before.matches(']').count() == 1);
        // `{{ site.url }}{{ site.baseurl }}/x`: the second follows the first
        let follows = out.last().is_some_and(|&(_, pe)| pe == k);
        if (opens || follows) && !in_code(&code, k) {
            out.push((k, e));
        }
    }
    out
}

/// What a Jekyll site fills into a link or image destination, and the book
/// can too: `{{ site.baseurl }}` and `{{ site.url }}` are the site's root
/// (nothing: `/assets/x.png` is read from the manuscript's root), `{{ "/x"
/// | relative_url }}` (or `absolute_url`, `prepend: site.baseurl`) is
/// `/x`, `{% link x.md %}` is `x.md` and `{% post_url name %}` is `name`.
fn jekyll_urls(line: &str) -> Option<String> {
    let spans = in_destinations(line);
    let mut out = String::with_capacity(line.len());
    let mut cur = 0;
    for (k, e) in spans {
        let Some(with) = liquid_url(&line[k..e]) else { continue };
        out.push_str(&line[cur..k]);
        out.push_str(with);
        cur = e;
    }
    (cur > 0).then(|| {
        out.push_str(&line[cur..]);
        out
    })
}

/// The URL a Liquid tag or output of a destination stands for, if known.
fn liquid_url(tag: &str) -> Option<&str> {
    fn trim(s: &str) -> &str {
        s.trim_start_matches('-').trim_end_matches('-').trim()
    }
    if let Some(inner) = tag.strip_prefix("{{").and_then(|t| t.strip_suffix("}}")).map(trim) {
        if matches!(inner, "site.baseurl" | "site.url") {
            return Some("");
        }
        let (value, filters) = inner.split_once('|')?;
        let value = value.trim();
        let quoted = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))?;
        let known = filters.split('|').map(str::trim).all(|f| matches!(f, "relative_url" | "absolute_url" | "prepend: site.baseurl" | "prepend: site.url"));
        return (known && !quoted.contains(['"', '\'', ' '])).then_some(quoted);
    }
    let inner = tag.strip_prefix("{%").and_then(|t| t.strip_suffix("%}")).map(trim)?;
    let (name, arg) = inner.split_once(' ')?;
    let arg = arg.trim();
    (matches!(name, "link" | "post_url") && !arg.is_empty() && !arg.contains([' ', '{', '"', '\''])).then_some(arg)
}

/// Could `line` be a definition list's term (kramdown's `Term`, then
/// `: definition`)? A few words, not a clause: hard-wrapped prose often
/// opens a line with `: ` (in French), and its line before is no term.
pub fn could_be_term(line: &str) -> bool {
    line.split_whitespace().count() <= 6 && !line.contains([',', '.', ';'])
}

/// `*[HTML]: Hyper Text Markup Language`: kramdown prints no such line.
fn is_abbreviation(line: &str) -> bool {
    line.strip_prefix("*[").and_then(|r| r.split_once("]:")).is_some_and(|(abbr, _)| !abbr.is_empty() && !abbr.contains(']'))
}

/// `text` split at the `{:/name}` (or `{:/}`) closing an extension: what
/// is inside, and what follows the tag.
fn split_at_close<'t>(text: &'t str, name: &str) -> Option<(&'t str, &'t str)> {
    let named = format!("{{:/{name}}}");
    [named.as_str(), "{:/}"].into_iter().filter_map(|t| text.find(t).map(|i| (i, i + t.len()))).min().map(|(start, end)| (&text[..start], &text[end..]))
}

/// The line without kramdown's extensions and glued span IALs, and the
/// extension left open at its end (`comment` or `nomarkdown`).
fn extensions(line: &str) -> (String, Option<&'static str>) {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    // A heading's trailing IAL is the parser's (`## Titre {:.x}`).
    let heading = line.trim_start().starts_with('#');
    let code = code_spans(line);
    while let Some(i) = rest.find("{:") {
        let (before, at) = rest.split_at(i);
        out.push_str(before);
        let at_byte = line.len() - at.len();
        if let Some(&(_, end)) = code.iter().find(|&&(s, e)| s <= at_byte && at_byte < e) {
            // Inside a code span: shown as written.
            out.push_str(&line[at_byte..end]);
            rest = &line[end..];
            continue;
        }
        let Some(close) = at.find('}') else {
            out.push_str(at);
            return (out, None);
        };
        let tag = &at[..=close];
        let after = &at[close + 1..];
        if let Some(name) = tag.strip_prefix("{::").map(|t| t.trim_end_matches('}').trim_end_matches('/').split_whitespace().next().unwrap_or("")) {
            match name {
                "comment" | "nomarkdown" => {
                    let name = if name == "comment" { "comment" } else { "nomarkdown" };
                    match split_at_close(after, name) {
                        Some((inside, tail)) => {
                            if name == "nomarkdown" {
                                out.push_str(inside);
                            }
                            rest = tail;
                        }
                        None => {
                            if name == "nomarkdown" {
                                out.push_str(after);
                            }
                            return (out, Some(name));
                        }
                    }
                }
                "options" => rest = after,
                _ => {
                    out.push_str(tag);
                    rest = after;
                }
            }
            continue;
        }
        // A span IAL glued to the text it styles; not a block IAL alone on
        // its line, not a heading's.
        let glued = !before.is_empty() && !before.ends_with(char::is_whitespace) && !heading;
        if !glued {
            out.push_str(tag);
        }
        rest = after;
    }
    out.push_str(rest);
    (out, None)
}

/// The code spans of one line (backtick runs of equal length), as byte
/// ranges: the mask covers IALs too, so it cannot tell them from code.
fn code_spans(line: &str) -> Vec<(usize, usize)> {
    let b = line.as_bytes();
    let mut spans = Vec::new();
    // Run lengths with no closing run left: each searched for once.
    let mut unclosed = std::collections::HashSet::new();
    let mut k = 0;
    while k < b.len() {
        if b[k] != b'`' {
            k += 1;
            continue;
        }
        let n = b[k..].iter().take_while(|&&c| c == b'`').count();
        if unclosed.contains(&n) {
            k += n;
            continue;
        }
        let mut j = k + n;
        let close = loop {
            match line[j..].find('`') {
                None => break None,
                Some(x) => {
                    let m = b[j + x..].iter().take_while(|&&c| c == b'`').count();
                    if m == n {
                        break Some(j + x + m);
                    }
                    j += x + m;
                }
            }
        };
        match close {
            Some(e) => {
                spans.push((k, e));
                k = e;
            }
            None => {
                unclosed.insert(n);
                k += n;
            }
        }
    }
    spans
}

/// `* TOC`, `- TOC`, `1. TOC`: kramdown's table of contents placeholder.
fn is_toc_item(line: &str) -> bool {
    let t = line.trim();
    let item = t.strip_prefix(['*', '-', '+']).or_else(|| t.split_once(". ").filter(|(n, _)| n.bytes().all(|b| b.is_ascii_digit())).map(|(_, r)| r));
    item.is_some_and(|r| r.trim() == "TOC")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> String {
        run(s, &protect::protect(s), &mut Vec::new(), &mut Vec::new())
    }

    #[test]
    fn heading_space() {
        assert_eq!(k("####Histoire 1\n{:.text-center}\n"), "#### Histoire 1\n{:.text-center}\n");
        assert_eq!(k("#Titre"), "# Titre");
        let mut c = Vec::new();
        run("a\n##Été", &protect::protect("a\n##Été"), &mut c, &mut Vec::new());
        assert_eq!(c, vec![Change { line: 2, step: Step::Kramdown, before: "##Été".into(), after: "## Été".into() }]);
    }

    #[test]
    fn jekyll_habits() {
        let src = "A\n{% highlight ruby linenos %}\ndef x-\n{% raw %}\n{%- endhighlight %}\nB {% raw %}{{ x }}{% endraw %}\n{% raw %}\nC\n\n* TOC\n{:toc}\n\nD";
        assert_eq!(k(src), "A\n```ruby\ndef x-\n{% raw %}\n```\nB {{ x }}\n\nC\n\n\n\n\nD");
        let mut c = Vec::new();
        run(src, &protect::protect(src), &mut c, &mut Vec::new());
        assert_eq!(c.iter().map(|c| c.line).collect::<Vec<_>>(), [2, 5, 6, 7, 10]);
        // Liquid shown in a fenced block is code, left as it is.
        let shown = "```liquid\n{% highlight ruby %}\n```\n~~~\n{% endhighlight %}\n~~~";
        assert_eq!(k(shown), shown);
        // Liquid comments go with their text, as Jekyll prints nothing.
        let src = "A\n{% comment %}\nnote privée\n{%- endcomment -%}\nB {% comment %}caché{% endcomment %} reste `{% comment %}`\nC {% comment %} début\nfin {% endcomment %}D";
        assert_eq!(k(src), "A\n\n\n\nB  reste `{% comment %}`\nC \nD");
        let mut c = Vec::new();
        run(src, &protect::protect(src), &mut c, &mut Vec::new());
        assert_eq!(c.iter().map(|c| c.line).collect::<Vec<_>>(), [2, 3, 4, 5, 6, 7]);
        // A line of raw tags around text is no tag line: the text stays.
        assert_eq!(k("{% raw %}{{ x }}{% endraw %}"), "{{ x }}");
        // A list item that says TOC without `{:toc}` is text.
        assert_eq!(k("* TOC\n* more"), "* TOC\n* more");
    }

    #[test]
    fn note_calls_leave_the_link_text() {
        assert_eq!(k("Voir [le site[^1]](http://x.org/(a)) et [là[^a][^b]][ref]."), "Voir [le site](http://x.org/(a))[^1] et [là][ref][^a][^b].");
        assert_eq!(k("![une image[^n]](i.png \"t\")"), "![une image](i.png \"t\")[^n]");
        // No link, no text before the call, code: nothing moves.
        for s in ["a[^1]] b", "[[^1]](u)", "[[a]](u) [b[c]][d]", "`[a[^1]](u)`", "[a [^1 x]](u)", "[a[^1]] (u)", "[a[^1]](u"] {
            assert_eq!(k(s), s);
        }
    }

    #[test]
    fn kramdown_guillemets() {
        assert_eq!(k("Il dit << bonjour >> et <<oui>>."), "Il dit « bonjour » et «oui».");
        for s in ["a << b", "`<< x >>`", "    << x >>", "x >> y << z", "`<<` a `>>`", "in C<< $r->filename >>, and", "\"<<\", \">>\" | Shifts", "<< 1 >>"] {
            assert_eq!(k(s), s);
        }
    }

    #[test]
    fn jekyll_urls_in_destinations() {
        let src = "![a]({{ site.baseurl }}/img/a.png) [b]({{ site.url }}{{ site.baseurl }}/b/) [c]({{ \"/c/\" | relative_url }})\n\
                   [d]({% link _posts/d.md %}) [e]({%- post_url 2020-01-02-e -%}) [f]({{ '/f' | prepend: site.baseurl }})\n\
                   [g]: {{ site.baseurl }}/g.png";
        assert_eq!(k(src), "![a](/img/a.png) [b](/b/) [c](/c/)\n[d](_posts/d.md) [e](2020-01-02-e) [f](/f)\n[g]: /g.png");
        let mut c = Vec::new();
        run(src, &protect::protect(src), &mut c, &mut Vec::new());
        assert_eq!(c.iter().map(|c| c.line).collect::<Vec<_>>(), [1, 2, 3]);
        // unknown Liquid, Liquid outside a destination, in code or escaped: as is
        for s in [
            "[a]({{ page.url }}) [b]({{ \"x\" | upcase }}) {{ site.baseurl }}/x",
            "`[a]({{ site.baseurl }}/a)`",
            "```\n[a]({{ site.baseurl }}/a)\n```",
            "{% raw %}[a]({{ site.baseurl }}/a){% endraw %}",
        ] {
            let want = s.replace("{% raw %}", "").replace("{% endraw %}", "");
            assert_eq!(k(s), want, "{s}");
        }
    }

    #[test]
    fn kramdown_extensions_and_definitions() {
        let src = "A\n{::comment}\nnote privée\n{:/comment}\nB {::comment}caché{:/} reste\n{::options parse_block_html=\"true\" /}\n*[HTML]: Hyper Text\nDu HTML.\n{::nomarkdown}\n<b>x</b>\n{:/nomarkdown}\nUn *mot*{: .x} et [lien](u){:target=\"_blank\"} {::nomarkdown}<i>y</i>{:/}.";
        assert_eq!(k(src), "A\n\n\n\nB  reste\n\n\nDu HTML.\n\n<b>x</b>\n\nUn *mot* et [lien](u) <i>y</i>.");
        let mut c = Vec::new();
        run(src, &protect::protect(src), &mut c, &mut Vec::new());
        assert_eq!(c.iter().map(|c| c.line).collect::<Vec<_>>(), [2, 3, 4, 5, 6, 7, 9, 11, 12]);
        assert_eq!(k("B {% raw %}{{ x }}{% endraw %} voir http://x.org et `{% raw %}`"), "B {{ x }} voir http://x.org et `{% raw %}`");
        assert_eq!(code_spans("a `b` ``c ` d`` `e"), [(2, 5), (6, 15)]);
        // The parser's IALs stay: a block's, alone on its line, a heading's.
        for s in ["Texte\n{: .lead}", "## Titre {:.x}", "`a{:b}`", "```\n{::comment}\n```", "{:toc} seul", "Un {: .x} espacé"] {
            assert_eq!(k(s), s, "{s}");
        }
    }

    #[test]
    fn must_not_change() {
        for s in ["#### Déjà bon", "#1 en tête", "####### Sept", "```\n####Code\n```", "    ####Indenté", "`####x`", "texte ##pas un titre", "#\n"] {
            assert_eq!(k(s), s, "{s}");
        }
    }
}
