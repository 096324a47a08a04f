//! What no step may touch: code (blocks and spans), URLs, raw HTML tags and
//! comments, HTML blocks shown as typed (`<pre>`, `<script>`), link destinations and reference definitions, attribute lists,
//! footnote labels, a leading YAML block, thematic breaks and setext
//! underlines. One linear pass gives a byte mask.

/// `mask[i]` is true when byte `i` of the text is protected.
pub struct Mask(Vec<bool>);

impl Mask {
    pub fn get(&self, i: usize) -> bool {
        self.0.get(i).copied().unwrap_or(false)
    }
    /// True when any byte of `range` is protected.
    pub fn any(&self, start: usize, end: usize) -> bool {
        self.0[start.min(self.0.len())..end.min(self.0.len())].iter().any(|&b| b)
    }
}

/// Byte ranges of the lines of `text` (without their `\n`).
pub fn line_spans(text: &str) -> Vec<(usize, usize)> {
    let mut v = Vec::with_capacity(text.len() / 40);
    let mut start = 0;
    // A one-char pattern searches with memchr.
    for (i, _) in text.match_indices('\n') {
        v.push((start, i));
        start = i + 1;
    }
    if start < text.len() {
        v.push((start, text.len()));
    }
    v
}

fn indent(line: &str) -> usize {
    let mut n = 0;
    for b in line.bytes() {
        match b {
            b' ' => n += 1,
            b'\t' => n += 4,
            _ => break,
        }
    }
    n
}

/// A fence opener/closer: (char, run length).
pub(crate) fn fence(line: &str) -> Option<(u8, usize)> {
    if indent(line) > 3 {
        return None;
    }
    let t = line.trim_start();
    let c = *t.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = t.bytes().take_while(|&b| b == c).count();
    (n >= 3).then_some((c, n))
}

/// A line opening an HTML block whose content is verbatim (CommonMark's
/// first kind): the closing tag that ends it.
fn verbatim_html(line: &str) -> Option<&'static str> {
    if indent(line) > 3 {
        return None;
    }
    let t = line.trim_start().strip_prefix('<')?;
    ["pre", "script", "style", "textarea"].iter().zip(["</pre>", "</script>", "</style>", "</textarea>"]).find_map(|(name, close)| {
        let rest = t.get(..name.len()).filter(|n| n.eq_ignore_ascii_case(name)).map(|_| &t[name.len()..])?;
        (rest.is_empty() || rest.starts_with([' ', '\t', '>'])).then_some(close)
    })
}

/// A line that is only the Liquid tag `{% name args %}` (Jekyll; `{%-`
/// and `-%}` too): its arguments.
pub fn liquid_tag<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let t = line.trim_start().strip_prefix("{%")?;
    let inner = t.trim_end().strip_suffix("%}")?;
    let inner = inner.trim_start_matches('-').trim_end_matches('-').trim();
    if inner.contains("%}") {
        // more than one tag: `{% raw %}{{ x }}{% endraw %}`
        return None;
    }
    let args = inner.strip_prefix(name)?;
    (args.is_empty() || args.starts_with(' ')).then(|| args.trim())
}

/// Liquid tags (`{% include x.html %}`) and outputs (`{{ site.url }}`) on
/// `line`, as byte ranges. Not masked: the kramdown step removes `{% raw %}`
/// and the lint warns about the rest, but no typography goes inside.
pub fn liquid_spans(line: &str) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    let mut from = 0;
    let bytes = line.as_bytes();
    while let Some(k) = line[from..].find('{').map(|k| from + k) {
        // (Not `"{{"` in prose, a brace quoted: Liquid spaces what is
        // inside, or starts it with a name.)
        let close = match (bytes.get(k + 1), bytes.get(k + 2)) {
            (_, Some(b'"' | b'\'')) => None,
            (Some(b'{'), _) => Some("}}"),
            (Some(b'%'), _) => Some("%}"),
            _ => None,
        };
        let Some(close) = close else {
            from = k + 1;
            continue;
        };
        match line[k + 2..].find(close) {
            Some(e) => {
                v.push((k, k + 2 + e + 2));
                from = k + 2 + e + 2;
            }
            None => from = k + 2,
        }
    }
    v
}

