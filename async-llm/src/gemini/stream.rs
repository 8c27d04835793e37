//! `streamGenerateContent?alt=sse` chunks, mapped to neutral stream events.
//!
//! Each `data:` line contains a whole `GenerateContentResponse` with the next piece of text
//! and the usage so far (cumulative). There is no end marker: the body ends after the
//! chunk with the finish reason. A blocked prompt arrives as a chunk with
//! `promptFeedback.blockReason`, and a failure after HTTP 200 as an `error` object.

use std::collections::VecDeque;

use http::HeaderMap;

use super::errors::classify;
use super::wire::{WireResponse, blocked_prompt, stop_reason, to_usage};
use super::{OPERATION, PROVIDER};
use crate::sse::SseEvent;
use crate::stream::StreamAccumulator;
use crate::transport::{Flow, StreamHandler, decode_event};
use crate::{Error, ProviderContext, StreamEvent};

/// Maps the chunks of one streamed attempt.
#[derive(Debug)]
pub(crate) struct Handler {
    context: ProviderContext,
}

impl Handler {
    pub(crate) fn new() -> Self {
        Self {
            context: ProviderContext::new(PROVIDER, OPERATION).with_status(200),
        }
    }
}

impl StreamHandler for Handler {
    fn handle(
        &mut self,
        event: SseEvent,
        collected: &mut StreamAccumulator,
        out: &mut VecDeque<StreamEvent>,
    ) -> Result<Flow, Error> {
        let value: serde_json::Value = decode_event(&event.data, &self.context)?;
        if value.get("error").is_some() {
            return Err(classify(200, &HeaderMap::new(), event.data.as_bytes()));
        }
        let chunk: WireResponse = decode_event(&event.data, &self.context)?;
        if let Some(error) = blocked_prompt(&chunk, None) {
            return Err(error);
        }
        if let Some(model) = chunk.model_version {
            collected.set_model(model);
        }
        if let Some(candidate) = chunk.candidates.first() {
            out.extend(collected.text_delta(candidate.text()));
        }
        if let Some(usage) = chunk.usage_metadata {
            out.extend(collected.usage(&to_usage(usage)));
        }
        let finish = chunk
            .candidates
            .first()
            .and_then(|candidate| candidate.finish_reason.as_deref());
        if let Some(reason) = finish {
            out.push_back(collected.stop(stop_reason(reason), None));
        }
        Ok(Flow::Continue)
    }

    fn ends_with_body(&self, collected: &StreamAccumulator) -> bool {
        collected.has_stopped()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{StopReason, Usage};

    fn run(events: &[&str]) -> (Vec<StreamEvent>, Result<Flow, Error>, StreamAccumulator) {
        let mut handler = Handler::new();
        let mut collected = StreamAccumulator::new("requested", None);
        let mut out = VecDeque::new();
        let mut flow = Ok(Flow::Continue);
        for data in events {
            let event = SseEvent {
                event: None,
                data: (*data).to_owned(),
            };
            flow = handler.handle(event, &mut collected, &mut out);
            if !matches!(flow, Ok(Flow::Continue)) {
                break;
            }
        }
        (out.into_iter().collect(), flow, collected)
    }

    #[test]
    fn cumulative_usage_replaced() {
        let (events, flow, collected) = run(&[
            r#"{"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":1},"modelVersion":"gemini-2.5-flash"}"#,
            r#"{"candidates":[{"content":{"parts":[{"text":"lo"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":2}}"#,
        ]);
        assert_eq!(flow.expect("no error"), Flow::Continue);
        assert!(collected.has_stopped());
        assert_eq!(events[0], StreamEvent::TextDelta("Hel".into()));
        assert_eq!(
            events.last(),
            Some(&StreamEvent::Stop {
                reason: StopReason::EndTurn,
                stop_sequence: None
            })
        );
        assert!(events.contains(&StreamEvent::Usage(
            Usage::new().with_uncached_input(12).with_output(2)
        )));
    }

    #[test]
    fn blocked_prompt_fails_stream() {
        let (_, flow, _) = run(&[
            r#"{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":4}}"#,
        ]);
        assert!(flow.expect_err("blocked").is_content_filtered());
    }

    #[test]
    fn error_chunk_classified() {
        let (_, flow, _) = run(&[
            r#"{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}"#,
        ]);
        assert!(matches!(flow, Err(Error::Overloaded { .. })), "{flow:?}");
    }
}
