//! The GitHub REST client: URLs, headers, conditional requests, errors and decoding.

use std::sync::Arc;

use async_core::http::{ApiRequest, ApiResponse, HttpClient};
use chrono::Utc;
use futures::TryStreamExt;
use http::{HeaderName, HeaderValue};
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use url::Url;

use super::builder::GitHubClientBuilder;
use super::classify::{PROVIDER, api_error};
use super::etag::{CachedPage, EtagCache, without_prose};
use super::link::next_link;
use crate::error::{ApiError, Error, ErrorClass};
use crate::page::Page;
use crate::path::segment;

/// GitHub's public API.
pub const DEFAULT_BASE_URL: &str = "https://api.github.com";

/// The REST API version the wire models follow.
pub const API_VERSION: &str = "2022-11-28";

/// One endpoint: the operation name used in logs and the path template used in errors.
///
/// Errors carry the template rather than the real path, so no repository name or query
/// string reaches an error message or a log line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Endpoint {
    pub(crate) operation: &'static str,
    pub(crate) template: &'static str,
}

/// A client for GitHub's REST API, sending every request through an [`HttpClient`].
///
/// Cloning is cheap because clones share the HTTP connection pool and the ETag cache.
///
/// # Examples
///
/// ```
/// use async_connectors::github::GitHubClient;
/// use async_core::http::{EgressPolicy, HttpClient};
/// use secrecy::SecretString;
///
/// let http = HttpClient::new(EgressPolicy::default())?;
/// let client = GitHubClient::builder(http, SecretString::from("ghp_example"))
///     .user_agent("acme-standup/1.0")
///     .build()?;
/// assert_eq!(client.base_url().as_str(), "https://api.github.com/");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct GitHubClient {
    http: HttpClient,
    token: SecretString,
    base: Url,
    user_agent: HeaderValue,
    etags: Arc<dyn EtagCache>,
}

impl GitHubClient {
    /// Starts a builder with the HTTP client and the token sent as `Authorization: Bearer`.
    pub fn builder(http: HttpClient, token: SecretString) -> GitHubClientBuilder {
        GitHubClientBuilder::new(http, token)
    }

    /// Assembles a client from values the builder checked.
    pub(super) fn from_parts(
        http: HttpClient,
        token: SecretString,
        base: Url,
        user_agent: HeaderValue,
        etags: Arc<dyn EtagCache>,
    ) -> Self {
        Self {
            http,
            token,
            base,
            user_agent,
            etags,
        }
    }

    /// Returns the API root every URL is built under.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Builds a URL under the base path from path segments, each percent-encoded.
    pub(crate) fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Result<Url, Error> {
        let mut path = self.base.path().trim_end_matches('/').to_owned();
        for part in segments {
            // Encoding leaves `.` alone and URL parsing resolves `..`, so a dot segment
            // would climb out of the endpoint's path.
            if part.is_empty() || *part == "." || *part == ".." {
                return Err(Error::Config {
                    what: "path segment",
                    reason: format!("`{part}` cannot be used as a repository, user or number"),
                });
            }
            path.push('/');
            path.push_str(&segment(part));
        }

        let mut url = self.base.clone();
        url.set_path(&path);
        url.set_query(None);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    /// Fetches one page of a listing: `first` when `next` is `None`, else the `next` link.
    pub(crate) async fn get_page<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        first: &Url,
        next: Option<String>,
    ) -> Result<Page<T>, Error> {
        let url = match next {
            Some(link) => self.next_url(endpoint, &link)?,
            None => first.clone(),
        };
        let fetched = self.fetch(endpoint, url).await?;
        let items = fetched.decode(endpoint)?;
        Ok(Page {
            items,
            next: fetched.next,
        })
    }

