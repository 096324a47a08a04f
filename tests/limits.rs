//! Sizes folio is tested to, and nothing lost: a failed build keeps the
//! previous book, `normalise --write` keeps the original.

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn book(name: &str, chapters: &[(&str, String)]) -> PathBuf {
    let m = manuscript_of_texts(name, chapters);
    std::fs::write(m.join("book.yaml"), "title: Limites\nlanguage: fr\n").unwrap();
    m
}

fn out_of(m: &Path) -> PathBuf {
    m.parent().unwrap().join("out")
}

#[test]
fn a_two_megabyte_paragraph() {
    let words = ["le", "chat", "dort", "sur", "la", "table", "pendant", "que", "pluie", "tombe", "doucement", "dehors"];
    let para: Vec<&str> = (0..420_000).map(|i| words[(i * 7 + i / 11) % words.len()]).collect();
    let text = format!("# Long\n\n{}.\n", para.join(" "));
    assert!(text.len() > 2_000_000);
    let m = book("long-para", &[("a.md", text)]);
    build(&m, &out_of(&m), "all", "1700000000");
    let x = &epub_chapters(&only_file(&out_of(&m), "epub"))[0].1;
    assert_eq!(words_in(x), 420_000 + 1, "every word of the paragraph (and the title) is in the EPUB");
    assert!(std::fs::metadata(only_file(&out_of(&m), "pdf")).unwrap().len() > 100_000);
}

fn words_in(x: &str) -> usize {
    words(&xhtml_text(x)).len()
}

/// 10 000 chapters in one file, each linking to the next by its title's
/// id (`#c1`: looked for in every chapter of the file). Each link used to
/// search the file's chapters one by one: 5 000 took 5.1 s, now 0.5 s.
#[test]
fn ten_thousand_chapters() {
    let text: String = (0..10_000).map(|i| format!("# C{i}\n\nTexte {i}, [la suite](#c{}).\n\n", i + 1)).collect();
    let m = book("many", &[("a.md", text)]);
    build(&m, &out_of(&m), "epub", "1700000000");
    let chapters = epub_chapters(&only_file(&out_of(&m), "epub"));
    assert_eq!(chapters.len(), 10_000);
    // every link but the last (to no chapter) leads to the next chapter
    let linked = chapters.iter().filter(|(_, x)| x.contains("\">la suite</a>")).count();
    assert_eq!(linked, 9_999);
    assert!(chapters.iter().any(|(_, x)| x.contains("<a href=\"ch10000.xhtml\">la suite</a>")));
}

/// Lists and quotes nested deeper than a reader could follow: past 100
/// levels they are read as their content (before, quotes 5 000 deep or a
/// list item of 5 000 `- ` overflowed the stack: an abort).
#[test]
fn deep_nesting() {
    let lists: String = (0..300).map(|i| format!("{}- item {i}\n", "  ".repeat(i))).collect();
    let text = format!("# N\n\n{lists}\n{} profond\n\n{}bas\n\n{}fond\n", ">".repeat(20_000), "- ".repeat(5000), "> 1. ".repeat(3000));
    let m = book("nested", &[("a.md", text)]);
    build(&m, &out_of(&m), "all", "1700000000");
    let epub = only_file(&out_of(&m), "epub");
    epubcheck(&epub);
    let x = &epub_chapters(&epub)[0].1;
    assert!(["item 299", "profond", "bas", "fond"].iter().all(|w| x.contains(w)), "{x}");
}

/// Inline elements nested 20 000 deep (emphasis, HTML's `<em>`, strong
/// emphasis, and `<div>`s in an HTML block): both books, every word kept,
/// the EPUB valid. Before, Markdown's overflowed the stack (an abort), and
/// HTML's took seconds (each tag read the whole stack).
#[test]
fn deep_inline_nesting() {
    let n = 20_000;
    let text = format!(
        "# N

{}un{}

{}deux{}

{}trois{}

<div>{}quatre{}
",
        "*a ".repeat(n),
        " a*".repeat(n),
        "<em>".repeat(n),
        "</em>".repeat(n),
        "**b ".repeat(n),
        " b**".repeat(n),
        "<div><li>".repeat(n),
        "</div>".repeat(n)
    );
    let m = book("inline-nested", &[("a.md", text)]);
    build(&m, &out_of(&m), "all", "1700000000");
    let epub = only_file(&out_of(&m), "epub");
    epubcheck(&epub);
    let x = &epub_chapters(&epub)[0].1;
    for w in ["un", "deux", "trois", "quatre"] {
        assert!(words(&xhtml_text(x)).iter().any(|t| t == w), "{w}");
    }
    assert_eq!(words_in(x), 4 + 4 * n + 1, "every word (the a and b around, and the title)");
}

#[test]
fn a_huge_image_is_refused() {
    let m = book("huge", &[("a.md", "# A\n\n![grande](big.png)\n".into())]);
    let f = std::fs::File::create(m.join("big.png")).unwrap();
    f.set_len(33 << 20).unwrap();
    let o = folio().args(["build", "--manuscript"]).arg(&m).arg("--out").arg(out_of(&m)).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("a.md:3") && err.contains("up to 32 MB"), "{err}");
}

#[test]
fn an_output_folder_that_cannot_be_written() {
    let m = book("unwritable", &[("a.md", "# A\n\nx\n".into())]);
    let blocker = m.parent().unwrap().join("file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let o = folio().args(["build", "--manuscript"]).arg(&m).arg("--out").arg(blocker.join("out")).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot create the output folder"), "{err}");
}

