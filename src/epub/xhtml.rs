//! Chapter objects to XHTML. Everything written here is escaped here, so the
//! output is well-formed whatever the manuscript holds.

use crate::book::{Block, CellAlign, Chapter, Inline};
use std::fmt::Write;

/// Escape text for XML content and attributes; drop characters XML forbids.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s);
    out
}

pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') || (0xD800..0xE000).contains(&(c as u32)) => {}
            c => out.push(c),
        }
    }
}

/// The head and body wrapper of every content document.
pub fn document(lang: &str, title: &str, body_type: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\"{}>\n<head>\n<meta charset=\"utf-8\"/>\n<title>{}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n<body epub:type=\"{body_type}\">\n{body}</body>\n</html>\n",
        language_attributes(lang),
        escape(title)
    )
}

/// The `<html>` element's language, and its direction when right to left.
pub fn language_attributes(lang: &str) -> String {
    let dir = if crate::manuscript::right_to_left(lang) { " dir=\"rtl\"" } else { "" };
    let lang = escape(lang);
    format!(" lang=\"{lang}\" xml:lang=\"{lang}\"{dir}")
}

/// Where a chapter's images live in the book, by asset index.
pub struct Ctx<'a> {
    pub chapter: &'a Chapter,
    pub asset_hrefs: &'a [String],
    /// The style sheet's scene-break ornament.
    pub ornament: &'a str,
    /// How many times each note was called so far: a call after the first
    /// needs an id of its own (the note's back-link goes to the first).
    pub calls: std::cell::RefCell<Vec<u32>>,
}

/// A chapter as a complete XHTML document.
pub fn chapter(c: &Chapter, asset_hrefs: &[String], ornament: &str) -> String {
    let ctx = Ctx { chapter: c, asset_hrefs, ornament, calls: vec![0; c.notes.len()].into() };
    let mut b = String::with_capacity(4096);
    let _ = writeln!(b, "<section epub:type=\"chapter\" role=\"doc-chapter\" aria-labelledby=\"{}-title\">", c.id);
    let _ = writeln!(b, "<h1 id=\"{}-title\" class=\"chapter-title\">{}</h1>", c.id, escape(&c.title));
    let mut outline = Outline::default();
    blocks(&mut b, &c.blocks, &ctx, &mut outline, true);
    b.push_str("</section>\n");
    for (i, note) in c.notes.iter().enumerate() {
        // Each note is its own <aside epub:type="footnote">: Apple Books and
        // Kobo show it as a pop-up and keep it out of the reading flow. The
        // back-link comes first so that Kindle does not merge consecutive
        // notes, and the call is <sup><a>, not <a><sup>, for Apple's pop-ups.
        let n = i + 1;
        let _ = write!(b, "<aside id=\"{id}-note{n}\" class=\"footnote\" epub:type=\"footnote\" role=\"doc-footnote\">\n<p class=\"note-number\"><a href=\"#{id}-ref{n}\" role=\"doc-backlink\">{n}.</a></p>\n", id = c.id);
        let mut o = outline.clone();
        blocks(&mut b, &note.blocks, &ctx, &mut o, false);
        b.push_str("</aside>\n");
    }
    document(&c.lang, &c.title, "bodymatter", &b)
}

/// Open headings as (author's level, element level). Element levels may not
/// skip (h1 then h4 fails accessibility checks), so they follow the outline
/// while a class keeps the author's level for the style sheet.
#[derive(Clone, Default)]
struct Outline(Vec<(u8, u8)>);

impl Outline {
    /// The element level for a heading the author wrote at `level`.
    fn enter(&mut self, level: u8) -> u8 {
        while self.0.last().is_some_and(|&(l, _)| l >= level) {
            self.0.pop();
        }
        let el = (self.0.last().map_or(1, |&(_, e)| e) + 1).min(6);
        self.0.push((level, el));
        el
    }
}