/// Whether `line` closes the fence `open` opened: the same char, at least
/// as many, nothing else.
pub(crate) fn closes_fence(line: &str, (c, n): (u8, usize)) -> bool {
    fence(line).is_some_and(|(c2, n2)| c2 == c && n2 >= n && line.trim().bytes().all(|x| x == c))
}

/// `---`, `***`, `===`, `___` lines (rules and setext underlines).
pub fn is_rule_line(line: &str) -> bool {
    let t = line.trim();
    let Some(c) = t.bytes().next() else { return false };
    matches!(c, b'-' | b'*' | b'_' | b'=') && t.bytes().filter(|&b| b == c).count() >= 3 && t.bytes().all(|b| b == c || b == b' ')
}

/// The next of two bytes at or after a position, remembered: the scan
/// never reads a byte twice, so stray `<` or `{:` cannot make it quadratic.
struct NextOf {
    bytes: [u8; 2],
    /// For any position in `from..=at`, the answer is `at` (`None`: none
    /// up to the end).
    from: usize,
    at: Option<usize>,
}

impl NextOf {
    fn new(a: u8, b: u8) -> NextOf {
        NextOf { bytes: [a, b], from: usize::MAX, at: None }
    }
    fn next(&mut self, text: &str, k: usize) -> Option<usize> {
        if k < self.from || self.at.is_some_and(|a| a < k) {
            self.at = text.as_bytes()[k..].iter().position(|b| self.bytes.contains(b)).map(|e| k + e);
            self.from = k;
        }
        self.at
    }
}

