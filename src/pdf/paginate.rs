//! A chapter's flow → pages: no widows or orphans, no heading last on a
//! page, footnotes on the page of their call, and facing pages that end on
//! the same line.

use super::compose::{Flow, VItem};

/// What one page of a chapter holds: flow items `start..end` and whole notes.
#[derive(Debug, Clone, PartialEq)]
pub struct PageCut {
    pub start: usize,
    pub end: usize,
    pub notes: Vec<usize>,
    /// Height used down to the last line, notes included.
    pub used: f32,
}

#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// Height of the text block.
    pub height: f32,
    /// Lines of a paragraph kept together at a page's top / foot.
    pub widows: usize,
    pub orphans: usize,
    /// Space between the text and the first note.
    pub note_gap: f32,
    /// The body leading: facing pages "end on the same line" when they end
    /// within half of it.
    pub line: f32,
}

/// Height slack for float sums.
const EPS: f32 = 0.01;
/// A spread may be this many lines short to end both pages on the same line
/// without a widow or orphan; past that, an unbalanced spread looks better
/// than a half-empty one.
const MAX_SHORT_LINES: usize = 4;
/// A word broken across a leaf (hyphen at the foot of a right-hand page)
/// makes the reader turn the page mid-word: worth one line of shortening,
/// not more.
const HYPHEN_TURN_COST: u32 = 2;
/// An unbalanced spread is worse than a spread four lines short (cost 16).
const UNBALANCED_COST: u32 = 30;

/// The first page number (1-based) where a chapter may open: an odd,
/// right-hand page at or after `next`.
pub fn chapter_start(next: usize) -> usize {
    if next % 2 == 1 {
        next
    } else {
        next + 1
    }
}

fn notes_height(flow: &Flow, notes: &[usize], gap: f32) -> f32 {
    if notes.is_empty() {
        return 0.0;
    }
    gap + notes.iter().filter_map(|&n| flow.notes.get(n)).flatten().map(VItem::height).sum::<f32>()
}

/// First item of a page starting at `s`: discardable spaces vanish.
fn skip_space(flow: &Flow, mut s: usize) -> usize {
    while let Some(VItem::Space { discardable: true, .. }) = flow.items.get(s) {
        s += 1;
    }
    s
}

/// May a page end before item `end`?
fn break_ok(flow: &Flow, start: usize, end: usize, r: &Rules) -> bool {
    let items = &flow.items;
    if end >= items.len() {
        return true;
    }
    let prev = items[start..end].iter().rev().find_map(|i| match i {
        VItem::Line(l) => Some(l),
        _ => None,
    });
    let next = items[end..].iter().find_map(|i| match i {
        VItem::Line(l) => Some(l),
        _ => None,
    });
    let (Some(prev), Some(next)) = (prev, next) else { return true };
    if prev.keep_with_next {
        return false;
    }
    if prev.para == next.para {
        let before = prev.index as usize + 1;
        let after = (next.count - next.index) as usize;
        return before >= r.orphans && after >= r.widows;
    }
    true
}

/// Fills a page from `start` up to `capacity`, then steps back to the last
/// allowed break. Returns `None` at the end of the flow.
fn fill(flow: &Flow, start: usize, capacity: f32, r: &Rules) -> Option<PageCut> {
    let items = &flow.items;
    if start >= items.len() {
        return None;
    }
    let mut used_text = 0.0;
    let mut notes: Vec<usize> = Vec::new();
    let mut notes_h = 0.0;
    // (end, height used down to the last line, notes.len())
    let mut ends: Vec<(usize, f32, usize)> = Vec::new();
    let mut to_last_line = 0.0;
    let mut i = start;
    while i < items.len() {
        let it = &items[i];
        let called: &[usize] = match it {
            VItem::Line(l) => &l.line.notes,
            _ => &[],
        };
        let mut with_h = notes_h;
        if called.iter().any(|n| !notes.contains(n)) {
            let mut with = notes.clone();
            with.extend(called.iter().copied().filter(|n| !notes.contains(n)));
            with_h = notes_height(flow, &with, r.note_gap);
        }
        let total = used_text + it.height() + with_h;
        if total > capacity + EPS && i > start {
            break;
        }
        for &n in called {
            if !notes.contains(&n) {
                notes.push(n);
            }
        }
        notes_h = with_h;
        used_text += it.height();
        if matches!(it, VItem::Line(_)) {
            to_last_line = total;
        }
        i += 1;
        ends.push((i, to_last_line, notes.len()));
    }
    // step back to an allowed break, keeping at least one line
    let pick = ends.iter().rev().find(|&&(e, _, _)| break_ok(flow, start, e, r)).or(ends.last()).copied();
    let (end, used, n) = pick?;
    notes.truncate(n);
    Some(PageCut { start, end, notes, used })
}

