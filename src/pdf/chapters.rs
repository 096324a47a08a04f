//! Sets and paginates every chapter, on two threads where the machine has
//! two cores: chapters are independent once set, so each thread takes the
//! next chapter left (the longest first) with a shaper of its own (a word
//! one thread shaped, the other copies), and the words the helper shaped
//! are handed over to the main shaper at the end.
//! What comes out does not depend on which thread set which chapter.

use super::compose::{Composer, Flow, Times};
use super::image::Embedded;
use super::paginate::{self, PageCut, Rules};
use super::shape::{Shaper, Shared};
use super::PdfError;
use crate::book::{Asset, Block, Chapter, Inline};
use crate::style::Style;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The book's chapters, set and cut into pages.
pub struct Composed {
    pub flows: Vec<Flow>,
    pub cuts: Vec<Vec<PageCut>>,
    /// The images figures use, embedded once each.
    pub images: BTreeMap<usize, Embedded>,
    pub warnings: Vec<String>,
    /// Each stage's share of the wall time all this took.
    pub times: Times,
}

/// What every thread needs to set chapters.
pub struct Job<'a> {
    pub style: &'a Style,
    pub chapters: &'a [Chapter],
    pub assets: &'a [Asset],
    pub rules: Rules,
}

/// One chapter, set and paginated.
struct Done {
    index: usize,
    flow: Flow,
    cuts: Vec<PageCut>,
    warnings: Vec<String>,
}

/// What one thread made: its chapters, the images they embed, its times.
struct Work {
    done: Vec<Done>,
    images: BTreeMap<usize, Embedded>,
    times: Times,
}

/// How many threads set chapters: two at most (a book has few chapters, and
/// the build leaves no more cores to other work), one on a single core.
pub fn threads() -> usize {
    crate::parallel::threads().min(2)
}

/// Sets and paginates the chapters on `threads` threads (1 or 2).
pub fn compose<'a>(shaper: &mut Shaper<'a>, job: &Job<'a>, threads: usize) -> Result<Composed, PdfError> {
    let started = Instant::now();
    let order = longest_first(job.chapters);
    let next = AtomicUsize::new(0);
    let two = threads > 1 && order.len() > 1;
    // each word is shaped by one thread, the other copies it
    let shared = two.then(|| Arc::new(Shared::default()));
    shaper.share(shared.clone());
    let (mine, theirs) = std::thread::scope(|s| {
        let helper = two.then(|| {
            s.spawn(|| -> Result<_, PdfError> {
                let mut own = Shaper::new(job.style)?;
                own.share(shared.clone());
                let work = work(&mut own, job, &order, &next);
                Ok((own, work))
            })
        });
        let mine = work(shaper, job, &order, &next);
        let theirs = helper.map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        (mine, theirs)
    });
    shaper.share(None);
    let mut composed = merge(shaper, mine, theirs.transpose()?);
    composed.times = wall_shares(composed.times, started.elapsed());
    Ok(composed)
}

/// The chapters both threads set, in book order, the helper's words taken
/// over by the main shaper.
fn merge(shaper: &mut Shaper, mine: Work, theirs: Option<(Shaper, Work)>) -> Composed {
    let Work { mut done, mut images, mut times } = mine;
    if let Some((own, work)) = theirs {
        let ids = shaper.absorb(own);
        for mut d in work.done {
            d.flow.renumber_words(&ids);
            done.push(d);
        }
        for (asset, e) in work.images {
            images.entry(asset).or_insert(e);
        }
        times += work.times;
    }
    done.sort_by_key(|d| d.index);
    let mut warnings: Vec<String> = Vec::new();
    for w in done.iter_mut().flat_map(|d| d.warnings.drain(..)) {
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
    let (flows, cuts) = done.into_iter().map(|d| (d.flow, d.cuts)).unzip();
    Composed { flows, cuts, images, warnings, times }
}

/// Sets and paginates chapters, taking the next in `order` until none is left.
fn work<'a>(shaper: &mut Shaper<'a>, job: &Job<'a>, order: &[usize], next: &AtomicUsize) -> Work {
    let mut c = Composer::new(shaper, job.style, job.assets, job.rules.height);
    let mut done = Vec::new();
    let mut pagination = Duration::ZERO;
    while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
        let flow = c.chapter(&job.chapters[index]);
        let t0 = Instant::now();
        let cuts = paginate::paginate(&flow, &job.rules);
        pagination += t0.elapsed();
        done.push(Done { index, flow, cuts, warnings: std::mem::take(&mut c.warnings) });
    }
    Work { done, images: c.images, times: Times { pagination, ..c.times } }
}

/// Chapter indices, longest first, so that the last chapters taken are short
/// and both threads end about together.
fn longest_first(chapters: &[Chapter]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..chapters.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(text_len(&chapters[i].blocks)));
    order
}

/// About how much text blocks hold, in bytes.
fn text_len(blocks: &[Block]) -> usize {
    fn inline_len(inlines: &[Inline]) -> usize {
        inlines
            .iter()
            .map(|i| match i {
                Inline::Text(t) | Inline::Code(t) => t.len(),
                Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) | Inline::Sup(c) | Inline::Sub(c) => {
                    inline_len(c)
                }
                Inline::Link { content, .. } => inline_len(content),
                Inline::Image { alt, .. } => alt.len(),
                Inline::NoteRef(_) | Inline::LineBreak => 1,
            })
            .sum()
    }
    blocks
        .iter()
        .map(|b| match b {
            Block::Heading { content, .. } | Block::Para { content, .. } => inline_len(content),
            Block::Quote(inner) => text_len(inner),
            Block::List { items, .. } => items.iter().map(|i| text_len(i)).sum(),
            Block::Code { text } => text.len(),
            Block::SceneBreak | Block::Figure { .. } => 1,
        })
        .sum()
}

