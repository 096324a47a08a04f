//! The PDF backend: shape → break lines → paginate → draw.

use crate::book::Book;
use crate::style::Style;
use std::fmt;

#[derive(Debug)]
pub struct PdfError(pub String);

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PDF: {}", self.0)
    }
}

impl std::error::Error for PdfError {}

#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// Unix time of the build (`SOURCE_DATE_EPOCH`).
    pub modified: i64,
    pub generator: String,
}

/// The typeset book: PDF bytes and the layout trace.
pub struct PdfOutput {
    pub bytes: Vec<u8>,
    pub layout: String,
}

pub fn write(_book: &Book, _style: &Style, _opts: &PdfOptions) -> Result<PdfOutput, PdfError> {
    Err(PdfError("the PDF backend is not written yet".into()))
}
