//! PDF lexical syntax appended to a byte buffer: numbers, names, strings,
//! references. Hand-written because content streams format hundreds of
//! thousands of numbers, and `core::fmt` was most of the old writer's time.

use lopdf::{Object, StringFormat};

/// An indirect object's number (generation is always 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ref(pub u32);

const HEX: &[u8; 16] = b"0123456789ABCDEF";

pub trait PdfBytes {
    fn raw(&mut self, bytes: &[u8]) -> &mut Self;
    /// An integer in decimal.
    fn int(&mut self, v: i64) -> &mut Self;
    /// A real with at most `decimals` decimals, trailing zeros trimmed
    /// (PDF has no exponent notation).
    fn real(&mut self, v: f32, decimals: u32) -> &mut Self;
    /// `n 0 R`
    fn reference(&mut self, r: Ref) -> &mut Self;
    /// A name, with `#xx` escapes for delimiters and bytes outside `!`..`~`.
    fn name(&mut self, name: &[u8]) -> &mut Self;
    /// A text string: ASCII as a literal, else UTF-16BE with its byte-order
    /// mark, in hex.
    fn text(&mut self, s: &str) -> &mut Self;
    /// Bytes as a hex string `<…>`.
    fn hex(&mut self, bytes: &[u8]) -> &mut Self;
    /// A glyph code as four hex digits, without delimiters.
    fn code(&mut self, code: u16) -> &mut Self;
    /// A glyph code as its two bytes inside a literal string, escaped where
    /// the string's syntax needs it (half the bytes of hex, so less to
    /// deflate: page content is mostly glyph codes).
    fn code_bytes(&mut self, code: u16) -> &mut Self;
    /// A lopdf object (image dictionaries come from `image.rs` as lopdf types).
    fn object(&mut self, o: &Object) -> &mut Self;
}

impl PdfBytes for Vec<u8> {
    fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.extend_from_slice(bytes);
        self
    }

    fn int(&mut self, v: i64) -> &mut Self {
        if v < 0 {
            self.push(b'-');
        }
        digits(self, v.unsigned_abs());
        self
    }

    fn real(&mut self, v: f32, decimals: u32) -> &mut Self {
        let n = (v as f64 * 10f64.powi(decimals as i32)).round();
        if n.is_nan() || n == 0.0 {
            self.push(b'0');
            return self;
        }
        // trailing zeros of the fraction dropped
        let mut u = n.abs().min(1e18) as u64;
        let mut decimals = decimals;
        while decimals > 0 && u.is_multiple_of(10) {
            u /= 10;
            decimals -= 1;
        }
        let scale = 10u64.pow(decimals);
        if n < 0.0 {
            self.push(b'-');
        }
        digits(self, u / scale);
        if decimals > 0 {
            // the fraction with its leading zeros: `scale + frac` less its first digit
            self.push(b'.');
            self.extend_from_slice(&itoa(scale + u % scale, &mut [0; 20]).as_bytes()[1..]);
        }
        self
    }

    fn reference(&mut self, r: Ref) -> &mut Self {
        self.int(r.0 as i64).raw(b" 0 R")
    }

    fn name(&mut self, name: &[u8]) -> &mut Self {
        self.push(b'/');
        for &b in name {
            if b"()<>[]{}/%#".contains(&b) || !(b'!'..=b'~').contains(&b) {
                self.extend_from_slice(&[b'#', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
            } else {
                self.push(b);
            }
        }
        self
    }

    fn text(&mut self, s: &str) -> &mut Self {
        if s.is_ascii() {
            return literal(self, s.as_bytes());
        }
        self.extend_from_slice(b"<FEFF");
        for u in s.encode_utf16() {
            self.code(u);
        }
        self.push(b'>');
        self
    }

    fn hex(&mut self, bytes: &[u8]) -> &mut Self {
        self.push(b'<');
        for &b in bytes {
            self.extend_from_slice(&[HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
        }
        self.push(b'>');
        self
    }

    fn code(&mut self, c: u16) -> &mut Self {
        let [hi, lo] = c.to_be_bytes();
        self.extend_from_slice(&[
            HEX[(hi >> 4) as usize],
            HEX[(hi & 15) as usize],
            HEX[(lo >> 4) as usize],
            HEX[(lo & 15) as usize],
        ]);
        self
    }

    fn code_bytes(&mut self, c: u16) -> &mut Self {
        for b in c.to_be_bytes() {
            match b {
                b'(' | b')' | b'\\' => self.extend_from_slice(&[b'\\', b]),
                // A bare end of line in a literal string reads as `\n`.
                b'\r' => self.extend_from_slice(b"\\r"),
                b'\n' => self.extend_from_slice(b"\\n"),
                _ => self.push(b),
            }
        }
        self
    }

    fn object(&mut self, o: &Object) -> &mut Self {
        match o {
            Object::Null => self.raw(b"null"),
            Object::Boolean(b) => self.raw(if *b { b"true" } else { b"false" }),
            Object::Integer(i) => self.int(*i),
            Object::Real(r) => self.real(*r, 5),
            Object::Name(n) => self.name(n),
            Object::String(s, StringFormat::Literal) => literal(self, s),
            Object::String(s, StringFormat::Hexadecimal) => self.hex(s),
            Object::Array(items) => {
                self.push(b'[');
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        self.push(b' ');
                    }
                    self.object(item);
                }
                self.raw(b"]")
            }
            Object::Dictionary(d) => {
                self.raw(b"<<");
                for (k, v) in d.iter() {
                    self.name(k).raw(b" ").object(v);
                }
                self.raw(b">>")
            }
            Object::Reference((n, _)) => self.reference(Ref(*n)),
            // a stream is always written as an indirect object, never inside another
            Object::Stream(s) => self.object(&Object::Dictionary(s.dict.clone())),
        }
    }
}

fn digits(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(itoa(n, &mut [0; 20]).as_bytes());
}

/// `n` in decimal, written into the end of `buf`.
pub fn itoa(mut n: u64, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or_default()
}

/// A literal string, every parenthesis and backslash escaped (so none needs
/// balancing) and CR written as `\r` (a raw one would read as LF).
fn literal<'a>(out: &'a mut Vec<u8>, bytes: &[u8]) -> &'a mut Vec<u8> {
    out.push(b'(');
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
    out.push(b')');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn real(v: f32, d: u32) -> String {
        let mut out = Vec::new();
        out.real(v, d);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn reals_are_short_and_exact_enough() {
        assert_eq!(real(0.0, 2), "0");
        assert_eq!(real(-0.001, 2), "0");
        assert_eq!(real(10.0, 2), "10");
        assert_eq!(real(-61.46894, 2), "-61.47");
        assert_eq!(real(69.292915, 3), "69.293");
        assert_eq!(real(0.05, 2), "0.05");
        assert_eq!(real(1.5, 3), "1.5");
        assert_eq!(real(595.2756, 3), "595.276");
        assert_eq!(real(-0.5, 1), "-0.5");
        assert_eq!(real(1234567.0, 0), "1234567");
    }

    #[test]
    fn names_strings_and_codes() {
        let mut out = Vec::new();
        out.name(b"A B#").raw(b" ").text("a(b)\\").raw(b" ").text("é").raw(b" ").code(0x2a);
        assert_eq!(out, b"/A#20B#23 (a\\(b\\)\\\\) <FEFF00E9> 002A");
    }
}
