//! The Messages API's streamed events, mapped to neutral stream events.
//!
//! The API sends `message_start` (with the input usage), `content_block_start`,
//! `content_block_delta` (`text_delta` pieces), `content_block_stop`, `message_delta`
//! (stop reason and cumulative usage), `message_stop`, `ping`, and `error` when the
//! request fails after HTTP 200. Unknown events and delta types are skipped, as the
//! official SDKs do.

use std::collections::VecDeque;

use http::HeaderMap;
use serde::Deserialize;

use super::errors::{ErrorResponse, classify};
use super::wire::{WireUsage, stop_reason, to_usage};
use crate::sse::SseEvent;
use crate::stream::StreamAccumulator;
use crate::transport::{Flow, StreamHandler, decode_event};
use crate::{Error, ProviderContext, StreamEvent};

/// One streamed event, by its `type` field.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum WireEvent {
    MessageStart {
        message: StartMessage,
    },
    ContentBlockStart {
        content_block: Block,
    },
    ContentBlockDelta {
        delta: Delta,
    },
    MessageDelta {
        delta: MessageDelta,
        #[serde(default)]
        usage: Option<WireUsage>,
    },
    MessageStop,
    Error,
    #[serde(other)]
    Other,
}

#[derive(Debug, Deserialize)]
struct StartMessage {
    model: Option<String>,
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Block {
    Text {
        #[serde(default)]
        text: String,
    },
    #[serde(other)]
    Other,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Delta {
    TextDelta {
        text: String,
    },
    #[serde(other)]
    Other,
}

#[derive(Debug, Deserialize)]
struct MessageDelta {
    stop_reason: Option<String>,
    stop_sequence: Option<String>,
}

/// Maps the events of one streamed attempt.
#[derive(Debug)]
pub(crate) struct Handler {
    context: ProviderContext,
}

impl Handler {
    pub(crate) fn new() -> Self {
        Self {
            context: ProviderContext::new(super::PROVIDER, super::OPERATION).with_status(200),
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
        let wire: WireEvent = decode_event(&event.data, &self.context)?;
        match wire {
            WireEvent::MessageStart { message } => {
                if let Some(model) = message.model {
                    collected.set_model(model);
                }
                let usage = message.usage.map(to_usage).unwrap_or_default();
                out.extend(collected.usage(&usage));
            }
            WireEvent::ContentBlockStart {
                content_block: Block::Text { text },
            }
            | WireEvent::ContentBlockDelta {
                delta: Delta::TextDelta { text },
            } => out.extend(collected.text_delta(text)),
            WireEvent::MessageDelta { delta, usage } => {
                let usage = usage.map(to_usage).unwrap_or_default();
                out.extend(collected.usage(&usage));
                if let Some(reason) = delta.stop_reason.as_deref() {
                    out.push_back(collected.stop(stop_reason(reason), delta.stop_sequence));
                }
            }
            WireEvent::MessageStop => return Ok(Flow::End),
            WireEvent::Error => {
                return Err(classify(ErrorResponse {
                    status: 200,
                    body: event.data.as_bytes(),
                    headers: &HeaderMap::new(),
                }));
            }
            WireEvent::ContentBlockStart { .. }
            | WireEvent::ContentBlockDelta { .. }
            | WireEvent::Other => {}
        }
        Ok(Flow::Continue)
    }

    fn ends_with_body(&self, _: &StreamAccumulator) -> bool {
        false
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
    fn events_map_to_text_usage_and_stop() {
        let (events, flow, mut collected) = run(&[
            r#"{"type":"message_start","message":{"id":"msg_1","model":"claude-x","content":[],"stop_reason":null,"usage":{"input_tokens":25,"cache_read_input_tokens":100,"output_tokens":1}}}"#,
            r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
            r#"{"type":"ping"}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}"#,
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}}"#,
            r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{"}}"#,
            r#"{"type":"content_block_stop","index":0}"#,
            r#"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}"#,
            r#"{"type":"brand_new_event"}"#,
            r#"{"type":"message_stop"}"#,
        ]);
        assert_eq!(flow.expect("no error"), Flow::End);
        let first = Usage::new()
            .with_uncached_input(25)
            .with_cache_read(100)
            .with_output(1);
        let last = Usage::new()
            .with_uncached_input(25)
            .with_cache_read(100)
            .with_output(15);
        assert_eq!(
            events,
            vec![
                StreamEvent::Usage(first),
                StreamEvent::TextDelta("Hel".into()),
                StreamEvent::TextDelta("lo".into()),
                StreamEvent::Usage(last),
                StreamEvent::Stop {
                    reason: StopReason::EndTurn,
                    stop_sequence: None
                },
            ]
        );
        let response = collected.finish();
        assert_eq!(response.model, "claude-x");
        assert_eq!(response.usage, last, "output tokens replaced, never summed");
    }

    #[test]
    fn error_event_classified() {
        let (events, flow, collected) = run(&[
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Part"}}"#,
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        ]);
        assert_eq!(events.len(), 1);
        let error = flow.expect_err("error event");
        assert!(matches!(error, Error::Overloaded { .. }), "{error:?}");
        assert_eq!(collected.text(), "Part");
    }

    #[test]
    fn unknown_stop_reason_kept() {
        let (events, _, _) = run(&[
            r#"{"type":"message_delta","delta":{"stop_reason":"brand_new_reason"},"usage":{"output_tokens":3}}"#,
        ]);
        assert!(events.contains(&StreamEvent::Stop {
            reason: StopReason::Other("brand_new_reason".into()),
            stop_sequence: None
        }));
    }

    #[test]
    fn malformed_event_is_decode_error() {
        let (_, flow, _) = run(&["{not json"]);
        let error = flow.expect_err("decode error");
        assert_eq!(error.raw_body(), Some("{not json"));
    }
}
