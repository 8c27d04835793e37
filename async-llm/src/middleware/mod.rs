//! Middleware: wrappers that add retries, budgets, fallback, rate limits, recording and
//! tracing to any [`LanguageModel`].
//!
//! Each wrapper is a generic type that contains a model and is itself a model, so wrappers
//! stack in any order and the compiler sees the whole stack, with no boxing:
//!
//! | wrapper | what it adds |
//! | --- | --- |
//! | [`Retry`] | retries classified failures with the vendors' backoff rules ([`RetryPolicy`]); a stream only before its first text |
//! | [`Budget`] | refuses a request whose worst case could pass a token or cost [`SharedBudget`], and counts what calls use |
//! | [`Fallback`] | asks a second model after the failures in [`FallbackOn`] (overload, rate limit, server error by default) |
//! | [`RateLimit`] | delays calls to stay within requests and tokens per interval ([`SharedRateLimit`]) |
//! | [`Record`] / [`Replay`] | writes scrubbed exchanges to files and replays them offline |
//! | [`Traced`] | one `tracing` span per call with the OpenTelemetry GenAI attribute names |
//!
//! [`ModelExt`] adds a method per wrapper to every model. The outermost wrapper runs
//! first, so read a stack from the outside in:
//!
//! ```
//! use std::time::Duration;
//! use async_llm::middleware::{BudgetLimits, ModelExt, RateLimits, SharedBudget, SharedRateLimit};
//! use async_llm::{LanguageModel, OfflineModel, RetryPolicy};
//!
//! let budget = SharedBudget::new(BudgetLimits::default().with_max_tokens(100_000), None)?;
//! let limit = SharedRateLimit::new(RateLimits::default().with_requests(50, Duration::from_secs(60)))?;
//!
//! // Each attempt waits for the rate limit and draws on the budget; the span covers all
//! // attempts.
//! let model = OfflineModel::new()
//!     .with_budget(budget.clone())
//!     .with_rate_limit(limit)
//!     .with_retry(RetryPolicy::default())
//!     .traced();
//! assert_eq!(model.describe().provider, "offline");
//! # Ok::<(), async_llm::Error>(())
//! ```
//!
//! Wrapping [`Retry`] inside [`Fallback`] retries the first model before falling back;
//! wrapping it outside retries the pair. A budget or rate limit shared by clone across
//! several stacks limits them together.

mod budget;
mod estimate;
mod fallback;
mod first_content;
mod rate_limit;
mod record;
mod retry;
pub(crate) mod stop_codes;
mod trace;

pub use budget::{Budget, BudgetExceeded, BudgetLimits, BudgetUsage, SharedBudget};
pub use estimate::estimate_input_tokens;
pub use fallback::{Fallback, FallbackOn};
pub use rate_limit::{RateLimit, RateLimits, SharedRateLimit};
pub use record::{Record, RecordMode, Replay, Scrubber};
pub use retry::Retry;
pub use trace::Traced;

use std::path::PathBuf;

use crate::{LanguageModel, RetryPolicy};

/// Adds a method per middleware to every [`LanguageModel`], for stacking them in a chain.
///
/// Each method wraps `self` and returns the wrapper, which is again a model.
pub trait ModelExt: LanguageModel + Sized {
    /// Wraps the model in [`Retry`].
    fn with_retry(self, policy: RetryPolicy) -> Retry<Self> {
        Retry::new(self, policy)
    }

    /// Wraps the model in [`Budget`].
    fn with_budget(self, budget: SharedBudget) -> Budget<Self> {
        Budget::new(self, budget)
    }

    /// Wraps the model in [`Fallback`] to `secondary` on the default failures.
    fn with_fallback<S: LanguageModel>(self, secondary: S) -> Fallback<Self, S> {
        Fallback::new(self, secondary)
    }

    /// Wraps the model in [`RateLimit`].
    fn with_rate_limit(self, limit: SharedRateLimit) -> RateLimit<Self> {
        RateLimit::new(self, limit)
    }

    /// Wraps the model in [`Record`], storing scrubbed exchanges in `dir`.
    fn recorded(self, dir: impl Into<PathBuf>, scrubber: Scrubber) -> Record<Self> {
        Record::new(self, dir, scrubber)
    }

    /// Wraps the model in [`Traced`], without recording content.
    fn traced(self) -> Traced<Self> {
        Traced::new(self)
    }
}

impl<M: LanguageModel> ModelExt for M {}
