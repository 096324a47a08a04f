//! End-to-end checks of the EPUB: the real EPUBCheck, the text of both
//! corpus novels word for word, reproducibility, the seed chapter. Tests
//! that need `../shared/corpus` have `corpus` in their name, so that a
//! machine without it can skip them (`make test TEST_ARGS="--skip corpus"`).

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const EPOCH: &str = "1700000000";

/// Build each manuscript once per test binary: (manuscript dir, epub path, stderr).
type Built = (PathBuf, PathBuf, String);

fn built(name: &str) -> &'static Built {
    static CELLS: OnceLock<std::sync::Mutex<std::collections::HashMap<String, &'static Built>>> = OnceLock::new();
    let map = CELLS.get_or_init(Default::default);
    let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
    map.entry(name.to_string())
        .or_insert_with(|| {
            let dir = if name == "manuscript" { repo().join("manuscript") } else { corpus(name) };
            let out = scratch(&format!("epub-{name}"));
            let o = build(&dir, &out, "epub", EPOCH);
            Box::leak(Box::new((dir, only_file(&out, "epub"), String::from_utf8_lossy(&o.stderr).into_owned())))
        })
}

#[test]
fn corpus_epubcheck_passes_on_the_manuscript_and_both_novels() {
    for name in ["manuscript", "noir-et-blanc", "pas-tout-a-fait-des-hommes"] {
        let out = epubcheck(&built(name).1);
        println!("{name}: {}", out.lines().find(|l| l.starts_with("Messages:")).unwrap_or(""));
    }
}