#[test]
fn a_failed_build_keeps_the_previous_book() {
    let m = book("keep", &[("a.md", "# A\n\nPremière version.\n".into())]);
    let out = out_of(&m);
    build(&m, &out, "all", "1700000000");
    let (epub, pdf) = (only_file(&out, "epub"), only_file(&out, "pdf"));
    let before = (std::fs::read(&epub).unwrap(), std::fs::read(&pdf).unwrap());
    std::fs::write(m.join("a.md"), b"# A\n\n![manque](absente.png)\n").unwrap();
    let o = folio().args(["build", "--format", "all", "--manuscript"]).arg(&m).arg("--out").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!((std::fs::read(&epub).unwrap(), std::fs::read(&pdf).unwrap()), before, "the previous book changed");
    let names: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "no temporary file left: {names:?}");
}

#[test]
fn normalise_write_keeps_the_original() {
    let m = book("write", &[("a.md", "---\ntitle: A\n---\nUn ter- rible séisme !\n".into())]);
    let a = m.join("a.md");
    let o = folio().args(["normalise", "--write"]).arg(&a).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_to_string(m.join("a.md.orig")).unwrap(), "---\ntitle: A\n---\nUn ter- rible séisme !\n");
    assert_eq!(std::fs::read_to_string(&a).unwrap(), "---\ntitle: A\n---\nUn terrible séisme\u{202f}!\n");
    // A second run has nothing to change and leaves the file as it is.
    std::fs::remove_file(m.join("a.md.orig")).unwrap();
    let o = folio().args(["normalise", "--write", "--no-backup"]).arg(&a).output().unwrap();
    assert!(o.status.success());
    assert!(!m.join("a.md.orig").exists());
    assert_eq!(std::fs::read_to_string(&a).unwrap(), "---\ntitle: A\n---\nUn terrible séisme\u{202f}!\n");
}

#[test]
fn metadata_is_escaped_in_the_pdf_outline_too() {
    let m = book("outline", &[("a.md", "# A < B & \"C\" (D)\n\nTexte.\n".into())]);
    build(&m, &out_of(&m), "pdf", "1700000000");
    let doc = lopdf::Document::load(only_file(&out_of(&m), "pdf")).unwrap();
    let outlines = doc.catalog().unwrap().get(b"Outlines").unwrap().as_reference().unwrap();
    let first = doc.get_dictionary(outlines).unwrap().get(b"First").unwrap().as_reference().unwrap();
    let title = doc.get_dictionary(first).unwrap().get(b"Title").unwrap();
    // (The French quotes as the text has them.)
    assert_eq!(lopdf::decode_text_string(title).unwrap(), "A < B & «\u{202f}C\u{202f}» (D)");
}

/// One word of 300 000 letters (a pasted hash, a line of dashes): broken
/// anywhere in the PDF rather than run off the page, every letter drawn
/// (the breaks' hyphens are the engine's: the text drops them). Setting it
/// was quadratic: 24 s, now under a second (`--timings`).
#[test]
fn a_word_of_300_000_letters() {
    let m = book("long-word", &[("a.md", format!("# Mot\n\n{}\n", "x".repeat(300_000)))]);
    build(&m, &out_of(&m), "pdf", "1700000000");
    let pdf = only_file(&out_of(&m), "pdf");
    let text = String::from_utf8(std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap().stdout).unwrap();
    assert_eq!(text.matches('x').count(), 300_000);
}

/// A chapter calling 20 000 notes (a critical edition): every note in the
/// EPUB, numbered in order. Each call used to search the labels one by
/// one: 40 000 notes took 8.4 s to parse, now 0.3 s (`--timings`).
#[test]
fn twenty_thousand_notes() {
    let n = 20_000;
    let calls: String = (0..n).map(|i| format!("mot[^{i}] ")).collect();
    let defs: String = (0..n).rev().map(|i| format!("[^{i}]: note {i}\n")).collect();
    let m = book("notes", &[("a.md", format!("# Notes\n\n{calls}\n\n{defs}"))]);
    build(&m, &out_of(&m), "all", "1700000000");
    let x = &epub_chapters(&only_file(&out_of(&m), "epub"))[0].1;
    assert_eq!(x.matches("epub:type=\"footnote\"").count(), n);
    let last = format!("id=\"ch001-note{n}\"");
    assert!(x.contains(&last) && x.contains(&format!("note {}</p>", n - 1)));
}

/// 5 000 headings of the same words, each linked to: ids `part`,
/// `part-1`... all distinct, every link leads to its heading in the EPUB,
/// and the PDF has them all in its outline. Each id used to be made
/// unique by trying every number against every id, and each outline entry
/// to look through all the others: this chapter took 216 s, now 0.2 s.
#[test]
fn five_thousand_headings_alike() {
    let n = 5000;
    let md: String = (1..n).map(|i| format!("## Part\n\nvoir [la suite](#part-{i})\n\n")).collect();
    let m = book("headings", &[("a.md", format!("# Titres\n\n{md}## Part\n\nfin\n"))]);
    build(&m, &out_of(&m), "all", "1700000000");
    let x = &epub_chapters(&only_file(&out_of(&m), "epub"))[0].1;
    for i in 1..n {
        assert!(x.contains(&format!("id=\"part-{i}\"")) && x.contains(&format!("href=\"#part-{i}\"")), "part-{i}");
    }
    let pdf = only_file(&out_of(&m), "pdf");
    let raw = std::fs::read(&pdf).unwrap();
    let entries = raw.windows(b"/Title".len()).filter(|w| w == b"/Title").count();
    assert!(entries > n, "{entries} titles in the PDF: the outline has every heading");
}
