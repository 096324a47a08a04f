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
    /// Height used, notes included.
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
    /// Two facing pages "end on the same line" within this.
    pub line: f32,
}

/// Height slack for float sums.
const EPS: f32 = 0.01;
/// Refills of a spread before accepting it unbalanced.
const BALANCE_ROUNDS: usize = 6;

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
    let mut ends: Vec<(usize, f32, usize)> = Vec::new(); // (end, used, notes.len())
    let mut i = start;
    while i < items.len() {
        let it = &items[i];
        let mut with = notes.clone();
        if let VItem::Line(l) = it {
            with.extend(l.line.notes.iter().copied().filter(|n| !notes.contains(n)));
        }
        let total = used_text + it.height() + notes_height(flow, &with, r.note_gap);
        if total > capacity + EPS && i > start {
            break;
        }
        used_text += it.height();
        notes = with;
        i += 1;
        ends.push((i, total, notes.len()));
    }
    // step back to an allowed break, keeping at least one line
    let pick = ends.iter().rev().find(|&&(e, _, _)| break_ok(flow, start, e, r)).or(ends.last()).copied();
    let (end, used, n) = pick?;
    notes.truncate(n);
    Some(PageCut { start, end, notes, used })
}

/// Cuts a chapter into pages. The chapter opens on a right-hand page; each
/// following (left, right) pair is a spread to balance.
pub fn paginate(flow: &Flow, r: &Rules) -> Vec<PageCut> {
    let mut pages = Vec::new();
    let Some(first) = fill(flow, 0, r.height, r) else { return pages };
    let mut next = first.end;
    pages.push(first);
    loop {
        let s = skip_space(flow, next);
        let Some(mut left) = fill(flow, s, r.height, r) else { break };
        let ls = skip_space(flow, left.end);
        let Some(mut right) = fill(flow, ls, r.height, r) else {
            pages.push(left);
            break;
        };
        // A spread ending the chapter needs no balance: its last page is short.
        if right.end < flow.items.len() {
            for _ in 0..BALANCE_ROUNDS {
                if (left.used - right.used).abs() < r.line {
                    break;
                }
                if left.used > right.used {
                    let Some(l) = fill(flow, s, right.used, r) else { break };
                    left = l;
                    let Some(rt) = fill(flow, skip_space(flow, left.end), r.height, r) else { break };
                    right = rt;
                } else {
                    let Some(rt) = fill(flow, skip_space(flow, left.end), left.used, r) else { break };
                    right = rt;
                }
            }
        }
        next = right.end;
        pages.push(left);
        pages.push(right);
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
