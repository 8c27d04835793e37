//! The operator's price table.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::Cost;
use crate::{CompletionResponse, Error, ModelInfo, Usage};

/// Tokens per price unit: prices are quoted per million tokens.
const TOKENS_PER_UNIT: u64 = 1_000_000;

/// The prices of one model, per million tokens.
///
/// Input and output prices are required. A cache or reasoning price may be left out. A
/// call that reports cache tokens for a model without a cache price then has no cost
/// ([`Unpriced::MissingPrice`]), so a missing price never silently counts as free.
/// Reasoning tokens are billed at the output price unless `reasoning` is set.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModelPrice {
    /// The price of a million uncached input tokens.
    pub input: Decimal,
    /// The price of a million output tokens.
    pub output: Decimal,
    /// The price of a million input tokens read from a prompt cache.
    #[serde(default)]
    pub cache_read: Option<Decimal>,
    /// The price of a million input tokens written to a prompt cache.
    #[serde(default)]
    pub cache_write: Option<Decimal>,
    /// The price of a million reasoning tokens, when it differs from the output price.
    #[serde(default)]
    pub reasoning: Option<Decimal>,
}

impl ModelPrice {
    /// Creates prices of `input` and `output` per million tokens, without cache or
    /// reasoning prices.
    pub fn new(input: Decimal, output: Decimal) -> Self {
        Self {
            input,
            output,
            cache_read: None,
            cache_write: None,
            reasoning: None,
        }
    }

    /// Sets the price of a million cache-read tokens.
    #[must_use]
    pub fn with_cache_read(mut self, price: Decimal) -> Self {
        self.cache_read = Some(price);
        self
    }

    /// Sets the price of a million cache-write tokens.
    #[must_use]
    pub fn with_cache_write(mut self, price: Decimal) -> Self {
        self.cache_write = Some(price);
        self
    }

    /// Sets the price of a million reasoning tokens.
    #[must_use]
    pub fn with_reasoning(mut self, price: Decimal) -> Self {
        self.reasoning = Some(price);
        self
    }

    /// Returns the first negative price's field name, if any.
    fn negative_field(&self) -> Option<&'static str> {
        let fields = [
            ("input", Some(self.input)),
            ("output", Some(self.output)),
            ("cache_read", self.cache_read),
            ("cache_write", self.cache_write),
            ("reasoning", self.reasoning),
        ];
        fields
            .into_iter()
            .find(|(_, price)| price.is_some_and(|price| price.is_sign_negative()))
            .map(|(field, _)| field)
    }
}

/// The reason a call has no cost.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Unpriced {
    /// The table has no entry for the provider and model.
    #[error("no price for {provider} model {model}; add it to the price table")]
    UnknownModel {
        /// The provider name.
        provider: String,
        /// The model id.
        model: String,
    },
    /// The call reported tokens of a kind whose price the model's entry leaves out.
    #[error("the price table entry has no `{field}` price but the call used such tokens")]
    MissingPrice {
        /// The missing field (`"cache_read"`, `"cache_write"`).
        field: &'static str,
    },
    /// The provider reported neither input nor output tokens.
    #[error("the call reported no token usage")]
    NoUsage,
}

/// Per-million-token prices by provider and model, in one currency.
///
/// Load it from TOML with [`PriceTable::from_toml_str`] or [`PriceTable::from_toml_file`],
/// or build it with [`PriceTable::new`] and [`PriceTable::with_price`]. A model id ending
/// in `*` matches every model id that starts with the rest, so `claude-sonnet-4-5*` also
/// prices the dated id `claude-sonnet-4-5-20250929`. An exact entry wins over a prefix,
/// and a longer prefix over a shorter one.
///
/// Prices are the operator's responsibility: the crate ships no prices as truth, and the
/// example file's figures are dated examples.
///
/// # Examples
///
/// ```
/// use async_llm::cost::{ModelPrice, PriceTable};
/// use rust_decimal::Decimal;
///
/// let table = PriceTable::new("USD")?
///     .with_price("openai", "gpt-example*", ModelPrice::new(Decimal::new(25, 1), Decimal::TEN));
/// assert!(table.price("openai", "gpt-example-2026-01-01").is_some());
/// assert!(table.price("anthropic", "gpt-example").is_none());
/// # Ok::<(), async_llm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceTable {
    currency: String,
    as_of: Option<String>,
    exact: BTreeMap<(String, String), ModelPrice>,
    prefixes: Vec<(String, String, ModelPrice)>,
}

/// The TOML shape of a price table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    currency: String,
    #[serde(default)]
    as_of: Option<String>,
    #[serde(default, rename = "price")]
    prices: Vec<PriceEntry>,
}

/// One `[[price]]` entry of the TOML file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceEntry {
    provider: String,
    model: String,
    input: Decimal,
    output: Decimal,
    #[serde(default)]
    cache_read: Option<Decimal>,
    #[serde(default)]
    cache_write: Option<Decimal>,
    #[serde(default)]
    reasoning: Option<Decimal>,
}