fn blocks(out: &mut String, v: &[Block], ctx: &Ctx, outline: &mut Outline, first_after_heading: bool) {
    let mut after_heading = first_after_heading;
    for b in v {
        match b {
            Block::Heading { level, content, attrs } => {
                let el = outline.enter(*level);
                let _ = write!(out, "<h{el}");
                let mut classes = vec![format!("h{}", (*level).clamp(2, 6))];
                classes.extend(attrs.classes.iter().cloned());
                attrs_into(out, attrs.id.as_deref(), &classes);
                out.push('>');
                inlines(out, content, ctx);
                let _ = writeln!(out, "</h{el}>");
                after_heading = true;
                continue;
            }
            Block::Para { content, attrs } => {
                out.push_str("<p");
                let mut classes = attrs.classes.clone();
                if after_heading {
                    classes.insert(0, "first".into());
                }
                attrs_into(out, attrs.id.as_deref(), &classes);
                out.push('>');
                inlines(out, content, ctx);
                out.push_str("</p>\n");
            }
            Block::Quote(inner) => {
                out.push_str("<blockquote>\n");
                blocks(out, inner, ctx, outline, false);
                out.push_str("</blockquote>\n");
            }
            Block::List { start, items, attrs } => {
                out.push_str(if start.is_some() { "<ol" } else { "<ul" });
                attrs_into(out, attrs.id.as_deref(), &attrs.classes);
                match start {
                    Some(n) if *n != 1 => {
                        let _ = writeln!(out, " start=\"{n}\">");
                    }
                    _ => out.push_str(">\n"),
                }
                for item in items {
                    out.push_str("<li>");
                    one_paragraph_bare(out, item, ctx, outline);
                    out.push_str("</li>\n");
                }
                out.push_str(if start.is_some() { "</ol>\n" } else { "</ul>\n" });
            }
            Block::Table { align, head, rows, attrs } => {
                out.push_str("<table");
                attrs_into(out, attrs.id.as_deref(), &attrs.classes);
                out.push_str(">\n");
                let row = |out: &mut String, cells: &[Vec<Inline>], tag: &str| {
                    out.push_str("<tr>");
                    for (i, cell) in cells.iter().enumerate() {
                        // Header cells say what they head, for screen readers.
                        let _ = write!(out, "<{tag}{}", if tag == "th" { " scope=\"col\"" } else { "" });
                        match align.get(i) {
                            Some(CellAlign::Center) => out.push_str(" class=\"align-center\""),
                            Some(CellAlign::Right) => out.push_str(" class=\"align-right\""),
                            _ => {}
                        }
                        out.push('>');
                        inlines(out, cell, ctx);
                        let _ = write!(out, "</{tag}>");
                    }
                    out.push_str("</tr>\n");
                };
                if !head.is_empty() {
                    out.push_str("<thead>\n");
                    row(out, head, "th");
                    out.push_str("</thead>\n");
                }
                if !rows.is_empty() {
                    out.push_str("<tbody>\n");
                    rows.iter().for_each(|r| row(out, r, "td"));
                    out.push_str("</tbody>\n");
                }
                out.push_str("</table>\n");
            }
            Block::Definitions(defs) => {
                out.push_str("<dl>\n");
                for d in defs {
                    out.push_str("<dt>");
                    inlines(out, &d.term, ctx);
                    out.push_str("</dt>\n");
                    for detail in &d.details {
                        out.push_str("<dd>");
                        one_paragraph_bare(out, detail, ctx, outline);
                        out.push_str("</dd>\n");
                    }
                }
                out.push_str("</dl>\n");
            }
            Block::Code { text } => {
                out.push_str("<pre><code>");
                escape_into(out, text.trim_end_matches('\n'));
                out.push_str("</code></pre>\n");
            }
            Block::SceneBreak => {
                out.push_str("<p class=\"scene-break\" role=\"separator\">");
                escape_into(out, ctx.ornament);
                out.push_str("</p>\n");
            }
            Block::Figure { asset, alt, caption } if caption.is_empty() => {
                out.push_str("<div class=\"figure\">");
                image(out, *asset, alt, ctx);
                out.push_str("</div>\n");
            }
            Block::Figure { asset, alt, caption } => {
                out.push_str("<figure class=\"figure\">");
                image(out, *asset, alt, ctx);
                out.push_str("<figcaption>");
                inlines(out, caption, ctx);
                out.push_str("</figcaption></figure>\n");
            }
        }
        after_heading = matches!(b, Block::SceneBreak);
    }
}

/// A list item or a definition: one plain paragraph is written without its `<p>`.
fn one_paragraph_bare(out: &mut String, v: &[Block], ctx: &Ctx, outline: &mut Outline) {
    match v {
        [Block::Para { content, attrs }] if attrs.classes.is_empty() => inlines(out, content, ctx),
        _ => blocks(out, v, ctx, outline, false),
    }
}

fn attrs_into(out: &mut String, id: Option<&str>, classes: &[String]) {
    if let Some(id) = id {
        let _ = write!(out, " id=\"{}\"", escape(id));
    }
    if !classes.is_empty() {
        let _ = write!(out, " class=\"{}\"", escape(&classes.join(" ")));
    }
}

fn image(out: &mut String, asset: usize, alt: &str, ctx: &Ctx) {
    if let Some(href) = ctx.asset_hrefs.get(asset) {
        let _ = write!(out, "<img src=\"{}\" alt=\"{}\"/>", escape(href), escape(alt));
    }
}

