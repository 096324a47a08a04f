//! The catalogue of bad input: each case gets a clear error naming the file
//! (and line where there is one), exit code 1 (2 for usage), never a panic,
//! and never a book written.

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// A manuscript folder made of (relative path, bytes).
/// Run `folio build` expecting failure: (exit code, stderr). Asserts no
/// output file was left behind.
fn fails(m: &Path, extra: &[&str]) -> (i32, String) {
    let out = m.parent().unwrap().join("out");
    let o = folio().args(["build", "--manuscript"]).arg(m).arg("--out").arg(&out).args(extra).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!o.status.success(), "expected a failure, got success: {err}");
    assert!(!err.contains("panicked") && o.status.code() != Some(101), "panic: {err}");
    let left: Vec<_> = std::fs::read_dir(&out).map(|r| r.filter_map(|e| e.ok()).map(|e| e.path()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "a failed build left files: {left:?}");
    (o.status.code().unwrap_or(-1), err)
}

fn assert_error(m: &Path, extra: &[&str], needles: &[&str]) {
    let (code, err) = fails(m, extra);
    assert_eq!(code, 1, "exit code for an input error: {err}");
    for n in needles {
        assert!(err.contains(n), "error lacks `{n}`:\n{err}");
    }
    assert!(err.contains("hint:"), "error says what to do:\n{err}");
}

const BOOK: &[u8] = b"title: T\nlanguage: fr\n";

#[test]
fn no_book_yaml() {
    let m = manuscript("no-yaml", &[("a.md", b"# A\n")]);
    assert_error(&m, &[], &["m/book.yaml", "no book.yaml"]);
}

#[test]
fn malformed_book_yaml_names_line_and_column() {
    let m = manuscript("bad-yaml", &[("book.yaml", b"title: T\nchapters: [a.md\n"), ("a.md", b"x")]);
    assert_error(&m, &[], &["m/book.yaml:3:1"]);
}

#[test]
fn unknown_book_yaml_key() {
    let m = manuscript("key-yaml", &[("book.yaml", b"title: T\nauthour: X\n"), ("a.md", b"x")]);
    assert_error(&m, &[], &["book.yaml:2:1", "authour"]);
}

#[test]
fn malformed_front_matter_names_file_line() {
    let m = manuscript("bad-fm", &[("book.yaml", BOOK), ("a.md", b"---\ntitle: A\ndate: [2015\n---\n\nText\n")]);
    assert_error(&m, &[], &["m/a.md:4"]);
}

#[test]
fn unterminated_front_matter() {
    let m = manuscript("open-fm", &[("book.yaml", BOOK), ("a.md", b"---\ntitle: A\n\nText\n")]);
    assert_error(&m, &[], &["m/a.md:1", "never closed"]);
}

#[test]
fn language_that_is_no_tag() {
    // EPUBCheck rejects such a book: it is an input error, with the tag to write.
    let m = manuscript("lang-yaml", &[("book.yaml", b"title: T\nauthor: A\nlanguage: fran\xc3\xa7ais\n"), ("a.md", b"x")]);
    assert_error(&m, &[], &["m/book.yaml:3", "no language tag", "`fr`"]);
    let m = manuscript("lang-locale", &[("book.yaml", b"title: T\nlanguage: pt_BR\n"), ("a.md", b"x")]);
    assert_error(&m, &[], &["m/book.yaml:2", "`pt-BR`"]);
    let m = manuscript("lang-fm", &[("book.yaml", BOOK), ("a.md", b"---\ntitle: A\nlang: en GB\n---\n\nText\n")]);
    assert_error(&m, &[], &["m/a.md:3", "no language tag"]);
}

#[test]
fn a_path_that_goes_up_and_stays_inside() {
    // `sub/b.md` showing `../p.png`: the folder's own image.
    let m = manuscript("up-inside", &[("book.yaml", b"title: T\nlanguage: en\nchapters: [sub/b.md]\n"), ("sub/b.md", b"# B\n\n![x](../p.png)\n"), ("p.png", &png(4, 4, [200, 0, 0]))]);
    let out = m.parent().unwrap().join("out");
    build(&m, &out, "epub", "1700000000");
    epubcheck(&only_file(&out, "epub"));
    let m = manuscript("up-out", &[("book.yaml", b"title: T\nchapters: [sub/b.md]\n"), ("sub/b.md", b"# B\n\n![x](../../p.png)\n")]);
    assert_error(&m, &[], &["m/sub/b.md:3", "leads out of the manuscript folder"]);
}

