//! Waiters: poll a resource until it reaches a terminal state, in the spirit of the AWS SDKs' waiters.
//!
//! Generated `wait_for_*` builders supply the poll (one GET through the normal client, so 429/503 follow
//! the retry policy) and a classifier derived from the spec's `x-waiter` extension.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::Error;

/// What a polled resource says about the wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitState {
    /// A success value: stop and return the resource.
    Done,
    /// A failure value: stop with [`WaitError::Failed`].
    Failed {
        /// The terminal value seen (e.g. `Cancelled`).
        state: String,
        /// The resource's own explanation, as JSON, when it has one.
        reason: Option<String>,
    },
    /// A known value that is not final: keep polling.
    Pending,
    /// A value this crate does not know (a newer API): reported, then treated as pending unless
    /// [`WaitConfig::fail_on_unknown_state`] is set.
    Unknown {
        /// The value seen.
        state: String,
    },
}

/// Timing of a waiter: the interval grows by `backoff` after each poll, up to `max_interval`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaitConfig {
    /// Delay before the second poll.
    pub poll_interval: Duration,
    /// Longest delay between polls.
    pub max_interval: Duration,
    /// Growth factor of the delay (1.0 = fixed interval).
    pub backoff: f64,
    /// Give up after this long, with [`WaitError::TimedOut`] (`Duration::MAX`: no limit).
    pub timeout: Duration,
    /// End with [`WaitError::UnknownState`] on a value this crate does not know.
    pub fail_on_unknown_state: bool,
}

impl Default for WaitConfig {
    /// 10 s growing to 60 s, for up to 6 hours: snapshot exports of large clusters take hours.
    /// Unknown states keep it waiting.
    fn default() -> Self {
        WaitConfig {
            poll_interval: Duration::from_secs(10),
            max_interval: Duration::from_secs(60),
            backoff: 1.5,
            timeout: DEFAULT_WAIT_TIMEOUT,
            fail_on_unknown_state: false,
        }
    }
}

/// Default [`WaitConfig::timeout`]: 6 hours.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(6 * 3600);

/// A century: what "no limit" means for deadlines, so instants never overflow.
const FOREVER: Duration = Duration::from_secs(100 * 365 * 86_400);

/// The next delay: `interval * backoff`, at most `max` (no overflow for any factor or duration).
fn grow(interval: Duration, backoff: f64, max: Duration) -> Duration {
    let next = interval.as_secs_f64() * backoff.max(1.0);
    if !next.is_finite() || next >= max.as_secs_f64() {
        max
    } else {
        Duration::try_from_secs_f64(next).map_or(max, |d| d.min(max))
    }
}

/// Why a wait ended without success. `T` is the polled resource.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError<T, B = crate::error::Undecoded> {
    /// The resource reached a failure value.
    Failed {
        /// The failure value seen.
        state: String,
        /// The resource's explanation (e.g. `stateReason` as JSON), when it has one.
        reason: Option<String>,
        /// The resource as last seen.
        resource: Box<T>,
    },
    /// The watched value is one this crate does not know, and
    /// [`WaitConfig::fail_on_unknown_state`] is set.
    UnknownState {
        /// The value seen.
        state: String,
        /// The resource as seen.
        resource: Box<T>,
    },
    /// The timeout elapsed first.
    TimedOut {
        /// How long the waiter ran.
        elapsed: Duration,
        /// The resource as last seen, if any poll succeeded.
        last: Option<Box<T>>,
    },
    /// A poll failed (e.g. 404, or retries exhausted).
    Request(Error<B>),
}

impl<T, B> WaitError<T, B> {
    /// The resource as last seen, when there is one.
    pub fn resource(&self) -> Option<&T> {
        match self {
            WaitError::Failed { resource, .. } | WaitError::UnknownState { resource, .. } => {
                Some(resource)
            }
            WaitError::TimedOut { last, .. } => last.as_deref(),
            WaitError::Request(_) => None,
        }
    }

    /// The request error, when a poll failed.
    pub fn request_error(&self) -> Option<&Error<B>> {
        match self {
            WaitError::Request(error) => Some(error),
            _ => None,
        }
    }
}

