//! The Slack Web API connector: channel history, threads, members and `chat.postMessage`.
//!
//! [`SlackClient`] calls the Web API methods the SDK needs, and [`SlackSource`] collects
//! monitored channels for a time window into the `async-core` domain model. Enabled by the
//! `slack` feature.
//!
//! # Quick start
//!
//! ```
//! use async_connectors::slack::{HistoryRequest, SlackClient};
//! use async_core::http::{EgressPolicy, HttpClient};
//! use secrecy::SecretString;
//!
//! let http = HttpClient::new(EgressPolicy::default())?;
//! let client = SlackClient::builder(http, SecretString::from("xoxb-example")).build()?;
//! let request = HistoryRequest::new("C0123ABC").limit(15);
//! // In an async context: `client.conversations_history(&request).await?` returns one
//! // page, and `client.conversations_history_stream(request)` every message.
//! # let _ = (client, request);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Scopes
//!
//! | method | bot scopes |
//! | --- | --- |
//! | `conversations.history`, `conversations.replies` | `channels:history` (public channels), `groups:history` (private channels) |
//! | `users.list` | `users:read`, plus `users:read.email` for `profile.email` |
//! | `chat.postMessage` | `chat:write`; the bot must be a member of the channel |
//!
//! # Errors
//!
//! Slack reports almost every failure as HTTP 200 with `"ok": false`. Such a response
//! becomes [`Error::Api`](crate::Error::Api) with Slack's error code in
//! [`ApiError::code`](crate::ApiError::code), the missing scope of `missing_scope` in
//! [`ApiError::needed_scope`](crate::ApiError::needed_scope) and the scopes the token has
//! in the message. Token failures (`invalid_auth`, `token_revoked`, ...) are
//! [`ErrorClass::Unauthorized`](crate::ErrorClass::Unauthorized); `ratelimited` and HTTP
//! 429 are [`ErrorClass::RateLimited`](crate::ErrorClass::RateLimited) with the
//! `Retry-After` delay.
//!
//! The shared HTTP client already waits and retries a 429 within its retry policy, so a
//! caller sees a rate-limit error only when that policy gives up. `chat.postMessage` is
//! never retried on a 5xx, because Slack may have posted the message.
//!
//! # Known limits
//!
//! Since 2025-05-29, commercially distributed apps that are not approved for the Slack
//! Marketplace may call `conversations.history` and `conversations.replies` only once per
//! minute, with a page size of at most 15 (also the default). Slack applied this to new
//! installations first and to existing ones from 2026-03-03; internal apps built by a
//! customer and Marketplace apps are exempt. Such an app needs one minute per 15 messages
//! and per thread, so a busy channel can take hours to read. The thread look-back of
//! [`SlackSource`] (seven days by default) adds the history of that earlier stretch; such
//! an app may want [`SlackSource::thread_lookback`] shorter.
//!
//! An affected workspace shows itself by a history response of 429 with a `Retry-After`
//! delay, or by a page of exactly 15 messages when more were requested.
//!
//! # Timestamps
//!
//! A message `ts` (`"1700000000.000100"`) stays a `String` in every model because it is
//! the message's id. [`parse_ts`] converts it into a `DateTime<Utc>` exactly, and
//! [`format_ts`] turns an instant into the `oldest`/`latest` arguments.
//!
//! # Security
//!
//! The bot token is a [`SecretString`](secrecy::SecretString), sent only in the
//! `Authorization: Bearer` header. It appears in no `Debug` output, error or log. Progress
//! logs (target `async_connectors::slack`) carry counts and channel ids only, never
//! message text.
// NOTE: `conversations.list`, `conversations.info` and `conversations.join` are not
// implemented, so channel names, privacy and membership come from the caller.

mod chat;
mod client;
mod conversations;
mod convert;
mod envelope;
mod page;
mod source;
mod ts;
mod users;

pub use chat::{PostMessage, PostedMessage};
pub use client::{DEFAULT_BASE_URL, SlackClient, SlackClientBuilder};
pub use conversations::{Edited, File, HistoryRequest, Message, RepliesRequest};
pub use source::SlackSource;
pub use ts::{TimestampError, TimestampErrorKind, format_ts, parse_ts};
pub use users::{Profile, User, UsersListRequest};