#[test]
fn an_image_cut_short() {
    let whole = png(8, 8, [0, 120, 0]);
    let m = manuscript("cut-png", &[("book.yaml", BOOK), ("a.md", b"# A\n\n![x](x.png)\n"), ("x.png", &whole[..whole.len() - 12])]);
    assert_error(&m, &[], &["m/a.md:3", "cut short"]);
}

#[test]
fn empty_metadata() {
    // An empty book title is an error; other empty values are no values, and
    // a chapter with an empty title takes its heading's or its file's name:
    // EPUB refuses empty identifiers, rights and table-of-contents entries.
    let m = manuscript("empty-title", &[("book.yaml", b"language: en\ntitle: \"\"\n"), ("a.md", b"x")]);
    assert_error(&m, &[], &["m/book.yaml:2", "`title:` is empty"]);
    let yaml = b"title: T\nlanguage: en\nidentifier: \"\"\nauthor: \" \"\nlicense: \"\"\nsubject: \"\"\ndescription: \"\"\ndate: \"\"\nchapters:\n  - file: a.md\n    title: \"\"\n  - b.md\n";
    let m = manuscript("empty-values", &[("book.yaml", yaml), ("a.md", b"Text.\n"), ("b.md", b"---\ntitle: \" \"\n---\n\n# \n\nMore.\n")]);
    let out = m.parent().unwrap().join("out");
    build(&m, &out, "epub", "1700000000");
    let epub = only_file(&out, "epub");
    epubcheck(&epub);
    let nav = zip_texts(&epub, |n| n.ends_with("nav.xhtml")).remove(0).1;
    assert!(nav.contains(">a</a>") && nav.contains(">b</a>"), "{nav}");
}

#[test]
fn listed_chapter_missing() {
    let m = manuscript("missing", &[("book.yaml", b"title: T\nchapters:\n  - a.md\n  - b.md\n"), ("a.md", b"x")]);
    assert_error(&m, &[], &["m/book.yaml:4", "`b.md` does not exist"]);
    let m = manuscript("dot", &[("book.yaml", b"title: T\nchapters: [.]\n"), ("a.md", b"x")]);
    assert_error(&m, &[], &["m/book.yaml:2", "chapter `.` is not a file"]);
}

#[test]
fn empty_manuscript() {
    let m = manuscript("empty", &[("book.yaml", BOOK)]);
    assert_error(&m, &[], &["no chapter"]);
}

#[test]
fn chapter_not_utf8_names_the_byte_offset() {
    let m = manuscript("latin1", &[("book.yaml", BOOK), ("a.md", b"# A\n\n\xe9t\xe9\n")]);
    assert_error(&m, &[], &["m/a.md:3", "byte offset 5", "UTF-8"]);
}

#[test]
fn bom_and_crlf_just_work() {
    let m = manuscript("crlf", &[("book.yaml", b"\xef\xbb\xbftitle: T\r\nlanguage: fr\r\n"), ("a.md", b"\xef\xbb\xbf---\r\ntitle: Un\r\n---\r\n\r\nLigne un\r\net deux.\r\n")]);
    let out = m.parent().unwrap().join("out");
    build(&m, &out, "epub", "1700000000");
    let ch = epub_chapters(&only_file(&out, "epub"));
    assert!(ch[0].1.contains(">Un</h1>"), "{}", ch[0].1);
    assert!(ch[0].1.contains("Ligne un et deux."));
    assert!(!ch[0].1.contains('\r') && !ch[0].1.contains('\u{feff}'));
}

