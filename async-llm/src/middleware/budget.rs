//! A token and cost budget shared across calls.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use futures::StreamExt;
use rust_decimal::Decimal;

use super::estimate::{estimate_input_tokens, estimate_max_tokens};
use crate::cost::{Cost, PriceTable};
use crate::{
    CompletionRequest, CompletionResponse, CompletionStream, Error, LanguageModel, ModelInfo,
    StreamEvent,
};

/// The limits of a [`SharedBudget`]: total tokens, total cost, or both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BudgetLimits {
    /// The maximum tokens (input of every kind plus output) all calls may use together.
    pub max_tokens: Option<u64>,
    /// The maximum cost of all calls together, in the price table's currency.
    pub max_cost: Option<Decimal>,
}

impl BudgetLimits {
    /// Limits the total tokens.
    #[must_use]
    pub fn with_max_tokens(mut self, tokens: u64) -> Self {
        self.max_tokens = Some(tokens);
        self
    }

    /// Limits the total cost, in the price table's currency.
    #[must_use]
    pub fn with_max_cost(mut self, cost: Decimal) -> Self {
        self.max_cost = Some(cost);
        self
    }
}

/// The reason a [`Budget`] rejected a request before sending it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BudgetExceeded {
    /// The request could use more tokens than the budget has left.
    #[error(
        "token budget exceeded: the request may use {requested} tokens but {used} of {limit} \
         are used or reserved; raise the limit or lower max_output_tokens"
    )]
    Tokens {
        /// The budget's token limit.
        limit: u64,
        /// Tokens used by finished calls plus those reserved by calls in flight.
        used: u64,
        /// The request's estimated input plus its output cap.
        requested: u64,
    },
    /// The request could cost more than the budget has left.
    #[error(
        "cost budget exceeded: the request may cost {requested} but {used} of {limit} is \
         spent or reserved; raise the limit or lower max_output_tokens"
    )]
    Cost {
        /// The budget's cost limit.
        limit: Cost,
        /// The cost of finished calls plus that reserved by calls in flight.
        used: Cost,
        /// The request's most expensive outcome.
        requested: Cost,
    },
    /// The budget limits cost but the price table has no price for the model.
    #[error("cost budget cannot price {provider} model {model}; add it to the price table")]
    Unpriced {
        /// The provider name.
        provider: String,
        /// The model id.
        model: String,
    },
}

/// The counts a [`SharedBudget`] has kept so far.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BudgetUsage {
    /// Tokens used by finished calls.
    pub tokens: u64,
    /// Tokens reserved by calls still in flight.
    pub reserved_tokens: u64,
    /// The cost of finished calls, when the budget has a price table.
    pub cost: Option<Cost>,
    /// Finished calls, successful or not.
    pub calls: u64,
    /// Requests refused before sending.
    pub refused: u64,
    /// Finished calls whose cost the table could not compute. Each was charged its
    /// estimated maximum instead, or nothing when the model has no price at all.
    pub unpriced_calls: u64,
}

/// A token and cost budget that several calls, and several [`Budget`] wrappers, share.
///
/// Cloning it shares the same counters. Before a call it reserves the request's worst
/// case (estimated input plus the output cap, priced at the table's input and output
/// prices) and refuses the request when the worst case could pass a limit. After the call
/// it replaces the reservation with the provider's reported usage.
///
/// # Examples
///
/// ```
/// use async_llm::middleware::{BudgetLimits, SharedBudget};
///
/// let budget = SharedBudget::new(BudgetLimits::default().with_max_tokens(10_000), None)?;
/// assert_eq!(budget.usage().tokens, 0);
/// # Ok::<(), async_llm::Error>(())
/// ```
#[derive(Clone)]
pub struct SharedBudget {
    state: Arc<State>,
}

struct State {
    limits: BudgetLimits,
    prices: Option<Arc<PriceTable>>,
    ledger: Mutex<Ledger>,
}

#[derive(Default)]
struct Ledger {
    tokens: u64,
    reserved_tokens: u64,
    cost: Decimal,
    reserved_cost: Decimal,
    calls: u64,
    refused: u64,
    unpriced_calls: u64,
}

impl fmt::Debug for SharedBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedBudget")
            .field("limits", &self.state.limits)
            .field("usage", &self.usage())
            .finish_non_exhaustive()
    }
}

