//! Response compression: the client asks for gzip and decodes it incrementally, so the size limit
//! applies to the decoded bytes (a small gzip "bomb" ends at the limit, never in memory exhaustion).
//!
//! Only gzip is offered: Atlas and common proxies compress JSON with it, and flate2 (pure Rust,
//! `miniz_oxide`) is small; brotli and zstd were measured as not worth their build cost (README).

use std::io::{self, Write};

use bytes::Bytes;
use flate2::write::GzDecoder;
use reqwest::header::{HeaderMap, CONTENT_ENCODING};

/// The `Accept-Encoding` every request sends.
pub(crate) const ACCEPT_ENCODING: &str = "gzip";

/// How a response body is encoded on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Identity,
    Gzip,
}

/// The body's `Content-Encoding`; `Err` names one this client cannot decode.
pub(crate) fn encoding_of(headers: &HeaderMap) -> Result<Encoding, String> {
    let mut encoding = Encoding::Identity;
    for value in headers.get_all(CONTENT_ENCODING) {
        let text = value.to_str().map_err(|_| "(not text)".to_owned())?;
        for coding in text.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            if coding.eq_ignore_ascii_case("identity") {
                continue;
            }
            let gzip = coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip");
            if !gzip || encoding == Encoding::Gzip {
                // Unknown, or gzip applied twice: not something this client asked for.
                return Err(coding.to_owned());
            }
            encoding = Encoding::Gzip;
        }
    }
    Ok(encoding)
}

/// Why a body could not be collected.
#[derive(Debug)]
pub(crate) enum SinkError {
    /// The decoded body would exceed the limit.
    TooLarge,
    /// The compressed data is corrupt or truncated.
    Corrupt(String),
}

/// Collects a body chunk by chunk, decoding it if needed, never holding more than `limit`
/// decoded bytes (plus the decoder's fixed 32 KiB window).
pub(crate) struct BodySink {
    inner: Inner,
    limit: usize,
    /// Bytes received on the wire, also bounded by `limit`.
    wire: usize,
}

enum Inner {
    Plain(Plain),
    Gzip(Box<GzDecoder<Capped>>),
}

/// An unencoded body. Most answers arrive in one chunk: it is kept as received, not copied.
enum Plain {
    Empty,
    One(Bytes),
    Many(Vec<u8>),
}

impl BodySink {
    pub(crate) fn new(encoding: Encoding, limit: usize) -> Self {
        let inner = match encoding {
            Encoding::Identity => Inner::Plain(Plain::Empty),
            Encoding::Gzip => Inner::Gzip(Box::new(GzDecoder::new(Capped {
                buf: Vec::new(),
                limit,
                exceeded: false,
            }))),
        };
        BodySink {
            inner,
            limit,
            wire: 0,
        }
    }

    pub(crate) fn push(&mut self, chunk: Bytes) -> Result<(), SinkError> {
        self.wire = self.wire.saturating_add(chunk.len());
        if self.wire > self.limit {
            return Err(SinkError::TooLarge);
        }
        match &mut self.inner {
            Inner::Plain(plain) => {
                *plain = match std::mem::replace(plain, Plain::Empty) {
                    Plain::Empty => Plain::One(chunk),
                    Plain::One(first) => {
                        let mut buf = Vec::with_capacity(first.len().saturating_add(chunk.len()));
                        buf.extend_from_slice(&first);
                        buf.extend_from_slice(&chunk);
                        Plain::Many(buf)
                    }
                    Plain::Many(mut buf) => {
                        buf.extend_from_slice(&chunk);
                        Plain::Many(buf)
                    }
                };
                Ok(())
            }
            Inner::Gzip(decoder) => {
                let mut rest = &chunk[..];
                while !rest.is_empty() {
                    match decoder.write(rest) {
                        Ok(0) => {
                            return Err(SinkError::Corrupt("data after the gzip stream".into()))
                        }
                        // `Write` never reports more than it was given; `get` keeps that a
                        // contract rather than a panic if a decoder broke it.
                        Ok(n) => rest = rest.get(n..).unwrap_or_default(),
                        Err(e) => return Err(gzip_error(decoder.get_ref(), e)),
                    }
                }
                Ok(())
            }
        }
    }

    pub(crate) fn finish(self) -> Result<Bytes, SinkError> {
        match self.inner {
            Inner::Plain(Plain::Empty) => Ok(Bytes::new()),
            Inner::Plain(Plain::One(chunk)) => Ok(chunk),
            Inner::Plain(Plain::Many(buf)) => Ok(Bytes::from(buf)),
            // An empty body (e.g. 204 or HEAD) carries no gzip stream to finish.
            Inner::Gzip(_) if self.wire == 0 => Ok(Bytes::new()),
            Inner::Gzip(mut decoder) => match decoder.try_finish() {
                Ok(()) => decoder
                    .finish()
                    .map(|capped| Bytes::from(capped.buf))
                    .map_err(|e| SinkError::Corrupt(e.to_string())),
                Err(e) => Err(gzip_error(decoder.get_ref(), e)),
            },
        }
    }
}