#[test]
fn style_sheet_errors() {
    let base = std::fs::read_to_string(repo().join("styles/book.yaml")).unwrap();
    let fonts = repo().join("fonts");
    let sheet = base.replace("../fonts/", &format!("{}/", fonts.display()));
    let unknown = sheet.replace("  widows: 2\n", "  widows: 2\n  widow: 3\n");
    let line = unknown.lines().position(|l| l == "  widow: 3").unwrap() + 1;
    let m = manuscript("style", &[("book.yaml", BOOK), ("a.md", b"# A\n\nx\n"), ("unknown.yaml", unknown.as_bytes()), ("broken.yaml", b"body: {size: 3pt\n"), ("nofont.yaml", sheet.replace("Vollkorn-Bold.ttf", "Missing.ttf").as_bytes()), ("notfont.yaml", sheet.replace(&format!("{}/Vollkorn-Italic.ttf", fonts.display()), "book.yaml").as_bytes())]);
    assert_error(&m, &["--style", m.join("unknown.yaml").to_str().unwrap()], &[&format!("unknown.yaml:{line}:"), "widow"]);
    assert_error(&m, &["--style", m.join("broken.yaml").to_str().unwrap()], &["broken.yaml:"]);
    assert_error(&m, &["--style", m.join("nofont.yaml").to_str().unwrap()], &["Missing.ttf"]);
    assert_error(&m, &["--style", m.join("notfont.yaml").to_str().unwrap()], &["not a usable font"]);
}

#[test]
fn images_missing_not_images_or_outside_are_refused() {
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";
    for (name, md, needles) in [
        ("img-missing", "# A\n\n![x](nope.png)\n", vec!["m/a.md:3", "`nope.png` does not exist"]),
        ("img-dotdot", "# A\n\n![x](../secret.png)\n", vec!["m/a.md:3", "leads out of the manuscript folder"]),
        ("img-abs", "# A\n\n![x](/etc/hostname)\n", vec!["m/a.md:3", "`etc/hostname` does not exist", "relative to"]),
        ("img-root-dotdot", "# A\n\n![x](/../secret.png)\n", vec!["m/a.md:3", "leads out of the manuscript folder"]),
        ("img-notimg", "# A\n\n![x](fake.png)\n", vec!["fake.png is not an image"]),
    ] {
        let m = manuscript(name, &[("book.yaml", BOOK), ("a.md", md.as_bytes()), ("fake.png", b"not an image"), ("real.png", png)]);
        std::fs::write(m.parent().unwrap().join("secret.png"), png).unwrap();
        assert_error(&m, &[], &needles);
    }
    let m = manuscript("img-link", &[("book.yaml", BOOK), ("a.md", b"# A\n\n![x](link.png)\n")]);
    std::fs::write(m.parent().unwrap().join("outside.png"), png).unwrap();
    std::os::unix::fs::symlink(m.parent().unwrap().join("outside.png"), m.join("link.png")).unwrap();
    assert_error(&m, &[], &["link that leads out"]);
    let m = manuscript("cover-out", &[("book.yaml", b"title: T\ncover: ../c.png\n"), ("a.md", b"x")]);
    assert_error(&m, &[], &["cover path `../c.png` leads out"]);
}