/// A left page and, unless the chapter ends first, its right-hand page.
type Spread = (PageCut, Option<PageCut>);

/// The spread from `s` when both pages are `short` lines short: each page
/// ends at the last allowed break that fits.
fn spread(flow: &Flow, s: usize, short: usize, r: &Rules) -> Option<Spread> {
    let cap = r.height - short as f32 * r.line;
    let left = fill(flow, s, cap, r)?;
    let right = fill(flow, skip_space(flow, left.end), cap, r);
    Some((left, right))
}

/// A chapter's remaining spreads, chosen together (dynamic programming over
/// where each spread starts) so that an early choice can make later spreads
/// balance: minimal total [`cost`].
struct Planner<'f> {
    flow: &'f Flow,
    r: Rules,
    /// Best (cost, spread) from each start.
    memo: std::collections::HashMap<usize, (u32, Option<Spread>)>,
}

impl Planner<'_> {
    fn best(&mut self, s: usize) -> u32 {
        let s = skip_space(self.flow, s);
        if s >= self.flow.items.len() {
            return 0;
        }
        if let Some((c, _)) = self.memo.get(&s) {
            return *c;
        }
        let mut best: (u32, Option<Spread>) = (u32::MAX, None);
        for short in 0..=MAX_SHORT_LINES {
            let Some((left, right)) = spread(self.flow, s, short, &self.r) else { break };
            let end = right.as_ref().map_or(left.end, |p| p.end);
            let last = end >= self.flow.items.len();
            let balanced = right.as_ref().is_none_or(|p| (left.used - p.used).abs() < self.r.line / 2.0);
            let turn = right.as_ref().is_some_and(|p| ends_hyphenated(self.flow, p) && p.end < self.flow.items.len());
            let here = if last { 0 } else { cost(short, balanced) + if turn { HYPHEN_TURN_COST } else { 0 } };
            let total = here.saturating_add(self.best(end));
            if total < best.0 {
                best = (total, Some((left, right)));
            }
            if last {
                break;
            }
        }
        self.memo.insert(s, best.clone());
        best.0
    }
}

/// Whether a page's last line ends with an engine hyphen.
fn ends_hyphenated(flow: &Flow, cut: &PageCut) -> bool {
    flow.items[cut.start..cut.end]
        .iter()
        .rev()
        .find_map(|i| match i {
            VItem::Line(l) => Some(l.line.hyphenated),
            _ => None,
        })
        .unwrap_or(false)
}

/// Cost of a spread: each line short costs its square, so that two spreads
/// one line short beat one spread two lines short; an unbalanced spread
/// costs more than any allowed shortening.
fn cost(short: usize, balanced: bool) -> u32 {
    let s = (short * short) as u32;
    if balanced {
        s
    } else {
        s + UNBALANCED_COST
    }
}

