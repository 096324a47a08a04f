//! Raw HTML in the Markdown, made safe: a few formatting elements are kept
//! as inlines, `<br>` breaks the line, `<img>` is an image; in an HTML
//! block, the elements blogs use for structure (paragraphs and divisions,
//! headings, quotes, lists, tables, `<pre>`, `<hr>`) become the blocks
//! Markdown would have made. Everything else is dropped with its text kept
//! (script, style and the like lose their content too). The backends
//! therefore never see raw HTML, so it can never come out broken.

use super::{Attrs, Block, CellAlign, Inline};

#[derive(Debug, Clone, PartialEq)]
pub enum HtmlTag {
    Open(Element),
    Close(&'static str),
    Break,
    Text(String),
    /// A block element, opened or closed (`p` stands for every element
    /// that only makes a paragraph: `div`, `center`, `figure`...).
    BlockOpen(&'static str),
    BlockClose(&'static str),
    /// An `<ol start="5">`'s first number, right after its `BlockOpen`.
    ListStart(u64),
    /// `<img>`: its `src` and `alt`.
    Image { src: String, alt: String },
    /// What was dropped, for the warning.
    Dropped(String),
}

/// An inline element folio keeps: what it becomes ([`known`]) and, for a
/// link (`<a href>`), where it goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub tag: &'static str,
    pub href: Option<String>,
}

/// Elements folio keeps, by the inline they become; `drop` loses its content.
fn known(name: &str) -> Option<&'static str> {
    Some(match name {
        "em" | "i" | "cite" | "dfn" | "var" => "em",
        "strong" | "b" => "strong",
        "sup" => "sup",
        "sub" => "sub",
        "s" | "del" | "strike" => "s",
        "a" => "a",
        "span" | "small" | "u" | "abbr" | "q" | "mark" | "ins" | "bdi" | "kbd" | "samp" | "time" => "span",
        "script" | "style" | "iframe" | "object" | "embed" | "noscript" | "template" | "svg" | "math" | "textarea" | "title" => "drop",
        _ => return None,
    })
}

/// Block elements folio keeps, by the block they become.
fn block(name: &str) -> Option<&'static str> {
    Some(match name {
        "figure" => "figure",
        "figcaption" => "figcaption",
        "p" | "div" | "center" | "section" | "article" | "header" | "footer" | "main" | "aside" | "nav" | "address" | "details" | "summary" | "dl" | "dt" | "dd" | "caption" => "p",
        "h1" => "h1",
        "h2" => "h2",
        "h3" => "h3",
        "h4" => "h4",
        "h5" => "h5",
        "h6" => "h6",
        "blockquote" => "blockquote",
        "ul" => "ul",
        "ol" => "ol",
        "li" => "li",
        "table" => "table",
        "tr" => "tr",
        "td" => "td",
        "th" => "th",
        "pre" => "pre",
        "hr" => "hr",
        _ => return None,
    })
}

/// Elements that only group others: nothing to keep, nothing to warn about.
fn transparent(name: &str) -> bool {
    matches!(name, "thead" | "tbody" | "tfoot" | "colgroup" | "col" | "picture" | "source" | "wbr")
}

/// The value of attribute `name` in a tag's text (`img src="a.png"`),
/// quoted or not, its character references decoded.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let mut rest = tag.split_once(char::is_whitespace)?.1;
    loop {
        rest = rest.trim_start();
        let key_end = rest.find(|c: char| c == '=' || c.is_whitespace() || c == '/' || c == '>').unwrap_or(rest.len());
        if key_end == 0 {
            rest = rest.get(1..)?;
            continue;
        }
        let key = &rest[..key_end];
        rest = rest[key_end..].trim_start();
        let value = match rest.strip_prefix('=') {
            Some(v) => {
                let v = v.trim_start();
                let (value, after) = match v.chars().next() {
                    Some(q @ ('"' | '\'')) => v[1..].split_once(q).unwrap_or((&v[1..], "")),
                    _ => v.split_at(v.find(char::is_whitespace).unwrap_or(v.len())),
                };
                rest = after;
                value
            }
            None => "",
        };
        if key.eq_ignore_ascii_case(name) {
            return Some(decode_entities(value));
        }
        if rest.is_empty() {
            return None;
        }
    }
}

