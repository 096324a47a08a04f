//! kramdown and Jekyll habits that CommonMark reads differently:
//! `####Titre` (no space) is a heading for kramdown, a paragraph for
//! CommonMark; Jekyll's `{% highlight ruby %}` … `{% endhighlight %}` is a
//! code block (made a fenced one); `{% raw %}` / `{% endraw %}` only
//! escape Liquid (dropped, the text kept); kramdown's table of contents
//! placeholder (`* TOC` then `{:toc}`) is dropped: the book makes its own.
//! IAL lines (`{:.text-center}`) are left where they are: the parser
//! attaches them to the block above.

use super::protect::{self, Mask};
use super::{Change, Step};

pub fn run(text: &str, mask: &Mask, changes: &mut Vec<Change>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let lines = protect::line_spans(text);
    let mut skip = 0;
    // Inside a fenced block (its char and length) or a highlight block,
    // nothing changes but the highlight block's end.
    let mut fenced: Option<(u8, usize)> = None;
    let mut highlight = false;
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
            if (line.contains("{% raw %}") || line.contains("{% endraw %}")) && !mask.any(a, b) {
                let t = line.replace("{% raw %}", "").replace("{% endraw %}", "");
                log(line, &t);
                fixed = Some(t);
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
        run(s, &protect::protect(s), &mut Vec::new())
    }

    #[test]
    fn heading_space() {
        assert_eq!(k("####Histoire 1\n{:.text-center}\n"), "#### Histoire 1\n{:.text-center}\n");
        assert_eq!(k("#Titre"), "# Titre");
        let mut c = Vec::new();
        run("a\n##Été", &protect::protect("a\n##Été"), &mut c);
        assert_eq!(c, vec![Change { line: 2, step: Step::Kramdown, before: "##Été".into(), after: "## Été".into() }]);
    }

    #[test]
    fn jekyll_habits() {
        let src = "A\n{% highlight ruby linenos %}\ndef x-\n{% raw %}\n{%- endhighlight %}\nB {% raw %}{{ x }}{% endraw %}\n{% raw %}\nC\n\n* TOC\n{:toc}\n\nD";
        assert_eq!(k(src), "A\n```ruby\ndef x-\n{% raw %}\n```\nB {{ x }}\n\nC\n\n\n\n\nD");
        let mut c = Vec::new();
        run(src, &protect::protect(src), &mut c);
        assert_eq!(c.iter().map(|c| c.line).collect::<Vec<_>>(), [2, 5, 6, 7, 10]);
        // Liquid shown in a fenced block is code, left as it is.
        let shown = "```liquid\n{% highlight ruby %}\n```\n~~~\n{% endhighlight %}\n~~~";
        assert_eq!(k(shown), shown);
        // A list item that says TOC without `{:toc}` is text.
        assert_eq!(k("* TOC\n* more"), "* TOC\n* more");
    }

    #[test]
    fn must_not_change() {
        for s in ["#### Déjà bon", "#1 en tête", "####### Sept", "```\n####Code\n```", "    ####Indenté", "`####x`", "texte ##pas un titre", "#\n"] {
            assert_eq!(k(s), s, "{s}");
        }
    }
}
