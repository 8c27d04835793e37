//! An exact amount of money.

use std::fmt;
use std::ops::Add;

use rust_decimal::Decimal;

/// An exact amount of money in the price table's currency.
///
/// The amount is a [`Decimal`], so sums of many small costs stay exact. Costs in
/// different currencies must not be added. [`Cost::checked_add`] returns `None` for them,
/// while `+` keeps the left currency, so use `+` only on costs from one table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Cost {
    amount: Decimal,
    currency: String,
}

impl Cost {
    /// Creates a cost of `amount` in `currency` (an ISO 4217 code such as `"USD"`).
    pub fn new(amount: Decimal, currency: impl Into<String>) -> Self {
        Self {
            amount,
            currency: currency.into(),
        }
    }

    /// Creates a zero cost in `currency`.
    pub fn zero(currency: impl Into<String>) -> Self {
        Self::new(Decimal::ZERO, currency)
    }

    /// Returns the amount.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// Returns the currency code.
    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// Adds `other`, or returns `None` when the currencies differ or the sum overflows.
    pub fn checked_add(&self, other: &Cost) -> Option<Cost> {
        if self.currency != other.currency {
            return None;
        }
        let amount = self.amount.checked_add(other.amount)?;
        Some(Cost::new(amount, self.currency.clone()))
    }
}

impl Add for Cost {
    type Output = Cost;

    /// Adds two costs of the same table, saturating at the largest decimal.
    fn add(self, other: Cost) -> Cost {
        let amount = self.amount.saturating_add(other.amount);
        Cost::new(amount, self.currency)
    }
}

impl fmt::Display for Cost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount.normalize(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_sum_stays_exact() {
        let cent_tenth = Decimal::new(1, 3);
        let total = (0..1_000)
            .map(|_| Cost::new(cent_tenth, "USD"))
            .fold(Cost::zero("USD"), Add::add);
        assert_eq!(total.amount(), Decimal::ONE);
    }

    #[test]
    fn cost_add_rejects_other_currency() {
        let usd = Cost::new(Decimal::ONE, "USD");
        let eur = Cost::new(Decimal::ONE, "EUR");
        assert_eq!(usd.checked_add(&eur), None);
        assert_eq!(
            usd.checked_add(&usd).map(|cost| cost.amount()),
            Some(Decimal::TWO)
        );
    }

    #[test]
    fn cost_display_normalizes() {
        let cost = Cost::new(Decimal::new(1_500, 3), "USD");
        assert_eq!(cost.to_string(), "1.5 USD");
    }
}