/// What an element becomes once closed (`span` and the like, an `<a>`
/// that goes nowhere: its content).
pub fn wrap(el: Element, content: Vec<Inline>) -> Vec<Inline> {
    match el.tag {
        "a" => match el.href {
            Some(url) => vec![Inline::Link { url, content: super::without_links(content) }],
            None => content,
        },
        "em" => vec![Inline::Emph(content)],
        "strong" => vec![Inline::Strong(content)],
        "sup" => vec![Inline::Sup(content)],
        "sub" => vec![Inline::Sub(content)],
        "s" => vec![Inline::Strike(content)],
        "drop" => Vec::new(),
        _ => content,
    }
}

/// Tokenise a piece of raw HTML.
pub fn tokens(raw: &str) -> Vec<HtmlTag> {
    let mut out = Vec::new();
    let mut rest = raw;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut out, rest);
            break;
        };
        push_text(&mut out, &rest[..lt]);
        rest = &rest[lt..];
        if let Some(body) = rest.strip_prefix("<!--") {
            let end = body.find("-->").map_or(body.len(), |e| e + 3);
            rest = &body[end..];
        } else if let Some(body) = rest.strip_prefix("<![CDATA[") {
            let end = body.find("]]>").unwrap_or(body.len());
            out.push(HtmlTag::Text(body[..end].to_string()));
            rest = body.get(end + 3..).unwrap_or("");
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            rest = &rest[end..];
        } else {
            let (content_end, end) = tag_end(rest);
            let tag = &rest[1..content_end];
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if name.is_empty() {
                // `a < b`: not a tag at all.
                push_text(&mut out, "<");
                rest = &rest[1..];
                continue;
            }
            rest = &rest[end..];
            let self_closing = tag.trim_end().ends_with('/');
            match (name.as_str(), known(&name)) {
                ("br", _) => out.push(HtmlTag::Break),
                ("img", _) if !closing => {
                    let src = attribute(tag, "src").unwrap_or_default();
                    out.push(HtmlTag::Image { alt: attribute(tag, "alt").unwrap_or_default(), src });
                }
                (n, None) if transparent(n) => {}
                (n, None) if block(n).is_some() => {
                    let b = block(n).expect("a block");
                    out.push(if closing { HtmlTag::BlockClose(b) } else { HtmlTag::BlockOpen(b) });
                    if let Some(n) = attribute(tag, "start").filter(|_| b == "ol" && !closing).and_then(|v| v.trim().parse().ok()) {
                        out.push(HtmlTag::ListStart(n));
                    }
                }
                (_, Some(k)) if closing => out.push(HtmlTag::Close(k)),
                (_, Some(k)) if !self_closing => {
                    if k == "drop" {
                        out.push(HtmlTag::Dropped(format!("<{name}>")));
                    }
                    if tag.contains("on") && has_event_attr(tag) {
                        out.push(HtmlTag::Dropped(format!("event attribute on <{name}>")));
                    }
                    // a link keeps where it goes; the book decides, as for
                    // Markdown's, whether it can be followed
                    let href = if k == "a" { attribute(tag, "href").map(|h| h.trim().to_string()).filter(|h| !h.is_empty()) } else { None };
                    out.push(HtmlTag::Open(Element { tag: k, href }));
                }
                _ => {
                    if !closing {
                        out.push(HtmlTag::Dropped(format!("<{name}>")));
                    }
                }
            }
        }
    }
    out
}

fn has_event_attr(tag: &str) -> bool {
    tag.split_whitespace().skip(1).any(|a| a.to_ascii_lowercase().starts_with("on"))
}

/// For the tag at the start of `s`: (end of its content, bytes it takes).
/// Quotes are respected; an unclosed tag stops before the next `<`.
fn tag_end(s: &str) -> (usize, usize) {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return (i, i + 1),
            (None, '<') => return (i, i),
            _ => {}
        }
    }
    (s.len(), s.len())
}

