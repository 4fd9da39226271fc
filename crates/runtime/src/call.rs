//! What a generated `send()` returns: the request already built and validated (synchronously, in the
//! generated crate), the transfer running in the runtime's non-generic `execute_raw`, and the decoding
//! of the answer into `T` done when the future completes.
//!
//! The only generic code is [`Call`]'s `poll` and the [`Decode`] strategies, so the decoding of an
//! operation's response (serde instantiations for its whole type graph) is compiled in the crate that
//! awaits that operation, not once per operation in the generated library. That is what keeps a
//! 500-operation generated crate cheap to build.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::client::ClientCore;
use crate::error::Error;
use crate::pagination::Fetched;
use crate::request::Request;
use crate::response::Response;

/// The transfer of one request, compiled once here.
type Transfer<'a> = Pin<Box<dyn Future<Output = Result<Response, Error>> + Send + 'a>>;

/// Starts the transfer; non-generic, so it is compiled in this crate only.
fn start(core: &ClientCore, request: Request) -> Transfer<'_> {
    Box::pin(core.execute_raw(request))
}

/// `Call` neither owns nor borrows a `T`, `B` or `D` (so it is `Send` and `Unpin` whatever they are).
type Marker<T, B, D> = PhantomData<fn() -> (T, B, D)>;

/// A request whose JSON body is serialized on the first poll.
struct Unsent<'a, J> {
    core: &'a ClientCore,
    request: Request,
    body: J,
    media_type: &'static str,
}

enum State<'a, B, J> {
    /// `send()` found an invalid parameter: the error, returned on the first poll.
    Invalid(Option<Error<B>>),
    /// The body is serialized on the first poll, so its `Serialize` code is compiled where the call
    /// is awaited.
    Unsent(Box<Unsent<'a, J>>),
    Running(Transfer<'a>),
}

/// The body type of a call without a deferred JSON body (never constructed).
pub enum NoBody {}

impl Serialize for NoBody {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        match *self {}
    }
}

/// The future of one operation call: `T` is what it returns, `B` the API's error body, `D` how the
/// response body becomes `T` (see [`Decode`]). Generated `send()` returns it by name (an opaque
/// `impl Future` cost the compiler a hidden-type inference per operation), and a paginated
/// builder's `Paginated::Future` is it.
#[must_use = "futures do nothing unless awaited"]
pub struct Call<'a, T, B, D, J = NoBody> {
    state: State<'a, B, J>,
    /// Statuses documented without a body (decoded as `None` by [`JsonOrEmpty`]).
    empty_statuses: &'static [u16],
    marker: Marker<T, B, D>,
}

impl<'a, T, B, D> Call<'a, T, B, D, NoBody> {
    /// A call sending `request` (or failing at once with its validation error) through `core`.
    pub fn new(core: &'a ClientCore, request: Result<Request, Error<B>>) -> Self {
        let state = match request {
            Ok(request) => State::Running(start(core, request)),
            Err(error) => State::Invalid(Some(error)),
        };
        Call {
            state,
            empty_statuses: &[],
            marker: PhantomData,
        }
    }
}

impl<'a, T, B, D, J> Call<'a, T, B, D, J> {
    /// A call whose request gets `body` (when there is one) serialized as JSON, sent as
    /// `media_type`, on the first poll.
    pub fn with_json(
        core: &'a ClientCore,
        request: Result<(Request, Option<J>), Error<B>>,
        media_type: &'static str,
    ) -> Self {
        let state = match request {
            Ok((request, Some(body))) => State::Unsent(Box::new(Unsent {
                core,
                request,
                body,
                media_type,
            })),
            Ok((request, None)) => State::Running(start(core, request)),
            Err(error) => State::Invalid(Some(error)),
        };
        Call {
            state,
            empty_statuses: &[],
            marker: PhantomData,
        }
    }

    /// Statuses the operation documents without a body (for [`JsonOrEmpty`]).
    pub fn empty_statuses(mut self, statuses: &'static [u16]) -> Self {
        self.empty_statuses = statuses;
        self
    }
}

impl<T, B, D, J> Future for Call<'_, T, B, D, J>
where
    B: DeserializeOwned,
    D: Decode<T>,
    J: Serialize,
{
    type Output = Result<T, Error<B>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let State::Unsent(_) = &this.state {
            let state = std::mem::replace(&mut this.state, State::Invalid(None));
            this.state = match state {
                State::Unsent(unsent) => {
                    let Unsent {
                        core,
                        mut request,
                        body,
                        media_type,
                    } = *unsent;
                    match request.json_body_as(media_type, &body) {
                        Ok(()) => State::Running(start(core, request)),
                        Err(error) => State::Invalid(Some(error.decode_body())),
                    }
                }
                other => other,
            };
        }
        let response = match &mut this.state {
            State::Invalid(error) => {
                let error = error.take().unwrap_or_else(|| {
                    Error::invalid("call", "polled again after it completed").decode_body()
                });
                return Poll::Ready(Err(error));
            }
            // Serialized just above; kept as an error rather than a panic.
            State::Unsent(_) => {
                let error = Error::invalid("body", "was not serialized before sending");
                return Poll::Ready(Err(error.decode_body()));
            }
            State::Running(transfer) => match transfer.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(result) => result,
            },
        };
        // A second poll after completion gets an error, never a panic.
        this.state = State::Invalid(None);
        Poll::Ready(match response {
            Ok(response) => D::decode(response.with_error_body(), this.empty_statuses),
            Err(error) => Err(error.decode_body()),
        })
    }
}

