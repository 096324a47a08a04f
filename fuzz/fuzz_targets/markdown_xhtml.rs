//! Front matter + Markdown → chapter objects → XHTML, on arbitrary input:
//! never a panic, and the XHTML always parses back as well-formed XML.
#![no_main]
use folio::book::parse_chapters;
use folio::book::Chapter;
use folio::manuscript::split_front_matter;
use folio::normalise::{normalise, Options, Vocabulary};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok((front, body, line)) = split_front_matter(text, "fuzz.md") else { return };
    let n = normalise(body, &Options::all("fr"), &Vocabulary::from_texts([body]));
    // Images resolve to asset 0; the XHTML writer gets one href for it.
    let Ok(parsed) = parse_chapters(&n.text, line, &mut |_, _| Ok(Some(0))) else { return };
    for (i, s) in parsed.sections.into_iter().enumerate() {
        let c = Chapter {
            id: format!("ch{i:03}"),
            title: front.title.clone().or(s.heading).unwrap_or_default(),
            title_id: s.heading_id,
            lang: front.lang.clone().unwrap_or_else(|| "fr".into()),
            date: None,
            draft: false,
            source: "fuzz.md".into(),
            blocks: s.blocks,
            notes: s.notes,
        };
        let x = folio::epub::xhtml::chapter(&c, &["images/a.png".to_string()], "* * *");
        if let Err(e) = roxmltree::Document::parse_with_options(&x, roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() }) {
            panic!("ill-formed XHTML ({e}):\n{x}");
        }
    }
});