/// Cuts a chapter into pages. The chapter opens on a right-hand page; each
/// following (left, right) pair is a spread to balance.
pub fn paginate(flow: &Flow, r: &Rules) -> Vec<PageCut> {
    let mut pages = Vec::new();
    let mut plan = Planner { flow, r: *r, memo: Default::default() };
    // The opening page faces the previous chapter: it may run short at no
    // balance cost if that lets the spreads after it balance.
    let mut first: Option<(u32, PageCut)> = None;
    for short in 0..=MAX_SHORT_LINES {
        let Some(page) = fill(flow, 0, r.height - short as f32 * r.line, r) else { return pages };
        let turn = if ends_hyphenated(flow, &page) { HYPHEN_TURN_COST } else { 0 };
        let total = ((short * short) as u32 + turn).saturating_add(plan.best(page.end));
        if first.as_ref().is_none_or(|(t, _)| total < *t) {
            first = Some((total, page));
        }
    }
    let Some((_, first)) = first else { return pages };
    let mut next = first.end;
    pages.push(first);
    loop {
        plan.best(next);
        let s = skip_space(flow, next);
        let Some((_, Some((left, right)))) = plan.memo.get(&s).cloned() else { break };
        next = right.as_ref().map_or(left.end, |p| p.end);
        pages.push(left);
        pages.extend(right);
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::compose::FlowLine;
    use crate::pdf::para::Line;

    fn line(para: u32, index: u32, count: u32) -> VItem {
        VItem::Line(FlowLine {
            line: Line::default(),
            x: 0.0,
            leading: 14.0,
            size: 10.0,
            para,
            index,
            count,
            keep_with_next: false,
        })
    }

    /// A flow of paragraphs of the given line counts.
    fn flow(paras: &[u32]) -> Flow {
        let mut items = Vec::new();
        for (p, &n) in paras.iter().enumerate() {
            for i in 0..n {
                items.push(line(p as u32, i, n));
            }
        }
        Flow { items, notes: Vec::new() }
    }

    fn rules() -> Rules {
        Rules { height: 14.0 * 10.0, widows: 2, orphans: 2, note_gap: 8.0, line: 14.0 }
    }

    fn lines_of(flow: &Flow, cut: &PageCut) -> Vec<(u32, u32, u32)> {
        flow.items[cut.start..cut.end]
            .iter()
            .filter_map(|i| match i {
                VItem::Line(l) => Some((l.para, l.index, l.count)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn no_widows_no_orphans_and_every_line_once() {
        // many layouts of paragraph lengths, deterministic pseudo-random
        let mut x = 7u32;
        for _ in 0..200 {
            let paras: Vec<u32> = (0..30)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    1 + (x >> 16) % 9
                })
                .collect();
            let f = flow(&paras);
            let pages = paginate(&f, &rules());
            let mut seen = 0;
            for (k, p) in pages.iter().enumerate() {
                assert_eq!(p.start, seen, "pages must cover the flow in order");
                seen = p.end;
                let ls = lines_of(&f, p);
                let (first, last) = (ls[0], ls[ls.len() - 1]);
                // widow: a paragraph's last line alone at the top of a page
                if first.1 > 0 {
                    assert!(first.2 - first.1 >= 2, "widow on page {k}: {paras:?}");
                }
                // orphan: a paragraph's first line alone at the foot
                if k + 1 < pages.len() && last.1 + 1 < last.2 {
                    assert!(last.1 + 1 >= 2, "orphan on page {k}: {paras:?}");
                }
                assert!(p.used <= rules().height + EPS);
            }
            assert_eq!(seen, f.items.len());
        }
    }

    #[test]
    fn facing_pages_end_on_the_same_line() {
        // paragraphs of three lines: a full page of 10 lines would split one
        // badly every time, so spreads must shorten both pages together.
        let f = flow(&[3; 40]);
        let pages = paginate(&f, &rules());
        for pair in pages[1..].chunks(2) {
            if let [l, r] = pair {
                if r.end < f.items.len() {
                    assert!((l.used - r.used).abs() < 14.0, "{l:?} {r:?}");
                }
            }
        }
    }

    #[test]
    fn heading_never_last_on_a_page() {
        let mut f = flow(&[9, 1, 5, 5]);
        // make the one-line paragraph a heading
        if let VItem::Line(l) = &mut f.items[9] {
            l.keep_with_next = true;
        }
        let pages = paginate(&f, &rules());
        for p in &pages[..pages.len() - 1] {
            if let Some(VItem::Line(l)) = f.items[p.start..p.end].iter().rev().find(|i| matches!(i, VItem::Line(_))) {
                assert!(!l.keep_with_next);
            }
        }
    }

    #[test]
    fn chapters_open_on_odd_pages() {
        for next in 1..20 {
            let p = chapter_start(next);
            assert!(p % 2 == 1 && p >= next && p - next <= 1);
        }
    }
}
