//! folio: a Markdown manuscript in, an EPUB 3 and a PDF out, both from one
//! typographic style sheet.
//!
//! The pipeline, one way only:
//! `manuscript` (load) → `normalise` (text → text, logged) → `book`
//! (chapter objects) → `style` (the one sheet) → `epub` / `pdf` (backends).

pub mod book;
mod deflate;
pub mod epub;
mod located;
pub mod manuscript;
pub mod normalise;
pub mod output;
mod parallel;
pub mod pdf;
pub mod pipeline;
pub mod scaffold;
pub mod style;
