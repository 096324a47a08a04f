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
const MAX_SHORT_LINES: i32 = 4;
/// Or one line long, both pages (Bringhurst's other remedy): into the foot
/// margin, never on a page with notes, which sit at the block's foot.
const MAX_LONG_LINES: i32 = 1;
/// A spread a line long costs more than one a line short, less than two.
const LONG_COST: u32 = 2;
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

/// The notes `called` on a line, each followed by the notes its own text
/// calls (a note within a note goes on the page of its call, after the note
/// calling it), depth first, each once. No recursion: notes may nest deep.
fn with_nested(flow: &Flow, called: &[usize], out: &mut Vec<usize>) {
    out.clear();
    let mut stack: Vec<usize> = called.iter().rev().copied().collect();
    while let Some(n) = stack.pop() {
        if out.contains(&n) {
            continue;
        }
        out.push(n);
        let from = stack.len();
        for it in flow.notes.get(n).into_iter().flatten() {
            if let VItem::Line(l) = it {
                stack.extend(&l.line.notes);
            }
        }
        stack[from..].reverse();
    }
}

/// First item of a page starting at `s`: discardable spaces vanish.
fn skip_space(flow: &Flow, mut s: usize) -> usize {
    while let Some(VItem::Space { discardable: true, .. }) = flow.items.get(s) {
        s += 1;
    }
    s
}

/// Where a page may end, for every item of a flow: worked out once, since
/// pages are tried from many starts.
struct Breaks {
    /// The last line before each item, if any.
    last_line: Vec<Option<usize>>,
    /// May a page end before each item, if that last line is on the page?
    ok: Vec<bool>,
}

impl Breaks {
    fn new(flow: &Flow, r: &Rules) -> Breaks {
        let items = &flow.items;
        let line = |i: usize| match &items[i] {
            VItem::Line(l) => Some(l),
            _ => None,
        };
        let mut last_line = Vec::with_capacity(items.len());
        let mut last = None;
        for i in 0..items.len() {
            last_line.push(last);
            if line(i).is_some() {
                last = Some(i);
            }
        }
        let mut ok = vec![true; items.len()];
        let mut next = None;
        for e in (0..items.len()).rev() {
            if line(e).is_some() {
                next = Some(e);
            }
            // A rule stays with the line it belongs to: never last on a
            // page when it opens a table, never first when it closes one.
            let rule = |i: usize| match items.get(i) {
                Some(&VItem::Rule { with_next, .. }) => Some(with_next),
                _ => None,
            };
            // (and a figure with its caption, across the space between)
            let before = items[..e].iter().rev().find(|i| !matches!(i, VItem::Space { .. }));
            let figure_with_next = matches!(before, Some(VItem::Figure { with_next: true, .. }));
            if rule(e) == Some(false) || (e > 0 && rule(e - 1) == Some(true)) || figure_with_next {
                ok[e] = false;
                continue;
            }
            if let (Some(prev), Some(next)) = (last_line[e].and_then(line), next.and_then(line)) {
                ok[e] = if prev.keep_with_next {
                    false
                } else if prev.para == next.para {
                    let before = prev.index as usize + 1;
                    let after = (next.count - next.index) as usize;
                    before >= r.orphans && after >= r.widows
                } else {
                    true
                };
            }
        }
        Breaks { last_line, ok }
    }

    /// May a page from `start` end before item `end`?
    fn ok(&self, start: usize, end: usize) -> bool {
        match self.last_line.get(end) {
            Some(&Some(prev)) if prev >= start => self.ok[end],
            _ => true,
        }
    }
}

/// One more item on a page being filled.
#[derive(Debug, Clone, Copy)]
struct Step {
    /// The item after it.
    end: usize,
    /// Height the page needs to hold it (notes it calls included).
    need: f32,
    /// Height used down to the last line so far, notes included.
    used: f32,
    /// How many of the fill's notes are called so far.
    notes: usize,
}

/// A page filled from a start as far as the whole text block allows: a
/// shorter page ends at an earlier step.
struct Fill {
    steps: Vec<Step>,
    notes: Vec<usize>,
}