impl PriceTable {
    /// Creates an empty table in `currency`, a three-letter ISO 4217 code such as `"USD"`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidConfig`] when `currency` is not three ASCII capital letters.
    pub fn new(currency: impl Into<String>) -> Result<Self, Error> {
        let currency = currency.into();
        let valid = currency.len() == 3 && currency.bytes().all(|byte| byte.is_ascii_uppercase());
        if !valid {
            return Err(Error::InvalidConfig(format!(
                "price table currency {currency:?} is invalid; use a three-letter ISO 4217 code such as \"USD\""
            )));
        }

        Ok(Self {
            currency,
            as_of: None,
            exact: BTreeMap::new(),
            prefixes: Vec::new(),
        })
    }

    /// Parses a table from TOML: a `currency`, an optional `as_of` date saying when the
    /// operator copied the prices, and `[[price]]` entries with `provider`, `model`,
    /// `input`, `output` and optional `cache_read`, `cache_write` and `reasoning`, each per
    /// million tokens. Prices may be TOML numbers or decimal strings (`"0.30"`); strings
    /// keep every digit exactly.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidConfig`] for invalid TOML, an unknown key, an invalid
    /// currency, a negative price or a provider and model listed twice.
    pub fn from_toml_str(text: &str) -> Result<Self, Error> {
        let file: TableFile = toml::from_str(text)
            .map_err(|error| Error::InvalidConfig(format!("invalid price table: {error}")))?;

        let mut table = Self::new(file.currency)?;
        table.as_of = file.as_of;
        for entry in file.prices {
            table.insert_entry(entry)?;
        }
        Ok(table)
    }

    /// Reads and parses a TOML table from `path`; see [`PriceTable::from_toml_str`].
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidConfig`] when the file cannot be read or is not a valid
    /// table.
    pub fn from_toml_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|error| {
            Error::InvalidConfig(format!(
                "could not read price table {}: {error}",
                path.display()
            ))
        })?;
        Self::from_toml_str(&text)
    }

    /// Adds or replaces the prices of `provider`'s `model`; a model ending in `*` is a
    /// prefix.
    #[must_use]
    pub fn with_price(
        mut self,
        provider: impl Into<String>,
        model: impl Into<String>,
        price: ModelPrice,
    ) -> Self {
        self.insert(provider.into(), model.into(), price);
        self
    }

    /// Returns the table's currency code.
    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// Returns the date the operator says the prices were copied, when given.
    pub fn as_of(&self) -> Option<&str> {
        self.as_of.as_deref()
    }

    /// Returns the prices of `provider`'s `model`: an exact entry, else the longest
    /// matching prefix.
    pub fn price(&self, provider: &str, model: &str) -> Option<&ModelPrice> {
        let key = (provider.to_owned(), model.to_owned());
        if let Some(price) = self.exact.get(&key) {
            return Some(price);
        }

        self.prefixes
            .iter()
            .filter(|(known, prefix, _)| known == provider && model.starts_with(prefix.as_str()))
            .max_by_key(|(_, prefix, _)| prefix.len())
            .map(|(_, _, price)| price)
    }

    /// Returns the cost of a call of `provider`'s `model` that used `usage`, or `None`
    /// when the model is not in the table or a used kind of token has no price.
    pub fn cost(&self, provider: &str, model: &str, usage: &Usage) -> Option<Cost> {
        self.try_cost(provider, model, usage).ok()
    }

    /// Returns the cost of `response` from `model`, priced by the model id the response
    /// names (often a dated id) or, when it names none, the id `model` describes.
    ///
    /// # Examples
    ///
    /// ```
    /// use async_llm::cost::PriceTable;
    /// use async_llm::{CompletionResponse, ModelInfo, StopReason, Usage};
    ///
    /// let table = PriceTable::from_toml_str(
    ///     "currency = \"USD\"\n[[price]]\nprovider = \"anthropic\"\nmodel = \"claude-x*\"\ninput = 3\noutput = 15",
    /// )?;
    /// let response = CompletionResponse::new(Vec::new(), StopReason::EndTurn, "claude-x-20260101")
    ///     .with_usage(Usage::new().with_uncached_input(2_000).with_output(100));
    /// let model = ModelInfo::new("anthropic", "claude-x");
    ///
    /// let cost = table.cost_of_response(&model, &response).expect("priced");
    /// assert_eq!(cost.to_string(), "0.0075 USD");
    /// # Ok::<(), async_llm::Error>(())
    /// ```
    pub fn cost_of_response(
        &self,
        model: &ModelInfo,
        response: &CompletionResponse,
    ) -> Option<Cost> {
        let model_id = if response.model.is_empty() {
            &model.model
        } else {
            &response.model
        };
        self.cost(&model.provider, model_id, &response.usage)
    }

