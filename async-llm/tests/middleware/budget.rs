use std::sync::Arc;

use async_llm::cost::PriceTable;
use async_llm::middleware::{Budget, BudgetExceeded, BudgetLimits, Fallback, SharedBudget};
use async_llm::{Error, LanguageModel};
use futures::StreamExt;
use rust_decimal::Decimal;

use crate::scripted::{Scripted, Step, overloaded, reply, request};

fn prices() -> Arc<PriceTable> {
    let table = PriceTable::from_toml_str(
        r#"
        currency = "USD"
        [[price]]
        provider = "scripted"
        model = "model-1"
        input = "1"
        output = "2"
        "#,
    )
    .expect("table");
    Arc::new(table)
}

fn token_budget(tokens: u64) -> SharedBudget {
    SharedBudget::new(BudgetLimits::default().with_max_tokens(tokens), None).expect("budget")
}

#[tokio::test]
async fn budget_refuses_before_sending() {
    let inner = Scripted::new("scripted", "model-1", vec![Step::Reply(reply("a", 1, 1))]);
    // 400 characters estimate 100 input tokens plus 4 for the message, plus 100 output.
    let model = Budget::new(&inner, token_budget(203));

    let error = model
        .complete(&request(400, 100))
        .await
        .expect_err("over budget");

    assert_eq!(inner.calls(), 0, "the request was never sent");
    let Error::BudgetExceeded(refusal) = &error else {
        panic!("expected BudgetExceeded, got {error:?}");
    };
    assert_eq!(
        **refusal,
        BudgetExceeded::Tokens {
            limit: 203,
            used: 0,
            requested: 204
        }
    );
    assert!(error.to_string().contains("lower max_output_tokens"));
    assert_eq!(model.budget().usage().refused, 1);
}

#[tokio::test]
async fn budget_records_actual_usage() {
    let inner = Scripted::new(
        "scripted",
        "model-1",
        vec![
            Step::Reply(reply("a", 30, 20)),
            Step::Reply(reply("b", 30, 20)),
        ],
    );
    let budget = token_budget(300);
    let model = Budget::new(&inner, budget.clone());

    model.complete(&request(40, 100)).await.expect("first fits");
    assert_eq!(
        budget.usage().tokens,
        50,
        "actual usage replaced the estimate"
    );
    assert_eq!(budget.usage().reserved_tokens, 0);

    // 50 used + 114 worst case fits 300; after 100 used, a 214-token worst case does not.
    model
        .complete(&request(40, 100))
        .await
        .expect("second fits");
    assert_eq!(budget.usage().tokens, 100);
    assert_eq!(budget.usage().calls, 2);

    let error = Budget::new(&inner, budget.clone())
        .complete(&request(40, 200))
        .await
        .expect_err("third does not fit");
    assert!(matches!(error, Error::BudgetExceeded(_)));
    assert_eq!(inner.calls(), 2);
}

#[tokio::test]
async fn budget_shared_across_wrappers() {
    let first = Scripted::new("scripted", "model-1", vec![Step::Reply(reply("a", 60, 40))]);
    let second = Scripted::new("scripted", "model-1", vec![Step::Reply(reply("b", 1, 1))]);
    let budget = token_budget(150);

    Budget::new(&first, budget.clone())
        .complete(&request(4, 50))
        .await
        .expect("fits");
    let error = Budget::new(&second, budget.clone())
        .complete(&request(4, 50))
        .await
        .expect_err("the first call's 100 tokens count for the second wrapper too");

    assert!(matches!(error, Error::BudgetExceeded(_)));
    assert_eq!(second.calls(), 0);
}

#[tokio::test]
async fn budget_failed_call_is_not_charged() {
    let inner = Scripted::new("scripted", "model-1", vec![Step::Fail(overloaded())]);
    let budget = token_budget(1_000);

    let error = Budget::new(&inner, budget.clone())
        .complete(&request(4, 50))
        .await
        .expect_err("scripted failure");

    assert!(matches!(error, Error::Overloaded { .. }));
    let usage = budget.usage();
    assert_eq!(usage.tokens, 0);
    assert_eq!(usage.reserved_tokens, 0);
    assert_eq!(usage.calls, 1);
}