impl<T, B: crate::ErrorFields> fmt::Display for WaitError<T, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Failed {
                state,
                reason: Some(reason),
                ..
            } => write!(f, "ended in state {state}: {reason}"),
            WaitError::Failed {
                state,
                reason: None,
                ..
            } => write!(f, "ended in state {state}"),
            WaitError::UnknownState { state, .. } => {
                write!(f, "reached state {state}, which this client does not know")
            }
            WaitError::TimedOut { elapsed, .. } => {
                write!(f, "still not done after {:.0?}", elapsed)
            }
            WaitError::Request(error) => write!(f, "polling failed: {error}"),
        }
    }
}

impl<T: fmt::Debug, B: crate::ErrorFields + fmt::Debug + 'static> std::error::Error
    for WaitError<T, B>
{
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Request(error) => Some(error),
            _ => None,
        }
    }
}

impl<T, B> From<Error<B>> for WaitError<T, B> {
    fn from(error: Error<B>) -> Self {
        WaitError::Request(error)
    }
}

/// One poll: a boxed future resolving to the resource.
pub type PollFuture<'a, T, B = crate::error::Undecoded> =
    Pin<Box<dyn Future<Output = Result<T, Error<B>>> + Send + 'a>>;

/// A progress callback, called with every polled resource.
pub type Progress<'a, T> = Box<dyn FnMut(&T) + Send + 'a>;

/// Polls until `classify` says done or failed, or the timeout elapses.
pub async fn wait<'a, T, F, B>(
    config: WaitConfig,
    mut poll: F,
    classify: fn(&T) -> WaitState,
    mut progress: Option<Progress<'a, T>>,
) -> Result<T, WaitError<T, B>>
where
    F: FnMut() -> PollFuture<'a, T, B>,
{
    if config.backoff.is_nan() || config.backoff < 1.0 {
        return Err(WaitError::Request(Error::invalid(
            "backoff",
            format!("must be a number of at least 1.0, not {}", config.backoff),
        )));
    }
    let started = tokio::time::Instant::now();
    let deadline = started + config.timeout.min(FOREVER);
    let mut interval = config.poll_interval.min(config.max_interval);
    let mut last: Option<Box<T>> = None;
    loop {
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        // A poll that hangs (slow server, long retry) is bounded by the overall timeout too.
        let resource = match tokio::time::timeout(remaining, poll()).await {
            Ok(result) => result.map_err(WaitError::Request)?,
            Err(_) => {
                return Err(WaitError::TimedOut {
                    elapsed: started.elapsed(),
                    last,
                })
            }
        };
        if let Some(progress) = progress.as_mut() {
            progress(&resource);
        }
        match classify(&resource) {
            WaitState::Done => return Ok(resource),
            WaitState::Failed { state, reason } => {
                return Err(WaitError::Failed {
                    state,
                    reason,
                    resource: Box::new(resource),
                })
            }
            WaitState::Unknown { state } if config.fail_on_unknown_state => {
                return Err(WaitError::UnknownState {
                    state,
                    resource: Box::new(resource),
                })
            }
            WaitState::Unknown { state } => {
                tracing::warn!(state = %state, "waiter: unknown state, treated as not final");
                last = Some(Box::new(resource));
            }
            WaitState::Pending => last = Some(Box::new(resource)),
        }
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        if remaining.is_zero() {
            return Err(WaitError::TimedOut {
                elapsed: started.elapsed(),
                last,
            });
        }
        tokio::time::sleep(interval.min(remaining)).await;
        if tokio::time::Instant::now() >= deadline {
            return Err(WaitError::TimedOut {
                elapsed: started.elapsed(),
                last,
            });
        }
        interval = grow(interval, config.backoff, config.max_interval);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_never_overflows() {
        let max = Duration::from_secs(60);
        let ten = Duration::from_secs(10);
        assert_eq!(grow(ten, 1.5, max), Duration::from_secs(15));
        assert_eq!(grow(ten, 1.0, max), ten);
        assert_eq!(grow(ten, 0.5, max), ten); // below 1 never shrinks
        for factor in [f64::INFINITY, 1e300, f64::MAX] {
            assert_eq!(grow(ten, factor, max), max, "{factor}");
        }
        assert_eq!(grow(Duration::MAX, 2.0, Duration::MAX), Duration::MAX);
        assert_eq!(grow(ten, 2.0, Duration::MAX), Duration::from_secs(20));
    }
}
