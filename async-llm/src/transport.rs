//! The HTTP exchange every provider shares: retries, error classification, and the
//! streamed body turned into [`StreamEvent`]s.
//!
//! Each provider supplies a [`Protocol`]: how to classify an error response, and a
//! [`StreamHandler`] that turns its decoded server-sent events into neutral events. The
//! rest is here once: requests go out through [`HttpClient`] with its own retries turned
//! off, and [`RetryPolicy`] decides every retry, so the two never stack.

use std::collections::VecDeque;
use std::time::Duration;

use async_core::http::{ApiRequest, ApiResponse, HttpClient, StreamingResponse};
use futures::stream;
use http::HeaderMap;

use crate::error::truncate_body;
use crate::sse::{MAX_PENDING_EVENT_BYTES, SseDecoder, SseEvent};
use crate::stream::{StreamAccumulator, ended_early};
use crate::{
    CompletionResponse, CompletionStream, Error, ProviderContext, RetryPolicy, StopReason,
    StreamEvent,
};

/// The default longest wait for the headers or the next chunk of a stream. Providers send
/// keep-alive events (Anthropic's `ping`) while a long answer is produced, so a minute of
/// silence means the connection stalled.
pub(crate) const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// The next step of a stream after one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// Keep reading.
    Continue,
    /// The provider's end signal arrived; the stream is complete.
    End,
}

/// Turns one provider's server-sent events into neutral stream events.
pub(crate) trait StreamHandler: Send + Sync + 'static {
    /// Handles one event, recording it in `collected` and queueing the events for the caller.
    ///
    /// # Errors
    ///
    /// Returns the classified error of an error event, or a decode error.
    fn handle(
        &mut self,
        event: SseEvent,
        collected: &mut StreamAccumulator,
        out: &mut VecDeque<StreamEvent>,
    ) -> Result<Flow, Error>;

    /// Returns whether the body ending now is a normal end (Gemini sends no end marker,
    /// so its stream ends with the body after the finish reason).
    fn ends_with_body(&self, collected: &StreamAccumulator) -> bool;
}

/// What the shared exchange needs from a provider.
pub(crate) trait Protocol: Clone + Send + Sync + 'static {
    /// The provider's stream handler.
    type Handler: StreamHandler;

    /// Classifies an error response (any status other than 2xx, or a JSON error body on
    /// an event stream).
    fn classify(&self, status: u16, headers: &HeaderMap, body: &[u8]) -> Error;

    /// Starts a handler for one streamed attempt.
    fn handler(&self) -> Self::Handler;
}

/// The HTTP settings a provider model sends with.
#[derive(Debug, Clone)]
pub(crate) struct Exchange {
    pub(crate) http: HttpClient,
    pub(crate) retry: RetryPolicy,
    /// The total timeout of a request without streaming.
    pub(crate) timeout: Duration,
    /// The longest wait for the headers or the next chunk of a stream.
    pub(crate) idle_timeout: Duration,
}

impl Exchange {
    /// Sends `request` until it succeeds or the retry policy gives up, and returns the
    /// successful response.
    pub(crate) async fn send<P: Protocol>(
        &self,
        protocol: &P,
        request: &ApiRequest,
    ) -> Result<ApiResponse, Error> {
        self.retry
            .run(|_| async {
                let attempt = request.clone().without_retries().timeout(self.timeout);
                let response = self.http.send(attempt).await?;
                if response.is_success() {
                    return Ok(response);
                }
                Err(protocol.classify(response.status(), response.headers(), response.body()))
            })
            .await
    }

    /// Opens a stream, retrying until the first content arrives, and returns the events.
    pub(crate) async fn stream<P: Protocol>(
        &self,
        protocol: P,
        request: ApiRequest,
        fallback: ProviderContext,
        model: String,
    ) -> Result<CompletionStream, Error> {
        let mut driver = Driver {
            exchange: self.clone(),
            protocol,
            request,
            fallback,
            model,
            retries_done: 0,
            attempt: None,
            out: VecDeque::new(),
            failure: None,
            done: false,
        };
        driver.open_with_retries().await?;
        let events = stream::unfold(driver, |mut driver| async move {
            let item = driver.next_event().await?;
            Some((item, driver))
        });
        Ok(CompletionStream::new(events))
    }
}

/// One open attempt of a stream.
struct Attempt<H> {
    response: StreamingResponse,
    decoder: SseDecoder,
    handler: H,
    collected: StreamAccumulator,
    /// Whether the first non-blank byte of the body was seen, to tell a JSON error body
    /// from an event stream.
    sniffed: bool,
}

/// Reads a stream event by event, retrying a failed attempt while no content arrived.
struct Driver<P: Protocol> {
    exchange: Exchange,
    protocol: P,
    request: ApiRequest,
    fallback: ProviderContext,
    model: String,
    retries_done: u32,
    attempt: Option<Attempt<P::Handler>>,
    out: VecDeque<StreamEvent>,
    /// A failure held back until the events decoded before it were delivered.
    failure: Option<Error>,
    done: bool,
}