/// How a success response becomes the operation's return type `T`.
pub trait Decode<T> {
    /// Decodes `response`; `empty_statuses` are the statuses documented without a body.
    fn decode<B>(response: Response<B>, empty_statuses: &[u16]) -> Result<T, Error<B>>;
}

/// The JSON body, decoded as `T` (media type checked).
pub enum Json {}
/// A page of a listing: the JSON body decoded as `T` (as [`Json`] does) with the `Link` header's
/// `rel="next"` target (RFC 8288), resolved against the request URL, as a
/// [`Fetched<T>`](crate::Fetched).
pub enum JsonPage {}
/// `None` for a status documented without a body, else the JSON body as `Some(T)`.
pub enum JsonOrEmpty {}
/// No body expected: `()`.
pub enum Empty {}
/// The raw body (binary media types).
pub enum Raw {}
/// The body as text (text media types).
pub enum Text {}
/// The `Location` of a redirect answer.
pub enum Location {}

impl<T: DeserializeOwned> Decode<T> for Json {
    fn decode<B>(response: Response<B>, _: &[u16]) -> Result<T, Error<B>> {
        response.json()
    }
}

impl<T: DeserializeOwned> Decode<Fetched<T>> for JsonPage {
    fn decode<B>(mut response: Response<B>, _: &[u16]) -> Result<Fetched<T>, Error<B>> {
        let next_link = response.take_next_link();
        response.json().map(|page| Fetched { page, next_link })
    }
}

impl<T: DeserializeOwned> Decode<Option<T>> for JsonOrEmpty {
    fn decode<B>(response: Response<B>, empty_statuses: &[u16]) -> Result<Option<T>, Error<B>> {
        if empty_statuses.contains(&response.status()) {
            return Ok(None);
        }
        response.json().map(Some)
    }
}

impl Decode<()> for Empty {
    fn decode<B>(response: Response<B>, _: &[u16]) -> Result<(), Error<B>> {
        response.empty()
    }
}

impl Decode<bytes::Bytes> for Raw {
    fn decode<B>(response: Response<B>, _: &[u16]) -> Result<bytes::Bytes, Error<B>> {
        Ok(response.bytes())
    }
}

impl Decode<String> for Text {
    fn decode<B>(response: Response<B>, _: &[u16]) -> Result<String, Error<B>> {
        response.text()
    }
}

impl Decode<Option<String>> for Location {
    fn decode<B>(response: Response<B>, _: &[u16]) -> Result<Option<String>, Error<B>> {
        Ok(response.location())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{Method, Operation};
    use crate::testing::{TestClient, TestErrorBody};
    use std::future::Future;

    static OP: Operation = Operation {
        operation_id: "getThing",
        method: Method::Get,
        path_template: "/things",
        media_type: "application/json",
    };

    #[tokio::test]
    async fn an_invalid_request_fails_on_the_first_poll_and_a_second_poll_is_an_error() {
        let client = TestClient::builder().build().expect("builds");
        let invalid: Error<TestErrorBody> = Error::invalid("id", "must not be empty").decode_body();
        let mut call = Call::<'_, String, TestErrorBody, Text>::new(&client.0, Err(invalid));
        let waker = futures_util::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        match Pin::new(&mut call).poll(&mut cx) {
            Poll::Ready(Err(Error::InvalidRequest { parameter, .. })) => {
                assert_eq!(parameter, "id")
            }
            other => panic!("expected the validation error, got {other:?}"),
        }
        match Pin::new(&mut call).poll(&mut cx) {
            Poll::Ready(Err(Error::InvalidRequest { parameter, .. })) => {
                assert_eq!(parameter, "call")
            }
            other => panic!("expected an error on a second poll, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_body_that_cannot_be_serialized_is_an_invalid_request_before_sending() {
        // A map with non-string keys cannot be JSON: the error comes from the first poll.
        let client = TestClient::builder().build().expect("builds");
        let body = std::collections::BTreeMap::from([((1, 2), "x")]);
        let request = Request::new(&OP, "/things".into());
        let call = Call::<'_, (), TestErrorBody, Empty, _>::with_json(
            &client.0,
            Ok((request, Some(body))),
            "application/json",
        );
        match call.await {
            Err(Error::InvalidRequest { parameter, .. }) => assert_eq!(parameter, "body"),
            other => panic!("expected a body error, got {other:?}"),
        }
    }
}