/// Stages timed on several threads at once, scaled to the wall time they
/// took together, so that the build's stages still add up to its total.
fn wall_shares(t: Times, wall: Duration) -> Times {
    let sum = (t.shaping + t.breaking + t.pagination).as_secs_f64();
    if sum == 0.0 {
        return t;
    }
    let k = wall.as_secs_f64() / sum;
    Times { shaping: t.shaping.mul_f64(k), breaking: t.breaking.mul_f64(k), pagination: t.pagination.mul_f64(k) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::{Attrs, Note};
    use crate::pdf::compose::VItem;

    const WORDS: &[&str] = &[
        "le",
        "dragon",
        "s’envola",
        "au-dessus",
        "des",
        "montagnes",
        "enneigées",
        "pendant",
        "que",
        "la",
        "chevalière",
        "affûtait",
        "son",
        "épée",
        "extraordinairement",
        "longue",
        "et",
        "parfaitement",
        "inutile,",
        "disait-on",
        "«\u{a0}toujours\u{a0}»",
        "officiellement",
        "administrative.",
    ];

    fn para(seed: &mut u32, words: usize) -> Vec<Inline> {
        let mut text = String::new();
        for k in 0..words {
            *seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            if k > 0 {
                text.push(' ');
            }
            text.push_str(WORDS[(*seed >> 16) as usize % WORDS.len()]);
        }
        vec![Inline::Text(text), Inline::Emph(vec![Inline::Text(" vraiment".into())])]
    }

    /// Chapters of different lengths and languages, with a footnote and a
    /// figure that is missing (a warning in each chapter showing it).
    fn chapters() -> Vec<Chapter> {
        let mut seed = 1;
        (0..5)
            .map(|c| {
                let mut blocks: Vec<Block> = (0..4 + 6 * (c % 3))
                    .map(|_| Block::Para { content: para(&mut seed, 40), attrs: Attrs::default() })
                    .collect();
                blocks.push(Block::Para {
                    content: vec![Inline::Text("appel".into()), Inline::NoteRef(0)],
                    attrs: Attrs::default(),
                });
                blocks.push(Block::Figure { asset: 7, alt: "carte".into() });
                Chapter {
                    id: format!("ch{c:03}"),
                    title: format!("Chapitre {c}"),
                    lang: if c == 3 { "zz".into() } else { "fr".into() },
                    date: None,
                    draft: false,
                    source: String::new(),
                    blocks,
                    notes: vec![Note {
                        label: "1".into(),
                        blocks: vec![Block::Para { content: para(&mut seed, 20), attrs: Attrs::default() }],
                    }],
                }
            })
            .collect()
    }

    /// Each line of each chapter: where each piece sits and what it shows.
    fn render(shaper: &Shaper, c: &Composed) -> Vec<String> {
        let mut out = Vec::new();
        for flow in &c.flows {
            for item in flow.items.iter().chain(flow.notes.iter().flatten()) {
                if let VItem::Line(l) = item {
                    let mut s = String::new();
                    for p in &l.line.pieces {
                        let w = shaper.word(p.word);
                        s.push_str(&format!(" {:?}@{:.2}:", p.face, p.x));
                        for g in &w.glyphs[p.from as usize..p.to as usize] {
                            s.push_str(&w.text[g.start as usize..g.end as usize]);
                        }
                    }
                    out.push(s);
                }
            }
        }
        out
    }

    fn rules(style: &Style) -> Rules {
        let em = style.em();
        Rules { height: 30.0 * em, widows: 2, orphans: 2, note_gap: em, line: 1.2 * em }
    }

    #[test]
    fn chapters_set_by_two_shapers_come_out_as_by_one() {
        let style = Style::builtin();
        let chapters = chapters();
        let job = Job { style: &style, chapters: &chapters, assets: &[], rules: rules(&style) };
        let mut alone = Shaper::new(&style).unwrap();
        let one = compose(&mut alone, &job, 1).unwrap();
        assert!(one.cuts.iter().all(|c| !c.is_empty()));
        assert!(one.warnings.len() == 2, "{:?}", one.warnings);

        // split by hand, so that the helper surely sets some chapters (and
        // shapes words in another order)
        let mut main = Shaper::new(&style).unwrap();
        let mut helper = Shaper::new(&style).unwrap();
        let mine = work(&mut main, &job, &[2, 0, 4], &AtomicUsize::new(0));
        let theirs = work(&mut helper, &job, &[3, 1], &AtomicUsize::new(0));
        let two = merge(&mut main, mine, Some((helper, theirs)));
        assert_eq!(render(&alone, &one), render(&main, &two));
        assert_eq!(one.cuts, two.cuts);
        assert_eq!(one.warnings, two.warnings);

        let mut shaper = Shaper::new(&style).unwrap();
        let threaded = compose(&mut shaper, &job, 2).unwrap();
        assert_eq!(render(&alone, &one), render(&shaper, &threaded));
    }

    #[test]
    fn longest_chapters_are_taken_first() {
        let chapters = chapters();
        let order = longest_first(&chapters);
        let lens: Vec<usize> = order.iter().map(|&i| text_len(&chapters[i].blocks)).collect();
        assert!(lens.windows(2).all(|w| w[0] >= w[1]), "{lens:?}");
        assert_eq!(order.len(), chapters.len());
    }
}