impl Fill {
    fn new(flow: &Flow, start: usize, r: &Rules) -> Fill {
        let items = &flow.items;
        // A table's head, repeated above the rest of its body.
        let mut used_text: f32 = flow.head_at(start).map_or(0.0, |h| h.iter().map(VItem::height).sum());
        let mut notes: Vec<usize> = Vec::new();
        let mut notes_h = 0.0;
        let mut steps = Vec::new();
        let mut to_last_line = used_text;
        let mut nested = Vec::new();
        for (i, it) in items.iter().enumerate().skip(start) {
            let called: &[usize] = match it {
                VItem::Line(l) if !l.line.notes.is_empty() => {
                    with_nested(flow, &l.line.notes, &mut nested);
                    &nested
                }
                _ => &[],
            };
            let mut with_h = notes_h;
            if called.iter().any(|n| !notes.contains(n)) {
                let mut with = notes.clone();
                with.extend(called.iter().copied().filter(|n| !notes.contains(n)));
                with_h = notes_height(flow, &with, r.note_gap);
            }
            let total = used_text + it.height() + with_h;
            if total > r.height + MAX_LONG_LINES as f32 * r.line + EPS && i > start {
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
            steps.push(Step { end: i + 1, need: total, used: to_last_line, notes: notes.len() });
        }
        Fill { steps, notes }
    }

    /// The page from `start` up to `capacity`: the last allowed break that
    /// fits, else everything that fits (at least one item).
    fn cut(&self, start: usize, capacity: f32, breaks: &Breaks) -> Option<PageCut> {
        let fits = self.steps.iter().skip(1).position(|s| s.need > capacity + EPS).map_or(self.steps.len(), |k| k + 1);
        let steps = &self.steps[..fits];
        let pick = steps.iter().rev().find(|s| breaks.ok(start, s.end)).or(steps.last())?;
        Some(PageCut { start, end: pick.end, notes: self.notes[..pick.notes].to_vec(), used: pick.used })
    }
}

/// A left page and, unless the chapter ends first, its right-hand page.
type Spread = (PageCut, Option<PageCut>);

/// A chapter's remaining spreads, chosen together (dynamic programming over
/// where each spread starts) so that an early choice can make later spreads
/// balance: minimal total [`cost`].
struct Planner<'f> {
    flow: &'f Flow,
    r: Rules,
    breaks: Breaks,
    /// The page filled from each start, once tried.
    fills: Vec<Option<Fill>>,
    /// Best cost from each start and the shortening that gives it.
    memo: Vec<Option<(u32, Option<i32>)>>,
}

impl<'f> Planner<'f> {
    fn new(flow: &'f Flow, r: &Rules) -> Self {
        let n = flow.items.len();
        Planner {
            flow,
            r: *r,
            breaks: Breaks::new(flow, r),
            fills: (0..n).map(|_| None).collect(),
            memo: vec![None; n],
        }
    }

    /// The page from `start`, `short` lines short (long if negative);
    /// `None` at the end.
    fn page(&mut self, start: usize, short: i32) -> Option<PageCut> {
        let fill = self.fills.get_mut(start)?.get_or_insert_with(|| Fill::new(self.flow, start, &self.r));
        fill.cut(start, self.r.height - short as f32 * self.r.line, &self.breaks)
    }

    /// The spread from `s` when both pages are `short` lines short: each page
    /// ends at the last allowed break that fits.
    fn spread(&mut self, s: usize, short: i32) -> Option<Spread> {
        let left = self.page(s, short)?;
        let right = self.page(skip_space(self.flow, left.end), short);
        Some((left, right))
    }

