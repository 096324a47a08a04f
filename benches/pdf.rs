//! Setting one long paragraph (shaping, hyphenation, line breaking), at
//! 100 and 200 KB to check it stays linear, plain and in the pathological
//! shapes a tester found quadratic: a word of alternating faces (`a*b*`
//! repeated), of subscripts (`H~` repeated) and of emphasised spaces.
//! `cargo bench --bench pdf` (prints ms and the ratio; not a timed test).

use folio::book::Inline;
use folio::style::Style;
use std::time::Instant;

/// The `k`th repeat of a case's unit of text.
type Unit<'a> = &'a dyn Fn(usize) -> Vec<Inline>;

/// `unit` repeated to `size` bytes.
fn paragraph(size: usize, unit: Unit) -> Vec<Inline> {
    let mut out = Vec::new();
    let (mut len, mut k) = (0, 0);
    while len < size {
        let u = unit(k);
        len += Inline::plain_text(&u).len().max(1);
        out.extend(u);
        k += 1;
    }
    out
}

fn run(name: &str, size: usize, style: &Style, unit: Unit) -> f64 {
    let content = paragraph(size, unit);
    let runs = 3;
    let t = Instant::now();
    let mut lines = 0;
    for _ in 0..runs {
        lines = folio::pdf::set_paragraph(style, "fr", &content).unwrap().1.len();
    }
    let secs = t.elapsed().as_secs_f64() / runs as f64;
    println!("pdf paragraph, {name}, {} KB: {:.1} ms ({lines} lines)", size / 1000, secs * 1e3);
    secs
}

fn main() {
    let style = Style::builtin();
    let text = |s: &str| Inline::Text(s.into());
    let cases: [(&str, Unit); 4] = [
        ("plain words", &|_| vec![text("Il leur apprit à utiliser les ordinateurs. ")]),
        ("a*b* (one word, alternating faces)", &|_| vec![text("a"), Inline::Emph(vec![text("b")])]),
        ("H~ (one word of subscripts)", &|k| vec![if k % 2 == 0 { text("H") } else { Inline::Sub(vec![text("H")]) }]),
        ("emphasised spaces", &|_| vec![text("x"), Inline::Emph(vec![text(" ")])]),
    ];
    for (name, unit) in cases {
        let one = run(name, 100_000, &style, unit);
        let two = run(name, 200_000, &style, unit);
        println!("  time, 200 KB vs 100 KB: {:.2}x (2.0 = linear)", two / one);
    }
}
