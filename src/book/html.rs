//! Raw HTML in the Markdown, made safe: a few formatting elements are kept
//! as inlines, `<br>` breaks the line, everything else is dropped with its
//! text kept (script, style and the like lose their content too). The
//! backends therefore never see raw HTML, so it can never come out broken.

use super::Inline;

#[derive(Debug, Clone, PartialEq)]
pub enum HtmlTag {
    Open(&'static str),
    Close(&'static str),
    Break,
    Text(String),
    /// What was dropped, for the warning.
    Dropped(String),
}

/// Elements folio keeps, by the inline they become; `drop` loses its content.
fn known(name: &str) -> Option<&'static str> {
    Some(match name {
        "em" | "i" | "cite" | "dfn" | "var" => "em",
        "strong" | "b" => "strong",
        "sup" => "sup",
        "sub" => "sub",
        "s" | "del" | "strike" => "s",
        "span" | "small" | "u" | "a" | "abbr" | "q" | "mark" | "ins" | "bdi" | "kbd" | "samp" | "time" => "span",
        "script" | "style" | "iframe" | "object" | "embed" | "noscript" | "template" | "svg" | "math" | "textarea" | "title" => "drop",
        _ => return None,
    })
}

/// What an element becomes once closed (`span` and the like: its content).
pub fn wrap(tag: &str, content: Vec<Inline>) -> Vec<Inline> {
    match tag {
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
                (_, Some(k)) if closing => out.push(HtmlTag::Close(k)),
                (_, Some(k)) if !self_closing => {
                    if tag.contains("on") && has_event_attr(tag) {
                        out.push(HtmlTag::Dropped(format!("event attribute on <{name}>")));
                    }
                    out.push(HtmlTag::Open(k));
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
        let semi = rest.char_indices().take(12).find(|&(_, c)| c == ';').map(|(i, _)| i);
        let decoded = semi.and_then(|e| {
            let name = &rest[1..e];
            let c = if let Some(num) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
            } else if let Some(num) = name.strip_prefix('#') {
                num.parse().ok().and_then(char::from_u32)
            } else {
                named(name)
            };
            c.filter(|c| *c != '\0').map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
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

/// A raw HTML block as inlines, with a note of what was dropped.
pub fn to_inlines(raw: &str) -> (Vec<Inline>, Option<String>) {
    let mut stack: Vec<(&'static str, Vec<Inline>)> = vec![("root", Vec::new())];
    let mut dropped = None;
    for t in tokens(raw) {
        match t {
            HtmlTag::Open(k) => stack.push((k, Vec::new())),
            HtmlTag::Close(k) => {
                if let Some(d) = stack.iter().rposition(|(n, _)| *n == k).filter(|&d| d > 0) {
                    while stack.len() > d {
                        let (n, c) = stack.pop().expect("frame");
                        stack.last_mut().expect("root").1.extend(wrap(n, c));
                    }
                }
            }
            HtmlTag::Break => stack.last_mut().expect("root").1.push(Inline::LineBreak),
            HtmlTag::Text(s) => stack.last_mut().expect("root").1.push(Inline::Text(s.replace('\n', " "))),
            HtmlTag::Dropped(w) => dropped = dropped.or(Some(w)),
        }
    }
    while stack.len() > 1 {
        let (n, c) = stack.pop().expect("frame");
        stack.last_mut().expect("root").1.extend(wrap(n, c));
    }
    (stack.pop().expect("root").1, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities() {
        assert_eq!(decode_entities("a &amp; b &#233;&#xE9; &bogus; &"), "a & b éé &bogus; &");
        assert_eq!(decode_entities("&éééééééé;"), "&éééééééé;");
    }

    #[test]
    fn script_content_is_dropped_in_blocks() {
        let (v, d) = to_inlines("<div>avant<script>alert(1)</script>après <![CDATA[x<y]]></div>");
        assert_eq!(Inline::plain_text(&v), "avantaprès x<y");
        assert_eq!(d.as_deref(), Some("<div>"));
    }

    #[test]
    fn unclosed_tag_before_multibyte_text() {
        // Found by the markdown_xhtml fuzz target.
        let (v, _) = to_inlines("<div onclick=\"x\"\u{87}<\u{462}iv: T <&N");
        assert!(Inline::plain_text(&v).contains("T <&N"));
    }

    #[test]
    fn not_a_tag() {
        let v = tokens("a < b");
        assert_eq!(v.iter().filter_map(|t| if let HtmlTag::Text(s) = t { Some(s.as_str()) } else { None }).collect::<String>(), "a < b");
    }
}
