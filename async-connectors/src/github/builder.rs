//! [`GitHubClientBuilder`]: configuration checked once, at `build()`.

use std::sync::Arc;

use async_core::http::HttpClient;
use http::HeaderValue;
use secrecy::SecretString;
use url::Url;

use super::client::{DEFAULT_BASE_URL, GitHubClient};
use super::etag::{EtagCache, MemoryEtagCache};
use crate::error::Error;

/// The `User-Agent` sent unless the builder sets another. GitHub rejects requests without one.
const DEFAULT_USER_AGENT: &str = concat!("async-sdk/", env!("CARGO_PKG_VERSION"));

/// Configures a [`GitHubClient`]. Invalid values are reported by [`build`](Self::build).
#[derive(Debug)]
#[must_use]
pub struct GitHubClientBuilder {
    http: HttpClient,
    token: SecretString,
    base_url: String,
    user_agent: String,
    etags: Option<Arc<dyn EtagCache>>,
}

impl GitHubClientBuilder {
    pub(super) fn new(http: HttpClient, token: SecretString) -> Self {
        Self {
            http,
            token,
            base_url: DEFAULT_BASE_URL.to_owned(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            etags: None,
        }
    }

    /// Sets the API root: `https://api.github.com` (the default), a GitHub Enterprise
    /// Server root such as `https://ghe.example/api/v3`, or a local mock server.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Sets the `User-Agent`. GitHub requires one and recommends the application's name or
    /// the owner's login.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sets where pages are kept for conditional requests (default: in memory).
    pub fn etag_cache(mut self, cache: Arc<dyn EtagCache>) -> Self {
        self.etags = Some(cache);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Config`] when the base URL is not an absolute `http`/`https` URL
    /// without query or fragment, or when the user agent is not a valid header value.
    pub fn build(self) -> Result<GitHubClient, Error> {
        let base = parse_base_url(&self.base_url)?;
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| Error::Config {
            what: "user agent",
            reason: "it must be visible ASCII text".to_owned(),
        })?;
        let etags = self
            .etags
            .unwrap_or_else(|| Arc::new(MemoryEtagCache::new()));
        Ok(GitHubClient::from_parts(
            self.http, self.token, base, user_agent, etags,
        ))
    }
}

fn parse_base_url(text: &str) -> Result<Url, Error> {
    let invalid = |reason: &str| Error::Config {
        what: "base URL",
        reason: format!("`{text}` {reason}"),
    };
    let url = Url::parse(text).map_err(|_| invalid("is not an absolute URL"))?;
    if !matches!(url.scheme(), "https" | "http") || url.cannot_be_a_base() {
        return Err(invalid("must be an http or https URL"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("must not have a query or fragment"));
    }
    Ok(url)
}
