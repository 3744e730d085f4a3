//! Reading a Word document (.docx).

use super::Source;
use crate::diag::Diagnostic;

pub fn read(name: &str, _bytes: &[u8]) -> Result<Source, Diagnostic> {
    Err(Diagnostic::error(format!("{name}: not yet")))
}
