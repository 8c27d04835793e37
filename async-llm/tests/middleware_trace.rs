//! The tracing middleware's span fields, and that content stays out without the opt-in.
//!
//! This test has its own binary because `tracing` caches per call site whether any
//! subscriber listens, and every test here installs one.

#[path = "middleware/scripted.rs"]
mod scripted;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex};

use async_llm::middleware::Traced;
use async_llm::{CompletionRequest, LanguageModel, Message, Usage};
use scripted::{Scripted, Step, overloaded, reply};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

const PROMPT: &str = "Summarise the private incident notes";
const SYSTEM: &str = "You are terse.";
const ANSWER: &str = "The incident was resolved quietly";

type Fields = BTreeMap<String, String>;

/// A layer that keeps every field recorded on `gen_ai.chat` spans.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<HashMap<u64, Fields>>>);

impl Capture {
    fn spans(&self) -> Vec<Fields> {
        self.0.lock().expect("lock").values().cloned().collect()
    }

    fn only_span(&self) -> Fields {
        let spans = self.spans();
        assert_eq!(spans.len(), 1, "one span per call: {spans:?}");
        spans.into_iter().next().expect("one span")
    }
}

struct Visitor<'a>(&'a mut Fields);

impl Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: tracing::Subscriber> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        if attrs.metadata().name() != "gen_ai.chat" {
            return;
        }
        let mut fields = Fields::new();
        attrs.record(&mut Visitor(&mut fields));
        self.0.lock().expect("lock").insert(id.into_u64(), fields);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        if let Some(fields) = self.0.lock().expect("lock").get_mut(&id.into_u64()) {
            values.record(&mut Visitor(fields));
        }
    }
}

fn capture() -> (Capture, tracing::subscriber::DefaultGuard) {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let guard = tracing::subscriber::set_default(subscriber);
    (capture, guard)
}

fn request() -> CompletionRequest {
    CompletionRequest::new(vec![Message::user(PROMPT)], 256)
        .with_system(SYSTEM)
        .with_temperature(0.5)
}

fn cached_reply() -> Step {
    let usage = Usage::new()
        .with_uncached_input(10)
        .with_cache_read(100)
        .with_cache_write(5)
        .with_output(20);
    Step::Reply(reply(ANSWER, 0, 0).with_usage(usage))
}

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .get(name)
        .unwrap_or_else(|| panic!("{name} missing from {fields:?}"))
}

#[tokio::test]
async fn trace_records_genai_attributes() {
    let (capture, _guard) = capture();
    let inner = Scripted::new("anthropic", "claude-test", vec![cached_reply()]);

    Traced::new(&inner)
        .complete(&request())
        .await
        .expect("reply");

    let span = capture.only_span();
    assert_eq!(field(&span, "gen_ai.operation.name"), "chat");
    assert_eq!(field(&span, "gen_ai.provider.name"), "anthropic");
    assert_eq!(field(&span, "gen_ai.request.model"), "claude-test");
    assert_eq!(field(&span, "gen_ai.request.max_tokens"), "256");
    assert_eq!(field(&span, "gen_ai.request.temperature"), "0.5");
    assert_eq!(field(&span, "gen_ai.response.id"), "req_1");
    assert_eq!(field(&span, "gen_ai.response.model"), "model-1");
    assert_eq!(
        field(&span, "gen_ai.response.finish_reasons"),
        r#"["end_turn"]"#
    );
    assert_eq!(field(&span, "gen_ai.usage.input_tokens"), "115");
    assert_eq!(field(&span, "gen_ai.usage.output_tokens"), "20");
    assert_eq!(field(&span, "gen_ai.usage.cache_read.input_tokens"), "100");
    assert_eq!(
        field(&span, "gen_ai.usage.cache_creation.input_tokens"),
        "5"
    );
    assert_eq!(field(&span, "otel.name"), "chat claude-test");
    assert_eq!(field(&span, "otel.kind"), "client");
}

#[tokio::test]
async fn trace_omits_content_by_default() {
    let (capture, _guard) = capture();
    let inner = Scripted::new("anthropic", "claude-test", vec![cached_reply()]);

    Traced::new(&inner)
        .complete(&request())
        .await
        .expect("reply");

    let span = capture.only_span();
    for name in [
        "gen_ai.input.messages",
        "gen_ai.output.messages",
        "gen_ai.system_instructions",
    ] {
        assert!(!span.contains_key(name), "{name} recorded without opt-in");
    }
    let all = format!("{span:?}");
    for text in [PROMPT, SYSTEM, ANSWER] {
        assert!(!all.contains(text), "{text} leaked into {all}");
    }
}

#[tokio::test]
async fn trace_records_content_when_enabled() {
    let (capture, _guard) = capture();
    let inner = Scripted::new("anthropic", "claude-test", vec![cached_reply()]);

    Traced::new(&inner)
        .with_content(true)
        .complete(&request())
        .await
        .expect("reply");

    let span = capture.only_span();
    let input: serde_json::Value =
        serde_json::from_str(field(&span, "gen_ai.input.messages")).expect("input JSON");
    assert_eq!(input[0]["role"], "user");
    assert_eq!(input[0]["parts"][0]["content"], PROMPT);
    let output: serde_json::Value =
        serde_json::from_str(field(&span, "gen_ai.output.messages")).expect("output JSON");
    assert_eq!(output[0]["parts"][0]["content"], ANSWER);
    assert_eq!(output[0]["finish_reason"], "end_turn");
    assert!(field(&span, "gen_ai.system_instructions").contains(SYSTEM));
}

#[tokio::test]
async fn trace_records_error_type() {
    let (capture, _guard) = capture();
    let inner = Scripted::new("anthropic", "claude-test", vec![Step::Fail(overloaded())]);

    Traced::new(&inner)
        .complete(&request())
        .await
        .expect_err("scripted failure");

    let span = capture.only_span();
    assert_eq!(field(&span, "error.type"), "overloaded");
    assert!(!span.contains_key("gen_ai.usage.input_tokens"));
}

#[tokio::test]
async fn trace_stream_records_on_completion() {
    let (capture, _guard) = capture();
    let inner = Scripted::new("anthropic", "claude-test", vec![cached_reply()]);

    let response = Traced::new(&inner)
        .stream(&request())
        .await
        .expect("starts")
        .into_response()
        .await
        .expect("completes");

    assert_eq!(response.text(), ANSWER);
    let span = capture.only_span();
    assert_eq!(field(&span, "gen_ai.usage.output_tokens"), "20");
    assert_eq!(
        field(&span, "gen_ai.response.finish_reasons"),
        r#"["end_turn"]"#
    );
}