    fn best(&mut self, s: usize) -> u32 {
        let s = skip_space(self.flow, s);
        if s >= self.flow.items.len() {
            return 0;
        }
        if let Some((c, _)) = self.memo[s] {
            return c;
        }
        let mut best: (u32, Option<i32>) = (u32::MAX, None);
        for short in -MAX_LONG_LINES..=MAX_SHORT_LINES {
            let Some((left, right)) = self.spread(s, short) else { break };
            let end = right.as_ref().map_or(left.end, |p| p.end);
            let last = end >= self.flow.items.len();
            let balanced = right.as_ref().is_none_or(|p| (left.used - p.used).abs() < self.r.line / 2.0);
            // A long spread only where it balances and both pages run long.
            let long = |p: &PageCut| p.used > self.r.height + EPS;
            if short < 0 && (last || !balanced || !right.as_ref().is_some_and(|p| long(&left) && long(p) && left.notes.is_empty() && p.notes.is_empty())) {
                continue;
            }
            let turn = right.as_ref().is_some_and(|p| ends_hyphenated(self.flow, p) && p.end < self.flow.items.len());
            let here = if last { 0 } else { cost(short, balanced) + if turn { HYPHEN_TURN_COST } else { 0 } };
            let total = here.saturating_add(self.best(end));
            if total < best.0 {
                best = (total, Some(short));
            }
            if last {
                break;
            }
        }
        self.memo[s] = Some(best);
        best.0
    }

