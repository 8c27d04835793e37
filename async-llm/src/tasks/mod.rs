//! Writing tasks: turn policy-approved facts into prose with any [`LanguageModel`].
//!
//! [`LanguageModel`]: crate::LanguageModel

mod approval;
mod fact_id;
mod markdown;
pub mod standup;
mod tokens;

pub use fact_id::FactId;
