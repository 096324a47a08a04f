//! The EPUB's CSS, generated from the style sheet. Sizes are relative (em)
//! so that the reader's font-size setting still works; the CSS stays
//! conservative (no flex, no grid) because Kobo and Apple Books break on more.

use crate::book::{Block, Book, Inline};
use crate::style::{Face, HeadingStyle, Style};
use std::fmt::Write;

/// The faces the book's text can use: the others are not embedded (a reader
/// that needed one would synthesise it, which only unknown CSS could cause).
pub fn faces_used(book: &Book, style: &Style) -> Vec<Face> {
    let mut used = [false; 4];
    used[Face::Regular as usize] = true;
    let s = &style.sheet;
    let headings = [&s.headings.chapter, &s.headings.h2, &s.headings.h3, &s.headings.h4];
    for h in headings {
        used[Face::new(h.italic, h.bold) as usize] = true;
    }
    for c in s.classes.values() {
        if c.italic == Some(true) {
            used[Face::Italic as usize] = true;
        }
    }
    fn inlines(v: &[Inline], italic: bool, bold: bool, used: &mut [bool; 4]) {
        for i in v {
            match i {
                Inline::Text(_) | Inline::Code(_) => used[Face::new(italic, bold) as usize] = true,
                Inline::Emph(c) => inlines(c, !italic, bold, used),
                Inline::Strong(c) => inlines(c, italic, true, used),
                Inline::Strike(c) | Inline::Sup(c) | Inline::Sub(c) | Inline::Link { content: c, .. } | Inline::XRef { content: c, .. } => {
                    inlines(c, italic, bold, used)
                }
                Inline::Image { .. } | Inline::NoteRef(_) | Inline::LineBreak => {}
            }
        }
    }
    fn blocks(v: &[Block], italic: bool, used: &mut [bool; 4]) {
        for b in v {
            match b {
                Block::Heading { content, .. } | Block::Para { content, .. } => inlines(content, italic, false, used),
                Block::Quote(v) => blocks(v, italic, used),
                Block::List { items, .. } => items.iter().for_each(|i| blocks(i, italic, used)),
                Block::Definitions(defs) => defs.iter().for_each(|d| {
                    inlines(&d.term, italic, true, used);
                    d.details.iter().for_each(|b| blocks(b, italic, used));
                }),
                Block::Table { head, rows, .. } => {
                    head.iter().for_each(|c| inlines(c, italic, true, used));
                    rows.iter().flatten().for_each(|c| inlines(c, italic, false, used));
                }
                Block::Code { .. } | Block::SceneBreak | Block::Figure { .. } => {}
            }
        }
    }
    for c in &book.chapters {
        blocks(&c.blocks, false, &mut used);
        c.notes.iter().for_each(|n| blocks(&n.blocks, false, &mut used));
    }
    // Italic headings with emphasis inside switch back to roman, and bold
    // headings may hold italic: cover both by the heading faces above.
    Face::ALL.into_iter().filter(|f| used[*f as usize]).collect()
}

/// Font files as they are stored in the EPUB.
pub fn font_href(style: &Style, face: Face) -> String {
    format!("fonts/{}", style.font(face).file_name)
}

