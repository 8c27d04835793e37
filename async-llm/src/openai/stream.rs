//! Chat Completions chunks, mapped to neutral stream events.
//!
//! Each `data:` line contains one chunk, and `data: [DONE]` ends the stream. With
//! `stream_options.include_usage` the last chunk before `[DONE]` has empty `choices` and
//! the whole request's usage. An error after HTTP 200 arrives as a chunk with an `error`
//! object. Compatible servers that close the body after the finish reason without
//! `[DONE]` end normally too.

use std::collections::VecDeque;

use http::HeaderMap;
use serde::Deserialize;

use super::errors::classify;
use super::wire::{WireUsage, stop_reason, to_usage};
use super::{OPERATION, PROVIDER};
use crate::sse::SseEvent;
use crate::stream::StreamAccumulator;
use crate::transport::{Flow, StreamHandler, decode_event};
use crate::{Error, ProviderContext, StopReason, StreamEvent};

#[derive(Debug, Deserialize)]
struct Chunk {
    model: Option<String>,
    #[serde(default)]
    choices: Vec<ChunkChoice>,
    usage: Option<WireUsage>,
    error: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct ChunkChoice {
    #[serde(default)]
    index: u32,
    delta: Option<Delta>,
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Delta {
    content: Option<String>,
    refusal: Option<String>,
}

/// Maps the chunks of one streamed attempt.
#[derive(Debug)]
pub(crate) struct Handler {
    context: ProviderContext,
    refused: bool,
}

impl Handler {
    pub(crate) fn new() -> Self {
        Self {
            context: ProviderContext::new(PROVIDER, OPERATION).with_status(200),
            refused: false,
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
        if event.is_done_marker() {
            return Ok(Flow::End);
        }
        let chunk: Chunk = decode_event(&event.data, &self.context)?;
        if chunk.error.is_some() {
            return Err(classify(200, &HeaderMap::new(), event.data.as_bytes()));
        }
        if let Some(model) = chunk.model {
            collected.set_model(model);
        }

        // Only the first choice is read, because neutral requests never ask for more.
        for choice in chunk.choices.into_iter().filter(|choice| choice.index == 0) {
            if let Some(delta) = choice.delta {
                out.extend(delta.content.and_then(|text| collected.text_delta(text)));
                if let Some(refusal) = delta.refusal {
                    self.refused |= !refusal.is_empty();
                    out.extend(collected.text_delta(refusal));
                }
            }
            if let Some(reason) = choice.finish_reason {
                let reason = if self.refused {
                    StopReason::Refusal
                } else {
                    stop_reason(&reason)
                };
                out.push_back(collected.stop(reason, None));
            }
        }
        if let Some(usage) = chunk.usage {
            out.extend(collected.usage(&to_usage(usage)));
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
    use crate::Usage;

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
    fn usage_only_chunk_read() {
        let (events, flow, mut collected) = run(&[
            r#"{"id":"c1","object":"chat.completion.chunk","model":"gpt-4.1-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}"#,
            r#"{"id":"c1","model":"gpt-4.1-mini","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":null,"obfuscation":"xy"}"#,
            r#"{"id":"c1","model":"gpt-4.1-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}"#,
            r#"{"id":"c1","model":"gpt-4.1-mini","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":0}}}"#,
            "[DONE]",
        ]);
        assert_eq!(flow.expect("no error"), Flow::End);
        let usage = Usage::new()
            .with_uncached_input(10)
            .with_cache_read(0)
            .with_output(2);
        assert_eq!(
            events,
            vec![
                StreamEvent::TextDelta("Hi".into()),
                StreamEvent::Stop {
                    reason: StopReason::EndTurn,
                    stop_sequence: None
                },
                StreamEvent::Usage(usage),
            ]
        );
        assert_eq!(collected.finish().usage, usage);
    }

    #[test]
    fn error_chunk_classified() {
        let (events, flow, collected) = run(&[
            r#"{"choices":[{"index":0,"delta":{"content":"Par"}}]}"#,
            r#"{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}"#,
        ]);
        assert_eq!(events.len(), 1);
        assert!(matches!(flow, Err(Error::Server { .. })), "{flow:?}");
        assert_eq!(collected.text(), "Par");
    }

    #[test]
    fn unknown_finish_reason_kept() {
        let (events, _, _) = run(&[
            r#"{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"eos_token"}]}"#,
        ]);
        assert!(events.contains(&StreamEvent::Stop {
            reason: StopReason::Other("eos_token".into()),
            stop_sequence: None
        }));
    }

    #[test]
    fn refusal_streamed_as_text() {
        let (events, _, _) = run(&[
            r#"{"choices":[{"index":0,"delta":{"refusal":"No."}}]}"#,
            r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
        ]);
        assert_eq!(events[0], StreamEvent::TextDelta("No.".into()));
        assert!(matches!(
            events[1],
            StreamEvent::Stop {
                reason: StopReason::Refusal,
                ..
            }
        ));
    }
}
