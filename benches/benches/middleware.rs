//! The cost of each middleware wrapper per call, around a model that returns at once.

#![expect(
    missing_docs,
    reason = "criterion's macros generate undocumented functions"
)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use async_llm::cost::PriceTable;
use async_llm::middleware::{
    BudgetLimits, ModelExt, RateLimits, Record, RecordMode, Replay, Scrubber, SharedBudget,
    SharedRateLimit,
};
use async_llm::{
    CompletionRequest, CompletionResponse, ContentPart, Error, LanguageModel, Message, ModelInfo,
    RetryPolicy, StopReason, Usage,
};
use async_trait::async_trait;
use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;

/// A model that returns a fixed response without any I/O, so only wrapper costs remain.
#[derive(Debug, Clone)]
struct ImmediateModel;

#[async_trait]
impl LanguageModel for ImmediateModel {
    async fn complete(&self, _: &CompletionRequest) -> Result<CompletionResponse, Error> {
        let usage = Usage::new().with_uncached_input(900).with_output(300);
        Ok(CompletionResponse::new(
            vec![ContentPart::Text(
                "PAY-12 merged; PAY-14 in review.".to_owned(),
            )],
            StopReason::EndTurn,
            "bench-model",
        )
        .with_usage(usage))
    }

    fn describe(&self) -> ModelInfo {
        ModelInfo::new("bench", "bench-model")
    }
}

fn request() -> CompletionRequest {
    // About 300 estimated tokens, so the token limit below lasts for millions of calls.
    let prompt = "Standup facts. One fact per line.\n".repeat(30);
    CompletionRequest::new(vec![Message::user(prompt)], 64).with_system("Write the standup.")
}

fn prices() -> Arc<PriceTable> {
    let table = PriceTable::from_toml_str(
        "currency = \"USD\"\n[[price]]\nprovider = \"bench\"\nmodel = \"bench-model\"\ninput = \"3\"\noutput = \"15\"",
    )
    .expect("table");
    Arc::new(table)
}

fn budget() -> SharedBudget {
    let limits = BudgetLimits::default()
        .with_max_tokens(u64::MAX / 2)
        .with_max_cost(Decimal::new(1_000_000_000, 0));
    SharedBudget::new(limits, Some(prices())).expect("budget")
}

fn rate_limit() -> SharedRateLimit {
    // Limits large enough never to make a call wait, so only the limiter's checks count.
    let limits = RateLimits::default()
        .with_requests(1_000_000_000, Duration::from_secs(1_000))
        .with_tokens(u32::MAX, Duration::from_secs(1_000));
    SharedRateLimit::new(limits).expect("limit")
}

fn bench_model(
    c: &mut Criterion,
    runtime: &tokio::runtime::Runtime,
    name: &str,
    model: impl LanguageModel,
) {
    let request = request();
    c.bench_function(name, |b| {
        b.iter(|| {
            runtime
                .block_on(model.complete(black_box(&request)))
                .expect("completes")
        });
    });
}

fn middleware(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    // Governor's clock reads tokio's, so the limiter must be made inside the runtime.
    let limit = runtime.block_on(async { rate_limit() });

    bench_model(c, &runtime, "middleware/none", ImmediateModel);
    bench_model(c, &runtime, "middleware/traced", ImmediateModel.traced());
    bench_model(
        c,
        &runtime,
        "middleware/retry",
        ImmediateModel.with_retry(RetryPolicy::default()),
    );
    bench_model(
        c,
        &runtime,
        "middleware/budget",
        ImmediateModel.with_budget(budget()),
    );
    bench_model(
        c,
        &runtime,
        "middleware/rate_limit",
        ImmediateModel.with_rate_limit(limit.clone()),
    );
    bench_model(
        c,
        &runtime,
        "middleware/fallback",
        ImmediateModel.with_fallback(ImmediateModel),
    );
    bench_model(
        c,
        &runtime,
        "middleware/stack",
        ImmediateModel
            .with_budget(budget())
            .with_rate_limit(limit)
            .with_retry(RetryPolicy::default())
            .with_fallback(ImmediateModel)
            .traced(),
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let recorder =
        Record::new(ImmediateModel, dir.path(), Scrubber::new()).mode(RecordMode::Record);
    runtime
        .block_on(recorder.complete(&request()))
        .expect("recorded");
    bench_model(c, &runtime, "middleware/record", recorder);
    bench_model(
        c,
        &runtime,
        "middleware/replay",
        Replay::new(dir.path(), Scrubber::new()),
    );
}

criterion_group!(benches, middleware);
criterion_main!(benches);
