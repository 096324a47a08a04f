//! The line breaker through the public API, on inputs the fuzzer found:
//! no line may be wider than the measure.

use folio::book::Inline;
use folio::style::Style;

fn assert_fits(text: &str) {
    let style = Style::builtin();
    // As the fuzz target sets them: every third word in italics.
    let content: Vec<Inline> = text
        .split_inclusive(' ')
        .enumerate()
        .map(|(i, w)| if i % 3 == 2 { Inline::Emph(vec![Inline::Text(w.into())]) } else { Inline::Text(w.into()) })
        .collect();
    for lang in ["fr", "en"] {
        let (measure, widths) = folio::pdf::set_paragraph(&style, lang, &content).unwrap();
        for (i, w) in widths.iter().enumerate() {
            assert!(*w <= measure + 0.01, "{lang}: line {i} of {text:?} is {w} pt wide, the measure is {measure} pt");
        }
    }
}

#[test]
fn a_word_wider_than_the_measure_on_an_indented_first_line() {
    // Found by fuzz/pdf_paragraph.
    assert_fits(&format!("KA\u{b}\0\0\u{10}lieS{}", ",".repeat(72)));
}

#[test]
fn long_words_and_compounds() {
    assert_fits(&"anticonstitutionnellement ".repeat(40));
    assert_fits(&format!("{} fin", "x".repeat(400)));
    assert_fits(&format!("a {}", "très-long-composé-".repeat(30)));
}

#[test]
fn a_long_word_of_alternating_faces_breaks_between_them() {
    // `a*b*` repeated: each letter its own segment, every break point
    // between two; they were dropped, and the word ran off the page.
    let style = Style::builtin();
    let content: Vec<Inline> = (0..400).map(|k| if k % 2 == 0 { Inline::Text("a".into()) } else { Inline::Emph(vec![Inline::Text("b".into())]) }).collect();
    let (measure, widths) = folio::pdf::set_paragraph(&style, "fr", &content).unwrap();
    assert!(widths.len() > 1);
    for (i, w) in widths.iter().enumerate() {
        assert!(*w <= measure + 0.01, "line {i} is {w} pt wide, the measure is {measure} pt");
    }
}