#[tokio::test]
async fn budget_cost_limit_refuses_and_counts() {
    let inner = Scripted::new(
        "scripted",
        "model-1",
        vec![Step::Reply(reply("a", 1_000, 500))],
    );
    // Worst case of the first call: 5 input tokens at $1/M + 1_000 output at $2/M.
    let limits = BudgetLimits::default().with_max_cost(Decimal::new(25, 4));
    let budget = SharedBudget::new(limits, Some(prices())).expect("budget");
    let model = Budget::new(&inner, budget.clone());

    model.complete(&request(4, 1_000)).await.expect("fits");
    let spent = budget.usage().cost.expect("priced");
    assert_eq!(
        spent.amount(),
        Decimal::new(2, 3),
        "1_000*1 + 500*2 per million"
    );

    let error = model
        .complete(&request(4, 1_000))
        .await
        .expect_err("0.002 spent + 0.002005 worst case passes 0.0025");
    let Error::BudgetExceeded(refusal) = error else {
        panic!("expected a refusal");
    };
    assert!(matches!(*refusal, BudgetExceeded::Cost { .. }));
    assert_eq!(inner.calls(), 1);
}

#[tokio::test]
async fn budget_cost_limit_refuses_unpriced_model() {
    let inner = Scripted::new("scripted", "unknown-model", vec![]);
    let limits = BudgetLimits::default().with_max_cost(Decimal::ONE);
    let budget = SharedBudget::new(limits, Some(prices())).expect("budget");

    let error = Budget::new(&inner, budget)
        .complete(&request(4, 10))
        .await
        .expect_err("cannot price");

    let Error::BudgetExceeded(refusal) = error else {
        panic!("expected a refusal");
    };
    assert!(matches!(*refusal, BudgetExceeded::Unpriced { .. }));
    assert_eq!(inner.calls(), 0);
}

#[test]
fn budget_cost_limit_needs_prices() {
    let limits = BudgetLimits::default().with_max_cost(Decimal::ONE);
    let error = SharedBudget::new(limits, None).expect_err("no table");
    assert!(error.to_string().contains("price table"));
}

#[tokio::test]
async fn budget_stream_settles_on_completion() {
    let inner = Scripted::new(
        "scripted",
        "model-1",
        vec![Step::Reply(reply("abc", 10, 5))],
    );
    let budget = token_budget(1_000);
    let model = Budget::new(&inner, budget.clone());

    let stream = model.stream(&request(4, 100)).await.expect("starts");
    assert_eq!(
        budget.usage().reserved_tokens,
        105,
        "reserved while streaming"
    );
    let response = stream.into_response().await.expect("completes");

    assert_eq!(response.text(), "abc");
    assert_eq!(budget.usage().tokens, 15);
    assert_eq!(budget.usage().reserved_tokens, 0);
}

#[tokio::test]
async fn budget_dropped_stream_charges_worst_case() {
    let inner = Scripted::new(
        "scripted",
        "model-1",
        vec![Step::Reply(reply("abc", 10, 5))],
    );
    let budget = token_budget(1_000);
    let model = Budget::new(&inner, budget.clone());

    let mut stream = model.stream(&request(4, 100)).await.expect("starts");
    let _first = stream.next().await;
    drop(stream);

    assert_eq!(budget.usage().tokens, 105);
    assert_eq!(budget.usage().reserved_tokens, 0);
}

#[tokio::test]
async fn budget_per_fallback_branch_prices_backup() {
    let table = PriceTable::from_toml_str(
        r#"
        currency = "USD"
        [[price]]
        provider = "first"
        model = "model-1"
        input = "1"
        output = "1"
        [[price]]
        provider = "second"
        model = "model-1"
        input = "10"
        output = "10"
        "#,
    )
    .expect("table");
    let limits = BudgetLimits::default().with_max_cost(Decimal::ONE);
    let budget = SharedBudget::new(limits, Some(Arc::new(table))).expect("budget");
    let first = Scripted::new("first", "model-1", vec![Step::Fail(overloaded())]);
    let second = Scripted::new("second", "model-1", vec![Step::Reply(reply("b", 100, 100))]);

    let model = Fallback::new(
        Budget::new(&first, budget.clone()),
        Budget::new(&second, budget.clone()),
    );
    model
        .complete(&request(4, 100))
        .await
        .expect("backup replies");

    // 200 tokens at the second provider's $10 per million; the failed first call is free.
    let spent = budget.usage().cost.expect("priced");
    assert_eq!(spent.amount(), Decimal::new(2, 3));
    assert_eq!(budget.usage().unpriced_calls, 0);
}
