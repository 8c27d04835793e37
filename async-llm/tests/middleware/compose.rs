use std::time::Duration;

use async_llm::middleware::{BudgetLimits, ModelExt, RateLimits, SharedBudget, SharedRateLimit};
use async_llm::{LanguageModel, RetryPolicy};

use crate::scripted::{Scripted, Step, overloaded, reply, request};

#[tokio::test(start_paused = true)]
async fn stacked_middleware_compose() {
    let inner = Scripted::new(
        "scripted",
        "model-1",
        vec![Step::Fail(overloaded()), Step::Reply(reply("ok", 7, 3))],
    );
    let backup = Scripted::new("backup", "model-2", vec![]);
    let budget =
        SharedBudget::new(BudgetLimits::default().with_max_tokens(1_000), None).expect("budget");
    let limit =
        SharedRateLimit::new(RateLimits::default().with_requests(10, Duration::from_secs(1)))
            .expect("limit");

    let model = (&inner)
        .with_budget(budget.clone())
        .with_rate_limit(limit)
        .with_retry(RetryPolicy::default())
        .with_fallback(&backup)
        .traced();
    let response = model.complete(&request(4, 100)).await.expect("retried");

    assert_eq!(response.text(), "ok");
    assert_eq!(inner.calls(), 2);
    assert_eq!(backup.calls(), 0, "the retry recovered before any fallback");
    assert_eq!(budget.usage().tokens, 10);
    assert_eq!(budget.usage().calls, 2);
    assert_eq!(model.describe().provider, "scripted");
}
