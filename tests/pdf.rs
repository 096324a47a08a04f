//! End-to-end checks of the PDF backend on the two corpus novels, through
//! the binary and poppler-utils (pdftotext, pdffonts), which CI installs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

mod common;

const EPOCH: &str = "1700000000";
/// Tolerance on margins, in points.
const TOL: f32 = 0.5;

struct Built {
    pdf: PathBuf,
    epub: PathBuf,
}

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus").join(name)
}

fn build(name: &str, format: &str, tag: &str, extra: &[&str]) -> PathBuf {
    // Under `target/tmp`, replaced on the next run (see common::scratch).
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pdf").join(format!("{name}-{tag}"));
    let _ = std::fs::remove_dir_all(&out);
    let st = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["build", "--format", format, "--manuscript"])
        .arg(corpus(name))
        .arg("--out")
        .arg(&out)
        .args(extra)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .expect("run folio");
    assert!(st.status.success(), "folio build failed: {}", String::from_utf8_lossy(&st.stderr));
    out
}

fn find(dir: &Path, ext: &str) -> PathBuf {
    std::fs::read_dir(dir)
        .expect("output folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == ext))
        .unwrap_or_else(|| panic!("no .{ext} in {}", dir.display()))
}

fn built(name: &'static str) -> &'static Built {
    static NOIR: OnceLock<Built> = OnceLock::new();
    static PAS: OnceLock<Built> = OnceLock::new();
    let cell = if name == "noir-et-blanc" { &NOIR } else { &PAS };
    cell.get_or_init(|| {
        let out = build(name, "all", "a", &[]);
        Built { pdf: find(&out, "pdf"), epub: find(&out, "epub") }
    })
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd} (install poppler-utils): {e}"));
    assert!(out.status.success(), "{cmd} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

// ---- the page geometry, from the style sheet the corpus uses ----

struct Geo {
    height: f32,
    top: f32,
    bottom: f32,
    inner: f32,
    outer: f32,
    measure: f32,
    leading: f32,
}

fn geo() -> Geo {
    let s = folio::style::Style::builtin();
    let em = s.em();
    let p = &s.sheet.page;
    let (w, inner, outer) = (p.width.pt(em), p.margin_inner.pt(em), p.margin_outer.pt(em));
    Geo {
        height: p.height.pt(em),
        top: p.margin_top.pt(em),
        bottom: p.margin_bottom.pt(em),
        inner,
        outer,
        measure: w - inner - outer,
        leading: s.sheet.body.leading.pt(em),
    }
}

impl Geo {
    fn left(&self, page: usize) -> f32 {
        if page % 2 == 1 {
            self.inner
        } else {
            self.outer
        }
    }
    fn right(&self, page: usize) -> f32 {
        self.left(page) + self.measure
    }
}

// ---- pdftotext -bbox-layout, parsed ----

#[derive(Debug, Clone)]
struct TLine {
    x0: f32,
    x1: f32,
    y0: f32,
    y1: f32,
    words: Vec<String>,
}

impl TLine {
    fn text(&self) -> String {
        self.words.join(" ")
    }
    fn height(&self) -> f32 {
        self.y1 - self.y0
    }
}

fn attr(tag: &str, name: &str) -> f32 {
    let key = format!("{name}=\"");
    tag.find(&key).and_then(|i| tag[i + key.len()..].split('"').next()).and_then(|v| v.parse().ok()).unwrap_or(f32::NAN)
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// Lines of every page (index 0 is page 1), in reading order.
fn bbox_pages(pdf: &Path) -> Vec<Vec<TLine>> {
    let xml = run("pdftotext", &["-bbox-layout", pdf.to_str().unwrap_or_default(), "-"]);
    let mut pages = Vec::new();
    for page in xml.split("<page ").skip(1) {
        let mut lines = Vec::new();
        for l in page.split("<line ").skip(1) {
            let head = l.split('>').next().unwrap_or("");
            let words = l
                .split("<word ")
                .skip(1)
                .filter_map(|w| w.split_once('>').and_then(|(_, rest)| rest.split("</word>").next()))
                .map(unescape)
                .collect();
            lines.push(TLine {
                x0: attr(head, "xMin"),
                x1: attr(head, "xMax"),
                y0: attr(head, "yMin"),
                y1: attr(head, "yMax"),
                words,
            });
        }
        lines.sort_by(|a, b| a.y0.total_cmp(&b.y0).then(a.x0.total_cmp(&b.x0)));
        pages.push(lines);
    }
    pages
}

/// Lines inside the text block (no running heads, no page numbers), and
/// the one a spread run a line long sets below it.
fn body(g: &Geo, lines: &[TLine]) -> Vec<TLine> {
    lines
        .iter()
        .filter(|l| {
            let mid = (l.y0 + l.y1) / 2.0;
            mid > g.top && mid < g.height - g.bottom + g.leading
        })
        .cloned()
        .collect()
}

/// Chapter openings: pages whose first text line is lowered and large.
fn openings(g: &Geo, pages: &[Vec<TLine>]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, p) in pages.iter().enumerate().skip(3) {
        let b = body(g, p);
        if let Some(first) = b.first() {
            if first.y0 > g.top + 2.0 * g.leading && first.height() > 1.4 * g.leading {
                // the title may take several lines of the same size
                let title: Vec<String> =
                    b.iter().take_while(|l| (l.height() - first.height()).abs() < 1.0).map(TLine::text).collect();
                out.push((i + 1, title.join(" ")));
            }
        }
    }
    out
}

/// Body lines of the text pages, tagged with their page number.
fn text_lines(g: &Geo, pages: &[Vec<TLine>], from: usize, to: usize) -> Vec<(usize, TLine)> {
    (from..to).flat_map(|n| body(g, &pages[n - 1]).into_iter().map(move |l| (n, l))).collect()
}

fn ends_flush(g: &Geo, page: usize, l: &TLine) -> bool {
    (l.x1 - g.right(page)).abs() <= TOL
}

fn starts_flush(g: &Geo, page: usize, l: &TLine) -> bool {
    (l.x0 - g.left(page)).abs() <= TOL
}

// ---- the EPUB's text ----

/// The XHTML files of the EPUB whose name starts with `prefix`, by name.
fn epub_files(epub: &Path, prefix: &str) -> Vec<String> {
    use std::io::Read;
    let file = std::fs::File::open(epub).expect("open the EPUB");
    let mut zip = zip::ZipArchive::new(file).expect("the EPUB is a zip");
    let mut names: Vec<String> =
        zip.file_names().filter(|n| n.starts_with(prefix) && n.ends_with(".xhtml")).map(str::to_string).collect();
    names.sort();
    names
        .iter()
        .map(|n| {
            let mut s = String::new();
            zip.by_name(n).expect("listed entry").read_to_string(&mut s).expect("UTF-8 XHTML");
            s
        })
        .collect()
}

fn epub_chapters(epub: &Path) -> Vec<String> {
    epub_files(epub, "OEBPS/ch")
        .iter()
        .map(|x| {
            let body = x.split("<body").nth(1).and_then(|b| b.split_once('>')).map(|b| b.1).unwrap_or("");
            // notes are set apart in the PDF; they are checked elsewhere
            let mut text = String::new();
            let mut rest = body;
            while let Some(i) = rest.find("<aside") {
                text.push_str(&rest[..i]);
                rest = rest[i..].split_once("</aside>").map(|x| x.1).unwrap_or("");
            }
            text.push_str(rest);
            // tags of inline elements join their text; others separate words
            let mut plain = String::new();
            let mut tag: Option<String> = None;
            for c in text.chars() {
                match (c, &mut tag) {
                    ('<', None) => tag = Some(String::new()),
                    ('>', Some(t)) => {
                        let name: String =
                            t.trim_start_matches('/').chars().take_while(|c| c.is_alphanumeric()).collect();
                        if !matches!(
                            name.as_str(),
                            "em" | "i" | "strong" | "b" | "span" | "a" | "sup" | "sub" | "code" | "s" | "del"
                        ) {
                            plain.push(' ');
                        }
                        tag = None;
                    }
                    (_, Some(t)) => t.push(c),
                    (_, None) => plain.push(c),
                }
            }
            unescape(&plain)
        })
        .collect()
}

/// Words that end a line by a hard break (`<br/>`) in the EPUB: such lines
/// are rightly short.
fn hard_break_words(epub: &Path) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    for x in epub_files(epub, "OEBPS/") {
        for part in x.split("<br").collect::<Vec<_>>().iter().rev().skip(1) {
            let before = part.rsplit('>').next().unwrap_or("");
            if let Some(w) = before.split_whitespace().last() {
                out.insert(unescape(w));
            }
        }
    }
    out
}

fn words(s: &str) -> Vec<String> {
    s.split(char::is_whitespace).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

// ---- the checks ----

fn check_fonts(name: &'static str) {
    let b = built(name);
    let out = run("pdffonts", &[b.pdf.to_str().unwrap_or_default()]);
    let rows: Vec<&str> = out.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts listed");
    for r in rows {
        let cols: Vec<&str> = r.split_whitespace().collect();
        let n = cols.len();
        assert!(n >= 5 && cols[n - 5] == "yes" && cols[n - 4] == "yes", "font not embedded and subset: {r}");
        assert!(cols[0].len() > 7 && cols[0].as_bytes()[6] == b'+', "no subset tag: {r}");
    }
}

fn check_text(name: &'static str) {
    let g = geo();
    let b = built(name);
    let pages = bbox_pages(&b.pdf);
    let opens = openings(&g, &pages);
    let chapters = epub_chapters(&b.epub);
    assert_eq!(opens.len(), chapters.len(), "chapter openings found: {opens:?}");
    for (k, (start, _)) in opens.iter().enumerate() {
        let end = opens.get(k + 1).map(|o| o.0).unwrap_or(pages.len() + 1);
        let lines = text_lines(&g, &pages, *start, end);
        // join words broken at a line end: the engine's hyphen is `-` and
        // goes; a word's own hyphen there stands for U+2010 and stays
        // (word, byte index of the engine's hyphen when joined)
        let mut got: Vec<(String, Option<usize>)> = Vec::new();
        let mut carry: Option<(String, bool)> = None;
        for (_, l) in &lines {
            let mut ws = l.words.clone();
            if let (Some((c, own)), Some(first)) = (carry.take(), ws.first_mut()) {
                *first = format!("{c}{first}");
                got.push((ws.remove(0), (!own).then(|| c.len() - 1)));
            }
            if let Some(w) = ws.last().filter(|w| w.len() > 1) {
                if let Some(stem) = w.strip_suffix('\u{2010}') {
                    carry = Some((format!("{stem}-"), true));
                    ws.pop();
                } else if w.ends_with('-') {
                    carry = ws.pop().map(|w| (w, false));
                }
            }
            got.extend(ws.into_iter().map(|w| (w, None)));
        }
        if let Some((c, _)) = carry {
            got.push((c, None));
        }
        let want = words(&chapters[k]);
        let sheet = folio::style::Style::builtin().sheet;
        let (bullet, ornament) = (sheet.lists.bullet, sheet.scene_break.ornament);
        let is_marker = |w: &str| w == bullet || (w.ends_with('.') && w[..w.len() - 1].parse::<u64>().is_ok());
        let (mut i, mut j) = (0, 0);
        while i < got.len() && j < want.len() {
            let (w, join) = &got[i];
            // an engine hyphen vanishes when the word is joined
            let unhyphenated = join.map(|at| format!("{}{}", &w[..at], &w[at + 1..]));
            if unhyphenated.as_deref().unwrap_or(w) == want[j] {
                i += 1;
                j += 1;
            } else if w.chars().all(|c| c == '*' || c.is_whitespace()) && want[j] == ornament {
                // the font lacks the sheet's ornament: the PDF draws asterisks
                while got.get(i).is_some_and(|(w, _)| w.chars().all(|c| c == '*' || c.is_whitespace())) {
                    i += 1;
                }
                j += 1;
            } else if is_marker(w) {
                // list markers are drawn by the PDF, by CSS in the EPUB
                i += 1;
            } else {
                panic!(
                    "{name} chapter {}: word {j} differs: PDF `{w}`, EPUB `{}`\ncontext: {:?}",
                    k + 1,
                    want[j],
                    &want[j.saturating_sub(5)..(j + 5).min(want.len())]
                );
            }
        }
        assert_eq!((got.len() - i, want.len() - j), (0, 0), "{name} chapter {}: words left over (PDF, EPUB)", k + 1);
    }
}

fn check_margins_and_breaks(name: &'static str) {
    let g = geo();
    let b = built(name);
    let pages = bbox_pages(&b.pdf);
    let opens = openings(&g, &pages);
    let first = opens.first().map(|o| o.0).unwrap_or(1);
    let lines = text_lines(&g, &pages, first, pages.len() + 1);
    let hard = hard_break_words(&b.epub);
    let mut problems = Vec::new();
    let mut hyphen_run = 0;
    for (i, (p, l)) in lines.iter().enumerate() {
        if l.x1 > g.right(*p) + TOL {
            problems.push(format!("p{p}: past the right margin by {:.2}: {}", l.x1 - g.right(*p), l.text()));
        }
        let next = lines.get(i + 1);
        // A body line followed, on the same page and one line below, by a line
        // that starts flush left continues its paragraph: it must be justified.
        if let Some((np, nl)) = next {
            let below = (nl.y0 - l.y0 - g.leading).abs() < 1.0;
            if np == p
                && below
                && starts_flush(&g, *np, nl)
                && l.x0 < g.left(*p) + 3.0 * g.leading
                && !ends_flush(&g, *p, l)
                && !l.words.last().is_some_and(|w| hard.contains(w))
            {
                problems.push(format!("p{p}: justified line ends {:.2} short: {}", g.right(*p) - l.x1, l.text()));
            }
        }
        hyphen_run = if l.words.last().is_some_and(|w| w.ends_with('-')) { hyphen_run + 1 } else { 0 };
        if hyphen_run >= 3 {
            problems.push(format!("p{p}: three hyphenated lines in a row, ending: {}", l.text()));
        }
    }
    // widows and orphans, at each page break inside a chapter
    let open_pages: Vec<usize> = opens.iter().map(|o| o.0).collect();
    for w in lines.windows(2) {
        let ((pa, a), (pb, b)) = (&w[0], &w[1]);
        if pa == pb || open_pages.contains(pb) {
            continue;
        }
        let same_para = ends_flush(&g, *pa, a) && starts_flush(&g, *pb, b);
        if !same_para {
            continue;
        }
        let page_a: Vec<&TLine> = lines.iter().filter(|(p, _)| p == pa).map(|x| &x.1).collect();
        let page_b: Vec<&TLine> = lines.iter().filter(|(p, _)| p == pb).map(|x| &x.1).collect();
        // orphan: the paragraph's first line alone at the foot
        if let [.., before, _] = page_a.as_slice() {
            let starts_para = !starts_flush(&g, *pa, a) || !ends_flush(&g, *pa, before);
            if starts_para {
                problems.push(format!("p{pa}: orphan at the foot: {}", a.text()));
            }
        }
        // widow: the paragraph's last line alone at the top
        if page_b.first().is_some_and(|f| !ends_flush(&g, *pb, f)) {
            problems.push(format!("p{pb}: widow at the top: {}", b.text()));
        }
    }
    let hyphenated = lines.iter().filter(|(_, l)| l.words.last().is_some_and(|w| w.ends_with('-'))).count();
    let split_paragraphs = lines.windows(2).filter(|w| w[0].0 != w[1].0 && ends_flush(&g, w[0].0, &w[0].1) && starts_flush(&g, w[1].0, &w[1].1)).count();
    println!(
        "{name}: {} body lines on {} pages, {} ending in a hyphen, {split_paragraphs} paragraphs split across pages: {} problems",
        lines.len(),
        pages.len(),
        hyphenated,
        problems.len()
    );
    assert!(problems.is_empty(), "{name}: {} problems:\n{}", problems.len(), problems.join("\n"));
}

/// The table of contents gives each chapter's opening page, and the
/// outline has one entry per chapter in book order.
fn check_toc_and_outline(name: &'static str) {
    let g = geo();
    let b = built(name);
    let pages = bbox_pages(&b.pdf);
    let opens = openings(&g, &pages);
    // TOC lines: "title … number", on the pages before the first chapter
    let first = opens.first().map(|o| o.0).unwrap_or(1);
    let mut toc: Vec<(String, usize)> = Vec::new();
    for p in &pages[2..first - 1] {
        let mut by_row: Vec<TLine> = body(&g, p);
        by_row.sort_by(|a, b| a.y0.total_cmp(&b.y0).then(a.x0.total_cmp(&b.x0)));
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut last_y = f32::NAN;
        for l in by_row {
            if (l.y0 - last_y).abs() < 1.0 {
                if let Some(r) = rows.last_mut() {
                    r.extend(l.words.clone());
                }
            } else {
                rows.push(l.words.clone());
            }
            last_y = l.y0;
        }
        for r in rows {
            if let Some(n) = r.last().and_then(|w| w.parse::<usize>().ok()) {
                toc.push((r[..r.len() - 1].join(" "), n));
            }
        }
    }
    let want: Vec<(String, usize)> = opens.iter().map(|(p, t)| (t.clone(), *p)).collect();
    assert_eq!(toc, want, "{name}: table of contents vs chapter openings");

    let doc = lopdf::Document::load(&b.pdf).expect("lopdf reads the PDF");
    let page_no: HashMap<lopdf::ObjectId, usize> =
        doc.get_pages().into_iter().map(|(n, id)| (id, n as usize)).collect();
    let catalog = doc.catalog().expect("catalog");
    assert!(catalog.get(b"Lang").is_ok(), "no /Lang");
    let outlines = catalog.get(b"Outlines").and_then(|o| o.as_reference()).expect("/Outlines");
    let root = doc.get_dictionary(outlines).expect("outline root");
    let mut cur = root.get(b"First").and_then(|o| o.as_reference()).ok();
    let mut got = Vec::new();
    while let Some(id) = cur {
        let d = doc.get_dictionary(id).expect("outline item");
        let title = d.get(b"Title").ok().and_then(|t| lopdf::decode_text_string(t).ok()).unwrap_or_default();
        let page = d
            .get(b"Dest")
            .and_then(|a| a.as_array())
            .ok()
            .and_then(|a| a.first())
            .and_then(|p| p.as_reference().ok())
            .and_then(|p| page_no.get(&p).copied())
            .unwrap_or(0);
        // pdftotext gives no-break spaces as plain ones.
        got.push((title.replace(['\u{a0}', '\u{202f}'], " "), page));
        cur = d.get(b"Next").and_then(|o| o.as_reference()).ok();
    }
    assert_eq!(got, want, "{name}: outline vs chapter openings");
}

fn check_reproducible(name: &'static str) {
    let b = built(name);
    // The second build also writes the layout trace: the PDF must not change.
    let dir = build(name, "pdf", "b", &["--dump-layout"]);
    let again = find(&dir, "pdf");
    let trace = std::fs::read_to_string(find(&dir, "txt")).unwrap_or_default();
    let (x, y) = (std::fs::read(&b.pdf).unwrap_or_default(), std::fs::read(&again).unwrap_or_default());
    let _ = std::fs::remove_dir_all(dir);
    assert!(!x.is_empty() && x == y, "{name}: two builds differ");
    assert!(trace.lines().count() > 1000, "{name}: the layout trace is missing or short");
}

/// The text a reader copies: poppler (like most readers) drops a `-` that
/// ends a line as the typesetter's hyphen, so a compound broken at its own
/// hyphen must not show `-` there, or `peut-être` comes out `peutêtre`.
fn check_copied_text(name: &'static str, at_least: usize) {
    let b = built(name);
    let text = run("pdftotext", &[b.pdf.to_str().unwrap_or_default(), "-"]);
    let want: std::collections::HashSet<String> = epub_chapters(&b.epub).iter().flat_map(|c| words(c)).collect();
    // every compound of the book, glued: what a lost hyphen would make
    let glued: HashMap<String, &String> =
        want.iter().filter(|w| w.contains('-')).map(|w| (w.replace('-', ""), w)).filter(|(g, _)| !want.contains(g)).collect();
    let lost: Vec<String> = words(&text).into_iter().filter_map(|w| glued.get(&w).map(|c| format!("{w} ({c})"))).collect();
    assert!(lost.is_empty(), "{name}: compounds copied without their hyphen: {lost:?}");
    // the kept hyphens are there, and rejoin into the book's words
    let kept: Vec<&str> = text.match_indices("\u{2010}\n").map(|(i, _)| text[..i].rsplit(char::is_whitespace).next().unwrap_or("")).collect();
    assert!(kept.len() >= at_least, "{name}: {} line-end hyphens kept, expected at least {at_least}", kept.len());
    let joined = text.replace("\u{2010}\n", "-");
    for stem in kept {
        let word = joined.split(char::is_whitespace).find(|w| w.starts_with(&format!("{stem}-")));
        // (at a page's foot the word goes on after the page number)
        let across_pages = word.is_some_and(|w| w.len() == stem.len() + 1);
        assert!(across_pages || word.is_some_and(|w| want.contains(w)), "{name}: `{stem}‐` rejoins into {word:?}, not a word of the book");
    }
}

/// Every web link of the EPUB is one the PDF follows (`pdfinfo -url`
/// lists its link annotations), on the book's last pages, where the
/// chapter that holds them (`a-propos.md`) is set.
fn check_web_links(name: &'static str, at_least: usize) {
    let b = built(name);
    let pdf = b.pdf.to_str().unwrap_or_default();
    let want: std::collections::BTreeSet<String> = epub_files(&b.epub, "OEBPS/ch")
        .iter()
        .flat_map(|x| x.split("<a href=\"").skip(1).map(|h| unescape(h.split('"').next().unwrap_or(""))).collect::<Vec<_>>())
        .filter(|h| h.starts_with("http") || h.starts_with("mailto:"))
        .collect();
    assert!(want.len() >= at_least, "{name}: {} web links in the EPUB", want.len());
    let listed = run("pdfinfo", &["-url", pdf]);
    let got: std::collections::BTreeSet<String> = listed.lines().skip(1).filter_map(|l| l.split_whitespace().nth(2).map(str::to_string)).collect();
    assert_eq!(got, want, "{name}: the PDF's links");
    let last_pages: Vec<usize> = listed.lines().skip(1).filter_map(|l| l.split_whitespace().next()?.parse().ok()).collect();
    let count: usize = run("pdfinfo", &[pdf]).lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).unwrap_or(0);
    assert!(last_pages.iter().all(|&p| p + 3 > count), "{name}: links on pages {last_pages:?} of {count}");
}

#[test]
fn corpus_fonts_are_embedded_and_subset() {
    check_fonts("noir-et-blanc");
    check_fonts("pas-tout-a-fait-des-hommes");
}

#[test]
fn corpus_text_matches_the_epub() {
    check_text("noir-et-blanc");
    check_text("pas-tout-a-fait-des-hommes");
}

#[test]
fn corpus_margins_hyphens_widows_orphans() {
    check_margins_and_breaks("noir-et-blanc");
    check_margins_and_breaks("pas-tout-a-fait-des-hommes");
}

#[test]
fn corpus_toc_and_outline_point_at_chapter_openings() {
    check_toc_and_outline("noir-et-blanc");
    check_toc_and_outline("pas-tout-a-fait-des-hommes");
}

#[test]
fn corpus_builds_are_byte_identical() {
    check_reproducible("noir-et-blanc");
    check_reproducible("pas-tout-a-fait-des-hommes");
}

#[test]
fn corpus_copied_text_keeps_compound_hyphens() {
    check_copied_text("noir-et-blanc", 5);
    check_copied_text("pas-tout-a-fait-des-hommes", 20);
}

#[test]
fn corpus_web_links_are_followed_in_the_pdf() {
    check_web_links("noir-et-blanc", 8);
}

/// A note called from inside another note is printed after it, on the page
/// of the call, numbered as in the EPUB (its text was missing).
#[test]
fn a_note_called_from_a_note_is_printed() {
    let dir = common::scratch("nested_note");
    std::fs::write(dir.join("book.yaml"), "title: Test\nauthor: A\nlanguage: en\nchapters:\n  - a.md\n").unwrap();
    std::fs::write(dir.join("a.md"), "# N\n\nText[^a].\n\n[^a]: outer[^b]\n[^b]: inner\n").unwrap();
    let out = dir.join("out");
    common::build(&dir, &out, "pdf", EPOCH);
    let text = run("pdftotext", &[common::only_file(&out, "pdf").to_str().unwrap(), "-"]);
    let words: Vec<&str> = text.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "outer2").unwrap_or_else(|| panic!("{text}"));
    assert_eq!(words[at + 1..at + 3], ["2", "inner"], "{text}");
}

/// An image the PDF cannot hold (a GIF): its alt text and caption stand
/// for it, no words lost.
#[test]
fn a_figure_left_out_keeps_its_words() {
    let dir = common::scratch("gif_figure");
    std::fs::write(dir.join("book.yaml"), "title: Test\nlanguage: en\nchapters:\n  - a.md\n").unwrap();
    std::fs::write(dir.join("a.md"), "# G\n\n![the alt](p.gif \"Caption here\")\n").unwrap();
    std::fs::write(dir.join("p.gif"), b"GIF89a\x01\x00\x01\x00\x00\x00\x00;").unwrap();
    let out = dir.join("out");
    common::build(&dir, &out, "pdf", EPOCH);
    let text = run("pdftotext", &[common::only_file(&out, "pdf").to_str().unwrap(), "-"]);
    assert!(text.contains("[the alt]") && text.contains("Caption here"), "{text}");
}

/// A table of many columns stays within the measure, every cell there and
/// no number broken: it is set smaller instead.
#[test]
fn a_wide_table_fits_the_measure() {
    let dir = common::scratch("wide_table");
    std::fs::write(dir.join("book.yaml"), "title: Test\nlanguage: en\nchapters:\n  - a.md\n").unwrap();
    let head: String = (10..34).map(|n| format!("| {n} ")).collect();
    let md = format!("# T\n\n{head}|\n{}|\n{}|\n", "|---".repeat(24), "| x ".repeat(24));
    std::fs::write(dir.join("a.md"), md).unwrap();
    let out = dir.join("out");
    common::build(&dir, &out, "pdf", EPOCH);
    let pdf = common::only_file(&out, "pdf");
    let text = run("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let words: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(words.iter().filter(|w| **w == "x").count(), 24, "{text}");
    for n in 10..34 {
        assert!(words.contains(&n.to_string().as_str()), "{n} broken or lost: {text}");
    }
    let g = geo();
    for (i, page) in bbox_pages(&pdf).iter().enumerate() {
        for l in page {
            assert!(l.x1 <= g.right(i + 1) + TOL, "page {}: past the margin: {}", i + 1, l.text());
        }
    }
}

/// A web address too long for a line breaks without a hyphen, which would
/// read as part of it.
#[test]
fn a_long_address_breaks_without_a_hyphen() {
    let dir = common::scratch("long_url");
    std::fs::write(dir.join("book.yaml"), "title: Test\nlanguage: en\nchapters:\n  - a.md\n").unwrap();
    let url = format!("https://example.org/{}/{}", "abcdefghij".repeat(6), "klmnopqrst".repeat(4));
    std::fs::write(dir.join("a.md"), format!("# U\n\nSee {url} now.\n")).unwrap();
    let out = dir.join("out");
    common::build(&dir, &out, "pdf", EPOCH);
    let text = run("pdftotext", &[common::only_file(&out, "pdf").to_str().unwrap(), "-"]);
    let at = text.find("https://").unwrap_or_else(|| panic!("{text}"));
    let tail: Vec<&str> = text[at..].lines().take_while(|l| !l.contains("now.")).collect();
    assert!(tail.len() >= 2 && tail.iter().all(|l| !l.ends_with('-')), "{tail:?}");
    let joined: String = text[at..].lines().take(tail.len() + 1).collect();
    assert!(joined.starts_with(&url), "{joined}");
}