/// The words of a Markdown source as a reader sees them: front matter, link
/// targets, HTML tags and footnote labels left out.
fn markdown_words(md: &str) -> Vec<String> {
    let body = match md.strip_prefix("---\n").and_then(|r| r.split_once("\n---\n")) {
        Some((_, b)) => b,
        None => md,
    };
    let mut s = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = rest.find(['(', '<', '[']) {
        s.push_str(&rest[..i]);
        let r = &rest[i..];
        let skip = if r.starts_with('(') && s.ends_with(']') {
            r.find(')').map(|e| e + 1)
        } else if r.starts_with('<') {
            r.find('>').map(|e| e + 1).filter(|_| r[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!'))
        } else if r.starts_with("[^") {
            r.find(']').map(|e| e + 1)
        } else {
            None
        };
        match skip {
            Some(n) => rest = &r[n..],
            None => {
                s.push_str(&r[..1]);
                rest = &r[1..];
            }
        }
    }
    s.push_str(rest);
    words(&s)
}

/// Every word of every chapter file appears, in order, in the EPUB's text;
/// the EPUB adds nothing but titles and note numbers.
fn assert_words_in_order(name: &str) {
    let (dir, epub, _) = built(name);
    let yaml = std::fs::read_to_string(dir.join("book.yaml")).unwrap();
    let files: Vec<String> = yaml
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- file:").or_else(|| l.trim().strip_prefix("- ")))
        .map(|f| f.trim().to_string())
        .filter(|f| f.ends_with(".md"))
        .collect();
    assert!(!files.is_empty());
    let source: Vec<String> = files.iter().flat_map(|f| markdown_words(&std::fs::read_to_string(dir.join(f)).unwrap())).collect();
    let book: Vec<String> = epub_chapters(epub).iter().flat_map(|(_, x)| words(&xhtml_text(x))).collect();
    let mut j = 0;
    for (i, w) in source.iter().enumerate() {
        match book[j..].iter().position(|b| b == w) {
            Some(k) => {
                assert!(k <= 8, "{name}: source word {i} `{w}` found only {k} words later; EPUB around it: {:?}", &book[j..(j + 12).min(book.len())]);
                j += k + 1;
            }
            None => panic!("{name}: source word {i} `{w}` (after {:?}) missing from the EPUB", &source[i.saturating_sub(8)..i]),
        }
    }
    let extra = book.len() - source.len();
    println!("{name}: {} source words, all in order in the EPUB ({} words; {extra} added by titles and note numbers)", source.len(), book.len());
    assert!(extra * 100 < source.len(), "{name}: the EPUB has {extra} words the manuscript does not");
}

#[test]
fn corpus_every_word_of_noir_et_blanc_is_in_the_epub() {
    assert_words_in_order("noir-et-blanc");
}

#[test]
fn corpus_every_word_of_pas_tout_a_fait_des_hommes_is_in_the_epub() {
    assert_words_in_order("pas-tout-a-fait-des-hommes");
}

#[test]
fn corpus_same_source_date_epoch_gives_the_same_bytes() {
    let dir = corpus("noir-et-blanc");
    let (a, b, c) = (scratch("repro-a"), scratch("repro-b"), scratch("repro-c"));
    build(&dir, &a, "epub", EPOCH);
    build(&dir, &b, "epub", EPOCH);
    build(&dir, &c, "epub", "1600000000");
    let read = |d: &Path| std::fs::read(only_file(d, "epub")).unwrap();
    assert!(read(&a) == read(&b), "two builds with one SOURCE_DATE_EPOCH differ");
    assert!(read(&a) != read(&c), "SOURCE_DATE_EPOCH is not used");
    let opf = zip_texts(&only_file(&c, "epub"), |n| n.ends_with(".opf"));
    assert!(opf[0].1.contains("<meta property=\"dcterms:modified\">2020-09-13T12:26:40Z</meta>"), "{}", opf[0].1);
}

#[test]
fn corpus_package_has_metadata_nav_and_accessibility() {
    let (_, epub, _) = built("noir-et-blanc");
    let opf = &zip_texts(epub, |n| n.ends_with(".opf"))[0].1;
    for needle in [
        "<dc:title>Noir &amp; Blanc</dc:title>",
        "<dc:creator id=\"epub-creator-0\">Lizzie Crowdagger</dc:creator>",
        "<dc:language id=\"lang-0\">fr</dc:language>",
        "<dc:rights>CC BY-SA 4.0</dc:rights>",
        "properties=\"cover-image\"",
        "schema:accessMode\">textual<",
        "schema:accessModeSufficient\">textual<",
        "schema:accessibilityFeature\">structuralNavigation<",
        "schema:accessibilityHazard\">none<",
        "schema:accessibilitySummary",
    ] {
        assert!(opf.contains(needle), "content.opf lacks {needle}:\n{opf}");
    }
    assert!(opf.contains("version=\"3.0\""));
    let nav = &zip_texts(epub, |n| n.ends_with("nav.xhtml"))[0].1;
    assert!(nav.contains("lang=\"fr\""), "{nav}");
    assert!(nav.contains("epub:type = \"landmarks\"") || nav.contains("epub:type=\"landmarks\""));
    let chapters = epub_chapters(epub);
    assert_eq!(chapters.len(), 10, "one document per chapter");
    for (n, x) in &chapters {
        assert!(x.contains("xml:lang=\"fr\""), "{n} lacks its language");
    }
    assert!(zip_texts(epub, |n| n.ends_with(".ncx")).len() == 1);
}

#[test]
fn seed_chapter_is_repaired() {
    let (_, epub, stderr) = built("manuscript");
    let chapters = epub_chapters(epub);
    assert_eq!(chapters.len(), 1);
    let x = &chapters[0].1;
    assert!(!x.chars().any(|c| ('\u{300}'..='\u{36f}').contains(&c)), "combining accents left: the text is not NFC");
    let text = xhtml_text(x);
    for w in ["terrible", "supercalculateur", "ordinateurs", "personnel", "Etats-Unis", "mutualiser", "apprit"] {
        assert!(text.contains(w), "`{w}` missing from the seed's EPUB text");
    }
    for bad in ["ter- rible", "super- calculateur", "ordina- teurs", "####"] {
        assert!(!text.contains(bad), "`{bad}` left in the seed's EPUB text");
    }
    for n in 1..=3 {
        let h = x.lines().find(|l| l.contains(&format!("Histoire {n}<"))).unwrap_or_else(|| panic!("no heading Histoire {n}"));
        assert!(h.starts_with("<h2") && h.contains("text-center"), "Histoire {n}: {h}");
    }
    assert!(stderr.contains("promené4"), "no warning for promené4:\n{stderr}");
    assert!(stderr.contains("jour-4.md:"), "warnings must name the file:\n{stderr}");
}

/// One French chapter built into both books: the EPUB (checked by
/// EPUBCheck) chapters' XHTML, the PDF's text (`pdftotext`, with `args`)
/// and its fonts (`pdffonts`).
/// A French book of one file, `md`, with `files` (images) beside it,
/// built in `format`: the output folder.
fn book_with(name: &str, md: &str, files: &[(&str, Vec<u8>)], format: &str) -> std::path::PathBuf {
    let m = manuscript(name, &files.iter().map(|(p, b)| (*p, b.as_slice())).collect::<Vec<_>>());
    std::fs::write(m.join("book.yaml"), "title: Livre\nlanguage: fr\n").unwrap();
    std::fs::write(m.join("a.md"), md).unwrap();
    let out = m.with_file_name("out");
    build(&m, &out, format, EPOCH);
    out
}

/// The number of pages of a PDF (pdfinfo).
fn page_count(pdf: &std::path::Path) -> u32 {
    let info = String::from_utf8(std::process::Command::new("pdfinfo").arg(pdf).output().unwrap().stdout).unwrap();
    info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap()
}

fn both_books(name: &str, md: &str, args: &[&str]) -> (String, String, String) {
    let out = book_with(name, md, &[], "all");
    let epub = only_file(&out, "epub");
    epubcheck(&epub);
    let xhtml = epub_chapters(&epub).into_iter().map(|(_, t)| t).collect();
    let pdf = only_file(&out, "pdf");
    let run = |cmd: &str, args: &[&str]| String::from_utf8(std::process::Command::new(cmd).args(args).arg(&pdf).args(if cmd == "pdftotext" { &["-"][..] } else { &[][..] }).output().unwrap().stdout).unwrap();
    (xhtml, run("pdftotext", args), run("pdffonts", &[]))
}

/// kramdown definition lists are laid out in both books: `<dl>` in the
/// EPUB (still valid), the term in bold and its definitions in the PDF.
#[test]
fn definition_lists_in_both_books() {
    let (xhtml, text, fonts) = both_books("deflist", "# Mots\n\nAvant.\n\nApocope\n: Chute de la fin d'un mot.\n: Un second sens.\n\n*Aphérèse*\n: Chute du début.\n\nAprès.\n", &[]);
    for want in ["<dl>", "<dt>Apocope</dt>", "<dd>Chute de la fin d’un mot.</dd>", "<dd>Un second sens.</dd>", "<dt><em>Aphérèse</em></dt>"] {
        assert!(xhtml.contains(want), "{want} in {xhtml}");
    }
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Avant. Apocope Chute de la fin d’un mot. Un second sens. Aphérèse Chute du début. Après."), "{flat}");
    assert!(fonts.contains("Vollkorn-Bold") && fonts.contains("Vollkorn-BoldItalic"), "terms are set in bold: {fonts}");
}

/// A picture is as large in the PDF as the EPUB shows it, a pixel to a CSS
/// pixel (0.75 pt), up to the measure: a small one is not blown up into a
/// blur, a large one fits the text's width (measured on the rendered page).
#[test]
fn figures_keep_their_size_up_to_the_measure() {
    let images = [("small.png", png(200, 100, [255, 0, 0])), ("large.png", png(3000, 600, [0, 0, 255]))];
    let out = book_with("figure-size", "# Un\n\n![petite](small.png)\n\n# Deux\n\n![grande](large.png)\n", &images, "pdf");
    let pdf = only_file(&out, "pdf");
    let pages = page_count(&pdf);
    // At 72 dpi a pixel of the page is a point.
    let find = |rgb| (1..=pages).find_map(|p| colour_box(&pdf, p, 72, rgb)).expect("the figure is on a page");
    let (_, _, w, h) = find([255, 0, 0]);
    assert!(w.abs_diff(150) <= 2 && h.abs_diff(75) <= 2, "200×100 px set at {w}×{h} pt");
    let (_, _, w, h) = find([0, 0, 255]);
    assert!((250..400).contains(&w) && (w / 5).abs_diff(h) <= 2, "3000×600 px set at {w}×{h} pt: the measure");
}

/// What pandoc's Markdown writes and CommonMark reads otherwise comes out
/// as pandoc makes it: a fenced div's class styles its paragraphs, `H~2~O`
/// and `XIX^e^` are sub- and superscripts, an inline note is a note,
/// bracketed spans are their text and `\\newpage` goes (before, `:::` made
/// the paragraph before it a definition list's term, and the rest printed
/// as typed).
#[test]
fn pandoc_habits_in_both_books() {
    let md = "# Notes\n\nAvant le XIX^e^ siècle, l'eau (H~2~O) et [rien]{.smallcaps} d'autre^[Une note en ligne, *vraiment*.].\n\n\
        Un fait^[Une note tapée\nsur deux lignes.] connu.\n\n\
        ::: {.text-center}\nCentré.\n:::\n\n::: {.text-center}\nUn.\n\nDeux.\n:::\n\n\\newpage\n\nFin.\n";
    let (xhtml, text, _) = both_books("pandoc", md, &[]);
    for want in ["XIX<sup>e</sup> siècle", "H<sub>2</sub>O", "et rien d’autre<sup><a", "<p class=\"text-center\">Centré.</p>", "<p class=\"text-center\">Un.</p>", "<p class=\"text-center\">Deux.</p>", "<p>Une note en ligne, <em>vraiment</em>.</p>", "Un fait<sup><a", "<p>Une note tapée sur deux lignes.</p>"] {
        assert!(xhtml.contains(want), "{want} in {xhtml}");
    }
    for not in [":::", "newpage", "{.", "^["] {
        assert!(!xhtml.contains(not) && !text.contains(not), "{not} printed: {xhtml}\n{text}");
    }
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Une note en ligne, vraiment.") && flat.contains("Une note tapée sur deux lignes.") && flat.contains("Centré. Un. Deux. Fin."), "{flat}");
}

/// A figure's caption (its Markdown title, with the text's typography,
/// or an HTML `<figcaption>`) is under the image in both books: a
/// `<figure>` with its `<figcaption>` (EPUBCheck-valid), in the PDF the
/// caption on the image's page, just under it.
#[test]
fn figures_have_their_captions_in_both_books() {
    let md = "# Un\n\nAvant.\n\n![Le port](port.png \"Le port, à l'aube: vue du quai\")\n\nEntre.\n\n\
        <figure><img src=\"phare.png\" alt=\"Un phare\"><figcaption>Le <em>phare</em> de nuit</figcaption></figure>\n\nAprès.\n";
    let images = [("port.png", png(400, 300, [0, 160, 0])), ("phare.png", png(300, 200, [0, 0, 255]))];
    let out = book_with("captions", md, &images, "all");
    let epub = only_file(&out, "epub");
    epubcheck(&epub);
    let xhtml: String = epub_chapters(&epub).into_iter().map(|(_, t)| t).collect();
    for want in ["alt=\"Le port\"/><figcaption>Le port, à l’aube\u{a0}: vue du quai</figcaption></figure>", "alt=\"Un phare\"/><figcaption>Le <em>phare</em> de nuit</figcaption></figure>"] {
        assert!(xhtml.contains(want), "{want} in {xhtml}");
    }
    let pdf = only_file(&out, "pdf");
    let pages = page_count(&pdf);
    for (rgb, caption) in [([0, 160, 0], "Le port, à l’aube"), ([0, 0, 255], "Le phare de nuit")] {
        let (page, (_, top, _, h)) = (1..=pages).find_map(|p| colour_box(&pdf, p, 72, rgb).map(|b| (p, b))).expect("the figure is on a page");
        // the caption's words from pdftotext -bbox: on that page, their top
        // within two lines under the image's bottom
        let p = page.to_string();
        let bbox = String::from_utf8(std::process::Command::new("pdftotext").args(["-bbox", "-f", &p, "-l", &p]).arg(&pdf).arg("-").output().unwrap().stdout).unwrap();
        let first = caption.split(' ').next().unwrap();
        let y = bbox.lines().filter(|l| l.ends_with(&format!(">{first}</word>"))).filter_map(|l| l.split("yMin=\"").nth(1)?.split('"').next()?.parse::<f32>().ok()).find(|&y| y >= (top + h) as f32 - 1.0);
        let y = y.unwrap_or_else(|| panic!("{caption:?} not under its figure on page {page}: {bbox}"));
        assert!(y - ((top + h) as f32) < 30.0, "{caption:?} at {y}, the figure ends at {}", top + h);
    }
}

/// What a blog post writes in HTML keeps its structure in both books:
/// paragraphs, a heading (in the contents), a list, a table, a link and
/// HTML's named characters, where all of it was one paragraph before.
#[test]
fn html_blocks_keep_their_structure_in_both_books() {
    let md = "# Billet\n\n<p>Premier <em>paragraphe</em> avec un <a href=\"https://example.org/\">lien</a>.</p>\n\
        <p>Second, dans la for&ecirc;t.</p>\n<h2>Une partie</h2>\n<ul><li>un<li>deux</ul>\n\
        <table><tr><th>Col A<th>Col B<tr><td>1<td>2</table>\n<div class=\"note\">Fin.</div>\n";
    let (xhtml, text, _) = both_books("html-blocks", md, &[]);
    for want in ["Premier <em>paragraphe</em> avec un <a href=\"https://example.org/\">lien</a>.</p>", "forêt.</p>", "Une partie</h2>", "<li>un</li>", "<li>deux</li>", "<th scope=\"col\">Col A</th>", "<td>2</td>", "<p>Fin.</p>"] {
        assert!(xhtml.contains(want), "{want} in {xhtml}");
    }
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    for want in ["Premier paragraphe avec un lien.", "Second, dans la forêt.", "Une partie", "Fin."] {
        assert!(lines.contains(&want), "{want} alone on its line in {text}");
    }
}

/// Characters the fonts lack (Chinese, an emoji, a heart in Vollkorn):
/// the build says which, and the PDF's text keeps them (before, every box
/// stood for the same character in the text: `中文` came out `♥♥`).
#[test]
fn characters_the_fonts_lack_are_named_and_kept_in_the_text() {
    let out = book_with("missing-glyphs", "# Un\n\nUn mot 中文 et 😀 puis ♥ et ελληνικά, fin.\n", &[], "all");
    let o = folio().args(["build", "--format", "pdf", "--manuscript"]).arg(out.parent().unwrap().join("m")).arg("--out").arg(&out).env("SOURCE_DATE_EPOCH", EPOCH).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("the fonts have no glyph for ♥ 中 文 😀 (4 characters)"), "{err}");
    let text = String::from_utf8(std::process::Command::new("pdftotext").arg(only_file(&out, "pdf")).arg("-").output().unwrap().stdout).unwrap();
    assert!(text.contains("Un mot 中文 et 😀 puis ♥ et ελληνικά, fin."), "{text}");
}

/// Soft hyphens typed in the text (U+00AD, as a word processor's optional
/// hyphens paste): kept in the EPUB for its reader to break at; in the PDF
/// the word's only break points, and nothing in its text (before, every
/// space of the PDF's text came out as a soft hyphen, and a word holding
/// one never broke).
#[test]
fn soft_hyphens_in_both_books() {
    let word = "anti\u{ad}constitution\u{ad}nellement";
    let md = format!("# Mots\n\n{}\n", vec![format!("Un mot {word} et un autre."); 30].join(" "));
    let (xhtml, text, _) = both_books("soft-hyphens", &md, &["-layout"]);
    assert!(xhtml.contains(word), "{xhtml}");
    assert!(!text.contains('\u{ad}'), "soft hyphens in the PDF's text: {text:?}");
    let words: Vec<&str> = text.split_whitespace().collect();
    assert!(words.contains(&"Un") && words.contains(&"mot"), "{text:?}");
    let broken: Vec<&str> = text.lines().map(str::trim_end).filter(|l| l.ends_with('-')).collect();
    assert!(!broken.is_empty() && broken.iter().all(|l| l.ends_with("anti-") || l.ends_with("anticonstitution-")), "{broken:?}");
}

/// A link to another chapter's file (`b.md`, `../a.md`, a Jekyll post's
/// name) goes to that chapter in both books, and one with a fragment
/// (`b.md#part`, `#part`) to the heading it names, by its id or by the id
/// kramdown would give it (`#` alone, or the title's, to the chapter's start): an EPUB link (EPUBCheck checks it leads
/// somewhere) and a PDF link to the page the table of contents links to,
/// or to just above the heading. What leads nowhere is warned about, at
/// its line.
#[test]
fn links_between_chapters_in_both_books() {
    let d = scratch("xref");
    let m = d.join("m");
    std::fs::create_dir_all(m.join("posts")).unwrap();
    std::fs::write(m.join("book.yaml"), "title: X\nlanguage: en\nchapters: [a.md, posts/2020-01-02-b.md, c.md]\n").unwrap();
    std::fs::write(
        m.join("a.md"),
        "# One\n\nSee [two](posts/2020-01-02-b.md), [its part](posts/2020-01-02-b.md#part), [by name](2020-01-02-b), [three](c.md), [the web](https://example.org) and [nothing](missing.md).\n\nBelow: [the pupil](#élève), [as kramdown names it](#lve), [as written](#end) and [nowhere](#nowhere); above: [the top](#), [the title](#one) and [two's](posts/2020-01-02-b.md#two-id).\n\n## Élève\n\nText.\n\n## Last {#end}\n\nEnd.\n",
    )
    .unwrap();
    std::fs::write(m.join("posts/2020-01-02-b.md"), "# Two {#two-id}\n\nBack to [one](../a.md), [its pupil](../a.md#%C3%A9l%C3%A8ve) and [no such](../a.md#none).\n\n## Part\n\nText.\n").unwrap();
    std::fs::write(m.join("c.md"), "# Three\n\nEnd.\n").unwrap();
    let out = d.join("out");
    let o = build(&m, &out, "all", EPOCH);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    for want in [
        "a.md:3: a link to `missing.md`, which is no chapter of the book",
        "a.md:5: a link to `#nowhere`, but no heading of this file has that id",
        "2020-01-02-b.md:3: a link to `../a.md#none`, but no heading of a.md has the id `none`",
    ] {
        assert!(err.contains(want), "{want} in {err}");
    }
    let epub = only_file(&out, "epub");
    epubcheck(&epub);
    let hrefs: Vec<Vec<String>> =
        epub_chapters(&epub).iter().map(|(_, x)| x.split("<a href=\"").skip(1).filter_map(|h| h.split('"').next()).map(String::from).collect()).collect();
    assert_eq!(hrefs[0], ["ch002.xhtml", "ch002.xhtml#part", "ch002.xhtml", "ch003.xhtml", "https://example.org", "#élève", "#élève", "#end", "#ch001-title", "#ch001-title", "ch002.xhtml"]);
    assert_eq!(hrefs[1], ["ch001.xhtml", "ch001.xhtml#élève", "ch001.xhtml"]);
    // The PDF: its contents link once to each chapter; the text adds four
    // links to the second, one to the third and eight to the first.
    let pdf_path = only_file(&out, "pdf");
    let pdf = String::from_utf8_lossy(&std::fs::read(&pdf_path).unwrap()).into_owned();
    let dests: Vec<(&str, f32)> = pdf
        .split("/S/GoTo/D[")
        .skip(1)
        .filter_map(|t| {
            let (page, rest) = t.split_once(" 0 R/XYZ 0 ")?;
            Some((page, rest.split(' ').next()?.parse().ok()?))
        })
        .collect();
    let mut pages: Vec<&str> = dests.iter().map(|d| d.0).collect();
    pages.sort();
    let mut counts: Vec<usize> = pages.chunk_by(|a, b| a == b).map(<[&str]>::len).collect();
    counts.sort();
    assert_eq!(counts, [2, 5, 9], "{dests:?}");
    // Each link to a heading lands just above it: the tops of the
    // headings' words, from poppler, in PDF coordinates.
    let bbox = String::from_utf8(std::process::Command::new("pdftotext").arg("-bbox").arg(&pdf_path).arg("-").output().unwrap().stdout).unwrap();
    let height: f32 = bbox.split("<page width=\"").nth(1).and_then(|p| p.split("height=\"").nth(1)?.split('"').next()?.parse().ok()).unwrap();
    let top_of = |word: &str| -> f32 {
        let w = bbox.lines().find(|l| l.ends_with(&format!(">{word}</word>"))).unwrap_or_else(|| panic!("{word} in {bbox}"));
        height - w.split("yMin=\"").nth(1).unwrap().split('"').next().unwrap().parse::<f32>().unwrap()
    };
    let anchored: Vec<f32> = dests.iter().map(|d| d.1).filter(|&t| t < height - 0.5).collect();
    assert_eq!(anchored.len(), 5, "{dests:?}");
    for heading in ["Élève", "Last", "Part"] {
        let top = top_of(heading);
        assert!(anchored.iter().any(|&t| t >= top && t - top < 30.0), "a link lands just above {heading} ({top}): {anchored:?}");
    }
    assert!(anchored.iter().all(|&t| ["Élève", "Last", "Part"].iter().any(|h| t >= top_of(h) && t - top_of(h) < 30.0)), "{anchored:?}");
}

/// A chapter's headings of levels 2 and 3 are in both books' outlines,
/// under their chapter: the EPUB's table of contents (nested lists,
/// EPUBCheck-valid) and the PDF's bookmarks, each going to its heading's
/// page; not a heading inside a quote, nor one of level 4. An id written
/// twice is warned about, and the second heading given another.
#[test]
fn sections_in_both_outlines() {
    let filler: String = (0..40).map(|i| format!("Paragraph {i}, with words enough to fill a good part of a line, and then some more of them.\n\n")).collect();
    let a = format!("# Alpha\n\n## First part\n\n{filler}### Detail\n\n{filler}> ## Quoted\n\n#### Small\n\n## Second part {{#second}}\n\nEnd.\n");
    let m = manuscript_of_texts("sections", &[("book.yaml", "title: X\nlanguage: en\nchapters: [a.md, b.md]\n"), ("a.md", &a), ("b.md", "# Beta\n\nText.\n\n#### Same {#same}\n\n#### Again {#same}\n")]);
    let out = m.with_file_name("out");
    let o = build(&m, &out, "all", EPOCH);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("b.md:7: the id `same` is already the heading's at line 5"), "{err}");
    // (EPUBCheck refuses an id twice in a file)
    let epub = only_file(&out, "epub");
    epubcheck(&epub);
    let ncx = zip_texts(&epub, |n| n.ends_with(".ncx")).pop().unwrap().1;
    assert!(ncx.contains("<meta name=\"dtb:depth\" content=\"3\" />"), "{ncx}");
    let nav = zip_texts(&epub, |n| n.ends_with("nav.xhtml")).pop().unwrap().1;
    let toc = nav.split("epub:type=\"toc\"").nth(1).unwrap().split("</nav>").next().unwrap();
    let entries: Vec<&str> = toc.split("<a href=\"").skip(1).filter_map(|h| h.split('<').next()).collect();
    assert_eq!(entries, ["ch001.xhtml\">Alpha", "ch001.xhtml#first-part\">First part", "ch001.xhtml#detail\">Detail", "ch001.xhtml#second\">Second part", "ch002.xhtml\">Beta"]);
    assert_eq!(toc.matches("<ol>").count(), 3, "Detail nested under First part, under Alpha: {toc}");

    // The PDF's bookmarks: (title, parent object, page object, top).
    let pdf = String::from_utf8_lossy(&std::fs::read(only_file(&out, "pdf")).unwrap()).into_owned();
    let field = |o: &str, key: &str| o.split(key).nth(1).map(|r| r.split(" 0 R").next().unwrap().to_string());
    let marks: Vec<(String, String, String, f32, String)> = pdf
        .split(" 0 obj\n<</Title(")
        .skip(1)
        .filter_map(|o| {
            let o = o.split("endobj").next()?;
            let top = o.split("/XYZ 0 ").nth(1)?.split(' ').next()?.parse().ok()?;
            Some((o.split(')').next()?.to_string(), field(o, "/Parent ")?, field(o, "/Dest[")?, top, o.split("/Count ").nth(1).map_or("", |c| c.split(['/', '>']).next().unwrap()).to_string()))
        })
        .collect();
    let titles: Vec<&str> = marks.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(titles, ["Alpha", "First part", "Detail", "Second part", "Beta"], "{marks:?}");
    let (alpha, first, detail, second, beta) = (&marks[0], &marks[1], &marks[2], &marks[3], &marks[4]);
    assert_eq!(alpha.1, beta.1, "chapters at the top");
    let number = |title: &str| pdf.split(&format!(" 0 obj\n<</Title({title})")).next().unwrap().rsplit('\n').next().unwrap().to_string();
    assert_eq!((first.1.as_str(), second.1.as_str(), detail.1.as_str()), (number("Alpha").as_str(), number("Alpha").as_str(), number("First part").as_str()));
    assert_eq!((alpha.4.as_str(), first.4.as_str(), beta.4.as_str()), ("-2", "-1", ""), "chapters closed over their sections");
    assert!(first.3 < alpha.3 && detail.2 != alpha.2 && second.2 != detail.2, "sections go to their own places: {marks:?}");
}

