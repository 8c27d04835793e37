//! The one HTTP client every crate of the SDK sends requests through.
//!
//! [`HttpClient`] checks each URL against an [`EgressPolicy`] before any connection is
//! made and follows redirects itself. It applies timeouts and a response size limit, and
//! retries requests that a provider asked to be retried. It keeps the provider's request
//! id on every response and error, and records one `tracing` span per request without
//! secrets, query strings or bodies.
//!
//! # The egress model
//!
//! A request reaches the network only after three checks, each of which fails closed:
//!
//! 1. **The URL.** The scheme is `https`; the host is a name (not an IP literal, including
//!    the decimal and octal forms that URL parsing turns into IPv4) that is on the
//!    allowlist exactly, compared without case and without one trailing dot; the URL
//!    carries no user name or password; the port is absent or 443. Plain HTTP is allowed
//!    only to loopback hosts (`localhost`, `127.0.0.0/8`, `[::1]`), on any port, and only
//!    after [`EgressPolicy::allow_insecure_loopback_for_testing`].
//! 2. **The DNS answer.** The client's resolver accepts only public unicast addresses for
//!    an allowed name. If any answer is private, loopback, link-local (which includes the
//!    cloud metadata address `169.254.169.254`), unique-local, documentation, multicast or
//!    otherwise reserved, the whole resolution fails. reqwest connects to exactly the
//!    addresses the resolver returns, so a name cannot be re-pointed between the check
//!    and the connection (DNS rebinding).
//! 3. **Every redirect hop.** The client follows at most five redirects itself, and each
//!    target goes through check 1 before any connection to it. A hop to another scheme,
//!    host or port drops `Authorization`, cookies, API key headers and every header set
//!    with [`ApiRequest::secret_header`] or [`ApiRequest::bearer_auth`]. A 307 or 308 that
//!    would resend a request body to another origin is rejected, because a body cannot be
//!    filtered for credentials the way headers are. Redirect targets
//!    on other hosts (GitHub archive downloads on `codeload.github.com`, for example) fail
//!    until their host is added to the allowlist, by design.
//!
//! Environment proxies (`HTTPS_PROXY` and friends) are ignored, because a proxy would
//! resolve names itself and bypass check 2. There is no public way to obtain the
//! underlying reqwest client.
//!
//! ## Why not just reqwest's `https_only`?
//!
//! `https_only(true)` checks the scheme and nothing else. It still connects to any host,
//! to IP literals, to URLs with user info and to any port; it cannot see that an allowed
//! name resolves to an internal address; and it leaves the plain-HTTP test servers of the
//! loopback opt-in no room. reqwest's own redirect following strips only `Authorization`,
//! `Cookie`, `Proxy-Authorization` and `WWW-Authenticate` on a cross-host hop, so an
//! `x-api-key` header would be forwarded, and a custom redirect policy loses the default
//! hop limit. Checking every hop here keeps one rule set for the first request and every
//! redirect.
//!
//! # Retries
//!
//! See [`RetryPolicy`] for the limits and [`ApiRequest::retry_safe`] for POST requests.
//! A 429 (and GitHub's rate-limit 403) is retried for any method, because the server did
//! not process the request; 503 and 529 for idempotent or retry-safe requests; 500, 502
//! and 504 and broken connections only for idempotent ones; a connection that could not
//! be made for any method. The wait honours `retry-after-ms`, `Retry-After` (seconds or an
//! HTTP-date) and `x-ratelimit-reset`, and otherwise backs off exponentially with jitter.
//! [`ApiRequest::without_retries`] turns retries off for one request, for callers that
//! retry with their own rules.
//!
//! # Streaming
//!
//! [`HttpClient::send_streaming`] returns a [`StreamingResponse`] as soon as the headers
//! arrive and reads the body chunk by chunk. It applies the same egress check, never
//! retries and never follows redirects, and bounds each wait by an idle timeout instead
//! of a total timeout.

mod builder;
mod client;
mod egress;
mod redact;
mod redirect;
mod request;
mod resolver;
mod response;
mod retry;
mod stream;
mod trace;

pub use builder::{DEFAULT_MAX_RESPONSE_BYTES, HttpClientBuilder};
pub use client::HttpClient;
pub use egress::{EgressDenial, EgressPolicy};
pub use redact::redact_url;
pub use request::ApiRequest;
pub use response::ApiResponse;
pub use retry::RetryPolicy;
pub use stream::StreamingResponse;
