//! Detection on small documents.
