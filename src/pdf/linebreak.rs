//! Knuth–Plass total-fit line breaking over a whole paragraph of boxes,
//! glue and penalties. It knows nothing of fonts: widths are plain numbers.

/// What a paragraph is made of.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item {
    /// Something that never breaks nor changes width.
    Box { width: f32 },
    /// A breakable space. `fil` is an infinitely stretchable end-of-paragraph
    /// glue.
    Glue { width: f32, stretch: f32, shrink: f32, fil: bool },
    /// A possible break costing `penalty`; `width` is added to the line when
    /// it breaks here (the hyphen). `flagged` marks hyphen breaks.
    Penalty { width: f32, penalty: f32, flagged: bool },
}

/// A penalty this high forbids a break; this low forces one.
pub const INFINITE_PENALTY: f32 = 10_000.0;

/// Added to every line's badness: fewer lines are better, all else equal
/// (TeX's `\linepenalty`).
const LINE_PENALTY: f32 = 10.0;
/// Two adjacent lines of very different tightness (fitness classes more than
/// one apart) look uneven: TeX's `\adjdemerits`.
const ADJ_DEMERITS: f32 = 10_000.0;
/// Two hyphenated lines in a row (TeX's `\doublehyphendemerits`).
const DOUBLE_HYPHEN_DEMERITS: f32 = 10_000.0;
/// A hyphen on the paragraph's penultimate line leaves a short broken word on
/// the last line (TeX's `\finalhyphendemerits`).
const FINAL_HYPHEN_DEMERITS: f32 = 5_000.0;
/// Lines looser than this ratio are not considered in the first pass: about
/// TeX's `\tolerance=200` (badness 100·r³ = 200 at r ≈ 1.26).
const FIRST_PASS_MAX_RATIO: f32 = 1.26;
/// At most this many hyphenated lines in a row (French usage: two).
pub const MAX_CONSECUTIVE_HYPHENS: u8 = 2;
/// Badness of a line with nothing to stretch (a lone word that cannot be
/// justified), in the emergency pass: worse than any loose line.
const EMPTY_LINE_BADNESS: f64 = 1e8;
/// A third hyphenated line in a row, in the emergency pass only: above the
/// demerits of any line, however loose ((EMPTY_LINE_BADNESS)² = 1e16), so it
/// happens only where every other choice overflows (a word longer than two
/// lines).
const TOO_MANY_HYPHENS_DEMERITS: f64 = 1e20;
/// Demerits of an unavoidable overfull line (a box wider than the measure):
/// the worst of all outcomes, but still a result.
const OVERFULL_DEMERITS: f64 = 1e12;

#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub line_width: f32,
    /// Extra stretch at each line end for ragged (centred) text; 0 when
    /// justified.
    pub ragged_stretch: f32,
}

/// One chosen break: the line ends at item `at` (a glue or penalty, or the
/// last item).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    pub at: usize,
    /// Adjustment ratio of the line: extra space per unit of stretch (> 0) or
    /// shrink (< 0).
    pub ratio: f32,
    pub hyphenated: bool,
}

#[derive(Clone, Copy)]
struct Sums {
    width: f32,
    stretch: f32,
    shrink: f32,
    fil: u32,
}

struct Node {
    /// Item index of the break (usize::MAX for the paragraph start).
    at: usize,
    /// Sums at the first item of the next line.
    start: Sums,
    fitness: u8,
    hyphens: u8,
    total: f64,
    prev: Option<usize>,
    ratio: f32,
    hyphenated: bool,
}

/// Breaks the paragraph into lines. The last item should be a forced break
/// preceded by `fil` glue; one is assumed otherwise.
pub fn break_lines(items: &[Item], p: &Params) -> Vec<Break> {
    if items.is_empty() {
        return Vec::new();
    }
    let sums = prefix_sums(items);
    break_pass(items, &sums, p, Some(FIRST_PASS_MAX_RATIO)).unwrap_or_else(|| {
        break_pass(items, &sums, p, None)
            .unwrap_or_else(|| vec![Break { at: items.len() - 1, ratio: 0.0, hyphenated: false }])
    })
}

