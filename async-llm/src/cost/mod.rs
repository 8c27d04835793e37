//! Prices per model and the exact cost of each call.
//!
//! A [`PriceTable`] maps a provider and model to [`ModelPrice`]s: per-million-token prices
//! for uncached input, cache reads, cache writes, output and reasoning. The operator
//! supplies the table, usually as TOML, because prices change and differ by contract; the
//! crate bakes none in. `prices.example.toml` in this crate's directory shows the
//! format with dated example figures that must be checked before use.
//!
//! [`PriceTable::cost`] turns a response's [`Usage`](crate::Usage) into a [`Cost`], an
//! exact decimal amount ([`rust_decimal::Decimal`]), so adding up a million calls loses
//! no cent to floating-point rounding. A model missing from the table has no cost (`None`),
//! never a cost of zero.
//!
//! # Examples
//!
//! ```
//! use async_llm::Usage;
//! use async_llm::cost::PriceTable;
//!
//! let table = PriceTable::from_toml_str(r#"
//!     currency = "USD"
//!     as_of = "2026-01-01"
//!
//!     [[price]]
//!     provider = "anthropic"
//!     model = "claude-example"
//!     input = "3"
//!     output = "15"
//! "#)?;
//!
//! let usage = Usage::new().with_uncached_input(1_000).with_output(200);
//! let cost = table.cost("anthropic", "claude-example", &usage).expect("priced");
//! assert_eq!(cost.amount().to_string(), "0.006");
//! assert!(table.cost("anthropic", "unknown-model", &usage).is_none());
//! # Ok::<(), async_llm::Error>(())
//! ```

mod amount;
mod table;

pub use amount::Cost;
pub use table::{ModelPrice, PriceTable, Unpriced};