    /// The best spread from `s`, once [`Planner::best`] has planned it.
    fn chosen(&mut self, s: usize) -> Option<Spread> {
        let s = skip_space(self.flow, s);
        let (_, short) = (*self.memo.get(s)?)?;
        self.spread(s, short?)
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
fn cost(short: i32, balanced: bool) -> u32 {
    let s = if short < 0 { LONG_COST } else { (short * short) as u32 };
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
    let mut plan = Planner::new(flow, r);
    // The opening page faces the previous chapter: it may run short at no
    // balance cost if that lets the spreads after it balance.
    let mut first: Option<(u32, PageCut)> = None;
    for short in 0..=MAX_SHORT_LINES {
        let Some(page) = plan.page(0, short) else { return pages };
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
        let Some((left, right)) = plan.chosen(next) else { break };
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
        Flow { items, notes: Vec::new(), tables: Vec::new(), anchors: Vec::new() }
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

    /// A page that starts inside a table's body makes room for its head.
    #[test]
    fn a_table_head_takes_its_room_on_the_next_page() {
        let rule = |with_next| VItem::Rule { x: 0.0, width: 100.0, thickness: 0.5, height: 7.0, with_next };
        let mut items = vec![rule(true), line(0, 0, 1), rule(true)];
        items.extend((1..=20).map(|p| line(p, 0, 1)));
        items.push(rule(false));
        let head = items[..3].to_vec();
        let f = Flow { items, notes: Vec::new(), tables: vec![crate::pdf::compose::TableHead { body: 3..23, head }], anchors: Vec::new() };
        let pages = paginate(&f, &rules());
        assert!(pages.len() >= 2);
        let next = &pages[1];
        assert!(f.head_at(next.start).is_some(), "the second page starts inside the body");
        // 140 pt: the head (7 + 14 + 7) leaves room for 8 rows of 14.
        assert!(lines_of(&f, next).len() <= 8, "{:?}", lines_of(&f, next));
        assert!(next.used <= rules().height + 0.01, "{}", next.used);
        assert!(f.head_at(pages[0].start).is_none() && f.head_at(3).is_none(), "not above the head's own page, nor its first row");
    }

    #[test]
    fn a_table_rule_stays_with_its_line() {
        let rule = |with_next| VItem::Rule { x: 0.0, width: 100.0, thickness: 0.5, height: 7.0, with_next };
        // one-line rows (paragraphs 1..=3) between a top and a bottom rule
        let items = vec![line(0, 0, 1), rule(true), line(1, 0, 1), line(2, 0, 1), line(3, 0, 1), rule(false), line(4, 0, 1)];
        let b = Breaks::new(&Flow { items, notes: Vec::new(), tables: Vec::new(), anchors: Vec::new() }, &rules());
        // not before the head (the top rule would end the page), nor before the bottom rule
        assert_eq!((0..7).map(|e| b.ok(0, e)).collect::<Vec<_>>(), [true, true, false, true, true, false, true]);
    }

    #[test]
    fn a_figure_stays_with_its_caption() {
        let figure = |with_next| VItem::Figure { asset: 0, x: 0.0, width: 100.0, height: 50.0, with_next };
        let gap = VItem::Space { height: 4.0, discardable: false };
        let items = vec![line(0, 0, 1), figure(true), gap.clone(), line(1, 0, 1), figure(false), line(2, 0, 1)];
        let b = Breaks::new(&Flow { items, notes: Vec::new(), tables: Vec::new(), anchors: Vec::new() }, &rules());
        // never between the first figure and its caption
        assert_eq!((0..6).map(|e| b.ok(0, e)).collect::<Vec<_>>(), [true, true, false, false, true, true]);
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
                assert!(p.used <= rules().height + MAX_LONG_LINES as f32 * rules().line + EPS);
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
    fn a_spread_runs_a_line_long_rather_than_two_short() {
        // Pages of 10 lines; paragraphs of 4, 4, 3 lines may end a page after
        // 8 lines (two short) or 11 (one long), never 9 or 10.
        let f = flow(&[4, 4, 3].repeat(8));
        let pages = paginate(&f, &rules());
        let lines = |p: &PageCut| lines_of(&f, p).len();
        let mut long = 0;
        for pair in pages[1..].chunks(2) {
            if let [l, r] = pair {
                if r.end < f.items.len() {
                    assert_eq!(lines(l), lines(r), "{l:?} {r:?}");
                    assert!(lines(l) != 8, "two lines short: {l:?}");
                    long += usize::from(lines(l) == 11);
                }
            }
        }
        assert!(long > 0);
        // Never with notes: they sit at the foot of the text block.
        let mut f = flow(&[4, 4, 3].repeat(8));
        f.notes = vec![vec![line(99, 0, 1)]];
        for it in &mut f.items {
            if let VItem::Line(l) = it {
                l.line.notes = vec![0];
            }
        }
        for p in paginate(&f, &rules()) {
            assert!(p.used <= rules().height + EPS, "{p:?}");
        }
    }

    /// A note called in a note goes on the page of the outer note's call,
    /// after it (and a note calling itself back ends).
    #[test]
    fn a_note_called_from_a_note_is_on_the_page_of_its_call() {
        let mut f = flow(&[9, 9, 9]);
        let note = |calls: Vec<usize>| {
            let mut l = line(99, 0, 1);
            if let VItem::Line(fl) = &mut l {
                fl.line.notes = calls;
            }
            vec![l]
        };
        // 0 calls 2, 2 calls 3 and back 0; 1 calls nothing
        f.notes = vec![note(vec![2]), note(vec![]), note(vec![3, 0]), note(vec![])];
        for (at, n) in [(2, 0), (20, 1)] {
            if let VItem::Line(l) = &mut f.items[at] {
                l.line.notes = vec![n];
            }
        }
        let pages = paginate(&f, &rules());
        let on = |item: usize| pages.iter().find(|p| p.start <= item && item < p.end).unwrap();
        assert_eq!(on(2).notes, [0, 2, 3]);
        assert_eq!(on(20).notes, [1]);
        assert_eq!(pages.iter().map(|p| p.notes.len()).sum::<usize>(), 4, "{pages:?}");
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
    fn breaks_follow_the_lines_on_the_page() {
        // a heading, then a paragraph of four lines
        let mut f = flow(&[1, 4]);
        if let VItem::Line(l) = &mut f.items[0] {
            l.keep_with_next = true;
        }
        let b = Breaks::new(&f, &rules());
        // not after the heading, nor after one line or before the last one
        assert!(!b.ok(0, 1));
        assert!(!b.ok(0, 2));
        assert!(b.ok(0, 3));
        assert!(!b.ok(0, 4));
        assert!(b.ok(0, 5));
        // a page holding no line before the break may end there
        assert!(b.ok(1, 1));
        assert!(b.ok(2, 2));
        assert!(!b.ok(1, 2));
    }

    #[test]
    fn chapters_open_on_odd_pages() {
        for next in 1..20 {
            let p = chapter_start(next);
            assert!(p % 2 == 1 && p >= next && p - next <= 1);
        }
    }
}