    /// Fetches every page of a listing.
    pub(crate) async fn get_all<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        first: Url,
    ) -> Result<Vec<T>, Error> {
        Page::into_stream(|next| self.get_page(endpoint, &first, next))
            .try_collect()
            .await
    }

    /// Fetches one object.
    pub(crate) async fn get_one<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        url: Url,
    ) -> Result<T, Error> {
        self.fetch(endpoint, url).await?.decode(endpoint)
    }

    /// Parses a `rel="next"` link and refuses one that leaves the base URL's origin, since
    /// the request would carry the token there.
    fn next_url(&self, endpoint: Endpoint, link: &str) -> Result<Url, Error> {
        let url = Url::parse(link).map_err(|_| Error::Config {
            what: "next-page link",
            reason: format!("GitHub returned an invalid link for {}", endpoint.template),
        })?;
        if url.origin() != self.base.origin() {
            return Err(Error::Config {
                what: "next-page link",
                reason: format!(
                    "GitHub returned a link to another origin for {}, but the token is only sent to {}",
                    endpoint.template,
                    self.base.origin().ascii_serialization()
                ),
            });
        }
        Ok(url)
    }

    /// Sends a GET with `If-None-Match` when a page is cached, and returns the page body.
    async fn fetch(&self, endpoint: Endpoint, url: Url) -> Result<Fetched, Error> {
        let key = url.as_str().to_owned();
        let cached = self.cached(endpoint, &key).await;
        let request = self.request(endpoint, url, cached.as_ref());
        let response = self.http.send(request).await?;

        if response.status() == 304 {
            return match cached {
                Some(page) => Ok(Fetched::from_cache(page, &response)),
                None => Err(unexpected_not_modified(endpoint, &response).into()),
            };
        }
        if !response.is_success() {
            return Err(api_error(endpoint.template, &response, Utc::now()).into());
        }

        let fetched = Fetched::from_response(&response);
        self.remember(endpoint, key, &response, &fetched).await;
        Ok(fetched)
    }

    /// Looks up the cached page for `key`. The cache only saves requests, so a cache that
    /// fails is logged and the request goes out unconditionally.
    async fn cached(&self, endpoint: Endpoint, key: &str) -> Option<CachedPage> {
        match self.etags.get(key).await {
            Ok(page) => page,
            Err(error) => {
                tracing::warn!(
                    target: "async_connectors::github",
                    operation = endpoint.operation,
                    %error,
                    "ETag cache read failed, so the request is sent without If-None-Match"
                );
                None
            }
        }
    }

    fn request(&self, endpoint: Endpoint, url: Url, cached: Option<&CachedPage>) -> ApiRequest {
        let mut request = ApiRequest::get(PROVIDER, endpoint.operation, url)
            .bearer_auth(&self.token)
            .header(
                http::header::ACCEPT,
                HeaderValue::from_static("application/vnd.github+json"),
            )
            .header(
                HeaderName::from_static("x-github-api-version"),
                HeaderValue::from_static(API_VERSION),
            )
            .header(http::header::USER_AGENT, self.user_agent.clone());
        if let Some(etag) = cached.and_then(|page| HeaderValue::from_str(&page.etag).ok()) {
            request = request.header(http::header::IF_NONE_MATCH, etag);
        }
        request
    }

    /// Stores a successful JSON response that carries an `ETag`, without its prose fields.
    /// A failed write is logged and only costs a full request next time.
    async fn remember(
        &self,
        endpoint: Endpoint,
        key: String,
        response: &ApiResponse,
        fetched: &Fetched,
    ) {
        let Some(etag) = response.header("etag") else {
            return;
        };
        let Some(body) = without_prose(&fetched.body) else {
            return;
        };
        let page = CachedPage {
            etag: etag.to_owned(),
            body,
            next: fetched.next.clone(),
        };
        if let Err(error) = self.etags.put(&key, page).await {
            tracing::warn!(
                target: "async_connectors::github",
                operation = endpoint.operation,
                %error,
                "ETag cache write failed, so the next request for this page is unconditional"
            );
        }
    }
}

fn unexpected_not_modified(endpoint: Endpoint, response: &ApiResponse) -> ApiError {
    ApiError {
        provider: PROVIDER,
        endpoint: endpoint.template.to_owned(),
        status: response.status(),
        class: ErrorClass::Other,
        code: None,
        message: Some(
            "GitHub returned 304 Not Modified but no page is cached for this URL".to_owned(),
        ),
        needed_scope: None,
        request_id: response.request_id().map(str::to_owned),
        retry_after: None,
    }
}

/// A successful body, fresh or reused from the cache, with what is needed to decode it.
#[derive(Debug)]
struct Fetched {
    status: u16,
    request_id: Option<String>,
    body: Vec<u8>,
    next: Option<String>,
}

impl Fetched {
    fn from_response(response: &ApiResponse) -> Self {
        Self {
            status: response.status(),
            request_id: response.request_id().map(str::to_owned),
            body: response.body().to_vec(),
            next: response
                .header("link")
                .and_then(next_link)
                .map(str::to_owned),
        }
    }

    fn from_cache(page: CachedPage, response: &ApiResponse) -> Self {
        Self {
            status: response.status(),
            request_id: response.request_id().map(str::to_owned),
            body: page.body.into_bytes(),
            next: page.next,
        }
    }

    fn decode<T: DeserializeOwned>(&self, endpoint: Endpoint) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|source| Error::Decode {
            provider: PROVIDER,
            endpoint: endpoint.template.to_owned(),
            status: self.status,
            request_id: self.request_id.clone(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use async_core::http::EgressPolicy;

    use super::*;

    fn client(base_url: &str) -> Result<GitHubClient, Error> {
        let http = HttpClient::new(EgressPolicy::default())?;
        GitHubClient::builder(http, SecretString::from("ghp_unit"))
            .base_url(base_url)
            .build()
    }

    #[test]
    fn url_appends_encoded_segments_to_base_path() {
        let client = client("https://ghe.example/api/v3/").expect("valid base");

        let url = client
            .url(&["repos", "o", "a b#c?", "pulls"], &[("per_page", "100")])
            .expect("valid segments");

        assert_eq!(
            url.as_str(),
            "https://ghe.example/api/v3/repos/o/a%20b%23c%3F/pulls?per_page=100"
        );
    }

    #[test]
    fn url_rejects_dot_segments() {
        let client = client(DEFAULT_BASE_URL).expect("valid base");

        assert!(client.url(&["users", ".."], &[]).is_err());
        assert!(client.url(&["users", ""], &[]).is_err());
    }

    #[test]
    fn builder_rejects_bad_base_urls() {
        for base in [
            "api.github.com",
            "ftp://x.example",
            "https://x.example/?q=1",
            "mailto:a@b",
        ] {
            assert!(
                matches!(client(base), Err(Error::Config { .. })),
                "{base} must be rejected"
            );
        }
    }

    #[test]
    fn next_link_to_other_origin_is_refused() {
        let client = client(DEFAULT_BASE_URL).expect("valid base");
        let endpoint = Endpoint {
            operation: "pulls.list",
            template: "/repos/{owner}/{repo}/pulls",
        };

        let same = client.next_url(
            endpoint,
            "https://api.github.com/repositories/1/pulls?page=2",
        );
        let other = client.next_url(endpoint, "https://api.openai.com/v1/x?page=2");

        assert!(same.is_ok());
        assert!(matches!(other, Err(Error::Config { .. })));
    }
}
