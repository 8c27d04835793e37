use std::path::Path;

use async_llm::middleware::{Fallback, Record, RecordMode, Replay, Scrubber};
use async_llm::{CompletionRequest, Error, LanguageModel, Message, ModelInfo};

use crate::scripted::{Scripted, Step, overloaded, reply, request};

const API_KEY: &str = "sk-ant-api03-Zx9SecretKeyValue42";
const EMAIL: &str = "dana.scully@example.com";
const NAME: &str = "Dana Scully";
const BEARER: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2ln";

fn scrubber() -> Scrubber {
    Scrubber::new().with_names([NAME]).expect("names")
}

fn files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("recording dir")
        .map(|entry| std::fs::read_to_string(entry.expect("entry").path()).expect("file"))
        .collect()
}

#[tokio::test]
async fn record_then_replay_offline() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inner = Scripted::new(
        "scripted",
        "model-1",
        vec![Step::Reply(reply("recorded", 3, 4))],
    );
    let recorder = Record::new(&inner, dir.path(), scrubber()).mode(RecordMode::Record);
    let live = recorder.complete(&request(8, 10)).await.expect("live call");

    let replay =
        Replay::new(dir.path(), scrubber()).describing(ModelInfo::new("scripted", "model-1"));
    let replayed = replay.complete(&request(8, 10)).await.expect("replayed");

    assert_eq!(replayed, live);
    assert_eq!(inner.calls(), 1);
    assert_eq!(files(dir.path()).len(), 1);
    assert_eq!(replay.describe().model, "model-1");
}

#[tokio::test]
async fn replay_missing_request_names_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let replay = Replay::new(dir.path(), Scrubber::new());

    let error = replay
        .complete(&request(8, 10))
        .await
        .expect_err("nothing recorded");

    assert!(matches!(error, Error::InvalidConfig(_)));
    assert!(
        error.to_string().contains("no recorded exchange"),
        "{error}"
    );
}

#[tokio::test]
async fn replay_or_record_calls_model_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inner = Scripted::new(
        "scripted",
        "model-1",
        vec![Step::Reply(reply("once", 1, 1))],
    );
    let model = Record::new(&inner, dir.path(), scrubber());

    let first = model.complete(&request(8, 10)).await.expect("recorded");
    let second = model.complete(&request(8, 10)).await.expect("replayed");

    assert_eq!(first, second);
    assert_eq!(inner.calls(), 1);
}

#[tokio::test]
async fn replay_mode_never_calls_model() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inner = Scripted::new("scripted", "model-1", vec![Step::Reply(reply("x", 1, 1))]);
    let model = Record::new(&inner, dir.path(), scrubber()).mode(RecordMode::Replay);

    model
        .complete(&request(8, 10))
        .await
        .expect_err("no recording");

    assert_eq!(inner.calls(), 0);
}

#[tokio::test]
async fn recordings_contain_no_secrets() {
    let dir = tempfile::tempdir().expect("temp dir");
    let prompt =
        format!("{NAME} <{EMAIL}> pasted x-api-key: {API_KEY} and Authorization: Bearer {BEARER}");
    let answer = format!("Thanks {NAME}, I will not use {API_KEY} or mail {EMAIL}.");
    let inner = Scripted::new(
        "scripted",
        "model-1",
        vec![Step::Reply(reply(&answer, 10, 10))],
    );
    let request = CompletionRequest::new(vec![Message::user(prompt)], 64)
        .with_system(format!("You help {NAME}."))
        .with_metadata("user_id", EMAIL);

    Record::new(&inner, dir.path(), scrubber())
        .complete(&request)
        .await
        .expect("recorded");

    let recorded = files(dir.path()).join("\n");
    for secret in [
        API_KEY,
        EMAIL,
        NAME,
        BEARER,
        "Zx9SecretKeyValue42",
        "dana.scully",
    ] {
        assert!(
            !recorded.contains(secret),
            "{secret} leaked into {recorded}"
        );
    }
    assert!(recorded.contains("<email>"));
    assert!(recorded.contains("<name>"));
    assert!(recorded.contains("<api-key>") || recorded.contains("<redacted>"));

    let replayed = Replay::new(dir.path(), scrubber())
        .complete(&request)
        .await
        .expect("scrubbed request hashes the same");
    assert!(!replayed.text().contains(API_KEY));
}

