//! The document around the pages: page tree, shared resources, images,
//! fonts, outline, Info and catalog. Pages arrive one at a time (their
//! objects are reserved up front, so links and the outline can point at
//! pages not yet written); `finish` writes the rest and the xref table.

use super::fonts::{tag, Fonts};
use super::objects::ObjWriter;
use super::syntax::{PdfBytes, Ref};
use super::{image_name, DocInfo, Link, PdfError, Target};
use crate::pdf::image::Embedded;
use crate::style::Face;
use std::collections::BTreeMap;

const POS_DECIMALS: u32 = 3;

pub struct PdfWriter<'a> {
    w: ObjWriter,
    info: &'a DocInfo<'a>,
    pages: Vec<Ref>,
    written: usize,
    tree: Ref,
    resources: Ref,
    fonts: Vec<(Face, Ref)>,
    images: BTreeMap<usize, Ref>,
}

impl<'a> PdfWriter<'a> {
    /// A document of `page_count` pages in the given fonts.
    pub fn new(info: &'a DocInfo<'a>, page_count: usize, fonts: &Fonts) -> Self {
        let mut w = ObjWriter::new();
        let (tree, resources) = (w.reserve(), w.reserve());
        let fonts = fonts.faces().map(|f| (f, w.reserve())).collect();
        let pages = (0..page_count).map(|_| w.reserve()).collect();
        PdfWriter { w, info, pages, written: 0, tree, resources, fonts, images: BTreeMap::new() }
    }

    /// Writes each image (and its soft mask) once; the references by asset.
    pub fn images(&mut self, images: BTreeMap<usize, Embedded>) -> &BTreeMap<usize, Ref> {
        for (asset, e) in images {
            let mut dict = e.stream.dict;
            if let Some(mask) = e.mask {
                let m = self.w.reserve();
                self.xobject(m, &mask.dict, &mask.content);
                dict.set("SMask", lopdf::Object::Reference((m.0, 0)));
            }
            let r = self.w.reserve();
            self.xobject(r, &dict, &e.stream.content);
            self.images.insert(asset, r);
        }
        &self.images
    }

    /// An image stream, its data already encoded as its dictionary says.
    fn xobject(&mut self, r: Ref, dict: &lopdf::Dictionary, data: &[u8]) {
        let mut d = Vec::new();
        for (k, v) in dict.iter().filter(|(k, _)| k.as_slice() != b"Length") {
            d.name(k).raw(b" ").object(v);
        }
        self.w.stream(r, &d, data);
    }

    /// Room for `bytes` more of the file.
    pub fn reserve(&mut self, bytes: usize) {
        self.w.reserve_bytes(bytes);
    }

    /// The next page: its content, in parts (none, or all empty: a blank
    /// page), deflated or not, and its links.
    pub fn page(&mut self, parts: &[&[u8]], deflated: bool, links: &[Link]) -> Result<(), PdfError> {
        let number = self.written + 1;
        let &r = self
            .pages
            .get(self.written)
            .ok_or_else(|| PdfError(format!("page {number} is past the {} pages announced", self.pages.len())))?;
        let contents = parts.iter().any(|p| !p.is_empty()).then(|| {
            let c = self.w.reserve();
            self.w.stream_parts(c, if deflated { b"/Filter/FlateDecode" } else { b"" }, parts);
            c
        });
        let (tree, resources, info) = (self.tree, self.resources, self.info);
        let pages = &self.pages;
        self.w.obj(r, |o| {
            o.raw(b"<</Type/Page/Parent ").reference(tree).raw(b"/MediaBox[0 0 ");
            o.real(info.width, POS_DECIMALS).raw(b" ").real(info.height, POS_DECIMALS);
            o.raw(b"]/Resources ").reference(resources);
            if let Some(c) = contents {
                o.raw(b"/Contents ").reference(c);
            }
            if !links.is_empty() {
                o.raw(b"/Annots[");
                for l in links {
                    link(o, l, pages);
                }
                o.raw(b"]");
            }
            o.raw(b">>");
        });
        self.written += 1;
        Ok(())
    }

    /// Writes fonts, resources, page tree, outline, Info and catalog, and
    /// the cross-reference table: the file.
    pub fn finish(mut self, fonts: &Fonts, id: &[u8]) -> Result<Vec<u8>, PdfError> {
        if self.written != self.pages.len() {
            return Err(PdfError(format!("{} pages written of the {} announced", self.written, self.pages.len())));
        }
        fonts.write(&mut self.w, &self.fonts);
        self.w.obj(self.resources, |o| {
            o.raw(b"<</Font<<");
            for (face, r) in &self.fonts {
                o.name(tag(*face).as_bytes()).raw(b" ").reference(*r);
            }
            o.raw(b">>");
            if !self.images.is_empty() {
                o.raw(b"/XObject<<");
                for (asset, r) in &self.images {
                    o.name(image_name(*asset).as_bytes()).raw(b" ").reference(*r);
                }
                o.raw(b">>");
            }
            o.raw(b">>");
        });
        let pages = &self.pages;
        self.w.obj(self.tree, |o| {
            o.raw(b"<</Type/Pages/Count ").int(pages.len() as i64).raw(b"/Kids[");
            for (k, p) in pages.iter().enumerate() {
                if k > 0 {
                    o.push(b' ');
                }
                o.reference(*p);
            }
            o.raw(b"]>>");
        });
        let outline = self.outline();
        let info = self.info_dict()?;
        let catalog = self.w.reserve();
        let (tree, lang) = (self.tree, self.info.lang);
        self.w.obj(catalog, |o| {
            o.raw(b"<</Type/Catalog/Pages ").reference(tree).raw(b"/Outlines ").reference(outline);
            o.raw(b"/PageMode/UseOutlines/PageLayout/OneColumn/Lang").text(lang).raw(b">>");
        });
        self.w.finish(catalog, info, id)
    }