fn gzip_error(capped: &Capped, e: io::Error) -> SinkError {
    if capped.exceeded {
        SinkError::TooLarge
    } else {
        SinkError::Corrupt(format!("invalid gzip data: {e}"))
    }
}

/// A `Vec` that refuses to grow past `limit`, so the decoder stops inside the chunk that crosses it.
struct Capped {
    buf: Vec<u8>,
    limit: usize,
    exceeded: bool,
}

impl Write for Capped {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buf.len().saturating_add(data.len()) > self.limit {
            self.exceeded = true;
            return Err(io::Error::other("decoded body exceeds the limit"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use reqwest::header::HeaderValue;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn collect(
        encoding: Encoding,
        limit: usize,
        body: &[u8],
        chunk: usize,
    ) -> Result<Vec<u8>, SinkError> {
        let mut sink = BodySink::new(encoding, limit);
        for piece in body.chunks(chunk.max(1)) {
            sink.push(Bytes::copy_from_slice(piece))?;
        }
        sink.finish().map(Vec::from)
    }

    #[test]
    fn content_encoding_parsing() {
        let mut h = HeaderMap::new();
        assert_eq!(encoding_of(&h), Ok(Encoding::Identity));
        for (value, want) in [
            ("gzip", Ok(Encoding::Gzip)),
            ("GZip", Ok(Encoding::Gzip)),
            ("x-gzip", Ok(Encoding::Gzip)),
            ("identity", Ok(Encoding::Identity)),
            ("identity, gzip", Ok(Encoding::Gzip)),
            ("br", Err("br".to_owned())),
            ("gzip, gzip", Err("gzip".to_owned())),
            ("deflate", Err("deflate".to_owned())),
        ] {
            h.insert(CONTENT_ENCODING, HeaderValue::from_static(value));
            assert_eq!(encoding_of(&h), want, "{value}");
        }
    }

    #[test]
    fn gzip_round_trip_in_any_chunking() {
        let data: Vec<u8> = (0..200_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        let packed = gzip(&data);
        for chunk in [1, 7, 4096, packed.len()] {
            assert_eq!(
                collect(Encoding::Gzip, data.len(), &packed, chunk).unwrap(),
                data,
                "chunk {chunk}"
            );
        }
        assert!(matches!(
            collect(Encoding::Gzip, data.len() - 1, &packed, 4096),
            Err(SinkError::TooLarge)
        ));
        assert_eq!(collect(Encoding::Identity, 3, b"abc", 1).unwrap(), b"abc");
        assert!(matches!(
            collect(Encoding::Identity, 2, b"abc", 1),
            Err(SinkError::TooLarge)
        ));
        assert_eq!(collect(Encoding::Gzip, 10, b"", 1).unwrap(), b"");
    }

    #[test]
    fn plain_bodies_in_any_chunking_are_kept_whole() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        // One chunk (kept as received), two (the first copied once), many, and none.
        for chunk in [1000, 600, 7, 1] {
            assert_eq!(
                collect(Encoding::Identity, data.len(), &data, chunk).unwrap(),
                data,
                "chunk {chunk}"
            );
        }
        assert_eq!(collect(Encoding::Identity, 0, b"", 1).unwrap(), b"");
        assert!(matches!(
            collect(Encoding::Identity, data.len() - 1, &data, 600),
            Err(SinkError::TooLarge)
        ));
    }

    #[test]
    fn a_bomb_stops_at_the_limit_and_corruption_is_reported() {
        // 64 MiB of zeros packs into ~64 KiB; the limit is 1 MiB of decoded data.
        let packed = gzip(&vec![0u8; 64 << 20]);
        assert!(packed.len() < 100_000, "{}", packed.len());
        assert!(matches!(
            collect(Encoding::Gzip, 1 << 20, &packed, 16 * 1024),
            Err(SinkError::TooLarge)
        ));
        let truncated = &gzip(b"hello world")[..10];
        assert!(matches!(
            collect(Encoding::Gzip, 100, truncated, 3),
            Err(SinkError::Corrupt(_))
        ));
        assert!(matches!(
            collect(Encoding::Gzip, 100, b"not gzip", 3),
            Err(SinkError::Corrupt(_))
        ));
        let mut trailing = gzip(b"x");
        trailing.extend_from_slice(b"junk");
        assert!(matches!(
            collect(Encoding::Gzip, 100, &trailing, 64),
            Err(SinkError::Corrupt(_))
        ));
    }
}