    /// Returns the cost of a call of `provider`'s `model` that used `usage`.
    ///
    /// Counts the provider did not report add nothing, but a call that reported neither
    /// input nor output has no cost. Reasoning tokens are part of the output count.
    ///
    /// # Errors
    ///
    /// Returns [`Unpriced`] naming why the call cannot be priced.
    pub fn try_cost(&self, provider: &str, model: &str, usage: &Usage) -> Result<Cost, Unpriced> {
        let price = self
            .price(provider, model)
            .ok_or_else(|| Unpriced::UnknownModel {
                provider: provider.to_owned(),
                model: model.to_owned(),
            })?;
        if usage.total_input_tokens().is_none() && usage.output_tokens.is_none() {
            return Err(Unpriced::NoUsage);
        }

        let mut total = Decimal::ZERO;
        total += priced(usage.uncached_input_tokens, Some(price.input), "input")?;
        total += priced(usage.cache_read_tokens, price.cache_read, "cache_read")?;
        total += priced(usage.cache_write_tokens, price.cache_write, "cache_write")?;
        total += output_cost(usage, price)?;
        Ok(Cost::new(total.normalize(), self.currency.clone()))
    }

    /// Returns the most a request could cost: `input_tokens` of uncached input and
    /// `max_output_tokens` of output, or `None` for an unknown model.
    pub fn max_cost(
        &self,
        provider: &str,
        model: &str,
        input_tokens: u64,
        max_output_tokens: u64,
    ) -> Option<Cost> {
        let price = self.price(provider, model)?;
        let output_price = price
            .reasoning
            .map_or(price.output, |r| r.max(price.output));
        let input = per_token(input_tokens, price.input);
        let output = per_token(max_output_tokens, output_price);
        Some(Cost::new(
            (input + output).normalize(),
            self.currency.clone(),
        ))
    }

    fn insert_entry(&mut self, entry: PriceEntry) -> Result<(), Error> {
        let price = ModelPrice {
            input: entry.input,
            output: entry.output,
            cache_read: entry.cache_read,
            cache_write: entry.cache_write,
            reasoning: entry.reasoning,
        };
        if let Some(field) = price.negative_field() {
            return Err(Error::InvalidConfig(format!(
                "price table entry {} {} has a negative `{field}` price",
                entry.provider, entry.model
            )));
        }
        if self.contains_entry(&entry.provider, &entry.model) {
            return Err(Error::InvalidConfig(format!(
                "price table lists {} {} twice; keep one entry",
                entry.provider, entry.model
            )));
        }

        self.insert(entry.provider, entry.model, price);
        Ok(())
    }

    fn insert(&mut self, provider: String, model: String, price: ModelPrice) {
        match model.strip_suffix('*') {
            Some(prefix) => {
                let prefix = prefix.to_owned();
                self.prefixes
                    .retain(|(known, other, _)| !(known == &provider && other == &prefix));
                self.prefixes.push((provider, prefix, price));
            }
            None => {
                self.exact.insert((provider, model), price);
            }
        }
    }

    fn contains_entry(&self, provider: &str, model: &str) -> bool {
        match model.strip_suffix('*') {
            Some(prefix) => self
                .prefixes
                .iter()
                .any(|(known, other, _)| known == provider && other == prefix),
            None => self
                .exact
                .contains_key(&(provider.to_owned(), model.to_owned())),
        }
    }
}

impl fmt::Display for PriceTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entries = self.exact.len() + self.prefixes.len();
        write!(f, "price table in {} with {entries} entries", self.currency)?;
        if let Some(as_of) = &self.as_of {
            write!(f, " as of {as_of}")?;
        }
        Ok(())
    }
}

/// Prices `count` tokens; a count that is zero or unreported needs no price.
fn priced(
    count: Option<u64>,
    price: Option<Decimal>,
    field: &'static str,
) -> Result<Decimal, Unpriced> {
    match (count, price) {
        (None | Some(0), _) => Ok(Decimal::ZERO),
        (Some(count), Some(price)) => Ok(per_token(count, price)),
        (Some(_), None) => Err(Unpriced::MissingPrice { field }),
    }
}

/// Prices the output tokens, the reasoning share at the reasoning price when the entry
/// sets one and the provider reported the share.
fn output_cost(usage: &Usage, price: &ModelPrice) -> Result<Decimal, Unpriced> {
    let output = usage.output_tokens.unwrap_or(0);
    let (Some(reasoning_price), Some(reasoning)) = (price.reasoning, usage.reasoning_tokens) else {
        return Ok(per_token(output, price.output));
    };

    // Output includes reasoning; a provider reporting more reasoning than output is
    // capped so the split never goes negative.
    let reasoning = reasoning.min(output);
    Ok(per_token(output - reasoning, price.output) + per_token(reasoning, reasoning_price))
}

/// Returns the cost of `count` tokens at `price` per million.
fn per_token(count: u64, price: Decimal) -> Decimal {
    // A u64 count times a price stays far inside Decimal's 96-bit range for any real
    // call, so saturating only guards absurd inputs.
    Decimal::from(count)
        .saturating_mul(price)
        .checked_div(Decimal::from(TOKENS_PER_UNIT))
        .unwrap_or(Decimal::MAX)
}

#[cfg(test)]
mod tests;
