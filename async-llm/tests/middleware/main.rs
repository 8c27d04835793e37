//! Middleware tests against scripted models: no server, no network.

mod budget;
mod compose;
mod fallback;
mod rate_limit;
mod record;
mod retry;
mod scripted;
