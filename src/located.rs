//! How every layer's errors read: `path:line:column: message` and a hint
//! saying what to do, so that each error type formats alike.

use std::fmt;

pub(crate) fn write(f: &mut fmt::Formatter<'_>, path: &str, line: Option<usize>, column: Option<usize>, message: &str, hint: &str) -> fmt::Result {
    write!(f, "{path}")?;
    if let Some(l) = line {
        write!(f, ":{l}")?;
        if let Some(c) = column {
            write!(f, ":{c}")?;
        }
    }
    write!(f, ": {message}")?;
    if !hint.is_empty() {
        write!(f, "\n  hint: {hint}")?;
    }
    Ok(())
}
