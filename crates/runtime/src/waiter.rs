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
    /// Anything else, including values this crate does not know: keep polling.
    Pending,
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
    /// Give up after this long, with [`WaitError::TimedOut`].
    pub timeout: Duration,
}

impl Default for WaitConfig {
    /// 10 s growing to 60 s, for up to 6 hours: snapshot exports of large clusters take hours.
    fn default() -> Self {
        WaitConfig {
            poll_interval: Duration::from_secs(10),
            max_interval: Duration::from_secs(60),
            backoff: 1.5,
            timeout: Duration::from_secs(6 * 3600),
        }
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
            WaitError::Failed { resource, .. } => Some(resource),
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
    let started = tokio::time::Instant::now();
    let deadline = started + config.timeout;
    let mut interval = config.poll_interval;
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
        interval = interval
            .mul_f64(config.backoff.max(1.0))
            .min(config.max_interval);
    }
}