pub fn protect(text: &str) -> Mask {
    let bytes = text.as_bytes();
    let mut m = vec![false; text.len()];
    let lines = line_spans(text);
    let set = |m: &mut Vec<bool>, a: usize, b: usize| m[a..b].iter_mut().for_each(|x| *x = true);

    // Block level: YAML at the top, fenced and indented code, rules.
    let mut i = 0;
    if text.starts_with("---\n") {
        if let Some(end) = lines.iter().skip(1).position(|&(a, b)| matches!(&text[a..b], "---" | "...")) {
            set(&mut m, 0, lines[end + 1].1);
            i = end + 2;
        }
    }
    let mut prev_blank = true;
    let mut in_indented = false;
    // Paragraph number of each line, so that code spans stay in one.
    let mut para = vec![0usize; lines.len()];
    let mut p = 0;
    while i < lines.len() {
        let (a, b) = lines[i];
        let line = &text[a..b];
        let blank = line.trim().is_empty();
        if liquid_tag(line, "highlight").is_some() {
            // Jekyll's `{% highlight ruby %}` … `{% endhighlight %}`: code.
            let j = (i + 1..lines.len()).find(|&j| liquid_tag(&text[lines[j].0..lines[j].1], "endhighlight").is_some()).unwrap_or(lines.len() - 1);
            set(&mut m, a, lines[j].1);
            i = j + 1;
            prev_blank = false;
            p += 1;
            continue;
        }
        if let Some(close) = verbatim_html(line) {
            // `<pre>`, `<script>`, `<style>`, `<textarea>`: HTML whose text
            // is shown as typed, up to the line that closes it.
            let j = (i..lines.len()).find(|&j| text[lines[j].0..lines[j].1].to_ascii_lowercase().contains(close)).unwrap_or(lines.len() - 1);
            set(&mut m, a, lines[j].1);
            i = j + 1;
            prev_blank = false;
            p += 1;
            continue;
        }
        if let Some((c, n)) = fence(line) {
            let mut j = i + 1;
            while j < lines.len() && !closes_fence(&text[lines[j].0..lines[j].1], (c, n)) {
                j += 1;
            }
            let last = j.min(lines.len() - 1);
            set(&mut m, a, lines[last].1);
            i = last + 1;
            prev_blank = false;
            p += 1;
            continue;
        }
        if !blank && indent(line) >= 4 && (prev_blank || in_indented) {
            in_indented = true;
            set(&mut m, a, b);
        } else if !blank {
            in_indented = false;
            if is_rule_line(line) {
                set(&mut m, a, b);
            }
        }
        if blank {
            p += 1;
        }
        para[i] = p;
        prev_blank = blank;
        i += 1;
    }

    // Inline: code spans (matched by equal backtick runs, linear via a
    // next-run-of-same-length table), then HTML, URLs, link targets.
    let mut runs: Vec<(usize, usize, usize)> = Vec::new(); // (start, len, paragraph)
    let mut li = 0;
    let mut k = 0;
    while k < bytes.len() {
        if bytes[k] == b'`' && !m[k] {
            let n = bytes[k..].iter().take_while(|&&b| b == b'`').count();
            while li + 1 < lines.len() && lines[li].1 < k {
                li += 1;
            }
            runs.push((k, n, para.get(li).copied().unwrap_or(0)));
            k += n;
        } else {
            k += 1;
        }
    }
    let mut next_same = vec![usize::MAX; runs.len()];
    let mut last_of_len: std::collections::HashMap<usize, usize> = Default::default();
    for r in (0..runs.len()).rev() {
        if let Some(&j) = last_of_len.get(&runs[r].1) {
            next_same[r] = j;
        }
        last_of_len.insert(runs[r].1, r);
    }
    let mut r = 0;
    while r < runs.len() {
        let j = next_same[r];
        if j != usize::MAX && runs[j].2 == runs[r].2 {
            set(&mut m, runs[r].0, runs[j].0 + runs[j].1);
            r = j + 1;
            while r < runs.len() && runs[r].0 < runs[j].0 + runs[j].1 {
                r += 1;
            }
        } else {
            set(&mut m, runs[r].0, runs[r].0 + runs[r].1);
            r += 1;
        }
    }

    let (mut gt, mut bracket, mut brace) = (NextOf::new(b'>', b'\n'), NextOf::new(b']', b'\n'), NextOf::new(b'}', b'\n'));
    let mut k = 0;
    // A destination's title, between its quotes: an image's is its
    // caption, text for the typography.
    let mut title: Option<(usize, usize)> = None;
    // The end of a paragraph before which no closing tag of an inline code
    // element was found: not looked for again (unclosed tags stay linear).
    let mut no_close_before: Option<usize> = None;
    while k < bytes.len() {
        // Only these bytes can open what is protected below.
        if !matches!(bytes[k], b'<' | b'h' | b'f' | b'w' | b'm' | b']' | b'[' | b'{' | b'&' | b'@') || m[k] {
            k += 1;
            continue;
        }
        let rest = &text[k..];
        let end = if rest.starts_with("<!--") {
            rest.find("-->").map_or(text.len(), |e| k + e + 3)
        } else if bytes[k] == b'<' && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/') {
            // A tag or an autolink: up to `>` on the same line, else a tag
            // whose attributes go on over lines of its paragraph.
            let end = match gt.next(text, k) {
                Some(e) if bytes[e] == b'>' => e + 1,
                _ => tag_over_lines(text, k).unwrap_or(k + 1),
            };
            // `<code>`, `<kbd>`, `<samp>`, `<tt>`: code, up to the closing
            // tag in the paragraph.
            match inline_code_element(&text[k..end]) {
                Some(name) if end > k + 1 && no_close_before.is_none_or(|p| end >= p) => match closing_tag(text, end, name) {
                    Ok(close) => close,
                    Err(paragraph_end) => {
                        no_close_before = Some(paragraph_end);
                        end
                    }
                },
                _ => end,
            }
        } else if bytes[k] == b'@' {
            // An e-mail address (`foo--bar@example.com`): text of no prose.
            email(text, k).map_or(k + 1, |(s, e)| {
                set(&mut m, s, k);
                e
            })
        } else if (bytes[k] == b'h' || bytes[k] == b'f' || bytes[k] == b'w' || bytes[k] == b'm')
            && (k == 0 || !bytes[k - 1].is_ascii_alphanumeric())
            && (rest.starts_with("http://") || rest.starts_with("https://") || rest.starts_with("ftp://") || rest.starts_with("www.") || rest.starts_with("mailto:"))
        {
            k + rest.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"')).unwrap_or(rest.len())
        } else if bytes[k] == b'&' {
            // A character reference (`&ecirc;`, `&#233;`): its `;` is no
            // semicolon to space.
            k + char_reference(rest).unwrap_or(1)
        } else if rest.starts_with("](") {
            // Link or image destination (and title), parentheses balanced.
            let mut depth = 0;
            let mut e = k + 1;
            while e < bytes.len() && bytes[e] != b'\n' {
                match bytes[e] {
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                e += 1;
            }
            let end = (e + 1).min(bytes.len());
            // (only a destination closed by its `)`)
            if bytes.get(e) == Some(&b')') {
                title = link_title(&text[k + 2..e]).map(|(s, e)| (k + 2 + s, k + 2 + e));
            }
            end
        } else if rest.starts_with("[^") {
            // A footnote call, or a definition `[^1]:` with its colon (a
            // French space before it would unmake the definition).
            match bracket.next(text, k) {
                Some(e) if (k == 0 || bytes[k - 1] == b'\n') && bytes.get(e + 1) == Some(&b':') => e + 2,
                Some(e) => e + 1,
                None => k + 2,
            }
        } else if bytes[k] == b'{' && (rest[1..].starts_with([':', '.', '#'])) {
            // kramdown IAL / attribute list.
            match brace.next(text, k) {
                Some(e) if bytes[e] == b'}' => e + 1,
                _ => k + 1,
            }
        } else if bytes[k] == b'[' && (k == 0 || bytes[k - 1] == b'\n') {
            // Reference definition `[label]: url "title"`: the whole line.
            let line_end = rest.find('\n').map_or(text.len(), |e| k + e);
            match text[k..line_end].find("]:") {
                Some(_) => line_end,
                None => k + 1,
            }
        } else {
            k + 1
        };
        if end > k + 1 {
            set(&mut m, k, end);
            if let Some((s, e)) = title.take() {
                m[s..e].iter_mut().for_each(|x| *x = false);
            }
        }
        k = end.max(k + 1);
    }
    Mask(m)
}

