//! The Slack Web API client and its builder.

use std::fmt;

use async_core::http::{ApiRequest, ApiResponse, HttpClient, redact_url};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;

use super::envelope;
use crate::error::Error;

/// The Web API base URL of slack.com.
pub const DEFAULT_BASE_URL: &str = "https://slack.com/api";

/// The provider name carried by errors and request logs.
pub(crate) const PROVIDER: &str = "slack";

/// A client for the Slack Web API methods the SDK uses.
///
/// Every call goes through the shared [`HttpClient`], so its egress policy, timeouts and
/// retry rules apply. The bot token is sent only in the `Authorization` header and never
/// appears in `Debug` output or errors. Cloning is cheap.
///
/// # Examples
///
/// ```
/// use async_connectors::slack::SlackClient;
/// use async_core::http::{EgressPolicy, HttpClient};
/// use secrecy::SecretString;
///
/// let http = HttpClient::new(EgressPolicy::default())?;
/// let client = SlackClient::builder(http, SecretString::from("xoxb-example")).build()?;
/// assert_eq!(client.base_url().as_str(), "https://slack.com/api");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct SlackClient {
    http: HttpClient,
    token: SecretString,
    base_url: Url,
}

impl fmt::Debug for SlackClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlackClient")
            .field("base_url", &self.base_url.as_str())
            .field("token", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl SlackClient {
    /// Starts a builder for a client that sends `token` through `http`.
    ///
    /// The token is a bot token (`xoxb-...`) or a rotating token (`xoxe.xoxb-...`). It is
    /// checked by [`SlackClientBuilder::build`].
    pub fn builder(http: HttpClient, token: SecretString) -> SlackClientBuilder {
        SlackClientBuilder {
            http,
            token,
            base_url: None,
        }
    }

    /// Returns the base URL that method names are appended to.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// Calls a read method as `GET {base}/{method}?{query}` and decodes its envelope.
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        method: &'static str,
        query: &[(&'static str, String)],
    ) -> Result<T, Error> {
        let mut url = self.method_url(method);
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
        }

        let request = ApiRequest::get(PROVIDER, method, url).bearer_auth(&self.token);
        let response = self.http.send(request).await?;
        envelope::decode(method, &response)
    }

    /// Calls a write method as `POST {base}/{method}` with a JSON body.
    ///
    /// The request is marked non-idempotent, so the HTTP client never sends it twice.
    pub(crate) async fn post_json<T: DeserializeOwned>(
        &self,
        method: &'static str,
        body: Vec<u8>,
    ) -> Result<T, Error> {
        let request = ApiRequest::post(PROVIDER, method, self.method_url(method))
            .bearer_auth(&self.token)
            .json_body(body)
            .idempotent(false);

        let response: ApiResponse = self.http.send(request).await?;
        envelope::decode(method, &response)
    }

    fn method_url(&self, method: &str) -> Url {
        let mut url = self.base_url.clone();
        // The builder rejected URLs that cannot take path segments, so this always applies.
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().push(method);
        }
        url
    }
}

/// Builds a [`SlackClient`]. Invalid settings are reported by [`SlackClientBuilder::build`].
#[must_use]
pub struct SlackClientBuilder {
    http: HttpClient,
    token: SecretString,
    base_url: Option<String>,
}

impl fmt::Debug for SlackClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlackClientBuilder")
            .field("http", &self.http)
            .field("token", &"[redacted]")
            .field("base_url", &self.base_url)
            .finish()
    }
}

impl SlackClientBuilder {
    /// Overrides the base URL (default `https://slack.com/api`).
    ///
    /// A path prefix is kept: with `http://127.0.0.1:8080/slack/api`, methods are called
    /// at `http://127.0.0.1:8080/slack/api/{method}`. The host must still pass the HTTP
    /// client's egress policy.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Config`] when the token is empty or contains characters an HTTP
    /// header cannot carry, or when the base URL is not an absolute `http`/`https` URL
    /// without a query or fragment.
    pub fn build(self) -> Result<SlackClient, Error> {
        check_token(&self.token)?;
        let base_url = parse_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;

        Ok(SlackClient {
            http: self.http,
            token: self.token,
            base_url,
        })
    }
}

fn check_token(token: &SecretString) -> Result<(), Error> {
    let secret = token.expose_secret();
    let printable = secret.bytes().all(|byte| byte.is_ascii_graphic());
    if secret.is_empty() || !printable {
        // The reason never quotes the token.
        return Err(Error::Config {
            what: "Slack token",
            reason: "it must be non-empty and contain only visible ASCII characters".to_owned(),
        });
    }
    Ok(())
}

fn parse_base_url(raw: &str) -> Result<Url, Error> {
    let invalid = |reason: &str| Error::Config {
        what: "Slack base URL",
        reason: format!("`{}` {reason}", redact_url(raw)),
    };

    let url = Url::parse(raw).map_err(|error| invalid(&format!("is not a URL ({error})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(invalid(
            "must be an http or https URL such as https://slack.com/api",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("must not contain a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("must not contain a user name or password"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use async_core::http::EgressPolicy;

    use super::*;

    fn builder() -> SlackClientBuilder {
        let http = HttpClient::new(EgressPolicy::default()).expect("client builds");
        SlackClient::builder(http, SecretString::from("xoxb-unit-secret"))
    }

    #[test]
    fn base_url_error_hides_credentials() {
        let error = builder()
            .base_url("https://bot:xoxp-secret@slack.com/api?token=xoxb-query")
            .build()
            .expect_err("user info is rejected");

        let message = error.to_string();
        assert!(!message.contains("xoxp-secret"), "{message}");
        assert!(!message.contains("xoxb-query"), "{message}");
    }

    #[test]
    fn method_url_keeps_path_prefix() {
        let client = builder()
            .base_url("http://127.0.0.1:9/slack/api/")
            .build()
            .expect("valid base URL");

        let url = client.method_url("conversations.history");

        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:9/slack/api/conversations.history"
        );
    }

    #[test]
    fn default_base_url_is_slack_com() {
        let client = builder().build().expect("defaults are valid");

        let url = client.method_url("users.list");

        assert_eq!(url.as_str(), "https://slack.com/api/users.list");
    }

    #[test]
    fn build_rejects_bad_base_urls() {
        for raw in [
            "not a url",
            "ftp://slack.com/api",
            "https://slack.com/api?x=1",
            "mailto:a@b",
        ] {
            let error = builder().base_url(raw).build().expect_err(raw);
            assert!(matches!(error, Error::Config { .. }), "{raw}: {error}");
        }
    }

    #[test]
    fn build_rejects_empty_or_bad_token() {
        let http = HttpClient::new(EgressPolicy::default()).expect("client builds");
        let empty = SlackClient::builder(http.clone(), SecretString::from("")).build();
        let with_newline = SlackClient::builder(http, SecretString::from("xoxb-a\nb"))
            .build()
            .expect_err("newline in token");

        assert!(matches!(empty, Err(Error::Config { .. })));
        assert!(!with_newline.to_string().contains("xoxb-a"));
    }
}