/// `sums[i]` is the total of the items before item `i`.
fn prefix_sums(items: &[Item]) -> Vec<Sums> {
    let mut sums = Vec::with_capacity(items.len() + 1);
    let mut s = Sums { width: 0.0, stretch: 0.0, shrink: 0.0, fil: 0 };
    for it in items {
        sums.push(s);
        match *it {
            Item::Box { width } => s.width += width,
            Item::Glue { width, stretch, shrink, fil } => {
                s.width += width;
                s.stretch += stretch;
                s.shrink += shrink;
                s.fil += fil as u32;
            }
            Item::Penalty { .. } => {}
        }
    }
    sums.push(s);
    sums
}

fn is_forced(items: &[Item], i: usize) -> bool {
    i + 1 == items.len() || matches!(items[i], Item::Penalty { penalty, .. } if penalty <= -INFINITE_PENALTY)
}

fn fitness(r: f32) -> u8 {
    if r < -0.5 {
        0
    } else if r <= 0.5 {
        1
    } else if r <= 1.0 {
        2
    } else {
        3
    }
}

/// One pass; `max_ratio` None is the emergency pass: any loose line is
/// accepted, and a box wider than the measure gets its own overfull line.
fn break_pass(items: &[Item], sums: &[Sums], p: &Params, max_ratio: Option<f32>) -> Option<Vec<Break>> {
    let mut nodes = vec![Node {
        at: usize::MAX,
        start: sums[0],
        fitness: 1,
        hyphens: 0,
        total: 0.0,
        prev: None,
        ratio: 0.0,
        hyphenated: false,
    }];
    let mut active: Vec<usize> = vec![0];
    let mut last_end = usize::MAX;

    for i in 0..items.len() {
        let forced = is_forced(items, i);
        let (pen_width, penalty, flagged) = match items[i] {
            Item::Box { .. } => {
                if !forced {
                    continue;
                }
                (0.0, 0.0, false)
            }
            Item::Glue { .. } => {
                if i == 0 || !matches!(items[i - 1], Item::Box { .. }) {
                    continue;
                }
                (0.0, 0.0, false)
            }
            Item::Penalty { width, penalty, flagged } => {
                if penalty >= INFINITE_PENALTY && !forced {
                    continue;
                }
                (width, penalty, flagged)
            }
        };
        // best candidate per (fitness, hyphen run)
        let mut best: [[Option<(f64, usize, f32)>; 3]; 4] = Default::default();
        // the nodes kept active are moved to the front, in order
        let mut kept = 0;
        let mut rescue: Option<usize> = None;
        for k in 0..active.len() {
            let a = active[k];
            let n = &nodes[a];
            let width = sums[i].width - n.start.width + pen_width;
            let stretch = sums[i].stretch - n.start.stretch + p.ragged_stretch;
            let shrink = sums[i].shrink - n.start.shrink;
            let fil = sums[i].fil > n.start.fil;
            let short = p.line_width - width;
            let ratio = if short >= 0.0 {
                if fil {
                    0.0
                } else if stretch > 0.0 {
                    short / stretch
                } else if short <= 0.01 {
                    0.0
                } else {
                    f32::INFINITY
                }
            } else if shrink > 0.0 {
                short / shrink
            } else if short > -0.01 {
                0.0
            } else {
                f32::NEG_INFINITY
            };
            let too_long = ratio < -1.0;
            if !too_long && !forced {
                active[kept] = a;
                kept += 1;
            }
            if too_long {
                if rescue.is_none_or(|r| nodes[r].total > n.total) {
                    rescue = Some(a);
                }
                continue;
            }
            if max_ratio.is_some_and(|m| ratio > m) {
                continue;
            }
            // The first pass never allows a third hyphen in a row; the
            // emergency pass only makes it very costly, since an overfull
            // line (a word longer than two lines) would be worse.
            let too_many_hyphens = flagged && n.hyphens >= MAX_CONSECUTIVE_HYPHENS;
            if too_many_hyphens && max_ratio.is_some() {
                continue;
            }
            // TeX caps badness at 10 000, which makes a line holding one
            // word as good as a merely loose one; the emergency pass keeps
            // them apart.
            let raw = if ratio.is_finite() { 100.0 * (ratio.abs() as f64).powi(3) } else { EMPTY_LINE_BADNESS };
            let badness = if max_ratio.is_some() { raw.min(10_000.0) } else { raw.min(EMPTY_LINE_BADNESS) };
            let mut d = (LINE_PENALTY as f64 + badness).powi(2);
            if penalty > 0.0 {
                d += (penalty as f64).powi(2);
            } else if penalty > -INFINITE_PENALTY {
                d -= (penalty as f64).powi(2);
            }
            let fit = fitness(ratio);
            if fit.abs_diff(n.fitness) > 1 {
                d += ADJ_DEMERITS as f64;
            }
            if flagged && n.hyphenated {
                d += DOUBLE_HYPHEN_DEMERITS as f64;
            }
            if forced && n.hyphenated {
                d += FINAL_HYPHEN_DEMERITS as f64;
            }
            if too_many_hyphens {
                d += TOO_MANY_HYPHENS_DEMERITS;
            }
            let total = n.total + d;
            let hy = if flagged { (n.hyphens + 1).min(MAX_CONSECUTIVE_HYPHENS) } else { 0 } as usize;
            let slot = &mut best[fit as usize][hy];
            if slot.is_none_or(|(t, _, _)| total < t) {
                *slot = Some((total, a, ratio));
            }
        }
        active.truncate(kept);
        let start = line_start(items, sums, i);
        let mut made = false;
        for (fit, row) in best.iter().enumerate() {
            for (hy, c) in row.iter().enumerate() {
                if let Some((total, prev, ratio)) = *c {
                    nodes.push(Node {
                        at: i,
                        start,
                        fitness: fit as u8,
                        hyphens: hy as u8,
                        total,
                        prev: Some(prev),
                        ratio,
                        hyphenated: flagged,
                    });
                    active.push(nodes.len() - 1);
                    made = true;
                }
            }
        }
        if !made && active.is_empty() {
            // Nothing fits: only the emergency pass may give up a line.
            let r = rescue?;
            if max_ratio.is_some() {
                return None;
            }
            let total = nodes[r].total + OVERFULL_DEMERITS;
            nodes.push(Node {
                at: i,
                start,
                fitness: 1,
                hyphens: 0,
                total,
                prev: Some(r),
                ratio: -1.0,
                hyphenated: flagged,
            });
            active.push(nodes.len() - 1);
        }
        if i + 1 == items.len() {
            last_end = i;
        }
    }
    if last_end == usize::MAX {
        return None;
    }
    let best = active
        .iter()
        .copied()
        .filter(|&a| nodes[a].at == last_end)
        .min_by(|&a, &b| nodes[a].total.total_cmp(&nodes[b].total))?;
    let mut out = Vec::new();
    let mut cur = Some(best);
    while let Some(c) = cur {
        let n = &nodes[c];
        if n.at == usize::MAX {
            break;
        }
        out.push(Break { at: n.at, ratio: n.ratio, hyphenated: n.hyphenated });
        cur = n.prev;
    }
    out.reverse();
    Some(out)
}