/// HTML elements whose text is code.
const CODE_ELEMENTS: &[&str] = &["code", "kbd", "samp", "tt"];

/// The name of the inline code element an opening tag opens.
fn inline_code_element(tag: &str) -> Option<&'static str> {
    let name: String = tag[1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    let after = tag[1 + name.len()..].chars().next();
    CODE_ELEMENTS.iter().copied().find(|&n| n == name && after.is_some_and(|c| c == '>' || c.is_whitespace()))
}

/// Where the closing tag `</name>` after `from` ends, within the paragraph;
/// else the paragraph's end.
fn closing_tag(text: &str, from: usize, name: &str) -> Result<usize, usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] == b'\n' && text[i + 1..].trim_start_matches([' ', '\t']).starts_with('\n') {
            return Err(i);
        }
        if bytes[i] == b'<' && bytes.get(i + 1) == Some(&b'/') && text.get(i + 2..i + 2 + name.len()).is_some_and(|n| n.eq_ignore_ascii_case(name)) {
            if let Some(e) = text[i..].find('>') {
                return Ok(i + e + 1);
            }
        }
        i += 1;
    }
    Err(bytes.len())
}

/// An HTML tag whose attributes run over lines (`<abbr title="one⏎two">`),
/// in its paragraph and in 1 KB at most: where it ends, if it is one.
fn tag_over_lines(text: &str, k: usize) -> Option<usize> {
    let b = &text.as_bytes()[k..text.len().min(k + 1024)];
    let name = |i: usize| b[i..].iter().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.')).count();
    let mut i = 1 + usize::from(b.get(1) == Some(&b'/'));
    let n = name(i);
    if n == 0 || !b[i].is_ascii_alphabetic() {
        return None;
    }
    i += n;
    let mut newline = false;
    // Spaces: whether any, and the line ends among them (two: a blank line,
    // the paragraph's end).
    let space = |i: &mut usize| {
        let start = *i;
        let mut lines = 0;
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            lines += usize::from(b[*i] == b'\n');
            *i += 1;
        }
        (*i > start, lines)
    };
    loop {
        let (spaced, lines) = space(&mut i);
        if lines > 1 {
            return None;
        }
        newline |= lines > 0;
        match b.get(i)? {
            b'>' => return newline.then_some(k + i + 1),
            b'/' if b.get(i + 1) == Some(&b'>') => return newline.then_some(k + i + 2),
            _ if !spaced => return None,
            _ => {}
        }
        let n = name(i);
        if n == 0 {
            return None;
        }
        i += n;
        let mut j = i;
        let (_, l1) = space(&mut j);
        if b.get(j) == Some(&b'=') {
            j += 1;
            let (_, l2) = space(&mut j);
            if l1 + l2 > 1 {
                return None;
            }
            newline |= l1 + l2 > 0;
            match *b.get(j)? {
                q @ (b'"' | b'\'') => {
                    let close = b[j + 1..].iter().position(|&c| c == q)?;
                    let value = &b[j + 1..j + 1 + close];
                    if value.windows(2).any(|w| w[0] == b'\n' && w[1] == b'\n') {
                        return None;
                    }
                    newline |= value.contains(&b'\n');
                    j += close + 2;
                }
                _ => j += b[j..].iter().take_while(|c| !c.is_ascii_whitespace() && !matches!(c, b'"' | b'\'' | b'=' | b'<' | b'>' | b'`')).count(),
            }
            i = j;
        }
    }
}

