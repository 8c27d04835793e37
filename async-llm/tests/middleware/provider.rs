//! Middleware around a real provider implementation talking to a local mock server.

use async_llm::cost::PriceTable;
use async_llm::middleware::{ModelExt, Replay, Scrubber};
use async_llm::{CompletionRequest, LanguageModel, Message, ModelInfo};
use rust_decimal::Decimal;

use crate::common::{API_KEY, MODEL, anthropic, fixture};

fn request() -> CompletionRequest {
    CompletionRequest::new(vec![Message::user("Facts: PAY-12 done.")], 256)
}

#[tokio::test]
async fn recording_of_provider_has_no_key() {
    let mut server = mockito::Server::new_async().await;
    let mock = server
        .mock("POST", "/v1/messages")
        .match_header("x-api-key", API_KEY)
        .with_status(200)
        .with_header("request-id", "req_fixture")
        .with_body(fixture("anthropic/message_ok.json"))
        .expect(1)
        .create_async()
        .await;
    let dir = tempfile::tempdir().expect("temp dir");

    let live = anthropic(&server)
        .recorded(dir.path(), Scrubber::new())
        .complete(&request())
        .await
        .expect("live call");
    let replayed = Replay::new(dir.path(), Scrubber::new())
        .describing(ModelInfo::new("anthropic", MODEL))
        .complete(&request())
        .await
        .expect("replayed offline");

    mock.assert_async().await;
    assert_eq!(replayed, live);
    for entry in std::fs::read_dir(dir.path()).expect("dir") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("file");
        assert!(!text.contains(API_KEY), "API key in recording: {text}");
        assert!(
            !text.to_lowercase().contains("x-api-key"),
            "header in recording"
        );
        assert!(text.contains("PAY-12"), "the exchange itself was recorded");
    }
}

#[tokio::test]
async fn provider_response_is_priced() {
    let mut server = mockito::Server::new_async().await;
    let _mock = server
        .mock("POST", "/v1/messages")
        .with_status(200)
        .with_body(fixture("anthropic/message_ok.json"))
        .create_async()
        .await;
    let table = PriceTable::from_toml_str(
        "currency = \"USD\"\n[[price]]\nprovider = \"anthropic\"\nmodel = \"claude-sonnet-4-5*\"\ninput = \"3\"\noutput = \"15\"\ncache_read = \"0.30\"",
    )
    .expect("table");
    let model = anthropic(&server);

    let response = model.complete(&request()).await.expect("reply");
    let cost = table
        .cost_of_response(&model.describe(), &response)
        .expect("the dated model id matches the prefix");

    // 412 input tokens at $3 and 58 output tokens at $15 per million.
    assert_eq!(cost.amount(), Decimal::new(2_106, 6));
    assert_eq!(response.model, "claude-sonnet-4-5-20250929");
}
