//! Connectors of the ASYNC SDK: GitHub, Slack and Jira read paths, converted into the
//! `async-core` domain model.

pub mod error;
#[cfg(feature = "github")]
pub mod github;
#[cfg(feature = "jira")]
pub mod jira;
pub mod page;
pub mod path;
#[cfg(feature = "slack")]
pub mod slack;

pub use error::{ApiError, Error, ErrorClass};
pub use page::Page;