/// Pipe tables in both books: `<table>` with its head and alignments in
/// the EPUB; in the PDF each row's cells side by side, a long cell wrapped
/// within its column, the head in bold.
#[test]
fn tables_in_both_books() {
    let md = "# Chiffres\n\nAvant.\n\n| Ville | Habitants | Remarque |\n|:--|--:|:-:|\n| Paris | 2 100 000 | capitale |\n| Lyon | 520 000 | une remarque bien trop longue pour tenir sur une seule ligne de sa colonne, qui passe donc à la ligne |\n\nAprès.\n";
    let (xhtml, text, fonts) = both_books("tables", md, &["-layout"]);
    for want in ["<thead>\n<tr><th scope=\"col\">Ville</th><th scope=\"col\" class=\"align-right\">Habitants</th>", "<td class=\"align-right\">2\u{202f}100\u{202f}000</td>", "<td class=\"align-center\">capitale</td>"] {
        assert!(xhtml.contains(want), "{want} in {xhtml}");
    }
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let at = |w: &str| lines.iter().position(|l| l.starts_with(w)).unwrap_or_else(|| panic!("{w} in {lines:?}"));
    let (head, paris, lyon, after) = (at("Ville"), at("Paris"), at("Lyon"), at("Après."));
    assert!(lines[head].contains("Habitants") && lines[head].contains("Remarque"), "{}", lines[head]);
    assert!(lines[paris].contains("100") && lines[paris].contains("capitale"), "{}", lines[paris]);
    assert!(head < paris && paris < lyon && lyon + 1 < after, "the long remark wraps within its column: {lines:?}");
    assert!(fonts.contains("Vollkorn-Bold"), "the head is set in bold: {fonts}");
}