/// Sums at the first item of a line after a break at `b`: glue and
/// penalties right after a break vanish.
fn line_start(items: &[Item], sums: &[Sums], b: usize) -> Sums {
    let mut j = b + 1;
    while j < items.len() && !matches!(items[j], Item::Box { .. }) && !is_forced(items, j) {
        j += 1;
    }
    sums[j.min(items.len())]
}

/// First item of the line that follows a break at `b`.
pub fn next_line_start(items: &[Item], b: usize) -> usize {
    let mut j = b + 1;
    while j < items.len() && !matches!(items[j], Item::Box { .. }) && !is_forced(items, j) {
        j += 1;
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(items: &mut Vec<Item>, w: f32) {
        items.push(Item::Box { width: w });
    }
    fn space(items: &mut Vec<Item>) {
        items.push(Item::Glue { width: 3.0, stretch: 1.5, shrink: 1.0, fil: false });
    }
    fn finish(items: &mut Vec<Item>) {
        items.push(Item::Glue { width: 0.0, stretch: 0.0, shrink: 0.0, fil: true });
        items.push(Item::Penalty { width: 0.0, penalty: -INFINITE_PENALTY, flagged: false });
    }

    /// Natural width of each line and its stretch/shrink, to check fit.
    fn line_widths(items: &[Item], breaks: &[Break]) -> Vec<(f32, f32, f32)> {
        let mut out = Vec::new();
        let mut start = 0;
        for b in breaks {
            let (mut w, mut st, mut sh) = (0.0, 0.0, 0.0);
            for it in &items[start..b.at] {
                match *it {
                    Item::Box { width } => w += width,
                    Item::Glue { width, stretch, shrink, .. } => {
                        w += width;
                        st += stretch;
                        sh += shrink;
                    }
                    _ => {}
                }
            }
            if let Item::Penalty { width, .. } = items[b.at] {
                w += width;
            }
            out.push((w, st, sh));
            start = next_line_start(items, b.at);
        }
        out
    }

    fn pseudo_random_words(n: usize, seed: u32) -> Vec<f32> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                10.0 + ((x >> 16) % 40) as f32
            })
            .collect()
    }

    #[test]
    fn no_line_is_overfull() {
        for seed in 0..20 {
            let mut items = Vec::new();
            for (k, w) in pseudo_random_words(120, seed).into_iter().enumerate() {
                if k > 0 {
                    space(&mut items);
                }
                // split long words with a hyphen break
                if w > 30.0 {
                    word(&mut items, w / 2.0);
                    items.push(Item::Penalty { width: 4.0, penalty: 100.0, flagged: true });
                    word(&mut items, w / 2.0);
                } else {
                    word(&mut items, w);
                }
            }
            finish(&mut items);
            let p = Params { line_width: 200.0, ragged_stretch: 0.0 };
            let breaks = break_lines(&items, &p);
            assert!(breaks.len() > 5);
            for (w, _, sh) in line_widths(&items, &breaks) {
                assert!(w - sh <= 200.0 + 0.01, "overfull line: {w} - {sh}");
            }
            // at most two hyphenated lines in a row
            let mut run = 0;
            for b in &breaks {
                run = if b.hyphenated { run + 1 } else { 0 };
                assert!(run <= MAX_CONSECUTIVE_HYPHENS);
            }
        }
    }

    #[test]
    fn hyphen_runs_are_limited_even_when_tempting() {
        // every word can only fit by hyphenating: breaks must still avoid a
        // run of three
        let mut items = Vec::new();
        for k in 0..40 {
            if k > 0 {
                space(&mut items);
            }
            word(&mut items, 60.0);
            items.push(Item::Penalty { width: 3.0, penalty: 50.0, flagged: true });
            word(&mut items, 40.0);
        }
        finish(&mut items);
        let breaks = break_lines(&items, &Params { line_width: 133.0, ragged_stretch: 0.0 });
        let mut run = 0;
        for b in &breaks {
            run = if b.hyphenated { run + 1 } else { 0 };
            assert!(run <= MAX_CONSECUTIVE_HYPHENS, "{breaks:?}");
        }
    }

    #[test]
    fn unbreakable_space_never_breaks() {
        // a no-break space is a box: the breaker only sees one wide word
        let mut items = Vec::new();
        for k in 0..30 {
            if k > 0 {
                space(&mut items);
            }
            word(&mut items, 20.0);
            items.push(Item::Box { width: 3.0 }); // U+00A0
            word(&mut items, 20.0);
        }
        finish(&mut items);
        let breaks = break_lines(&items, &Params { line_width: 150.0, ragged_stretch: 0.0 });
        for b in &breaks {
            assert!(matches!(items[b.at], Item::Glue { .. } | Item::Penalty { .. }));
            assert!(!matches!(items[b.at.saturating_sub(1)], Item::Box { width } if width == 3.0));
        }
    }

    #[test]
    fn forced_breaks_inside_a_paragraph_keep_what_follows() {
        let mut items = Vec::new();
        for k in 0..6 {
            if k > 0 {
                space(&mut items);
            }
            word(&mut items, 20.0);
        }
        finish(&mut items); // a hard line break
        items.push(Item::Box { width: 0.0 });
        for _ in 0..6 {
            space(&mut items);
            word(&mut items, 20.0);
        }
        finish(&mut items);
        let breaks = break_lines(&items, &Params { line_width: 400.0, ragged_stretch: 0.0 });
        assert_eq!(breaks.len(), 2);
        assert_eq!(breaks[1].at, items.len() - 1);
    }

    #[test]
    fn a_word_wider_than_the_measure_still_gets_a_line() {
        let mut items = Vec::new();
        word(&mut items, 50.0);
        space(&mut items);
        word(&mut items, 500.0);
        space(&mut items);
        word(&mut items, 50.0);
        finish(&mut items);
        let breaks = break_lines(&items, &Params { line_width: 100.0, ragged_stretch: 0.0 });
        assert_eq!(breaks.last().unwrap().at, items.len() - 1);
    }
}
