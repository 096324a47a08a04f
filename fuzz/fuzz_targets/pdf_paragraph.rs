//! The PDF line breaker on arbitrary paragraphs, French and English, plain
//! and emphasised: never a panic, never a line wider than the measure.
#![no_main]
use folio::book::Inline;
use folio::style::Style;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn style() -> &'static Style {
    static S: OnceLock<Style> = OnceLock::new();
    S.get_or_init(Style::builtin)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Every third word in italics, to mix faces on a line.
    let mut content = Vec::new();
    for (i, w) in text.split_inclusive(' ').enumerate() {
        if i % 3 == 2 {
            content.push(Inline::Emph(vec![Inline::Text(w.to_string())]));
        } else {
            content.push(Inline::Text(w.to_string()));
        }
    }
    for lang in ["fr", "en"] {
        let (measure, widths) = folio::pdf::set_paragraph(style(), lang, &content).expect("the built-in style sets text");
        for (i, w) in widths.iter().enumerate() {
            assert!(*w <= measure + 0.01, "line {i} is {w} pt wide, the measure is {measure} pt");
        }
    }
});