impl<P: Protocol> Driver<P> {
    /// Opens an attempt, retrying failures the policy allows.
    async fn open_with_retries(&mut self) -> Result<(), Error> {
        loop {
            let error = match self.open().await {
                Ok(attempt) => {
                    self.attempt = Some(attempt);
                    return Ok(());
                }
                Err(error) => error,
            };
            self.wait_for_retry(error).await?;
        }
    }

    /// Sleeps before a retry when the policy allows one, or returns the error.
    async fn wait_for_retry(&mut self, error: Error) -> Result<(), Error> {
        match self.exchange.retry.decide(&error, self.retries_done) {
            crate::RetryDecision::Retry(delay) => {
                tracing::debug!(
                    attempt = self.retries_done + 1,
                    delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                    status = error.status(),
                    "retrying model stream"
                );
                tokio::time::sleep(delay).await;
                self.retries_done += 1;
                Ok(())
            }
            crate::RetryDecision::GiveUp => Err(error),
        }
    }

    async fn open(&self) -> Result<Attempt<P::Handler>, Error> {
        let request = self.request.clone().without_retries();
        let response = self
            .exchange
            .http
            .send_streaming(request, self.exchange.idle_timeout)
            .await?;
        if !response.is_success() {
            let response = response.into_response().await?;
            return Err(self.protocol.classify(
                response.status(),
                response.headers(),
                response.body(),
            ));
        }
        let request_id = response.request_id().map(str::to_owned);
        Ok(Attempt {
            response,
            decoder: SseDecoder::new(),
            handler: self.protocol.handler(),
            collected: StreamAccumulator::new(self.model.clone(), request_id),
            sniffed: false,
        })
    }

    /// Returns the next event, `None` after the last one.
    async fn next_event(&mut self) -> Option<Result<StreamEvent, Error>> {
        loop {
            if let Some(event) = self.out.pop_front() {
                return Some(Ok(event));
            }
            let Some(error) = self.failure.take() else {
                if self.done {
                    return None;
                }
                if let Err(error) = self.read_more().await {
                    self.failure = Some(error);
                }
                continue;
            };
            let collected = self.attempt.take().map(|attempt| attempt.collected);
            let text = collected
                .as_ref()
                .map(|c| c.text().to_owned())
                .unwrap_or_default();
            // Before any text the classified error says all there is. After some, the
            // caller must see that the answer was cut and what had arrived.
            let error = if text.is_empty() {
                error
            } else {
                error.interrupt_stream(self.fallback.clone(), text)
            };
            if !error.is_retryable() {
                self.done = true;
                return Some(Err(error));
            }
            let reopened = match self.wait_for_retry(error).await {
                Ok(()) => self.open_with_retries().await,
                Err(error) => Err(error),
            };
            if let Err(error) = reopened {
                self.done = true;
                return Some(Err(error));
            }
        }
    }

    /// Reads one chunk and queues the events it completes.
    async fn read_more(&mut self) -> Result<(), Error> {
        let Some(attempt) = self.attempt.as_mut() else {
            self.done = true;
            return Ok(());
        };
        let Some(chunk) = attempt.response.next_chunk().await? else {
            return self.finish_body();
        };

        // An event stream never starts a line with `{` or `[`, so a body that does is one
        // JSON document. Whitespace before the first other byte decides nothing yet.
        if !attempt.sniffed {
            match chunk.iter().find(|byte| !byte.is_ascii_whitespace()) {
                Some(b'{' | b'[') => return Err(self.json_error_body(chunk.to_vec()).await),
                Some(_) => attempt.sniffed = true,
                None => {}
            }
        }

        for event in attempt.decoder.push(&chunk) {
            let flow = attempt
                .handler
                .handle(event, &mut attempt.collected, &mut self.out)?;
            if flow == Flow::End {
                return self.complete();
            }
        }
        if attempt.decoder.pending_bytes() > MAX_PENDING_EVENT_BYTES {
            return Err(self.oversized_event());
        }
        Ok(())
    }

    /// Fails a stream whose unfinished event outgrew [`MAX_PENDING_EVENT_BYTES`], so a
    /// broken or hostile body cannot fill memory one idle timeout at a time.
    fn oversized_event(&self) -> Error {
        let request_id = self
            .attempt
            .as_ref()
            .and_then(|attempt| attempt.response.request_id().map(str::to_owned));
        Error::Decode {
            context: Box::new(self.fallback.clone().with_request_id(request_id)),
            raw_body: String::new(),
            source: format!(
                "an event grew past {MAX_PENDING_EVENT_BYTES} bytes without ending; \
                 the body is not a valid event stream"
            )
            .into(),
        }
    }

