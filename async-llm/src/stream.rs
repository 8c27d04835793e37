//! Streamed completions: the events a stream yields and the stream type itself.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt};

use crate::{CompletionResponse, ContentPart, Error, ProviderContext, StopReason, Usage};

/// One event of a streamed completion.
///
/// A stream that ends normally yields [`StreamEvent::Completed`] last, carrying the whole
/// response. A stream that fails yields one `Err` instead, which is an
/// [`Error::StreamInterrupted`] with the text received so far once text has arrived; a
/// stream never just ends early.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamEvent {
    /// The next piece of the answer's text.
    TextDelta(String),
    /// The usage so far, as running totals already merged with
    /// [`Usage::merge_running_total`]: each event replaces the previous one.
    Usage(Usage),
    /// The reason the model stopped, sent before the stream ends.
    Stop {
        /// The reason the model stopped.
        reason: StopReason,
        /// The stop sequence that ended the output, when one did.
        stop_sequence: Option<String>,
    },
    /// The whole response, assembled from the stream; always the last event.
    Completed(CompletionResponse),
}

/// A streamed completion: a `Stream` of [`StreamEvent`]s that owns everything it needs,
/// so it outlives the model and the request it came from.
///
/// # Examples
///
/// ```
/// use async_llm::{CompletionResponse, CompletionStream, ContentPart, StopReason, StreamEvent};
/// use futures::StreamExt;
///
/// # tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(async {
/// let response = CompletionResponse::new(vec![ContentPart::Text("Hi".into())], StopReason::EndTurn, "m");
/// let mut stream = CompletionStream::from_response(response);
/// let mut text = String::new();
/// while let Some(event) = stream.next().await {
///     if let StreamEvent::TextDelta(delta) = event? {
///         text.push_str(&delta);
///     }
/// }
/// assert_eq!(text, "Hi");
/// # Ok::<(), async_llm::Error>(())
/// # }).expect("stream");
/// ```
pub struct CompletionStream {
    inner: BoxStream<'static, Result<StreamEvent, Error>>,
}

impl CompletionStream {
    /// Wraps a stream of events. The stream should end with [`StreamEvent::Completed`] or
    /// an error; [`CompletionStream::into_response`] reports one that does not.
    pub fn new(stream: impl Stream<Item = Result<StreamEvent, Error>> + Send + 'static) -> Self {
        Self {
            inner: stream.boxed(),
        }
    }

    /// Replays a complete response as a stream: its text as one delta, its usage when
    /// reported, its stop reason, then the response itself.
    ///
    /// This is how models without a streaming API (the offline model, wrappers) stream.
    pub fn from_response(response: CompletionResponse) -> Self {
        let mut events = Vec::with_capacity(4);
        let text = response.text();
        if !text.is_empty() {
            events.push(Ok(StreamEvent::TextDelta(text)));
        }
        if !response.usage.is_empty() {
            events.push(Ok(StreamEvent::Usage(response.usage)));
        }
        events.push(Ok(StreamEvent::Stop {
            reason: response.stop_reason.clone(),
            stop_sequence: response.stop_sequence.clone(),
        }));
        events.push(Ok(StreamEvent::Completed(response)));
        Self::new(stream::iter(events))
    }

    /// Reads the stream to its end and returns the assembled response.
    ///
    /// # Errors
    ///
    /// Returns the stream's error, and [`Error::StreamInterrupted`] when the stream ends
    /// without a [`StreamEvent::Completed`] event.
    pub async fn into_response(mut self) -> Result<CompletionResponse, Error> {
        let mut text = String::new();
        while let Some(event) = self.inner.next().await {
            match event? {
                StreamEvent::TextDelta(delta) => text.push_str(&delta),
                StreamEvent::Completed(response) => return Ok(response),
                StreamEvent::Usage(_) | StreamEvent::Stop { .. } => {}
            }
        }
        Err(ended_early(ProviderContext::new("stream", "collect"), text))
    }
}

impl Stream for CompletionStream {
    type Item = Result<StreamEvent, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for CompletionStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompletionStream").finish_non_exhaustive()
    }
}

/// The error of a stream that ended before the provider's end signal.
pub(crate) fn ended_early(context: ProviderContext, partial_text: String) -> Error {
    let cause = Error::Server {
        context: Box::new(context.clone().with_provider_error(
            Some("stream_ended_early".to_owned()),
            Some("the stream ended before the provider's end signal".to_owned()),
        )),
    };
    cause.interrupt_stream(context, partial_text)
}