/// The address around the `@` at `at` (`name@host.tld`): its byte range.
fn email(text: &str, at: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let local = b[..at].iter().rev().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')).count();
    let host = b[at + 1..].iter().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-')).count();
    let host_text = text[at + 1..at + 1 + host].trim_end_matches(['.', '-']);
    let dotted = host_text.split('.').count() >= 2 && host_text.split('.').all(|p| !p.is_empty());
    // (Not one broken at a line end, `bug-⏎lilypond@gnu.org`: the
    // de-hyphenation mends it first, and the text is protected again.)
    let before = &text[..at - local];
    let broken = before.trim_end_matches([' ', '\t', '\n', '>']).ends_with('-') && before.ends_with([' ', '\t', '\n', '>']);
    (local > 0 && dotted && !broken).then(|| (at - local, at + 1 + host_text.len()))
}

/// The title of a link or image destination (`x.png "Le port"`,
/// `<a b.png> 'Titre'`): the byte range of its text, inside its quotes.
fn link_title(dest: &str) -> Option<(usize, usize)> {
    let d = dest.trim_end();
    let q = d.chars().next_back().filter(|&c| c == '"' || c == '\'')?;
    let t = dest.trim_start();
    let lead = dest.len() - t.len();
    let url_end = if t.starts_with('<') { t.find('>')? + 1 } else { t.find(char::is_whitespace)? };
    let after = &t[url_end..];
    let open = lead + url_end + (after.len() - after.trim_start().len());
    (dest[open..].starts_with(q) && open + 1 < d.len()).then_some((open + 1, d.len() - 1))
}