    /// Handles the end of the body: a normal end for providers without an end marker,
    /// otherwise a cut stream.
    fn finish_body(&mut self) -> Result<(), Error> {
        let Some(attempt) = self.attempt.as_mut() else {
            return Ok(());
        };
        if attempt.handler.ends_with_body(&attempt.collected) && !attempt.decoder.has_pending() {
            return self.complete();
        }
        let context = self
            .fallback
            .clone()
            .with_request_id(attempt.response.request_id().map(str::to_owned));
        let text = attempt.collected.text().to_owned();
        self.attempt = None;
        Err(ended_early(context, text))
    }

    /// Reads the rest of a body that turned out to be one JSON document (an error sent
    /// with the event-stream content type) and classifies it.
    async fn json_error_body(&mut self, mut body: Vec<u8>) -> Error {
        let Some(mut attempt) = self.attempt.take() else {
            return Error::Server {
                context: Box::new(self.fallback.clone()),
            };
        };
        loop {
            match attempt.response.next_chunk().await {
                Ok(Some(chunk)) if body.len() < crate::error::MAX_RAW_BODY * 32 => {
                    body.extend_from_slice(&chunk);
                }
                Ok(_) => break,
                Err(error) => return error.into(),
            }
        }
        let status = attempt.response.status();
        let headers = attempt.response.headers().clone();
        let error = self.protocol.classify(status, &headers, &body);
        // A 2xx JSON document that names no provider error code is not an error envelope
        // at all, so it is reported as undecodable with the body kept.
        let unnamed = error
            .context()
            .is_some_and(|context| context.code.is_none());
        if status < 300 && unnamed {
            let context = error
                .context()
                .cloned()
                .unwrap_or_else(|| self.fallback.clone());
            return Error::Decode {
                context: Box::new(context),
                raw_body: truncate_body(&body),
                source: "the event stream held a JSON document instead of events".into(),
            };
        }
        error
    }

    /// Queues the assembled response, or fails when the provider blocked the answer.
    fn complete(&mut self) -> Result<(), Error> {
        self.done = true;
        let Some(mut attempt) = self.attempt.take() else {
            return Ok(());
        };
        let response = attempt.collected.finish();
        let response = reject_blocked(response, self.fallback.provider, self.fallback.operation)?;
        self.out.push_back(StreamEvent::Completed(response));
        Ok(())
    }
}

/// Turns a response without text that stopped for its content (a refusal, a content
/// filter) into [`Error::ContentFiltered`], so a blocked answer is never mistaken for an
/// empty one. A response with text is returned unchanged, with its stop reason.
pub(crate) fn reject_blocked(
    response: CompletionResponse,
    provider: &'static str,
    operation: &'static str,
) -> Result<CompletionResponse, Error> {
    let reason = match &response.stop_reason {
        StopReason::Refusal => "refusal",
        StopReason::ContentFiltered => "content_filter",
        _ => return Ok(response),
    };
    if !response.text().is_empty() {
        return Ok(response);
    }
    let context = ProviderContext::new(provider, operation)
        .with_status(200)
        .with_request_id(response.request_id.clone());
    Err(Error::ContentFiltered {
        context: Box::new(context),
        reason: reason.to_owned(),
    })
}

/// Decodes a successful JSON body, keeping the start of the body on failure.
pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(
    response: &ApiResponse,
    context: ProviderContext,
) -> Result<T, Error> {
    serde_json::from_slice(response.body()).map_err(|source| Error::Decode {
        context: Box::new(
            context
                .with_status(response.status())
                .with_request_id(response.request_id().map(str::to_owned)),
        ),
        raw_body: truncate_body(response.body()),
        source: Box::new(source),
    })
}

/// Decodes one stream event's JSON data, keeping the data on failure.
pub(crate) fn decode_event<T: serde::de::DeserializeOwned>(
    data: &str,
    context: &ProviderContext,
) -> Result<T, Error> {
    serde_json::from_str(data).map_err(|source| Error::Decode {
        context: Box::new(context.clone()),
        raw_body: truncate_body(data.as_bytes()),
        source: Box::new(source),
    })
}

/// Joins `path` to a configured base URL, keeping any path prefix a gateway uses.
///
/// # Errors
///
/// Returns [`Error::InvalidConfig`] naming the provider and the base URL with any
/// credentials removed when the base is not an absolute http(s) URL.
pub(crate) fn join_endpoint(provider: &str, base_url: &str, path: &str) -> Result<url::Url, Error> {
    let shown = async_core::http::redact_url(base_url);
    let invalid = |problem: String| {
        Error::InvalidConfig(format!("invalid {provider} base URL `{shown}`: {problem}"))
    };
    let mut base = url::Url::parse(base_url).map_err(|source| invalid(source.to_string()))?;
    if base.cannot_be_a_base() || !matches!(base.scheme(), "http" | "https") {
        return Err(invalid("it must be an http(s) URL".to_owned()));
    }
    if !base.path().ends_with('/') {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    base.join(path)
        .map_err(|source| invalid(source.to_string()))
}
