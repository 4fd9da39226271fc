//! When to retry a failed attempt, and how long to wait first.

use std::time::{Duration, SystemTime};

use super::error::TransportKind;
use super::Method;

/// Bounds on retrying: attempts, per-wait delay and total time.
///
/// Retried: 429 for every method (the server rejected the request unprocessed); connection
/// failures where the request never reached the server, for every method; other 5xx
/// (500, 502, 503, 504), timeouts and resets only for idempotent methods (GET, PUT, DELETE).
/// A POST or PATCH that may have reached the server is never repeated.
///
/// Waits use capped exponential backoff with full jitter. A `Retry-After` from the server is
/// honoured exactly; when it is longer than [`max_delay`](Self::max_delay) or would overrun
/// [`max_elapsed`](Self::max_elapsed), the client gives up at once and the error carries the
/// server's `Retry-After` ([`Error::retry_after`](crate::Error::retry_after)), rather
/// than retrying early into the same rejection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, 500 ms base delay, 60 s max delay, 180 s total.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
            max_elapsed: Duration::from_secs(180),
        }
    }
}

impl RetryPolicy {
    /// The default policy (see [`Default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Never retry: one attempt per call.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Total attempts per call, the first included (at least 1).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Cap of the first backoff wait; doubles per retry.
    pub fn base_delay(mut self, d: Duration) -> Self {
        self.base_delay = d;
        self
    }

    /// Longest single wait (backoff or `Retry-After`).
    pub fn max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }

    /// Longest total time from the first attempt until a retry may start.
    pub fn max_elapsed(mut self, d: Duration) -> Self {
        self.max_elapsed = d;
        self
    }

    /// The configured total-time limit ([`max_elapsed`](Self::max_elapsed)).
    pub fn elapsed_limit(&self) -> Duration {
        self.max_elapsed
    }

    /// The configured attempt limit.
    pub fn attempts_limit(&self) -> u32 {
        self.max_attempts
    }

    /// Full-jitter backoff before retry number `retry` (1 = first retry): a uniform pick in
    /// `[0, min(max_delay, base_delay * 2^(retry-1))]`; `unit` is the random draw in `[0, 1)`.
    pub(crate) fn backoff(&self, retry: u32, unit: f64) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        let cap = self.base_delay.saturating_mul(factor).min(self.max_delay);
        cap.mul_f64(unit.clamp(0.0, 1.0))
    }

    /// How long to wait before the next attempt, or `None` to stop.
    /// `attempts` were made so far, `elapsed` since the first started.
    pub(crate) fn next_delay(
        &self,
        attempts: u32,
        elapsed: Duration,
        retry_after: Option<Duration>,
        unit: f64,
    ) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let delay = match retry_after {
            Some(ra) if ra > self.max_delay => return None,
            Some(ra) => ra,
            None => self.backoff(attempts, unit),
        };
        if elapsed.saturating_add(delay) > self.max_elapsed {
            return None;
        }
        Some(delay)
    }
}

/// How an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The server answered with this status.
    Status(u16),
    /// The exchange failed below HTTP.
    Transport(TransportKind),
    /// The API request was not sent (e.g. the token endpoint failed transiently): retryable.
    NotSent,
    /// Not retryable whatever the method (e.g. a validation or decode failure).
    Permanent,
}

/// The retry table.
pub(crate) fn is_retryable(method: Method, failure: Failure) -> bool {
    match failure {
        Failure::Status(429) => true,
        Failure::Status(500 | 502 | 503 | 504) => method.is_idempotent(),
        Failure::Status(_) => false,
        Failure::Transport(TransportKind::Connect) | Failure::NotSent => true,
        Failure::Transport(TransportKind::Timeout | TransportKind::Interrupted) => {
            method.is_idempotent()
        }
        Failure::Transport(TransportKind::Other) | Failure::Permanent => false,
    }
}