impl SharedBudget {
    /// Creates a budget with `limits`, pricing calls with `prices` when given.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidConfig`] when `limits` has a cost limit but no price table
    /// is given, because the budget could not price any call.
    pub fn new(limits: BudgetLimits, prices: Option<Arc<PriceTable>>) -> Result<Self, Error> {
        if limits.max_cost.is_some() && prices.is_none() {
            return Err(Error::InvalidConfig(
                "a cost budget needs a price table; pass one to SharedBudget::new".to_owned(),
            ));
        }

        let state = State {
            limits,
            prices,
            ledger: Mutex::new(Ledger::default()),
        };
        Ok(Self {
            state: Arc::new(state),
        })
    }

    /// Returns the limits.
    pub fn limits(&self) -> BudgetLimits {
        self.state.limits
    }

    /// Returns what has been counted so far.
    pub fn usage(&self) -> BudgetUsage {
        let ledger = self.lock();
        BudgetUsage {
            tokens: ledger.tokens,
            reserved_tokens: ledger.reserved_tokens,
            cost: self
                .currency()
                .map(|currency| Cost::new(ledger.cost, currency)),
            calls: ledger.calls,
            refused: ledger.refused,
            unpriced_calls: ledger.unpriced_calls,
        }
    }

    /// Reserves the worst case of `request` to `model`, or refuses it.
    fn reserve(
        &self,
        model: &ModelInfo,
        request: &CompletionRequest,
    ) -> Result<Reservation, Error> {
        let tokens = estimate_max_tokens(request);
        let cost = match self.worst_cost(model, request) {
            Ok(cost) => cost,
            Err(refusal) => {
                self.lock().refused += 1;
                return Err(Error::BudgetExceeded(Box::new(refusal)));
            }
        };

        let mut ledger = self.lock();
        if let Err(refusal) = self.check(&ledger, tokens, cost) {
            ledger.refused += 1;
            return Err(Error::BudgetExceeded(Box::new(refusal)));
        }
        ledger.reserved_tokens += tokens;
        ledger.reserved_cost += cost;
        drop(ledger);

        Ok(Reservation {
            budget: self.clone(),
            tokens,
            cost,
            settled: false,
        })
    }

    /// Prices the worst case when the budget has prices; zero when it does not.
    fn worst_cost(
        &self,
        model: &ModelInfo,
        request: &CompletionRequest,
    ) -> Result<Decimal, BudgetExceeded> {
        let Some(prices) = &self.state.prices else {
            return Ok(Decimal::ZERO);
        };
        let input = estimate_input_tokens(request);
        let output = u64::from(request.max_output_tokens);
        match prices.max_cost(&model.provider, &model.model, input, output) {
            Some(cost) => Ok(cost.amount()),
            None if self.state.limits.max_cost.is_none() || !model.needs_network => {
                Ok(Decimal::ZERO)
            }
            None => Err(BudgetExceeded::Unpriced {
                provider: model.provider.clone(),
                model: model.model.clone(),
            }),
        }
    }

    fn check(&self, ledger: &Ledger, tokens: u64, cost: Decimal) -> Result<(), BudgetExceeded> {
        if let Some(limit) = self.state.limits.max_tokens {
            let used = ledger.tokens + ledger.reserved_tokens;
            if used.saturating_add(tokens) > limit {
                return Err(BudgetExceeded::Tokens {
                    limit,
                    used,
                    requested: tokens,
                });
            }
        }
        if let (Some(limit), Some(currency)) = (self.state.limits.max_cost, self.currency()) {
            let used = ledger.cost + ledger.reserved_cost;
            if used.saturating_add(cost) > limit {
                return Err(BudgetExceeded::Cost {
                    limit: Cost::new(limit, currency),
                    used: Cost::new(used.normalize(), currency),
                    requested: Cost::new(cost, currency),
                });
            }
        }
        Ok(())
    }

    /// Replaces a reservation with what the call used.
    fn settle(&self, reservation: &Reservation, used_tokens: u64, used_cost: Option<Decimal>) {
        let mut ledger = self.lock();
        ledger.reserved_tokens -= reservation.tokens;
        ledger.reserved_cost -= reservation.cost;
        ledger.tokens = ledger.tokens.saturating_add(used_tokens);
        ledger.calls += 1;
        match used_cost {
            Some(cost) => ledger.cost += cost,
            None => {
                ledger.cost += reservation.cost;
                ledger.unpriced_calls += 1;
            }
        }
    }

    /// Prices what `response` used, or `None` when the table cannot.
    fn actual_cost(&self, model: &ModelInfo, response: &CompletionResponse) -> Option<Decimal> {
        let prices = self.state.prices.as_ref()?;
        let cost = prices.cost_of_response(model, response)?;
        Some(cost.amount())
    }