pub fn stylesheet(style: &Style, faces: &[Face]) -> String {
    let s = &style.sheet;
    let em = style.em();
    let rel = |pt: f32| format!("{}em", trim(pt / em));
    let family = &style.font(Face::Regular).family;
    let mut css = String::new();
    for &face in faces {
        let _ = writeln!(
            css,
            "@font-face {{ font-family: \"{family}\"; font-style: {}; font-weight: {}; src: url(\"{}\"); }}",
            if face.is_italic() { "italic" } else { "normal" },
            if face.is_bold() { "bold" } else { "normal" },
            font_href(style, face)
        );
    }
    let b = &s.body;
    let hyph = if b.hyphenate { "auto" } else { "manual" };
    let _ = write!(
        css,
        "body {{ font-family: \"{family}\", serif; line-height: {lh}; margin: 0 4%; }}\n\
         p {{ margin: 0; text-indent: {indent}; text-align: {align}; widows: {w}; orphans: {o}; \
         hyphens: {hyph}; -webkit-hyphens: {hyph}; -epub-hyphens: {hyph}; adobe-hyphenate: {ahyph}; }}\n\
         p + p {{ margin-top: {ps}; }}\n\
         p.first, .scene-break + p, li p {{ text-indent: 0; }}\n",
        lh = trim(b.leading.pt(em) / b.size.pt(em)),
        indent = rel(b.indent.pt(em)),
        align = b.align.css(),
        w = b.widows,
        o = b.orphans,
        ahyph = if b.hyphenate { "explicit" } else { "none" },
        ps = rel(b.paragraph_spacing.pt(em)),
    );
    heading(&mut css, "h1.chapter-title", &s.headings.chapter, em);
    heading(&mut css, ".h2", &s.headings.h2, em);
    heading(&mut css, ".h3", &s.headings.h3, em);
    heading(&mut css, ".h4, .h5, .h6", &s.headings.h4, em);
    let _ = writeln!(css, "h1, h2, h3, h4, h5, h6 {{ page-break-after: avoid; break-after: avoid; hyphens: none; -webkit-hyphens: none; }}");
    let _ = writeln!(css, "h1.chapter-title {{ page-break-before: always; break-before: page; }}");
    for (name, c) in &s.classes {
        let mut decl = String::new();
        if let Some(a) = c.align {
            let _ = write!(decl, " text-align: {};", a.css());
        }
        if let Some(i) = c.indent {
            let _ = write!(decl, " text-indent: {};", rel(i.pt(em)));
        }
        if let Some(it) = c.italic {
            let _ = write!(decl, " font-style: {};", if it { "italic" } else { "normal" });
        }
        let _ = writeln!(css, ".{name} {{{decl} }}");
    }
    let sb = s.scene_break.space.pt(em);
    let _ = writeln!(css, ".scene-break {{ text-align: center; text-indent: 0; margin: {m} 0; }}", m = rel(sb));
    let q = &s.blockquote;
    let _ = writeln!(css, "blockquote {{ margin: 0.5em {i}; font-size: {sz}; }}", i = rel(q.indent.pt(em)), sz = rel(q.size.pt(em)));
    css.push_str(
        "table { border-collapse: collapse; margin: 0.8em auto; }\n\
         th, td { padding: 0.15em 0.6em; text-align: left; vertical-align: top; text-indent: 0; }\n\
         thead th { border-bottom: 1px solid; }\n\
         .align-center { text-align: center; }\n\
         .align-right { text-align: right; }\n",
    );
    let _ = writeln!(css, "dl {{ margin: 0.5em 0; }}\ndt {{ font-weight: bold; }}\ndd {{ margin: 0 0 0.5em {i}; }}\ndd p {{ text-indent: 0; }}", i = rel(s.lists.indent.pt(em)));
    let c = &s.captions;
    let _ = writeln!(css, "figure.figure {{ text-align: center; margin: 1em 0; }}\nfigcaption {{ font-size: {sz}; font-style: {st}; text-indent: 0; margin-top: 0.5em; }}", sz = rel(c.size.pt(em)), st = if c.italic { "italic" } else { "normal" });
    let f = &s.footnotes;
    let _ = writeln!(css, "aside.footnote {{ font-size: {sz}; line-height: {lh}; margin-top: 1em; }}", sz = rel(f.size.pt(em)), lh = trim(f.leading.pt(em) / f.size.pt(em)));
    let _ = writeln!(css, "aside.footnote p {{ text-indent: 0; }}\np.note-number {{ margin-top: 0.5em; }}");
    css.push_str(
        "sup { line-height: 0; font-size: 0.75em; }\n\
         pre { white-space: pre-wrap; font-size: 0.85em; }\n\
         div.figure { text-align: center; margin: 1em 0; }\n\
         img { max-width: 100%; max-height: 95vh; }\n\
         .titlepage { text-align: center; margin-top: 20%; }\n\
         .titlepage .title { font-size: 2em; margin-bottom: 1em; text-indent: 0; text-align: center; }\n\
         .titlepage .author { font-size: 1.3em; text-indent: 0; text-align: center; }\n\
         .titlepage .license { font-size: 0.8em; margin-top: 4em; text-indent: 0; text-align: center; }\n\
         nav ol, .toc ol { list-style: none; padding-left: 0; }\n\
         .toc li { margin: 0.3em 0; }\n\
         .cover { text-align: center; margin: 0; }\n\
         .cover img { height: 100%; max-width: 100%; }\n",
    );
    css
}

fn heading(css: &mut String, sel: &str, h: &HeadingStyle, em: f32) {
    let _ = writeln!(
        css,
        "{sel} {{ font-size: {}em; text-align: {}; font-style: {}; font-weight: {}; margin: {}em 0 {}em 0; text-indent: 0; }}",
        trim(h.size.pt(em) / em),
        h.align.css(),
        if h.italic { "italic" } else { "normal" },
        if h.bold { "bold" } else { "normal" },
        trim(h.space_before.pt(em) / h.size.pt(em)),
        trim(h.space_after.pt(em) / h.size.pt(em)),
    );
}

fn trim(v: f32) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_follows_the_sheet() {
        let mut style = Style::builtin();
        let css = stylesheet(&style, &Face::ALL);
        assert!(css.contains("text-align: justify"));
        assert!(css.contains(".text-center { text-align: center; text-indent: 0em; }"), "{css}");
        style.sheet.body.align = crate::style::Align::Left;
        assert!(stylesheet(&style, &[Face::Regular]).contains("text-align: left"));
        assert!(!stylesheet(&style, &[Face::Regular]).contains("font-style: italic; font-weight: bold"));
    }
}