/// The length of the character reference `s` starts with, as HTML and
/// Markdown read one: `&name;`, `&#233;`, `&#xE9;`.
fn char_reference(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let (digits, from): (fn(&u8) -> bool, usize) = match b.get(1..3) {
        Some([b'#', b'x' | b'X']) => (u8::is_ascii_hexdigit, 3),
        Some([b'#', _]) => (u8::is_ascii_digit, 2),
        Some([c, _]) if c.is_ascii_alphabetic() => (u8::is_ascii_alphanumeric, 1),
        _ => return None,
    };
    let n = b[from..].iter().take(32).take_while(|c| digits(c)).count();
    (n > 0 && b.get(from + n) == Some(&b';')).then_some(from + n + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prot(text: &str) -> String {
        let m = protect(text);
        text.char_indices().map(|(i, c)| if m.get(i) && c != '\n' { '#' } else { c }).collect()
    }

    #[test]
    fn code_spans_blocks_urls_html() {
        assert_eq!(prot("a `b-c` d"), "a ##### d");
        assert_eq!(prot("![x](a.png \"Le port, l'aube\") et [y](b 'T') [z](<c d> \"U\") [w](e)"), "![x#########Le port, l'aube## et [y#####T## [z#########U## [w####");
        assert_eq!(prot("for&ecirc;t &#233;; &#xE9; & ; &x ;"), "for#######t ######; ###### & ; &x ;");
        assert_eq!(prot("a ``x ` y`` z"), "a ######### z");
        assert_eq!(prot("a ` b"), "a # b");
        assert_eq!(prot("x\n```\nter-\nrible\n```\ny"), "x\n###\n####\n#####\n###\ny");
        assert_eq!(prot("p\n\n    code-\n    x\n\nq"), "p\n\n#########\n#####\n\nq");
        assert_eq!(prot("see https://ex.org/a-b c"), "see ################## c");
        assert_eq!(prot("a <span class=\"x\">b</span>"), "a ################b#######");
        assert_eq!(prot("[t](http://x.org/a \"b\") c"), "[t##################b## c");
        // unclosed, ending in a multi-byte character (found by the fuzzer)
        assert_eq!(prot("[t](a \"“"), "[t######");
        assert_eq!(prot("a[^4] b"), "a#### b");
        assert_eq!(prot("[^4]: note : x"), "##### note : x");
        assert_eq!(prot("a\n{% highlight rust %}\nfn x-\ny\n{%- endhighlight -%}\nb"), "a\n####################\n#####\n#\n####################\nb");
        assert_eq!(liquid_tag(" {%- highlight ruby linenos %}", "highlight"), Some("ruby linenos"));
        assert_eq!(liquid_spans("a {{ x }} b {% y \"z\" %} {x} {{ open"), [(2, 9), (12, 23)]);
        assert_eq!(liquid_spans("doubling: \"{{\" and \"}}\""), []);
        assert_eq!(liquid_tag("{% highlightx %}", "highlight"), None);
        assert_eq!(prot("T\n---\n"), "T\n###\n");
        assert_eq!(prot("{:.text-center}"), "###############");
        assert_eq!(prot("---\na: b\n---\nx"), "###\n####\n###\nx");
        assert_eq!(prot("[id]: http://x \"t\"\nz"), "##################\nz");
        assert_eq!(prot("a < b > c"), "a < b > c");
        // HTML shown as typed, up to its closing tag's line.
        assert_eq!(prot("a\n<pre>\nter-\nrible\n</pre> x\nb"), "a\n#####\n####\n#####\n########\nb");
        assert_eq!(prot("<PRE class=\"x\">t</PRE>\nb"), "######################\nb");
        assert_eq!(prot("<press>\nter-\nb"), "#######\nter-\nb");
        // A tag over lines, inline code elements, addresses.
        assert_eq!(prot("A <abbr title=\"one\ntwo -- x\">w</abbr>."), "A ################\n##########w#######.");
        assert_eq!(prot("<a\nhref='x'>y</a>"), "##\n#########y####");
        assert_eq!(prot("a <b\n\nc> d"), "a <b\n\nc> d");
        assert_eq!(prot("2 <x, and\ny > 3"), "2 <x, and\ny > 3");
        assert_eq!(prot("x <code>a -- \"b\"</code> y <KBD>Ctrl--C</KBD>."), "x ##################### y ##################.");
        assert_eq!(prot("<code>open\n\nnext \"q\""), "######open\n\nnext \"q\"");
        assert_eq!(prot("write to foo--bar@example.com. Or @home, a@b, x@y."), "write to ####################. Or @home, a@b, x@y.");
        assert_eq!(prot("bug-\nlily@gnu.org"), "bug-\nlily@gnu.org");
    }

    #[test]
    fn code_span_does_not_cross_paragraphs() {
        assert_eq!(prot("a ` b\n\nc ` d"), "a # b\n\nc # d");
    }
}