/// kramdown IAL lines right after a list or a table style them (GFM and
/// CommonMark read them as a last row or item text, which both books
/// printed); a link finds the table by its id, in both books.
#[test]
fn ial_lines_after_lists_and_tables_in_both_books() {
    let md = "# Un\n\nVoir [le tableau](#chiffres).\n\n- un\n- deux\n{: .liste}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n{: #chiffres .grille}\n";
    let (xhtml, text, _) = both_books("ial-after", md, &[]);
    for want in ["<ul class=\"liste\">\n<li>un</li>\n<li>deux</li>\n</ul>", "<table id=\"chiffres\" class=\"grille\">", "<a href=\"#chiffres\">le tableau</a>"] {
        assert!(xhtml.contains(want), "{want} in {xhtml}");
    }
    assert!(!xhtml.contains("{:") && !text.contains("{:"), "{xhtml}\n{text}");
    assert!(text.contains("deux") && text.contains('2'), "{text}");
}

/// A table longer than a page: no row split, and its head again at the
/// top of each page its body runs on to (the PDF; an EPUB reader does its own).
#[test]
fn a_long_table_repeats_its_head_on_each_page() {
    let rows: String = (1..=70).map(|i| format!("| Ville {i} | {} | remarque {i} |\n", i * 7)).collect();
    let a = format!("# Chiffres\n\nAvant.\n\n| Nom | Habitants | Remarque |\n|:--|--:|:-:|\n{rows}\nAprès.\n");
    let m = manuscript_of_texts("long-table", &[("book.yaml", "title: Livre\nlanguage: fr\n"), ("a.md", &a)]);
    let out = m.with_file_name("out");
    build(&m, &out, "pdf", EPOCH);
    let pdf = only_file(&out, "pdf");
    let text = String::from_utf8(std::process::Command::new("pdftotext").args(["-layout"]).arg(&pdf).arg("-").output().unwrap().stdout).unwrap();
    let pages: Vec<&str> = text.split('\u{c}').filter(|p| p.contains("Ville ")).collect();
    assert!(pages.len() >= 2, "the table runs over pages: {}", pages.len());
    for p in &pages {
        let first = p.lines().map(str::trim).find(|l| l.starts_with("Nom") || l.starts_with("Ville"));
        assert!(first.is_some_and(|l| l.starts_with("Nom") && l.contains("Habitants")), "the head opens each page of the table: {p}");
    }
    let rows_seen: usize = pages.iter().map(|p| p.matches("remarque ").count()).sum();
    assert_eq!(rows_seen, 70, "every row once");
}