/// Collects a provider's stream into the final response while it is forwarded.
///
/// Providers feed it their decoded events; it keeps the text, merges usage snapshots as
/// running totals and remembers the stop reason, model and request id.
#[derive(Debug, Default)]
#[allow(
    dead_code,
    reason = "the provider stream decoders arrive in the next change"
)]
pub(crate) struct StreamAccumulator {
    text: String,
    usage: Usage,
    stop_reason: Option<StopReason>,
    stop_sequence: Option<String>,
    model: String,
    request_id: Option<String>,
}

#[allow(
    dead_code,
    reason = "the provider stream decoders arrive in the next change"
)]
impl StreamAccumulator {
    /// Starts collecting for `model`'s response with the request id from the headers.
    pub(crate) fn new(model: impl Into<String>, request_id: Option<String>) -> Self {
        Self {
            model: model.into(),
            request_id,
            ..Self::default()
        }
    }

    /// Returns the text received so far.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Returns whether any content has arrived, after which a retry would repeat it.
    pub(crate) fn has_content(&self) -> bool {
        !self.text.is_empty()
    }

    /// Records the model id the provider named.
    pub(crate) fn set_model(&mut self, model: impl Into<String>) {
        self.model = model.into();
    }

    /// Records a text delta and returns its event, or `None` for an empty delta.
    pub(crate) fn text_delta(&mut self, delta: String) -> Option<StreamEvent> {
        if delta.is_empty() {
            return None;
        }
        self.text.push_str(&delta);
        Some(StreamEvent::TextDelta(delta))
    }

    /// Merges a usage snapshot and returns the running totals as an event.
    pub(crate) fn usage(&mut self, snapshot: &Usage) -> Option<StreamEvent> {
        if snapshot.is_empty() {
            return None;
        }
        self.usage.merge_running_total(snapshot);
        Some(StreamEvent::Usage(self.usage))
    }

    /// Records the stop reason and returns its event.
    pub(crate) fn stop(
        &mut self,
        reason: StopReason,
        stop_sequence: Option<String>,
    ) -> StreamEvent {
        self.stop_reason = Some(reason.clone());
        self.stop_sequence.clone_from(&stop_sequence);
        StreamEvent::Stop {
            reason,
            stop_sequence,
        }
    }

    /// Returns whether the stop reason has arrived.
    pub(crate) fn has_stopped(&self) -> bool {
        self.stop_reason.is_some()
    }

    /// Builds the final response. A stream that ended without a stop reason reports
    /// [`StopReason::Other`] with an empty string.
    pub(crate) fn finish(&mut self) -> CompletionResponse {
        let text = std::mem::take(&mut self.text);
        let content = if text.is_empty() {
            Vec::new()
        } else {
            vec![ContentPart::Text(text)]
        };
        let reason = self
            .stop_reason
            .take()
            .unwrap_or_else(|| StopReason::Other(String::new()));
        let mut response =
            CompletionResponse::new(content, reason, std::mem::take(&mut self.model))
                .with_usage(self.usage)
                .with_request_id(self.request_id.take());
        response.stop_sequence = self.stop_sequence.take();
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn from_response_replays_events() {
        let response = CompletionResponse::new(
            vec![ContentPart::Text("Hello".into())],
            StopReason::EndTurn,
            "m",
        )
        .with_usage(Usage::new().with_output(2));
        let events: Vec<_> = CompletionStream::from_response(response.clone())
            .collect()
            .await;
        let events: Vec<StreamEvent> = events.into_iter().map(|event| event.expect("ok")).collect();
        assert_eq!(
            events,
            vec![
                StreamEvent::TextDelta("Hello".into()),
                StreamEvent::Usage(Usage::new().with_output(2)),
                StreamEvent::Stop {
                    reason: StopReason::EndTurn,
                    stop_sequence: None
                },
                StreamEvent::Completed(response),
            ]
        );
    }

    #[tokio::test]
    async fn into_response_reports_early_end() {
        let events = vec![Ok(StreamEvent::TextDelta("Hal".into()))];
        let error = CompletionStream::new(stream::iter(events))
            .into_response()
            .await
            .expect_err("no completed event");
        assert_eq!(error.partial_text(), Some("Hal"));
    }

    #[test]
    fn accumulator_merges_usage_snapshots() {
        let mut collected = StreamAccumulator::new("m", Some("req".into()));
        collected.usage(&Usage::new().with_uncached_input(10).with_output(1));
        collected.text_delta("a".into());
        collected.usage(&Usage::new().with_output(5));
        collected.stop(StopReason::MaxTokens, None);
        let response = collected.finish();
        assert_eq!(response.usage.uncached_input_tokens, Some(10));
        assert_eq!(response.usage.output_tokens, Some(5));
        assert_eq!(response.text(), "a");
        assert_eq!(response.stop_reason, StopReason::MaxTokens);
        assert_eq!(response.request_id.as_deref(), Some("req"));
    }
}
