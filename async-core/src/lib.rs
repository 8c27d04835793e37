//! The core of the ASYNC SDK: domain model, identity resolution, encrypted storage,
//! egress-checked HTTP and insights.
//!
//! Every other crate of the SDK builds on this one:
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`model`], [`ids`] | the provider-neutral records: people and accounts, pull requests, work items, sprints, boards, chat messages, meetings, transcripts, documents |
//! | [`identity`] | joining provider accounts into people by e-mail and an explicit mapping, never by display name |
//! | [`store`], [`secret`] | the [`KeyValueStore`](store::KeyValueStore) trait, its memory and SQLite backends, and AES-256-GCM encryption at rest |
//! | [`http`] | [`HttpClient`](http::HttpClient), the one client every outbound request goes through, and its [`EgressPolicy`](http::EgressPolicy) |
//! | [`insights`] | pure functions over records, with `now` passed in: activity and blockers |
//! | [`source`] | [`ActivitySource`](source::ActivitySource), the trait every connector implements |
//!
//! # Quick start
//!
//! Seal records into an encrypted in-memory store and read them back:
//!
//! ```
//! use std::sync::Arc;
//!
//! use async_core::ids::TenantId;
//! use async_core::model::ActivityBatch;
//! use async_core::store::{EncryptedStore, Keyring, MemoryStore, RecordStore};
//!
//! # tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(async {
//! let store = Arc::new(EncryptedStore::new(MemoryStore::new(), Keyring::generate()));
//! let records = RecordStore::new(store, TenantId::new("acme"));
//!
//! let written = records.put_batch(&ActivityBatch::default()).await?;
//! let batch = records.load_batch().await?;
//! assert_eq!(written, 0);
//! assert!(batch.is_empty());
//! # Ok::<(), async_core::Error>(())
//! # }).expect("store works");
//! ```
//!
//! The [`http`], [`identity`], [`insights`] and [`store`] modules each open with an example
//! of their own.
//!
//! # Features
//!
//! The crate has no optional features: SQLite is bundled (no system library needed) and TLS
//! goes through rustls (no OpenSSL).
//!
//! # Security
//!
//! - **Egress.** [`HttpClient`](http::HttpClient) checks every URL before connecting:
//!   HTTPS only, an exact host allowlist, no IP literals or user info, every redirect
//!   re-checked, and a resolver that refuses private and reserved addresses. Plain HTTP to
//!   loopback needs the explicit
//!   [`allow_insecure_loopback_for_testing`](http::EgressPolicy::allow_insecure_loopback_for_testing).
//! - **At rest.** [`EncryptedStore`](store::EncryptedStore) seals every value with
//!   AES-256-GCM; the associated data binds tenant, collection and key, so a moved value
//!   fails to open. Keys and tokens are zeroized secret types whose `Debug` is redacted.
//!   Keys of the key-value store itself are not encrypted, so record ids (such as
//!   `work_item/PAY-12`) are visible to whoever can read the backend.
//! - **Logs.** Requests are traced without query strings, header values or bodies.
//!
//! # Minimum supported Rust version
//!
//! Rust 1.89, the workspace's `rust-version`.

pub mod error;
pub mod http;
mod id_hash;
pub mod identity;
pub mod ids;
pub mod insights;
pub mod model;
pub mod secret;
pub mod source;
pub mod store;

pub use error::Error;