fn push_text(out: &mut Vec<HtmlTag>, s: &str) {
    if !s.is_empty() {
        out.push(HtmlTag::Text(decode_entities(s)));
    }
}

/// Decode character references; unknown ones stay as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let semi = rest.char_indices().take(34).find(|&(_, c)| c == ';').map(|(i, _)| i);
        let decoded = semi.and_then(|e| {
            let name = &rest[1..e];
            let c = if let Some(num) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
            } else if let Some(num) = name.strip_prefix('#') {
                num.parse().ok().and_then(char::from_u32)
            } else {
                named(name)
            };
            match c {
                Some('\0') => None,
                Some(c) => Some((String::from(c), e + 1)),
                None if !name.starts_with('#') => named_html5(name).map(|s| (s, e + 1)),
                None => None,
            }
        });
        match decoded {
            Some((s, len)) => {
                out.push_str(&s);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Any other of HTML's named references (`&ecirc;`, `&OElig;`): the table
/// pulldown-cmark decodes Markdown's text with, asked with the reference
/// alone, so raw HTML and Markdown read the same names.
fn named_html5(name: &str) -> Option<String> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let reference = format!("&{name};");
    let text: String = pulldown_cmark::Parser::new(&reference)
        .filter_map(|e| match e {
            pulldown_cmark::Event::Text(t) => Some(t.into_string()),
            _ => None,
        })
        .collect();
    (text != reference && !text.is_empty()).then_some(text)
}

/// The references blogs use most, without a parser.
fn named(n: &str) -> Option<char> {
    Some(match n {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "thinsp" => '\u{2009}',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "laquo" => '«',
        "raquo" => '»',
        "rsquo" => '’',
        "lsquo" => '‘',
        "ldquo" => '“',
        "rdquo" => '”',
        "eacute" => 'é',
        "egrave" => 'è',
        "agrave" => 'à',
        "ccedil" => 'ç',
        "oelig" => 'œ',
        "copy" => '©',
        _ => return None,
    })
}

/// A frame of [`to_blocks`]: a block element being read, or an inline one
/// (`tag` from [`known`]) inside it.
struct Frame {
    el: Element,
    blocks: Vec<Block>,
    inlines: Vec<Inline>,
    /// A list's items; a table's rows (a row's cells, whether all head);
    /// a row's cells.
    items: Vec<Vec<Block>>,
    rows: Vec<(Vec<Vec<Inline>>, bool)>,
    cells: Vec<Vec<Inline>>,
    head: bool,
    /// A `<figure>`'s `<figcaption>`.
    caption: Vec<Inline>,
    /// An `<ol>`'s first number, if not 1.
    start: Option<u64>,
}

impl Frame {
    fn new(el: Element) -> Frame {
        Frame { el, blocks: Vec::new(), inlines: Vec::new(), items: Vec::new(), rows: Vec::new(), cells: Vec::new(), head: true, caption: Vec::new(), start: None }
    }
    fn block(tag: &'static str) -> Frame {
        Frame::new(Element { tag, href: None })
    }
    fn tag(&self) -> &'static str {
        self.el.tag
    }
    /// An inline element's frame (its tag is what [`known`] gives).
    fn is_inline(&self) -> bool {
        block_tag(self.tag()).is_none() && self.tag() != "root"
    }
    /// Its pending text as a paragraph (a figure, if only an image).
    fn flush(&mut self) {
        let content = super::parse::finish_inlines(std::mem::take(&mut self.inlines));
        match content.as_slice() {
            [] => {}
            [Inline::Image { asset, alt }] => self.blocks.push(Block::Figure { asset: *asset, alt: alt.clone(), caption: Vec::new() }),
            _ => self.blocks.push(Block::Para { content, attrs: Default::default() }),
        }
    }
    /// All it holds as one run of inlines (a cell's or a heading's), its
    /// paragraphs joined by spaces.
    fn into_inlines(mut self) -> Vec<Inline> {
        self.flush();
        let mut out: Vec<Inline> = Vec::new();
        for b in self.blocks {
            if !out.is_empty() {
                out.push(Inline::Text(" ".into()));
            }
            match b {
                Block::Para { content, .. } | Block::Heading { content, .. } => out.extend(content),
                Block::Figure { asset, alt, caption } => {
                    out.push(Inline::Image { asset, alt });
                    if !caption.is_empty() {
                        out.push(Inline::Text(" ".into()));
                        out.extend(caption);
                    }
                }
                other => out.push(Inline::Text(other.plain_text())),
            }
        }
        out
    }
}