/// Parses `Retry-After`: delay-seconds or an HTTP-date (relative to `now`). Garbage is ignored.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok().map(Duration::from_secs);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Method::*;

    #[test]
    fn retry_table() {
        let cases: &[(Failure, [bool; 5])] = &[
            //                                            GET   POST   PUT   PATCH  DELETE
            (Failure::Status(429), [true, true, true, true, true]),
            (Failure::Status(503), [true, false, true, false, true]),
            (Failure::Status(500), [true, false, true, false, true]),
            (Failure::Status(502), [true, false, true, false, true]),
            (Failure::Status(504), [true, false, true, false, true]),
            (Failure::Status(501), [false; 5]),
            (Failure::Status(400), [false; 5]),
            (Failure::Status(401), [false; 5]),
            (Failure::Status(404), [false; 5]),
            (Failure::Status(409), [false; 5]),
            (Failure::Transport(TransportKind::Connect), [true; 5]),
            (
                Failure::Transport(TransportKind::Timeout),
                [true, false, true, false, true],
            ),
            (
                Failure::Transport(TransportKind::Interrupted),
                [true, false, true, false, true],
            ),
            (Failure::Transport(TransportKind::Other), [false; 5]),
            (Failure::NotSent, [true; 5]),
            (Failure::Permanent, [false; 5]),
        ];
        for (failure, expected) in cases {
            for (method, want) in [Get, Post, Put, Patch, Delete].into_iter().zip(expected) {
                assert_eq!(
                    is_retryable(method, *failure),
                    *want,
                    "{method} {failure:?}"
                );
            }
            // Safe methods (RFC 9110 §9.2.1) are retried exactly like GET.
            for method in [Head, Options, Trace] {
                assert_eq!(
                    is_retryable(method, *failure),
                    expected[0],
                    "{method} {failure:?}"
                );
            }
        }
    }

    #[test]
    fn backoff_bounds() {
        let p = RetryPolicy::new()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_secs(1));
        assert_eq!(p.backoff(1, 0.0), Duration::ZERO);
        assert_eq!(p.backoff(1, 1.0), Duration::from_millis(100));
        assert_eq!(p.backoff(2, 1.0), Duration::from_millis(200));
        assert_eq!(p.backoff(3, 0.5), Duration::from_millis(200));
        assert_eq!(p.backoff(5, 1.0), Duration::from_secs(1));
        assert_eq!(p.backoff(200, 1.0), Duration::from_secs(1)); // no overflow
        assert_eq!(p.backoff(2, 7.0), Duration::from_millis(200)); // draw clamped
        for retry in 1..20 {
            for unit in [0.0, 0.3, 0.999] {
                assert!(p.backoff(retry, unit) <= Duration::from_secs(1));
            }
        }
    }

    #[test]
    fn next_delay_limits() {
        let p = RetryPolicy::new()
            .max_attempts(3)
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_secs(10))
            .max_elapsed(Duration::from_secs(30));
        assert_eq!(
            p.next_delay(1, Duration::ZERO, None, 1.0),
            Some(Duration::from_millis(100))
        );
        assert_eq!(
            p.next_delay(2, Duration::ZERO, None, 1.0),
            Some(Duration::from_millis(200))
        );
        assert_eq!(p.next_delay(3, Duration::ZERO, None, 1.0), None); // attempts exhausted
        let ra = Some(Duration::from_secs(5));
        assert_eq!(p.next_delay(1, Duration::ZERO, ra, 0.0), ra); // Retry-After honoured exactly
        assert_eq!(
            p.next_delay(1, Duration::ZERO, Some(Duration::from_secs(11)), 0.0),
            None
        ); // > max_delay
        assert_eq!(p.next_delay(1, Duration::from_secs(26), ra, 0.0), None); // would overrun budget
        assert_eq!(
            RetryPolicy::none().next_delay(1, Duration::ZERO, None, 0.5),
            None
        );
        assert_eq!(RetryPolicy::new().max_attempts(0).attempts_limit(), 1);
    }

    #[test]
    fn retry_after_parsing() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        ); // past
        for garbage in [
            "",
            "-5",
            "1.5",
            "soon",
            "99999999999999999999999",
            "Sun, 32 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(garbage, now), None, "{garbage:?}");
        }
    }
}
