//! `folio init`: the files of a new manuscript, as plain data (the caller
//! writes them), so that a first `folio build` works before a word is
//! written, and every key a book may set is there to be found.

use crate::style;
use std::borrow::Cow;

/// What the new book is called and in which language it is written.
pub struct Starter<'a> {
    pub title: &'a str,
    pub author: Option<&'a str>,
    /// A BCP 47 tag, already checked.
    pub lang: &'a str,
    /// Also a copy of the built-in style sheet and its fonts, to change.
    pub style: bool,
}

/// The files of the new manuscript: (path inside its folder, content).
pub fn files(s: &Starter) -> Vec<(String, Cow<'static, [u8]>)> {
    let french = s.lang == "fr" || s.lang.starts_with("fr-");
    let (chapter, text) = if french { ("Chapitre un", "Le texte du chapitre commence ici.") } else { ("Chapter one", "The chapter’s text starts here.") };
    let mut yaml = String::from("# The book folio builds from this folder; its README lists every key.\n");
    yaml.push_str(&format!("title: {}\n", quoted(s.title)));
    match s.author {
        Some(a) => yaml.push_str(&format!("author: {}\n", quoted(a))),
        None => yaml.push_str("# author: A. Author\n"),
    }
    yaml.push_str(&format!("language: {}\n", s.lang));
    yaml.push_str("# date: YYYY-MM-DD\n# description: ...\n# license: CC BY-SA 4.0\n# cover: cover.jpg              # an image in this folder\n");
    if s.style {
        yaml.push_str("style: style.yaml               # folio's own sheet, to change\n");
    } else {
        yaml.push_str("# style: style.yaml             # default: folio's built-in sheet (`folio init --style` copies it)\n");
    }
    yaml.push_str("chapters:                        # in order; default: every *.md, by date then name\n  - 01.md\n");
    yaml.push_str("# typography:                    # every rule is on; turn one off with `false`\n#   dehyphenate: true\n");
    let mut out: Vec<(String, Cow<'static, [u8]>)> = vec![
        ("book.yaml".into(), Cow::Owned(yaml.into_bytes())),
        ("01.md".into(), Cow::Owned(format!("# {chapter}\n\n{text}\n").into_bytes())),
    ];
    if s.style {
        out.extend(style::starter_files());
    }
    out
}

/// `s` as a YAML scalar that reads back as the same text (titles hold `:`
/// and `#`; `1984` and `yes` would read as a number and a boolean).
fn quoted(s: &str) -> String {
    let plain = matches!(serde_yaml::from_str::<serde_yaml::Value>(s), Ok(serde_yaml::Value::String(t)) if t == s);
    if plain {
        s.to_string()
    } else {
        let mut q = String::from("\"");
        for c in s.chars() {
            match c {
                '\\' | '"' => q.extend(['\\', c]),
                c if c.is_control() => q.push_str(&format!("\\u{:04X}", c as u32)),
                c => q.push(c),
            }
        }
        q + "\""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_read_back_as_written() {
        for t in ["Noir & Blanc", "Un titre : sous-titre", "« Oui »", "A \"quoted\" # word", "- Dash", "Plain title", "C:\\path", "1984", "yes", "true", "null", "~", "[x]", "*star", "'a'", "two\nlines\tand\u{1}"] {
            let files = files(&Starter { title: t, author: Some("Ann: B"), lang: "fr", style: false });
            let yaml: serde_yaml::Value = serde_yaml::from_slice(&files[0].1).unwrap();
            assert_eq!((yaml["title"].as_str(), yaml["author"].as_str()), (Some(t), Some("Ann: B")));
        }
    }
}