/// Whether `tag` is one of [`block`]'s.
fn block_tag(tag: &str) -> Option<&'static str> {
    block(tag).filter(|b| *b == tag)
}

/// Where opening `tag` closes an element left open, as HTML's optional end
/// tags have it (`<li>one<li>two`, `<td>1<td>2`): the depth to close to.
fn implied_close(stack: &[Frame], tag: &str) -> Option<usize> {
    let (closes, within): (&[&str], &[&str]) = match tag {
        "li" => (&["li"], &["ul", "ol"]),
        "td" | "th" => (&["td", "th"], &["tr", "table"]),
        "tr" => (&["tr"], &["table"]),
        _ => return None,
    };
    let i = stack.iter().rposition(|f| closes.contains(&f.tag()) || within.contains(&f.tag()))?;
    (i > 0 && closes.contains(&stack[i].tag())).then_some(i)
}

/// How deep HTML elements nest before more are read as text only.
pub const MAX_DEPTH: usize = 200;

/// A raw HTML block as blocks, with a note of the first thing dropped;
/// `image` makes an `<img>`'s inline from its `src` and `alt` (a remote
/// image's alt text, as for Markdown's).
pub fn to_blocks<E>(raw: &str, image: &mut dyn FnMut(&str, &str) -> Result<Inline, E>) -> Result<(Vec<Block>, Option<String>), E> {
    let mut stack = vec![Frame::block("root")];
    let mut dropped = None;
    for t in tokens(raw) {
        // (HTML nested deeper than this reads as if its elements above it
        // were not there: every scan of the stack stays short)
        let room = stack.len() < MAX_DEPTH;
        let pre = stack.iter().any(|f| f.tag() == "pre");
        match t {
            HtmlTag::Open(el) if room => stack.push(Frame::new(el)),
            HtmlTag::Open(_) => {}
            HtmlTag::Close(k) => {
                if let Some(d) = stack.iter().rposition(|f| f.tag() == k).filter(|&d| d > 0 && stack[d..].iter().all(Frame::is_inline)) {
                    close_to(&mut stack, d);
                }
            }
            HtmlTag::ListStart(n) => {
                if let Some(f) = stack.last_mut().filter(|f| f.tag() == "ol") {
                    f.start = Some(n);
                }
            }
            HtmlTag::BlockOpen(b) => {
                // inline elements end where a block starts
                let d = stack.iter().rposition(|f| !f.is_inline()).unwrap_or(0);
                close_to(&mut stack, d + 1);
                if let Some(d) = implied_close(&stack, b) {
                    close_to(&mut stack, d);
                }
                let top = stack.last_mut().expect("root");
                top.flush();
                match b {
                    "hr" => top.blocks.push(Block::SceneBreak),
                    _ if room => stack.push(Frame::block(b)),
                    _ => {}
                }
            }
            HtmlTag::BlockClose(b) => {
                if let Some(d) = stack.iter().rposition(|f| f.tag() == b).filter(|&d| d > 0) {
                    close_to(&mut stack, d);
                }
            }
            HtmlTag::Break => stack.last_mut().expect("root").inlines.push(Inline::LineBreak),
            HtmlTag::Text(s) if pre => stack.last_mut().expect("root").inlines.push(Inline::Text(s)),
            HtmlTag::Text(s) => stack.last_mut().expect("root").inlines.push(Inline::Text(s.replace('\n', " "))),
            HtmlTag::Image { src, alt } => {
                let i = image(&src, &alt)?;
                stack.last_mut().expect("root").inlines.push(i);
            }
            HtmlTag::Dropped(w) => dropped = dropped.or(Some(w)),
        }
    }
    close_to(&mut stack, 1);
    let mut root = stack.pop().expect("root");
    root.flush();
    Ok((root.blocks, dropped))
}

