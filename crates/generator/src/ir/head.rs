//! HEAD operations: the answer to a HEAD request never has a body (RFC 9110 §9.3.2). The content a
//! spec declares on a HEAD response describes the GET it mirrors, so the method returns `()` and
//! reads nothing, whatever the server's `Content-Length` or `Content-Type` say.

use std::sync::OnceLock;

use openapiv3::Response;

use crate::error::Ptr;

/// The same success statuses, each without content.
pub fn without_content(successes: Vec<(u16, &Response, Ptr)>) -> Vec<(u16, &Response, Ptr)> {
    static NO_CONTENT: OnceLock<Response> = OnceLock::new();
    let empty = NO_CONTENT.get_or_init(Response::default);
    successes
        .into_iter()
        .map(|(status, _, at)| (status, empty, at))
        .collect()
}
