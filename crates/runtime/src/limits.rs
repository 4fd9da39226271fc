//! Bounded reads: every body the client reads (API answers, error bodies, token and revoke answers)
//! goes through [`read_body`], which stops at `max_response_bytes` of decoded data.

use bytes::Bytes;

use super::compression::{encoding_of, BodySink, Encoding, SinkError};

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// Larger than the limit (on the wire or once decoded).
    TooLarge,
    /// The transport failed while reading.
    Transport(reqwest::Error),
    /// A `Content-Encoding` this client did not ask for, or corrupt compressed data.
    Encoding(String),
}

/// Reads the whole body, decoding gzip, never holding more than `limit` bytes of it.
///
/// A client built with reqwest's own decompression (a caller's `http_client`) hands over decoded
/// chunks without `Content-Encoding`; the limit then applies to those chunks the same way.
pub(crate) async fn read_body(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<Bytes, BodyError> {
    let encoding = encoding_of(response.headers()).map_err(|coding| {
        BodyError::Encoding(format!("unsupported Content-Encoding `{coding}`"))
    })?;
    if encoding == Encoding::Identity
        && response
            .content_length()
            .is_some_and(|len| len > limit as u64)
    {
        return Err(BodyError::TooLarge);
    }
    let mut sink = BodySink::new(encoding, limit);
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        sink.push(chunk).map_err(sink_error)?;
    }
    sink.finish().map_err(sink_error)
}

fn sink_error(e: SinkError) -> BodyError {
    match e {
        SinkError::TooLarge => BodyError::TooLarge,
        SinkError::Corrupt(message) => BodyError::Encoding(message),
    }
}
