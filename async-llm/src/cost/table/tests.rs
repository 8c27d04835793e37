use rust_decimal::Decimal;

use super::*;

const TABLE: &str = r#"
currency = "USD"
as_of = "2026-01-01"

[[price]]
provider = "anthropic"
model = "claude-example*"
input = "3"
output = "15"
cache_read = "0.30"
cache_write = "3.75"

[[price]]
provider = "anthropic"
model = "claude-example-mini"
input = 0.8
output = 4

[[price]]
provider = "openai"
model = "gpt-example"
input = "2.50"
output = "10"
reasoning = "12"
"#;

fn table() -> PriceTable {
    PriceTable::from_toml_str(TABLE).expect("valid table")
}

fn usage(input: u64, output: u64) -> Usage {
    Usage::new().with_uncached_input(input).with_output(output)
}

#[test]
fn cost_of_plain_call_is_exact() {
    let cost = table()
        .cost("anthropic", "claude-example", &usage(1_000, 200))
        .expect("priced");
    assert_eq!(cost.amount(), Decimal::new(6, 3));
    assert_eq!(cost.currency(), "USD");
}

#[test]
fn cost_adds_cache_reads_and_writes() {
    let usage = usage(100, 10)
        .with_cache_read(10_000)
        .with_cache_write(1_000);
    let cost = table()
        .cost("anthropic", "claude-example-20260101", &usage)
        .expect("priced by prefix");
    // 100*3 + 10_000*0.3 + 1_000*3.75 + 10*15 = 7_200 per million tokens.
    assert_eq!(cost.amount(), Decimal::new(72, 4));
}

#[test]
fn float_prices_parse_exactly() {
    let cost = table()
        .cost("anthropic", "claude-example-mini", &usage(1_000_000, 0))
        .expect("exact entry wins over prefix");
    assert_eq!(cost.amount(), Decimal::new(8, 1));
}

#[test]
fn unknown_model_has_no_cost() {
    let table = table();
    assert_eq!(table.cost("anthropic", "other", &usage(1, 1)), None);
    assert_eq!(table.cost("gemini", "claude-example", &usage(1, 1)), None);
    assert!(matches!(
        table.try_cost("gemini", "x", &usage(1, 1)),
        Err(Unpriced::UnknownModel { .. })
    ));
}

#[test]
fn cache_tokens_without_price_have_no_cost() {
    let usage = usage(1, 1).with_cache_read(5);
    assert_eq!(
        table().try_cost("openai", "gpt-example", &usage),
        Err(Unpriced::MissingPrice {
            field: "cache_read"
        })
    );
    let zero_reads = usage.with_cache_read(0);
    assert!(table().cost("openai", "gpt-example", &zero_reads).is_some());
}

#[test]
fn missing_usage_has_no_cost() {
    assert_eq!(
        table().try_cost("openai", "gpt-example", &Usage::default()),
        Err(Unpriced::NoUsage)
    );
}

#[test]
fn reasoning_share_uses_reasoning_price() {
    let usage = usage(0, 1_000_000).with_reasoning(400_000);
    let cost = table()
        .cost("openai", "gpt-example", &usage)
        .expect("priced");
    // 600_000 output tokens at 10 plus 400_000 reasoning tokens at 12 per million.
    assert_eq!(cost.amount(), Decimal::new(108, 1));

    let without_price = table()
        .cost("anthropic", "claude-example", &usage)
        .expect("priced");
    assert_eq!(without_price.amount(), Decimal::new(15, 0));
}

#[test]
fn reasoning_above_output_is_capped() {
    let usage = usage(0, 10).with_reasoning(50);
    let cost = table()
        .cost("openai", "gpt-example", &usage)
        .expect("priced");
    assert_eq!(cost.amount(), Decimal::new(12, 5));
}

#[test]
fn max_cost_uses_higher_reasoning_price() {
    let cost = table()
        .max_cost("openai", "gpt-example", 1_000_000, 1_000_000)
        .expect("priced");
    assert_eq!(cost.amount(), Decimal::new(145, 1));
    assert_eq!(table().max_cost("openai", "unknown", 1, 1), None);
}

#[test]
fn longest_prefix_wins() {
    let cheap = ModelPrice::new(Decimal::ONE, Decimal::ONE);
    let dear = ModelPrice::new(Decimal::TEN, Decimal::TEN);
    let table = PriceTable::new("EUR")
        .expect("currency")
        .with_price("p", "m*", cheap)
        .with_price("p", "m-large*", dear.clone());
    assert_eq!(table.price("p", "m-large-2"), Some(&dear));
    assert_eq!(
        table.price("p", "m-small").map(|p| p.input),
        Some(Decimal::ONE)
    );
}

#[test]
fn invalid_tables_are_rejected() {
    let cases = [
        ("currency = \"usd\"", "currency"),
        ("currency = \"USD\"\nextra = 1", "unknown field"),
        (
            "currency = \"USD\"\n[[price]]\nprovider = \"p\"\nmodel = \"m\"\ninput = \"-1\"\noutput = \"1\"",
            "negative `input`",
        ),
        (
            "currency = \"USD\"\n[[price]]\nprovider = \"p\"\nmodel = \"m\"\ninput = \"1\"\noutput = \"1\"\ncache_reads = \"1\"",
            "unknown field",
        ),
        (
            "currency = \"USD\"\n[[price]]\nprovider = \"p\"\nmodel = \"m\"\ninput = 1\noutput = 1\n[[price]]\nprovider = \"p\"\nmodel = \"m\"\ninput = 2\noutput = 2",
            "twice",
        ),
    ];
    for (text, expected) in cases {
        let error = PriceTable::from_toml_str(text).expect_err(text);
        assert!(
            error.to_string().contains(expected),
            "{text}: {error} lacks {expected}"
        );
    }
}

#[test]
fn example_table_parses() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/prices.example.toml");
    let table = PriceTable::from_toml_file(path).expect("example table parses");
    assert_eq!(table.currency(), "USD");
    assert!(table.as_of().is_some());
    assert!(
        table
            .price("anthropic", "claude-sonnet-4-5-20250929")
            .is_some()
    );
}

#[test]
fn missing_file_names_path() {
    let error = PriceTable::from_toml_file("/nonexistent/prices.toml").expect_err("missing");
    assert!(error.to_string().contains("/nonexistent/prices.toml"));
}