#[tokio::test]
async fn record_stream_then_replay_stream() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inner = Scripted::new(
        "scripted",
        "model-1",
        vec![Step::Reply(reply("streamed", 2, 2))],
    );
    let recorder = Record::new(&inner, dir.path(), scrubber()).mode(RecordMode::Record);

    let live = recorder
        .stream(&request(8, 10))
        .await
        .expect("starts")
        .into_response()
        .await
        .expect("completes");
    let replayed = Replay::new(dir.path(), scrubber())
        .stream(&request(8, 10))
        .await
        .expect("starts")
        .into_response()
        .await
        .expect("replayed");

    assert_eq!(replayed, live);
    assert_eq!(files(dir.path()).len(), 1);
}

#[tokio::test]
async fn corrupt_recording_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inner = Scripted::new("scripted", "model-1", vec![Step::Reply(reply("x", 1, 1))]);
    Record::new(&inner, dir.path(), scrubber())
        .complete(&request(8, 10))
        .await
        .expect("recorded");
    for entry in std::fs::read_dir(dir.path()).expect("dir") {
        std::fs::write(entry.expect("entry").path(), "{ not json").expect("overwrite");
    }

    let error = Replay::new(dir.path(), scrubber())
        .complete(&request(8, 10))
        .await
        .expect_err("corrupt");

    assert!(
        error.to_string().contains("delete it and record again"),
        "{error}"
    );
}

#[tokio::test]
async fn recorded_error_replays_offline() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inner = Scripted::new("scripted", "model-1", vec![Step::Fail(overloaded())]);
    Record::new(&inner, dir.path(), scrubber())
        .mode(RecordMode::Record)
        .complete(&request(8, 10))
        .await
        .expect_err("scripted failure");

    let error = Replay::new(dir.path(), scrubber())
        .complete(&request(8, 10))
        .await
        .expect_err("the failure replays");

    assert!(matches!(error, Error::Overloaded { .. }), "{error:?}");
    assert_eq!(error.status(), Some(529));
    assert_eq!(error.request_id(), Some("req_529"));
}

#[tokio::test]
async fn replay_or_record_skips_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inner = Scripted::new(
        "scripted",
        "model-1",
        vec![Step::Fail(overloaded()), Step::Reply(reply("later", 1, 1))],
    );
    let model = Record::new(&inner, dir.path(), scrubber());

    model
        .complete(&request(8, 10))
        .await
        .expect_err("first fails");
    let response = model
        .complete(&request(8, 10))
        .await
        .expect("second asks again");

    assert_eq!(response.text(), "later");
    assert_eq!(inner.calls(), 2);
}

#[tokio::test]
async fn fallback_runs_offline_from_recordings() {
    let (first_dir, second_dir) = (
        tempfile::tempdir().expect("temp dir"),
        tempfile::tempdir().expect("temp dir"),
    );
    let first = Scripted::new("scripted", "model-1", vec![Step::Fail(overloaded())]);
    let second = Scripted::new("scripted", "model-2", vec![Step::Reply(reply("b", 1, 1))]);
    let live = Fallback::new(
        Record::new(&first, first_dir.path(), scrubber()).mode(RecordMode::Record),
        Record::new(&second, second_dir.path(), scrubber()).mode(RecordMode::Record),
    );
    live.complete(&request(8, 10)).await.expect("live fallback");

    let offline = Fallback::new(
        Replay::new(first_dir.path(), scrubber()),
        Replay::new(second_dir.path(), scrubber()),
    );
    let response = offline
        .complete(&request(8, 10))
        .await
        .expect("offline fallback");

    assert_eq!(response.text(), "b");
    assert_eq!(
        first.calls() + second.calls(),
        2,
        "no model was called offline"
    );
}

#[test]
fn international_emails_scrubbed_whole() {
    let scrubber = Scrubber::new();
    let cases = [
        ("mail jürgen.müller@bücher.example now", "mail <email> now"),
        ("mail o'brien@example.com now", "mail <email> now"),
        ("mail 李雷@例子.中国 now", "mail <email> now"),
        ("mail DANA@EXAMPLE.COM now", "mail <email> now"),
    ];

    for (text, expected) in cases {
        assert_eq!(scrubber.scrub(text), expected, "{text}");
    }
}