#[test]
fn usage_errors_exit_2() {
    let o = folio().args(["build", "--format", "docx"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = folio().args(["frobnicate"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = folio().args(["build", "--manuscript", "/nonexistent"]).env("SOURCE_DATE_EPOCH", "soon").output().unwrap();
    assert_eq!(o.status.code(), Some(1), "a missing folder is an input error");
    // Standard input that is no UTF-8: the line, the byte and what to do.
    let mut child = folio().args(["normalise", "-"]).stdin(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"abc\nd\xe9f\n").unwrap();
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("<stdin>:2:") && err.contains("0xE9") && err.contains("hint:"), "{err}");
    let o = folio().args(["normalise", "--lang", "", "-"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "an empty --lang");
    assert!(String::from_utf8_lossy(&o.stderr).contains("no language tag"));
}

/// Hostile raw HTML and metadata: the EPUB still passes EPUBCheck, nothing
/// executable passes, and `< & "` are escaped everywhere.
#[test]
fn hostile_html_and_metadata_stay_valid_and_safe() {
    let md = "---\ntitle: Un <b>titre</b> & \"guillemets\"\n---\n\n\
        Texte <script>alert(1)</script> avec <span onclick=\"evil()\">un clic</span> et <sup>non fermé.\n\n\
        <div class=\"x\"><p>Bloc &amp; entités &eacute; &#233; &bogus; <![CDATA[a < b]]> <img src=https://example.com/x.png alt=image onerror=alert(2)>\n\n\
        <iframe src=\"http://example.com\"></iframe>\n\n\
        Fin <em>emph <strong>fort</em> texte</strong> [lien](javascript:alert(3)) [ok](https://example.com/?a=1&b=2).\n\n\
        > > > > > > > > > > Citation profonde\n\n\
        - a\n  - b\n    - c\n      - d\n";
    let m = manuscript("hostile", &[("book.yaml", b"title: \"A < B & C \\\"D\\\"\"\nauthor: \"O'Brien & <Co>\"\nlanguage: fr\ndescription: \"x < y & z\"\n"), ("a.md", md.as_bytes())]);
    let out = m.parent().unwrap().join("out");
    build(&m, &out, "epub", "1700000000");
    let epub = only_file(&out, "epub");
    epubcheck(&epub);
    let all: String = zip_texts(&epub, |n| n.ends_with(".xhtml") || n.ends_with(".opf") || n.ends_with(".ncx")).into_iter().map(|(_, t)| t).collect();
    for bad in ["<script", "alert", "onclick", "onerror", "<iframe", "javascript:", "<b>titre"] {
        assert!(!all.contains(bad), "`{bad}` passed into the EPUB");
    }
    assert!(all.contains("A &lt; B &amp; C"), "title escaped");
    assert!(all.contains("Bloc &amp; entités é é"));
}

/// Builds `m` as an EPUB, checks it with EPUBCheck (0 errors, 0 warnings)
/// and returns its chapter file and its package document.
fn valid_epub(m: &Path) -> (PathBuf, String, String) {
    let out = m.parent().unwrap().join("out");
    build(m, &out, "epub", "1700000000");
    let epub = only_file(&out, "epub");
    epubcheck(&epub);
    let text = |suffix: &str| zip_texts(&epub, |n| n.ends_with(suffix)).into_iter().map(|(_, t)| t).collect::<String>();
    let (chapter, opf) = (text("ch001.xhtml"), text(".opf"));
    (epub, chapter, opf)
}

/// URLs holding what no URL may (a space, `"`, `|`, a second `#`, a `%`
/// that starts no escape) were written into `href` as typed: EPUBCheck
/// refused the book (RSC-020). They are percent-encoded; valid ones kept.
#[test]
fn link_urls_are_percent_encoded() {
    let md = "# L\n\n[a](<http://x.org/a b>) [b](http://x.org/a[b]) [c](http://x.org/a\"b) [d](http://x.org/%zz) [e](http://x.org/#a#b) \
        [ok](http://x.org/?a=1&b=%C3%A9#top) [v6](http://[::1]:80/x) [u](http://ex.com/é?q=ü)\n\n\
        <a href=\"http://x.org/a b\">html</a> <http://x.org/a|b> <http://x.org/a\\b> <http://x.org/a{b}> <http://x.org/a^b> <http://x.org/a`b> <http://x.org/a%> [m](<mailto:a b@x.org>)\n";
    let m = manuscript("link-urls", &[("book.yaml", b"title: T\nauthor: A\nlanguage: en\n"), ("a.md", md.as_bytes())]);
    let (_, x, _) = valid_epub(&m);
    for href in ["http://x.org/a%20b", "http://x.org/a%5Bb%5D", "http://x.org/a%22b", "http://x.org/%25zz", "http://x.org/#a%23b", "http://x.org/a%7Cb", "http://x.org/a%25", "http://x.org/?a=1&amp;b=%C3%A9#top", "http://[::1]:80/x", "mailto:a%20b@x.org"] {
        assert!(x.contains(&format!("href=\"{href}\"")), "href=\"{href}\" in {x}");
    }
}

/// A link inside a link (raw HTML's `<a>` or an autolink in link text) made
/// invalid XHTML: the outer link stays, the inner one is its words.
#[test]
fn links_inside_links_become_their_words() {
    let md = "# T\n\nSee [x <a href=\"http://y.org\">y</a>](http://x.org) now.\n\n\
        See <a href=\"http://x.org\">x <a href=\"http://y.org\">y</a></a> now.\n\n\
        See <a href=\"http://x.org\">x <http://y.org> y</a> now.\n\n\
        <h2>Head <a href=\"http://x.org\">link <a href=\"http://y.org\">inner</a></a></h2>\n";
    let m = manuscript("nested-links", &[("book.yaml", b"title: T\nauthor: A\nlanguage: en\n"), ("a.md", md.as_bytes())]);
    let (_, x, _) = valid_epub(&m);
    assert_eq!(x.matches("<a href=\"http://x.org\">").count(), 4, "{x}");
    assert!(!x.contains("y.org\">"), "{x}");
    assert!(x.contains("<a href=\"http://x.org\">x y</a>") && x.contains("x http://y.org y</a>"), "{x}");
}

/// An author's id equal to one folio gives the title or a note
/// (`{#ch001-title}`, `## ch001 title`, `{#ch001-note1}`) made an id twice
/// (and a table of contents out of reading order, NAV-011): the author's
/// is renamed, and a link to it still leads there.
#[test]
fn ids_of_titles_and_notes_are_folio_s_own() {
    let md = "# T\n\nText[^1] and [back](#ch001-title) and [note](#ch001-note1).\n\n## X {#ch001-title}\n\n## Y {#ch001-note1}\n\n## Z {#ch001-ref1}\n\n\
        ## ch001 title\n\n<h2 id=\"ch001-note1\">html heading</h2>\n\n<p id=\"ch001-ref1\">para with id</p>\n\n[^1]: note\n";
    let m = manuscript("generated-ids", &[("book.yaml", b"title: T\nauthor: A\nlanguage: en\n"), ("a.md", md.as_bytes())]);
    let (_, x, _) = valid_epub(&m);
    for id in ["ch001-title", "ch001-note1", "ch001-ref1"] {
        assert_eq!(x.matches(&format!("id=\"{id}\"")).count(), 1, "{id} once in {x}");
    }
    assert!(x.contains("<a href=\"#ch001-title-1\">back</a>") && x.contains("<a href=\"#ch001-note1-1\">note</a>"), "{x}");
}

/// Control characters from YAML (`"\x01"`) in the title, author,
/// description or a chapter's title made content.opf no XML (EPUBCheck:
/// fatal). They are dropped from every metadata string.
#[test]
fn control_characters_leave_the_metadata() {
    let yaml = "title: \"Ti\\x01tle\"\nauthor: \"Au\\x0Bthor\"\ndescription: \"De\\x1Fsc\\uFFFE\"\nsubject: \"Su\\x0Cb\"\nlicense: \"Li\\x02c\"\nlanguage: en\nchapters:\n  - a.md\n  - file: b.md\n    title: \"Se\\x08cond\"\n";
    let m = manuscript("control-metadata", &[("book.yaml", yaml.as_bytes()), ("a.md", b"---\ntitle: \"Ch\\x01ap\"\n---\n\nText\n"), ("b.md", b"Text\n")]);
    let (epub, x, opf) = valid_epub(&m);
    for want in ["Title", "Author", "Desc", "Sub", "Lic"] {
        assert!(opf.contains(want), "{want} in {opf}");
    }
    assert!(x.contains(">Chap</h1>"), "{x}");
    let nav: String = zip_texts(&epub, |n| n.ends_with("nav.xhtml")).into_iter().map(|(_, t)| t).collect();
    assert!(nav.contains("Second"), "{nav}");
}

/// A title of 245 letters or more made a file name longer than the system
/// takes (`File name too long`): the name is the title's first words.
#[test]
fn a_long_title_makes_a_short_file_name() {
    let yaml = format!("title: {}\nauthor: A\nlanguage: en\n", "a".repeat(300));
    let m = manuscript("long-title", &[("book.yaml", yaml.as_bytes()), ("a.md", b"# One\n\nHello.\n")]);
    let (epub, ..) = valid_epub(&m);
    assert_eq!(epub.file_name().unwrap().to_str().unwrap(), format!("{}.epub", "a".repeat(80)));
}