/// Closes the frames from `depth` up, each into the one below. An element
/// out of its place (a cell outside a row, an item outside a list) keeps
/// its text as paragraphs: nothing written is lost.
fn close_to(stack: &mut Vec<Frame>, depth: usize) {
    while stack.len() > depth.max(1) {
        let mut f = stack.pop().expect("frame");
        let parent = stack.last_mut().expect("root");
        if f.is_inline() {
            parent.inlines.extend(wrap(f.el, f.inlines));
            continue;
        }
        match (f.tag(), parent.tag()) {
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", _) => {
                let level = f.tag().as_bytes()[1] - b'0';
                let content = f.into_inlines();
                if !Inline::plain_text(&content).trim().is_empty() {
                    parent.flush();
                    parent.blocks.push(Block::Heading { level, content, attrs: Default::default() });
                }
            }
            ("pre", _) => {
                parent.flush();
                // its lines as written (not a paragraph's, joined)
                let text = f.blocks.iter().map(Block::plain_text).chain([Inline::plain_text(&f.inlines)]).collect::<Vec<_>>().join("\n");
                let text = text.strip_prefix('\n').unwrap_or(&text).trim_end();
                if !text.is_empty() {
                    parent.blocks.push(Block::Code { text: text.to_string() });
                }
            }
            ("td" | "th", "tr") => {
                parent.head &= f.tag() == "th";
                let cell = f.into_inlines();
                parent.cells.push(cell);
            }
            ("tr", "table") => {
                f.flush();
                parent.blocks.append(&mut f.blocks);
                if !f.cells.is_empty() {
                    parent.rows.push((f.cells, f.head));
                }
            }
            ("figcaption", "figure") => {
                parent.caption = f.into_inlines();
            }
            ("li", "ul" | "ol") => {
                f.flush();
                parent.items.push(f.blocks);
            }
            (tag, _) => {
                f.flush();
                parent.flush();
                // text outside the items, rows or cells comes first
                match tag {
                    "blockquote" if !f.blocks.is_empty() => parent.blocks.push(Block::Quote(f.blocks)),
                    // its one image takes the caption; else the caption is
                    // a paragraph after the rest
                    "figure" => {
                        match f.blocks.as_mut_slice() {
                            [Block::Figure { caption, .. }] => *caption = std::mem::take(&mut f.caption),
                            _ if !f.caption.is_empty() => f.blocks.push(Block::Para { content: std::mem::take(&mut f.caption), attrs: Default::default() }),
                            _ => {}
                        }
                        parent.blocks.append(&mut f.blocks);
                    }
                    "ul" | "ol" => {
                        parent.blocks.append(&mut f.blocks);
                        if !f.items.is_empty() {
                            parent.blocks.push(Block::List { start: (tag == "ol").then_some(f.start.unwrap_or(1)), items: f.items, attrs: Attrs::default() });
                        }
                    }
                    "table" => {
                        parent.blocks.append(&mut f.blocks);
                        let mut rows = f.rows;
                        if !f.cells.is_empty() {
                            rows.push((f.cells, false));
                        }
                        if !rows.is_empty() {
                            let head = if rows[0].1 { rows.remove(0).0 } else { Vec::new() };
                            let cols = rows.iter().map(|r| r.0.len()).chain([head.len()]).max().unwrap_or(0);
                            let align = vec![CellAlign::Left; cols];
                            parent.blocks.push(Block::Table { align, head, rows: rows.into_iter().map(|r| r.0).collect(), attrs: Attrs::default() });
                        }
                    }
                    // a paragraph's element, or one out of its place: its
                    // blocks, in place (a row's cells as one paragraph each)
                    _ => {
                        parent.blocks.append(&mut f.blocks);
                        for cell in f.cells.into_iter().filter(|c| !c.is_empty()) {
                            parent.blocks.push(Block::Para { content: cell, attrs: Default::default() });
                        }
                        for item in f.items {
                            parent.blocks.extend(item);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities() {
        assert_eq!(decode_entities("a &amp; b &#233;&#xE9; &bogus; &"), "a & b éé &bogus; &");
        assert_eq!(decode_entities("&éééééééé;"), "&éééééééé;");
        // HTML's whole table, as Markdown's text has it
        assert_eq!(decode_entities("for&ecirc;t &OElig;uvre &euro; &NotNestedGreaterGreater; &nosuchname;"), "for\u{ea}t \u{152}uvre \u{20ac} \u{2aa2}\u{338} &nosuchname;");
    }

    fn blocks(raw: &str) -> (Vec<Block>, Option<String>) {
        to_blocks(raw, &mut |src, alt| Ok::<_, ()>(if src.starts_with("img/") { Inline::Image { asset: 0, alt: alt.into() } } else { Inline::Text(alt.into()) })).unwrap()
    }

    fn texts(v: &[Block]) -> Vec<String> {
        v.iter().map(Block::plain_text).collect()
    }

    #[test]
    fn script_content_is_dropped_in_blocks() {
        let (v, d) = blocks("<div>avant<script>alert(1)</script>après <![CDATA[x<y]]></div>");
        assert_eq!(texts(&v), ["avantaprès x<y"]);
        assert_eq!(d.as_deref(), Some("<script>"));
    }

    #[test]
    fn ordered_list_keeps_its_start() {
        let (v, _) = blocks("<ol start=\"5\"><li>cinq<li>six</ol><ol><li>un</ol><ul start=\"3\"><li>x</ul>");
        let starts: Vec<Option<u64>> = v.iter().filter_map(|b| if let Block::List { start, .. } = b { Some(*start) } else { None }).collect();
        assert_eq!(starts, [Some(5), Some(1), None]);
    }

    #[test]
    fn unclosed_tag_before_multibyte_text() {
        // Found by the markdown_xhtml fuzz target.
        let (v, _) = blocks("<div onclick=\"x\"\u{87}<\u{462}iv: T <&N");
        assert!(texts(&v).concat().contains("T <&N"));
    }

    /// What blogs write in HTML comes out as Markdown would have made it.
    #[test]
    fn html_blocks_become_blocks() {
        let (v, d) = blocks(
            "<p align=\"center\"><img src=\"img/a.png\" alt=\"a &amp; b\" width=300></p>\n<p>One <em>two</em><br>three</p><h2>Head</h2>\
             <blockquote><p>Quoted</p></blockquote><ul><li>one<li>two <b>bold</b></ul>\
             <table><thead><tr><th>A<th>B</thead><tr><td>1</td><td><p>2</p></td></tr></table><hr><pre>\nlet x = 1;\n  y\n</pre><font>kept</font>",
        );
        assert_eq!(d.as_deref(), Some("<font>"));
        let Block::Figure { alt, .. } = &v[0] else { panic!("{v:?}") };
        assert_eq!(alt, "a & b");
        assert!(matches!(&v[1], Block::Para { content, .. } if content.iter().any(|i| matches!(i, Inline::Emph(_))) && content.contains(&Inline::LineBreak)), "{:?}", v[1]);
        assert!(matches!(&v[2], Block::Heading { level: 2, .. }));
        assert!(matches!(&v[3], Block::Quote(q) if texts(q) == ["Quoted"]));
        assert!(matches!(&v[4], Block::List { start: None, items, .. } if items.len() == 2 && texts(&items[1]) == ["two bold"]), "{:?}", v[4]);
        let Block::Table { head, rows, .. } = &v[5] else { panic!("{:?}", v[5]) };
        assert_eq!((head.len(), rows.len(), Inline::plain_text(&rows[0][1])), (2, 1, "2".to_string()));
        assert!(matches!(&v[6], Block::SceneBreak));
        assert!(matches!(&v[7], Block::Code { text } if text == "let x = 1;\n  y"), "{:?}", v[7]);
        assert_eq!(texts(&v[8..]), ["kept"]);
    }

    /// HTML leaves end tags out (`<li>one<li>two`, `<td>1<td>2`); what is
    /// out of its place (a cell outside a row, text between items) keeps
    /// its text.
    #[test]
    fn optional_end_tags_and_misplaced_elements() {
        let (v, _) = blocks("<table><tr><th>A<td>B<tr><td>1<td>2</table><ul>avant<li>un<li>deux</ul><td>seule</td><li>hors liste");
        let Block::Table { head, rows, .. } = &v[0] else { panic!("{v:?}") };
        assert!(head.is_empty() && rows.len() == 2, "{v:?}");
        assert_eq!(rows[0].iter().map(|c| Inline::plain_text(c)).collect::<Vec<_>>(), ["A", "B"]);
        assert_eq!(texts(&v[1..]), ["avant", "un deux", "seule", "hors liste"]);
        assert!(matches!(&v[2], Block::List { items, .. } if items.len() == 2));
    }

    /// `<a href>` is a link, as Markdown's (the book decides what can be
    /// followed); an `<a>` going nowhere is its words.
    #[test]
    fn links_keep_where_they_go() {
        let (v, _) = blocks("<p>Voir <a href=\"https://example.org/?a=1&amp;b=2\">le <em>site</em></a> et <a name=\"x\">ici</a>.</p>");
        let Block::Para { content, .. } = &v[0] else { panic!("{v:?}") };
        assert!(content.iter().any(|i| matches!(i, Inline::Link { url, content } if url == "https://example.org/?a=1&b=2" && Inline::plain_text(content) == "le site")), "{content:?}");
        assert_eq!(Inline::plain_text(content), "Voir le site et ici.");
    }

    /// Tag soup of every element this reads, nested and closed at random:
    /// never a panic, and every word outside a script comes out, once.
    #[test]
    fn tag_soup_keeps_every_word() {
        const TAGS: &[&str] = &[
            "<p>", "</p>", "<div>", "</div>", "<li>", "</li>", "<ul>", "</ul>", "<ol>", "</ol>", "<td>", "</td>", "<th>", "</th>", "<tr>", "</tr>", "<table>",
            "</table>", "<em>", "</em>", "<b>", "</b>", "<h2>", "</h2>", "<pre>", "</pre>", "<a href=\"https://x.org/\">", "</a>", "<blockquote>",
            "</blockquote>", "<br>", "<hr>", "<img src=\"img/a.png\" alt=\"\">", "<span>", "</span>", "<font>", "</font>", "<thead>", "</tbody>", " ", "\n",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..3000 {
            let mut raw = String::new();
            let mut words = Vec::new();
            for k in 0..next(40) {
                if next(3) == 0 {
                    words.push(format!("w{k}x"));
                    raw.push_str(&format!(" w{k}x "));
                } else {
                    raw.push_str(TAGS[next(TAGS.len())]);
                }
            }
            let (v, _) = blocks(&raw);
            let text: String = texts(&v).join(" ");
            for w in &words {
                assert_eq!(text.matches(w.as_str()).count(), 1, "{w} in {raw:?}: {v:?}");
            }
        }
    }

    #[test]
    fn attributes_quoted_or_not() {
        assert_eq!(attribute("img src='a b.png' alt=x", "src").as_deref(), Some("a b.png"));
        assert_eq!(attribute("img hidden alt=x /", "alt").as_deref(), Some("x"));
        assert_eq!(attribute("IMG SRC=\"é&amp;.png\"", "src").as_deref(), Some("é&.png"));
        assert_eq!(attribute("img alt=\"x\"", "src"), None);
    }

    #[test]
    fn not_a_tag() {
        let v = tokens("a < b");
        assert_eq!(v.iter().filter_map(|t| if let HtmlTag::Text(s) = t { Some(s.as_str()) } else { None }).collect::<String>(), "a < b");
    }
}