fn inlines(out: &mut String, v: &[Inline], ctx: &Ctx) {
    for i in v {
        match i {
            Inline::Text(t) => escape_into(out, t),
            Inline::Emph(c) => wrap(out, "em", c, ctx),
            Inline::Strong(c) => wrap(out, "strong", c, ctx),
            Inline::Strike(c) => wrap(out, "s", c, ctx),
            Inline::Sup(c) => wrap(out, "sup", c, ctx),
            Inline::Sub(c) => wrap(out, "sub", c, ctx),
            Inline::Code(t) => {
                out.push_str("<code>");
                escape_into(out, t);
                out.push_str("</code>");
            }
            // Web and mail links are kept, and links to chapters; a link
            // to anything else of the manuscript would lead nowhere.
            Inline::Link { url, content } if crate::book::is_web_link(url) => anchor(out, &crate::book::web_href(url), content, ctx),
            Inline::Link { content, .. } => inlines(out, content, ctx),
            Inline::XRef { id, anchor: to, content, .. } => {
                let here = *id == ctx.chapter.id;
                let href = match to {
                    Some(to) if here => format!("#{to}"),
                    Some(to) => format!("{id}.xhtml#{to}"),
                    None if here => format!("#{id}-title"),
                    None => format!("{id}.xhtml"),
                };
                anchor(out, &href, content, ctx)
            }
            Inline::Image { asset, alt } => image(out, *asset, alt, ctx),
            Inline::NoteRef(n) => {
                let calls = ctx.calls.borrow_mut().get_mut(*n).map_or(1, |k| {
                    *k += 1;
                    *k
                });
                let n = n + 1;
                let again = if calls > 1 { format!("-{calls}") } else { String::new() };
                let _ = write!(out, "<sup><a id=\"{id}-ref{n}{again}\" href=\"#{id}-note{n}\" epub:type=\"noteref\" role=\"doc-noteref\">{n}</a></sup>", id = ctx.chapter.id);
            }
            Inline::LineBreak => out.push_str("<br/>"),
        }
    }
}

fn anchor(out: &mut String, href: &str, c: &[Inline], ctx: &Ctx) {
    let _ = write!(out, "<a href=\"{}\">", escape(href));
    inlines(out, c, ctx);
    out.push_str("</a>");
}

fn wrap(out: &mut String, tag: &str, c: &[Inline], ctx: &Ctx) {
    let _ = write!(out, "<{tag}>");
    inlines(out, c, ctx);
    let _ = write!(out, "</{tag}>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::{Attrs, Note};

    fn chapter_of(blocks: Vec<Block>) -> Chapter {
        Chapter { id: "ch001".into(), title: "A < B & \"C\"".into(), title_id: None, lang: "fr".into(), date: None, draft: false, source: "x.md".into(), blocks, notes: vec![] }
    }

    #[test]
    fn escapes_and_strips_control_characters() {
        assert_eq!(escape("a<b>&\"\u{1}"), "a&lt;b&gt;&amp;&quot;");
    }

    #[test]
    fn headings_never_skip_levels_but_keep_their_class() {
        let c = chapter_of(vec![Block::Heading { level: 4, content: vec![Inline::Text("H".into())], attrs: Attrs { id: None, classes: vec!["text-center".into()] } }]);
        let x = chapter(&c, &[], "*");
        assert!(x.contains("<h2 class=\"h4 text-center\">H</h2>"), "{x}");
        assert!(x.contains("A &lt; B &amp; &quot;C&quot;"));
    }

    #[test]
    fn sibling_headings_share_a_level() {
        let h = |level: u8, t: &str| Block::Heading { level, content: vec![Inline::Text(t.into())], attrs: Attrs::default() };
        let x = chapter(&chapter_of(vec![h(4, "a"), h(4, "b"), h(5, "c"), h(3, "d"), h(4, "e")]), &[], "*");
        for want in ["<h2 class=\"h4\">a</h2>", "<h2 class=\"h4\">b</h2>", "<h3 class=\"h5\">c</h3>", "<h2 class=\"h3\">d</h2>", "<h3 class=\"h4\">e</h3>"] {
            assert!(x.contains(want), "{want} in {x}");
        }
    }

    /// A note called twice: each call has an id of its own (an id twice
    /// makes the file invalid), and the note goes back to the first.
    #[test]
    fn footnotes_link_both_ways() {
        let mut c = chapter_of(vec![Block::Para { content: vec![Inline::Text("x".into()), Inline::NoteRef(0), Inline::Text("y".into()), Inline::NoteRef(0)], attrs: Attrs::default() }]);
        c.notes.push(Note { label: "a".into(), blocks: vec![Block::Para { content: vec![Inline::Text("note".into())], attrs: Attrs::default() }] });
        let x = chapter(&c, &[], "*");
        assert_eq!(x.matches("href=\"#ch001-note1\" epub:type=\"noteref\"").count(), 2);
        assert!(x.contains("<a id=\"ch001-ref1\" ") && x.contains("<a id=\"ch001-ref1-2\" "), "{x}");
        assert!(x.contains("id=\"ch001-note1\""));
        assert!(x.contains("href=\"#ch001-ref1\" role=\"doc-backlink\""));
    }

    #[test]
    fn unsafe_links_lose_their_target() {
        let c = chapter_of(vec![Block::Para { content: vec![Inline::Link { url: "javascript:alert(1)".into(), content: vec![Inline::Text("t".into())] }], attrs: Attrs::default() }]);
        assert!(!chapter(&c, &[], "*").contains("javascript"));
    }
}
