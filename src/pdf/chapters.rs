//! Sets, paginates and paints every chapter, on two threads where the
//! machine has two cores: chapters are independent once set, so each
//! thread takes the next chapter left (the longest first) with a shaper of
//! its own (a word one thread shaped, the other copies), and paints its
//! pages as soon as they are cut, so that only one chapter's lines at a
//! time are in memory on each thread.
//! What comes out does not depend on which thread set which chapter.

use super::compose::{Composer, Times};
use super::draw::{Deflater, Painted, PAGE_LEVEL};
use super::image::Embedded;
use super::paginate::{self, Rules};
use super::shape::{Shaper, Shared};
use super::{MakeUp, PdfError};
use crate::book::{Asset, Block, Chapter, Inline};
use crate::style::{Face, Style};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The book's chapters, set, cut into pages and painted.
pub struct Composed {
    /// Each chapter's pages, in book order.
    pub chapters: Vec<Painted>,
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
    pub make_up: MakeUp<'a>,
}

/// One chapter, set, paginated and painted.
struct Done {
    index: usize,
    pages: Painted,
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

/// Sets, paginates and paints the chapters on `threads` threads (1 or 2).
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
                work(&mut own, job, &order, &next)
            })
        });
        let mine = work(shaper, job, &order, &next);
        let theirs = helper.map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        (mine, theirs)
    });
    shaper.share(None);
    let mut composed = merge(mine?, theirs.transpose()?);
    composed.times = wall_shares(composed.times, started.elapsed());
    Ok(composed)
}

/// The chapters both threads set, in book order.
fn merge(mine: Work, theirs: Option<Work>) -> Composed {
    let Work { mut done, mut images, mut times } = mine;
    if let Some(work) = theirs {
        done.extend(work.done);
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
    let chapters = done.into_iter().map(|d| d.pages).collect();
    Composed { chapters, images, warnings, times }
}

/// Sets, paginates and paints chapters, taking the next in `order` until
/// none is left.
fn work<'a>(shaper: &mut Shaper<'a>, job: &Job<'a>, order: &[usize], next: &AtomicUsize) -> Result<Work, PdfError> {
    // the painter shows hyphens from the shaper's cache
    for f in Face::ALL {
        shaper.shape(f, "-");
    }
    let mut c = Composer::new(shaper, job.style, job.assets, job.rules.height);
    let mut deflater = Deflater::new(PAGE_LEVEL);
    let mut done = Vec::new();
    let (mut pagination, mut painting) = (Duration::ZERO, Duration::ZERO);
    while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
        let chapter = &job.chapters[index];
        let flow = c.chapter(chapter);
        let t0 = Instant::now();
        let cuts = paginate::paginate(&flow, &job.rules);
        let t1 = Instant::now();
        let pages = job.make_up.chapter(c.shaper, &c.images, &chapter.title, flow, &cuts, &mut deflater)?;
        painting += t1.elapsed();
        pagination += t1 - t0;
        done.push(Done { index, pages, warnings: std::mem::take(&mut c.warnings) });
    }
    Ok(Work { done, images: c.images, times: Times { pagination, painting, ..c.times } })
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
                Inline::Link { content, .. } | Inline::XRef { content, .. } => inline_len(content),
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
            Block::Table { head, rows, .. } => head.iter().chain(rows.iter().flatten()).map(|c| inline_len(c)).sum(),
            Block::Definitions(defs) => defs.iter().map(|d| inline_len(&d.term) + d.details.iter().map(|b| text_len(b)).sum::<usize>()).sum(),
            Block::Code { text } => text.len(),
            Block::SceneBreak | Block::Figure { .. } => 1,
        })
        .sum()
}

/// Stages timed on several threads at once, scaled to the wall time they
/// took together, so that the build's stages still add up to its total.
fn wall_shares(t: Times, wall: Duration) -> Times {
    let sum = (t.shaping + t.breaking + t.pagination + t.painting).as_secs_f64();
    if sum == 0.0 {
        return t;
    }
    let k = wall.as_secs_f64() / sum;
    Times {
        shaping: t.shaping.mul_f64(k),
        breaking: t.breaking.mul_f64(k),
        pagination: t.pagination.mul_f64(k),
        painting: t.painting.mul_f64(k),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::{Attrs, Note};
    use crate::pdf::draw::Codes;
    use crate::pdf::Geometry;

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
                blocks.push(Block::Figure { asset: 7, alt: "carte".into(), caption: Vec::new() });
                Chapter {
                    id: format!("ch{c:03}"),
                    title: format!("Chapitre {c}"),
                    title_id: None,
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

    fn rules(style: &Style) -> Rules {
        let em = style.em();
        Rules { height: 30.0 * em, widows: 2, orphans: 2, note_gap: em, line: 1.2 * em }
    }

    #[test]
    fn chapters_set_by_two_shapers_come_out_as_by_one() {
        let style = Style::builtin();
        let chapters = chapters();
        let shaper = Shaper::new(&style).unwrap();
        let codes = Codes::new(&shaper);
        let geo = Geometry { width: 420.0, height: 595.0, top: 50.0, bottom: 60.0, inner: 55.0, outer: 45.0 };
        let make_up = MakeUp { style: &style, geo, title: "Livre", codes: &codes, layout: true };
        let job = Job { style: &style, chapters: &chapters, assets: &[], rules: rules(&style), make_up };
        let mut alone = Shaper::new(&style).unwrap();
        let one = compose(&mut alone, &job, 1).unwrap();
        assert!(one.chapters.iter().all(|c| c.pages() > 0));
        assert!(one.warnings.len() == 2, "{:?}", one.warnings);

        // split by hand, so that the helper surely sets some chapters (and
        // shapes words in another order)
        let mut main = Shaper::new(&style).unwrap();
        let mut helper = Shaper::new(&style).unwrap();
        let mine = work(&mut main, &job, &[2, 0, 4], &AtomicUsize::new(0)).unwrap();
        let theirs = work(&mut helper, &job, &[3, 1], &AtomicUsize::new(0)).unwrap();
        let two = merge(mine, Some(theirs));
        // the same pages, glyphs and trace
        assert_eq!(one.chapters, two.chapters);
        assert_eq!(one.warnings, two.warnings);

        let mut shaper = Shaper::new(&style).unwrap();
        let threaded = compose(&mut shaper, &job, 2).unwrap();
        assert_eq!(one.chapters, threaded.chapters);
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
