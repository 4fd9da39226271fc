//! A bound on how deeply the IR recurses into nested inline schemas. Each level of nesting is a few
//! stack frames; a document nested deeper than any real API gets an error naming the pointer
//! instead of a stack overflow.

use super::schemas::TypeBuilder;
use crate::error::{GenError, Ptr, Result};

/// Deeper than any real document (the APIs.guru corpus stays under 20); ~1 MB of stack at the
/// dev build's frame sizes, well inside the 8 MB main thread.
pub const MAX_NESTING: usize = 128;

impl TypeBuilder<'_> {
    /// Runs `build` one nesting level deeper, refusing to go past [`MAX_NESTING`].
    pub(super) fn nested<T>(
        &mut self,
        at: &Ptr,
        build: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        if self.depth >= MAX_NESTING {
            return Err(GenError::unsupported(
                at,
                format!("schemas nested more than {MAX_NESTING} levels deep"),
            ));
        }
        self.depth += 1;
        let result = build(self);
        self.depth -= 1;
        result
    }
}