    fn currency(&self) -> Option<&str> {
        self.state.prices.as_deref().map(PriceTable::currency)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Ledger> {
        // The ledger holds plain counters that every update leaves consistent, so a
        // panic elsewhere while it was locked leaves nothing half-written.
        self.state
            .ledger
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// A reserved worst case; dropping it unsettled charges the reservation in full, because
/// a call cancelled after sending may still be billed.
struct Reservation {
    budget: SharedBudget,
    tokens: u64,
    cost: Decimal,
    settled: bool,
}

impl Reservation {
    fn complete(mut self, model: &ModelInfo, response: &CompletionResponse) {
        let tokens = match response.usage.total_tokens() {
            Some(tokens) => tokens,
            None if model.needs_network => self.tokens,
            None => 0,
        };
        let cost = if !model.needs_network && response.usage.is_empty() {
            Some(Decimal::ZERO)
        } else {
            self.budget.actual_cost(model, response)
        };

        self.budget.settle(&self, tokens, cost);
        self.settled = true;
    }

    /// Releases the reservation of a call that failed, which providers do not bill.
    fn release(mut self) {
        self.budget.settle(&self, 0, Some(Decimal::ZERO));
        self.settled = true;
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if !self.settled {
            let cost = Some(self.cost);
            self.budget.settle(&*self, self.tokens, cost);
        }
    }
}

/// Refuses requests that could pass a [`SharedBudget`] and counts what calls use.
///
/// The check happens before sending: the request's worst case (estimated input plus
/// `max_output_tokens`) must fit what is left. Failed calls are not charged, because
/// providers do not bill them; a call cancelled while in flight is charged its worst case.
///
/// The wrapper prices calls by the provider its model describes. Around a [`Fallback`],
/// that is the first model's provider, so wrap each model of the fallback in its own
/// `Budget` over one shared budget instead.
///
/// [`Fallback`]: super::Fallback
///
/// # Examples
///
/// ```
/// use async_llm::middleware::{Budget, BudgetLimits, SharedBudget};
/// use async_llm::OfflineModel;
///
/// let budget = SharedBudget::new(BudgetLimits::default().with_max_tokens(50_000), None)?;
/// let model = Budget::new(OfflineModel::new(), budget.clone());
/// # let _ = model;
/// # Ok::<(), async_llm::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Budget<M> {
    inner: M,
    budget: SharedBudget,
}

impl<M: LanguageModel> Budget<M> {
    /// Wraps `inner` so its calls draw on `budget`.
    pub fn new(inner: M, budget: SharedBudget) -> Self {
        Self { inner, budget }
    }

    /// Returns the shared budget.
    pub fn budget(&self) -> &SharedBudget {
        &self.budget
    }

    /// Returns the wrapped model.
    pub fn inner(&self) -> &M {
        &self.inner
    }
}

#[async_trait]
impl<M: LanguageModel> LanguageModel for Budget<M> {
    /// Completes the request when its worst case fits the budget.
    ///
    /// # Errors
    ///
    /// Returns [`Error::BudgetExceeded`] without sending when the request could pass a
    /// limit or cannot be priced under a cost limit, and the wrapped model's errors.
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        let model = self.inner.describe();
        let reservation = self.budget.reserve(&model, request)?;

        match self.inner.complete(request).await {
            Ok(response) => {
                reservation.complete(&model, &response);
                Ok(response)
            }
            Err(error) => {
                reservation.release();
                Err(error)
            }
        }
    }

    /// Streams the request when its worst case fits the budget. The reservation is
    /// settled when the stream completes or fails, and charged in full when it is dropped
    /// before either.
    ///
    /// # Errors
    ///
    /// Returns [`Error::BudgetExceeded`] without sending, as
    /// [`complete`](LanguageModel::complete) does, and the wrapped model's errors.
    async fn stream(&self, request: &CompletionRequest) -> Result<CompletionStream, Error> {
        let model = self.inner.describe();
        let reservation = self.budget.reserve(&model, request)?;
        let stream = match self.inner.stream(request).await {
            Ok(stream) => stream,
            Err(error) => {
                reservation.release();
                return Err(error);
            }
        };

        let mut reservation = Some(reservation);
        let counted = stream.inspect(move |event| match event {
            Ok(StreamEvent::Completed(response)) => {
                if let Some(reservation) = reservation.take() {
                    reservation.complete(&model, response);
                }
            }
            Err(_) => {
                if let Some(reservation) = reservation.take() {
                    reservation.release();
                }
            }
            Ok(_) => {}
        });
        Ok(CompletionStream::new(counted))
    }

    fn describe(&self) -> ModelInfo {
        self.inner.describe()
    }
}
