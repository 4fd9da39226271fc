//! `x-waiter` -> `Client::wait_for_*`: a builder over the GET request with timing options, a progress
//! callback, and `IntoFuture` so it can be awaited directly.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::rust_types::{ident, type_tokens};
use crate::ir::model::*;

pub fn waiter(op: &Operation) -> TokenStream {
    let Some(w) = &op.waiter else {
        return TokenStream::new();
    };
    let latest = &op.versions[0];
    let fn_name = ident(&w.fn_name);
    let builder = ident(&w.builder_name);
    let get_fn = ident(&latest.fn_name);
    let get_builder = ident(&latest.builder_name);
    let resource = type_tokens(&w.resource);
    let field = ident(&w.field);
    let path_args: Vec<_> = op.path_params.iter().map(|p| ident(&p.rust_name)).collect();

    let value = match (w.field_optional, w.field_is_enum) {
        (true, true) => quote!(resource.#field.as_ref().map(|value| value.as_str())),
        (true, false) => quote!(resource.#field.as_deref()),
        (false, true) => quote!(Some(resource.#field.as_str())),
        (false, false) => quote!(Some(resource.#field.as_str())),
    };
    let success = &w.success;
    let failure = &w.failure;
    let reason = match &w.reason {
        Some(r) => {
            let r = ident(r);
            quote!(serde_json::to_string(&resource.#r).ok().filter(|text| text != "null"))
        }
        None => quote!(None),
    };
    let failure_arm = (!failure.is_empty()).then(|| {
        // Parentheses only around alternatives: `state @ ("x")` is `unused_parens`.
        let values = match &failure[..] {
            [one] => quote!(#one),
            _ => quote!((#(#failure)|*)),
        };
        quote! {
            Some(state @ #values) => runtime::WaitState::Failed { state: state.to_owned(), reason: #reason },
        }
    });
    // Values outside the enum are reported as unknown; a plain string field has no such notion.
    let pending = &w.pending;
    let unknown_arms = w.field_is_enum.then(|| {
        let known = (!pending.is_empty())
            .then(|| quote!(Some(#(#pending)|*) => runtime::WaitState::Pending,));
        quote! {
            #known
            Some(state) => runtime::WaitState::Unknown { state: state.to_owned() },
        }
    });
    let doc = doc_attrs(Some(&format!(
        "Polls [`Client::{}`] until `{}` is {} (returns the resource){}.\n\n\
         A value this crate does not know keeps it waiting (it reaches the progress callback and a \
         `tracing` warning) unless `fail_on_unknown_state(true)` is set. It gives up after 6 hours unless \
         `timeout` says otherwise. 429 and 503 answers follow the client's retry policy; any other error \
         (a 404 included) ends the wait with [`WaitError`](crate::WaitError)`::Request`. Set timing with the builder, \
         then `.await` it.",
        latest.fn_name,
        w.field,
        w.success.join(" or "),
        if w.failure.is_empty() {
            String::new()
        } else {
            format!(" or {} (returns [`WaitError`](crate::WaitError)`::Failed` with the resource)", w.failure.join(" or "))
        }
    )));
    let builder_doc = format!(" Waiter built by [`Client::{}`].", w.fn_name);
    quote! {
        impl Client {
            #doc
            pub fn #fn_name(&self, #(#path_args: impl AsRef<str>),*) -> #builder<'_> {
                #builder {
                    request: self.#get_fn(#(#path_args),*),
                    config: runtime::WaitConfig::default(),
                    progress: None,
                }
            }
        }

        #[doc = #builder_doc]
        #[must_use = "a waiter does nothing until it is awaited"]
        pub struct #builder<'a> {
            request: #get_builder<'a>,
            config: runtime::WaitConfig,
            progress: Option<runtime::Progress<'a, #resource>>,
        }

        impl std::fmt::Debug for #builder<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!(#builder))
                    .field("request", &self.request)
                    .field("config", &self.config)
                    .field("progress", &self.progress.is_some())
                    .finish()
            }
        }

        impl<'a> #builder<'a> {
            /// Delay before the second poll (default 10 s).
            pub fn poll_interval(mut self, interval: std::time::Duration) -> Self {
                self.config.poll_interval = interval;
                self
            }

            /// Longest delay between polls (default 60 s).
            pub fn max_interval(mut self, interval: std::time::Duration) -> Self {
                self.config.max_interval = interval;
                self
            }

            /// Growth factor of the delay between polls (default 1.5; 1.0 = fixed; a larger or
            /// infinite factor reaches `max_interval` sooner). NaN or a factor below 1 is refused
            /// when the waiter runs, before any request.
            pub fn backoff(mut self, factor: f64) -> Self {
                self.config.backoff = factor;
                self
            }

            /// Give up after this long (default 6 hours; `Duration::MAX` waits without limit).
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.config.timeout = timeout;
                self
            }

            /// End the wait with `WaitError::UnknownState` when the watched value is one
            /// this crate does not know (default false: keep polling, and warn through `tracing`).
            pub fn fail_on_unknown_state(mut self, fail: bool) -> Self {
                self.config.fail_on_unknown_state = fail;
                self
            }

            /// Called with the resource after every poll (unknown states included), e.g. to show progress.
            pub fn on_progress(mut self, progress: impl FnMut(&#resource) + Send + 'a) -> Self {
                self.progress = Some(Box::new(progress));
                self
            }

            /// Runs the waiter (same as awaiting the builder).
            ///
            /// # Errors
            ///
            /// [`WaitError`](crate::WaitError): a failure value, the timeout, or a failed poll.
            pub async fn wait(self) -> Result<#resource, crate::WaitError<#resource>> {
                fn classify(resource: &#resource) -> runtime::WaitState {
                    match #value {
                        Some(#(#success)|*) => runtime::WaitState::Done,
                        #failure_arm
                        #unknown_arms
                        _ => runtime::WaitState::Pending,
                    }
                }
                let request = self.request;
                runtime::wait(self.config, move || Box::pin(request.clone().send()), classify, self.progress).await
            }
        }

        impl<'a> std::future::IntoFuture for #builder<'a> {
            type Output = Result<#resource, crate::WaitError<#resource>>;
            type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send + 'a>>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.wait())
            }
        }
    }
}