/// A book in a right-to-left language (Hebrew): its pages turn right to
/// left and every document says so (`dir="rtl"`), still valid; a chapter
/// in English inside it stays left to right. The PDF, which has no
/// right-to-left layout, says so instead of printing reversed words in
/// silence.
#[test]
fn right_to_left_books_read_right_to_left() {
    let m = manuscript_of_texts("rtl", &[("book.yaml", "title: ספר\nlanguage: he\nchapters: [a.md, b.md]\n"), ("a.md", "# פרק\n\nזהו טקסט בעברית.\n"), ("b.md", "---\nlang: en\n---\n# Notes\n\nIn English.\n")]);
    let out = m.with_file_name("out");
    let o = build(&m, &out, "all", EPOCH);
    let epub = only_file(&out, "epub");
    epubcheck(&epub);
    let docs = zip_texts(&epub, |n| n.ends_with(".opf") || n.ends_with(".xhtml"));
    let doc = |name: &str| docs.iter().find(|(n, _)| n.ends_with(name)).map(|(_, t)| t.as_str()).unwrap();
    assert!(doc(".opf").contains("page-progression-direction=\"rtl\""), "{}", doc(".opf"));
    for name in ["ch001.xhtml", "title.xhtml", "contents.xhtml", "nav.xhtml"] {
        assert!(doc(name).contains("ops\" lang=\"he\" xml:lang=\"he\" dir=\"rtl\">"), "{name}: {}", doc(name));
    }
    assert!(doc("ch002.xhtml").contains("lang=\"en\" xml:lang=\"en\">"), "{}", doc("ch002.xhtml"));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("text in `he` is set left to right") && !err.contains("text in `en`"), "{err}");
}
