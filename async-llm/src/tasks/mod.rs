//! Writing tasks: turn policy-approved facts into prose with any [`LanguageModel`].
//!
//! [`LanguageModel`]: crate::LanguageModel

pub mod standup;