    /// The bookmarks as a tree: chapters at the top, each closed over its
    /// sections; each lands where its chapter or heading starts.
    fn outline(&mut self) -> Ref {
        let root = self.w.reserve();
        let marks = &self.info.outline;
        let items: Vec<Ref> = marks.iter().map(|_| self.w.reserve()).collect();
        // each entry's parent (None: the root), and each parent's children
        let mut parent: Vec<Option<usize>> = Vec::with_capacity(marks.len());
        let mut open: Vec<usize> = Vec::new();
        for (k, m) in marks.iter().enumerate() {
            while open.last().is_some_and(|&p| marks[p].level >= m.level) {
                open.pop();
            }
            parent.push(open.last().copied());
            open.push(k);
        }
        // each entry's children, and its place among its siblings, in one
        // pass (a book may have thousands of headings)
        let (mut kids_of, mut top, mut at_of) = (vec![Vec::new(); marks.len()], Vec::new(), vec![0; marks.len()]);
        for (k, p) in parent.iter().enumerate() {
            let siblings = match p {
                Some(p) => &mut kids_of[*p],
                None => &mut top,
            };
            at_of[k] = siblings.len();
            siblings.push(k);
        }
        for (k, m) in marks.iter().enumerate() {
            let siblings = parent[k].map_or(&top, |p| &kids_of[p]);
            let at = at_of[k];
            let kids = &kids_of[k];
            let target = m.page.checked_sub(1).and_then(|p| self.pages.get(p)).copied();
            self.w.obj(items[k], |o| {
                o.raw(b"<</Title").text(&m.title).raw(b"/Parent ").reference(parent[k].map_or(root, |p| items[p]));
                if at > 0 {
                    o.raw(b"/Prev ").reference(items[siblings[at - 1]]);
                }
                if let Some(&next) = siblings.get(at + 1) {
                    o.raw(b"/Next ").reference(items[next]);
                }
                if let (Some(&f), Some(&l)) = (kids.first(), kids.last()) {
                    // closed: a negative count of what opening it shows
                    o.raw(b"/First ").reference(items[f]).raw(b"/Last ").reference(items[l]).raw(b"/Count ").int(-(kids.len() as i64));
                }
                if let Some(p) = target {
                    o.raw(b"/Dest[").reference(p).raw(b"/XYZ 0 ").real(m.top, POS_DECIMALS).raw(b" null]");
                }
                o.raw(b">>");
            });
        }
        self.w.obj(root, |o| {
            o.raw(b"<</Type/Outlines/Count ").int(top.len() as i64);
            if let (Some(&f), Some(&l)) = (top.first(), top.last()) {
                o.raw(b"/First ").reference(items[f]).raw(b"/Last ").reference(items[l]);
            }
            o.raw(b">>");
        });
        root
    }

    fn info_dict(&mut self) -> Result<Ref, PdfError> {
        let i = self.info;
        let date = chrono::DateTime::from_timestamp(i.modified, 0)
            .ok_or_else(|| PdfError(format!("build time {} is out of range", i.modified)))?
            .format("D:%Y%m%d%H%M%S+00'00'")
            .to_string();
        let keywords: Vec<&str> = i.keywords.split(',').map(str::trim).filter(|k| !k.is_empty()).collect();
        let r = self.w.reserve();
        self.w.obj(r, |o| {
            o.raw(b"<</Title").text(i.title).raw(b"/Author").text(i.author);
            o.raw(b"/Subject").text(i.subject).raw(b"/Keywords").text(&keywords.join(","));
            o.raw(b"/Creator").text(i.producer).raw(b"/Producer").text(i.producer);
            o.raw(b"/CreationDate").text(&date).raw(b"/ModDate").text(&date).raw(b"/Trapped/False");
            if let Some(v) = i.version {
                o.raw(b"/Version").text(v);
            }
            o.raw(b">>");
        });
        Ok(r)
    }
}

/// A link: an invisible rectangle going to a page's `top`, or to a web or
/// mail address (ASCII, as PDF wants it: other bytes percent-encoded).
fn link(o: &mut Vec<u8>, l: &Link, pages: &[Ref]) {
    match l.target {
        Target::Page { page, .. } if page == 0 || page > pages.len() => return,
        // (numbered by now: see `render`)
        Target::Chapter { .. } => return,
        _ => {}
    }
    let [x, y, w, h] = l.rect;
    o.raw(b"<</Type/Annot/Subtype/Link/Rect[").real(x, POS_DECIMALS).raw(b" ").real(y, POS_DECIMALS).raw(b" ");
    o.real(x + w, POS_DECIMALS).raw(b" ").real(y + h, POS_DECIMALS).raw(b"]/Border[0 0 0]/C[]/H/I");
    match &l.target {
        Target::Page { page, top } => {
            o.raw(b"/A<</S/GoTo/D[").reference(pages[page - 1]).raw(b"/XYZ 0 ").real(*top, POS_DECIMALS).raw(b" null]>>>>");
        }
        Target::Uri(url) => {
            let mut ascii = String::with_capacity(url.len());
            for b in url.bytes() {
                if b.is_ascii_graphic() {
                    ascii.push(char::from(b));
                } else {
                    ascii.push_str(&format!("%{b:02X}"));
                }
            }
            o.raw(b"/A<</S/URI/URI").text(&ascii).raw(b">>>>");
        }
        Target::Chapter { .. } => {}
    }
}
