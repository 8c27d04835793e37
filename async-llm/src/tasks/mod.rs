//! Writing tasks: turn policy-approved facts into prose with any [`LanguageModel`].
//!
//! [`LanguageModel`]: crate::LanguageModel

mod approval;
pub mod copilot;
mod fact_id;
mod markdown;
pub mod meeting;
mod prompt_text;
mod pseudonyms;
pub mod retro;
pub mod standup;
mod tokens;

pub use fact_id::FactId;
