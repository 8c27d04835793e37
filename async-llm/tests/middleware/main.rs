//! Middleware tests against scripted models and a provider on a local mock server.

#[path = "../common/mod.rs"]
mod common;

mod budget;
mod compose;
mod fallback;
mod provider;
mod rate_limit;
mod record;
mod retry;
mod scripted;
