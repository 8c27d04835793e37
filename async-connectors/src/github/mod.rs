//! GitHub REST API read paths: pull requests, reviews, review comments, commits and users.
//!
//! Enabled by the `github` feature (on by default).
//!
//! # Quick start
//!
//! ```
//! use async_connectors::github::{GitHubClient, GitHubSource};
//! use async_core::http::{EgressPolicy, HttpClient};
//! use secrecy::SecretString;
//!
//! // Every request goes through the egress-checked client, which allows `api.github.com` by
//! // default. For GitHub Enterprise Server, allow its host and set its API root.
//! let http = HttpClient::new(EgressPolicy::default().allow_host("ghe.example"))?;
//! let client = GitHubClient::builder(http, SecretString::from("ghp_example"))
//!     .base_url("https://ghe.example/api/v3")
//!     .user_agent("acme-standup/1.0")
//!     .build()?;
//! let source = GitHubSource::new(client, ["octo-org/payments"])?;
//!
//! // `source.collect(window).await?` then returns an `ActivityBatch` for the window.
//! assert_eq!(source.repositories()[0].to_string(), "octo-org/payments");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What is read
//!
//! | Request | Used for |
//! | --- | --- |
//! | `GET /repos/{owner}/{repo}/pulls?state=all&sort=updated&direction=desc` | pull requests changed since the window's start |
//! | `GET /repos/{owner}/{repo}/pulls?state=open&sort=updated&direction=desc` | every open pull request, including those idle for days |
//! | `GET /repos/{owner}/{repo}/pulls/{number}/reviews` | reviewers, verdicts, submission times |
//! | `GET /repos/{owner}/{repo}/pulls/{number}/commits` | commit authors, e-mails and times (GitHub returns at most 250) |
//! | `GET /repos/{owner}/{repo}/pulls/{number}/comments` | who commented on the diff, on which file, when |
//! | `GET /users/{login}` | names and public e-mails of the accounts seen |
//!
//! Every listing requests 100 items per page and follows the `Link` header's `rel="next"`
//! URL exactly as GitHub gives it, until the header has no `next`. A next link to another
//! origin than the base URL is refused, so the token never travels elsewhere. The text
//! people wrote (pull request, review and comment bodies) is never deserialized, and
//! [`convert`] keeps only who did what and when, plus commit headlines.
//!
//! # Why listing stops early
//!
//! The pull request listing has no `since` parameter. Sorting by `updated` descending puts
//! everything changed inside the window first, so
//! [`list_pulls_updated_since`](GitHubClient::list_pulls_updated_since) stops at the first
//! page whose pull requests were all last updated before the window's start. Without the
//! stop, every sync would read the repository's whole history.
//!
//! The stop would also drop an open pull request that has waited days for its first review
//! without any update, which is exactly the one a standup should mention. So
//! [`GitHubSource`] also reads the `state=open` listing to its end, which is short in
//! practice, and merges the two by number. Closed and merged pull requests still come
//! only from the windowed listing.
//!
//! # Rate limits
//!
//! GitHub reports exhausted limits with 403 or 429. The [`HttpClient`](async_core::http::HttpClient) retries a 429, and
//! a 403 carrying `retry-after` or an exhausted quota, when the delay fits its
//! [`RetryPolicy`](async_core::http::RetryPolicy). A rate-limit response that still reaches the connector becomes
//! [`Error::Api`](crate::Error::Api) with [`ErrorClass::RateLimited`](crate::ErrorClass)
//! and a `retry_after`:
//!
//! - the `retry-after` header's seconds when present (secondary limits);
//! - otherwise, with `x-ratelimit-remaining: 0`, the time until `x-ratelimit-reset`
//!   (the primary, hourly limit);
//! - otherwise, when the message mentions a secondary rate limit, one minute, the minimum
//!   wait GitHub's documentation gives.
//!
//! Requests are sent one at a time, as GitHub advises. Each response with an `ETag` is
//! remembered in an [`EtagCache`] (in memory unless the builder sets another). The next
//! request for the same URL sends `If-None-Match`, and a `304 Not Modified`, which does not
//! count against the primary limit, reuses the stored page.
//!
//! Errors keep the HTTP status and the `x-github-request-id` even when the body is not
//! JSON, and name the endpoint by its template (`/repos/{owner}/{repo}/pulls`), never by
//! its real path or query.

mod builder;
mod classify;
mod client;
mod commits;
pub mod convert;
mod etag;
mod link;
pub mod models;
mod pulls;
mod repo;
mod review_comments;
mod reviews;
mod source;
mod users;
mod work_items;

pub use builder::GitHubClientBuilder;
pub use client::{API_VERSION, DEFAULT_BASE_URL, GitHubClient};
pub use etag::{CachedPage, EtagCache, MemoryEtagCache, StoreEtagCache};
pub use repo::RepoName;
pub use source::GitHubSource;
