//! Connectors of the ASYNC SDK: GitHub, Slack and Jira read paths, converted into the
//! `async-core` domain model.
//!
//! Each provider module has a client (built from the shared, egress-checked
//! [`HttpClient`](async_core::http::HttpClient) and a token), typed wire models that
//! tolerate real payloads, one file per resource, and a source implementing
//! [`ActivitySource`](async_core::source::ActivitySource), which collects a time window
//! into an [`ActivityBatch`](async_core::model::ActivityBatch). Every listing has the same
//! shape: a [`Page`] with the provider's own next cursor or link, and a stream that stops on
//! the provider's end signal.
//!
//! # Quick start
//!
//! ```
//! use async_connectors::github::{GitHubClient, GitHubSource};
//! use async_core::http::{EgressPolicy, HttpClient};
//! use secrecy::SecretString;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let http = HttpClient::new(EgressPolicy::default())?;
//! let client = GitHubClient::builder(http, SecretString::from("ghp_example")).build()?;
//! let source = GitHubSource::new(client, ["acme/payments-api"])?;
//! // `source.collect(window).await?` would now read the repository's pull requests.
//! # let _ = source;
//! # Ok(())
//! # }
//! ```
//!
//! # Features
//!
//! | feature | default | module |
//! | --- | --- | --- |
//! | `github` | yes | [`github`]: pull requests, reviews, review comments, commits, users |
//! | `slack` | yes | [`slack`]: `conversations.history`, `conversations.replies`, `users.list`, `chat.postMessage` |
//! | `jira` | yes | [`jira`]: `/rest/api/3/search/jql` with changelogs, fields, boards, sprints, sprint issues |
//!
//! # Errors
//!
//! One [`Error`] enum for every provider. A provider's error answer becomes an
//! [`ApiError`] with the provider, the endpoint path (never a query string), the HTTP
//! status (kept even when the body is not JSON), the provider's code, the request id, any
//! retry delay, and an [`ErrorClass`] that says whether a retry or a new authorization can
//! help.
//!
//! # Security
//!
//! Tokens are `secrecy::SecretString`s, sent only in authorization headers marked
//! sensitive, and never printed by `Debug`, errors or logs. Every request goes through the
//! egress allowlist; a next-page link to another host is refused. Path segments from
//! outside are percent-encoded through [`path::segment`].
//!
//! # Minimum supported Rust version
//!
//! Rust 1.89, the workspace's `rust-version`.

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
