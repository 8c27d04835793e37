//! The Jira client: base URL, credentials and the one place requests are sent from.

use std::fmt;

use async_core::http::{ApiRequest, HttpClient, redact_url};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use http::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;

use super::errors::{PROVIDER, api_error};
use crate::error::Error;
use crate::path::segment;

/// The OAuth 2.0 (3LO) gateway through which apps reach a site by its cloud id.
const GATEWAY: &str = "https://api.atlassian.com/ex/jira/";

/// The credentials the client authenticates with.
///
/// Both variants keep their values as secrets: `Debug` prints a placeholder, and the values
/// leave memory only inside the `Authorization` header, which is marked sensitive.
#[derive(Clone)]
pub enum JiraCredentials {
    /// An OAuth 2.0 (3LO) access token, sent as `Authorization: Bearer`.
    Bearer(SecretString),
    /// An Atlassian account e-mail and API token, sent as HTTP basic auth. Atlassian's policy
    /// is that apps serving customers use OAuth instead, so this suits scripts on one's own site.
    Basic {
        /// The account's e-mail address.
        email: SecretString,
        /// The API token.
        api_token: SecretString,
    },
}

impl fmt::Debug for JiraCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JiraCredentials::Bearer(_) => f.write_str("Bearer([REDACTED])"),
            JiraCredentials::Basic { .. } => f.write_str("Basic([REDACTED])"),
        }
    }
}

impl JiraCredentials {
    /// Builds the `Authorization` header value.
    fn header_value(&self) -> SecretString {
        match self {
            JiraCredentials::Bearer(token) => {
                SecretString::from(format!("Bearer {}", token.expose_secret()))
            }
            JiraCredentials::Basic { email, api_token } => {
                let pair = format!("{}:{}", email.expose_secret(), api_token.expose_secret());
                SecretString::from(format!("Basic {}", BASE64.encode(pair)))
            }
        }
    }
}

/// A client for one Jira Cloud site: the platform REST v3 and Agile REST 1.0 APIs.
///
/// Every request goes through the shared [`HttpClient`], so the egress policy, timeouts and
/// retries apply. Cloning is cheap.
///
/// # Examples
///
/// ```
/// use async_connectors::jira::JiraClient;
/// use async_core::http::{EgressPolicy, HttpClient};
/// use secrecy::SecretString;
///
/// let http = HttpClient::new(EgressPolicy::default())?;
/// let client = JiraClient::builder(http)
///     .cloud_id("11223344-a1b2-3b33-c444-def123456789")
///     .bearer_token(SecretString::from("token from the OAuth flow"))
///     .site_url("https://acme.atlassian.net")
///     .build()?;
/// assert_eq!(
///     client.base_url().as_str(),
///     "https://api.atlassian.com/ex/jira/11223344-a1b2-3b33-c444-def123456789/"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct JiraClient {
    http: HttpClient,
    base: Url,
    site: Option<Url>,
    credentials: JiraCredentials,
}

impl JiraClient {
    /// Starts building a client that sends through `http`.
    pub fn builder(http: HttpClient) -> JiraClientBuilder {
        JiraClientBuilder {
            http,
            base: None,
            site: None,
            credentials: None,
        }
    }

    /// Creates a client for an OAuth 2.0 (3LO) token and a site's cloud id, sending through
    /// the gateway `https://api.atlassian.com/ex/jira/{cloudId}`.
    ///
    /// Browse links stay unset; use the builder's [`site_url`](JiraClientBuilder::site_url)
    /// to have them.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Config`] when the cloud id does not form a valid URL.
    pub fn for_cloud(http: HttpClient, cloud_id: &str, token: SecretString) -> Result<Self, Error> {
        Self::builder(http)
            .cloud_id(cloud_id)
            .bearer_token(token)
            .build()
    }

    /// Returns the base URL requests are made against, ending in `/`.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Returns the site URL people open in a browser, when known.
    pub fn site_url(&self) -> Option<&Url> {
        self.site.as_ref()
    }

    /// Returns the page that shows an issue in a browser (`{site}/browse/{key}`), when the
    /// site URL is known.
    pub fn browse_url(&self, key: &str) -> Option<String> {
        let site = self.site.as_ref()?;
        Some(format!("{}browse/{}", site.as_str(), segment(key)))
    }

    /// Sends a GET to `path` (already encoded, starting with `/rest/`) and decodes the JSON.
    ///
    /// `endpoint` is the path template used in errors; `operation` names the call in logs.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        endpoint: &str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, Error> {
        let mut url = self.base.clone();
        url.set_path(&format!(
            "{}{}",
            self.base.path().trim_end_matches('/'),
            path
        ));
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }

        let request = ApiRequest::get(PROVIDER, operation, url)
            .header(
                http::header::ACCEPT,
                HeaderValue::from_static("application/json"),
            )
            .secret_header(http::header::AUTHORIZATION, self.credentials.header_value());
        let response = self.http.send(request).await?;
        if !response.is_success() {
            return Err(api_error(&response, endpoint).into());
        }

        serde_json::from_slice(response.body()).map_err(|source| Error::Decode {
            provider: PROVIDER,
            endpoint: endpoint.to_owned(),
            status: response.status(),
            request_id: response.request_id().map(str::to_owned),
            source,
        })
    }
}

/// Builds a [`JiraClient`]; errors are reported by [`JiraClientBuilder::build`].
#[derive(Debug)]
#[must_use]
pub struct JiraClientBuilder {
    http: HttpClient,
    base: Option<String>,
    site: Option<String>,
    credentials: Option<JiraCredentials>,
}

impl JiraClientBuilder {
    /// Sets any base URL, path prefix included (`https://acme.atlassian.net`,
    /// `http://127.0.0.1:8080/jira`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base = Some(url.into());
        self
    }

    /// Sets the base URL to the OAuth gateway for this cloud id
    /// (`https://api.atlassian.com/ex/jira/{cloudId}`), the id encoded as one path segment.
    pub fn cloud_id(mut self, cloud_id: &str) -> Self {
        self.base = Some(format!("{GATEWAY}{}", segment(cloud_id.trim())));
        self
    }

    /// Sets the site URL used for browse links (`https://acme.atlassian.net`).
    ///
    /// Without it, the base URL serves as the site unless it is the OAuth gateway, whose
    /// URLs people cannot open.
    pub fn site_url(mut self, url: impl Into<String>) -> Self {
        self.site = Some(url.into());
        self
    }

    /// Authenticates with an OAuth 2.0 (3LO) access token.
    pub fn bearer_token(mut self, token: SecretString) -> Self {
        self.credentials = Some(JiraCredentials::Bearer(token));
        self
    }

    /// Authenticates with an account e-mail and API token (HTTP basic auth).
    pub fn basic_auth(mut self, email: SecretString, api_token: SecretString) -> Self {
        self.credentials = Some(JiraCredentials::Basic { email, api_token });
        self
    }

    /// Sets the credentials.
    pub fn credentials(mut self, credentials: JiraCredentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Config`] when no base URL or credentials were given, or when a URL
    /// is not an absolute `http(s)` URL without query, fragment or user info.
    pub fn build(self) -> Result<JiraClient, Error> {
        let base = self.base.ok_or_else(|| Error::Config {
            what: "Jira base URL",
            reason: "none was set; call base_url() with the site URL or cloud_id()".to_owned(),
        })?;
        let credentials = self.credentials.ok_or_else(|| Error::Config {
            what: "Jira credentials",
            reason: "none were set; call bearer_token() or basic_auth()".to_owned(),
        })?;

        let base = parse_base("Jira base URL", &base)?;
        let site = match self.site {
            Some(site) => Some(parse_base("Jira site URL", &site)?),
            None => (base.host_str() != Some("api.atlassian.com")).then(|| base.clone()),
        };
        Ok(JiraClient {
            http: self.http,
            base,
            site,
            credentials,
        })
    }
}

/// Parses a base URL and normalises its path to end in `/`.
fn parse_base(what: &'static str, raw: &str) -> Result<Url, Error> {
    let invalid = |reason: &str| Error::Config {
        what,
        reason: format!("`{}` {reason}", redact_url(raw)),
    };
    let mut url = Url::parse(raw.trim()).map_err(|_| invalid("is not an absolute URL"))?;

    if !matches!(url.scheme(), "https" | "http") {
        return Err(invalid("must use https"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("must not have a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "must not carry a user name or password; use the credentials",
        ));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use async_core::http::EgressPolicy;

    use super::*;

    fn builder() -> JiraClientBuilder {
        let http = HttpClient::new(EgressPolicy::default()).expect("client");
        JiraClient::builder(http).bearer_token(SecretString::from("t0ken-value"))
    }

    #[test]
    fn base_url_error_hides_credentials() {
        let error = builder()
            .base_url("https://dana:pa55word@acme.atlassian.net/?token=abc")
            .build()
            .expect_err("user info is rejected");

        let message = error.to_string();
        assert!(!message.contains("pa55word"), "{message}");
        assert!(!message.contains("token=abc"), "{message}");
        assert!(message.contains("acme.atlassian.net"), "{message}");
    }

    #[test]
    fn cloud_id_is_encoded_segment() {
        let client = builder().cloud_id("a/b c").build().expect("builds");
        assert_eq!(
            client.base_url().as_str(),
            "https://api.atlassian.com/ex/jira/a%2Fb%20c/"
        );
        assert_eq!(client.browse_url("PAY-1"), None);
    }

    #[test]
    fn site_base_gives_browse_url() {
        let client = builder()
            .base_url("https://acme.atlassian.net/jira")
            .build()
            .expect("builds");
        assert_eq!(
            client.browse_url("PAY-12").as_deref(),
            Some("https://acme.atlassian.net/jira/browse/PAY-12")
        );
    }

    #[test]
    fn invalid_base_is_config_error() {
        for raw in [
            "acme.atlassian.net",
            "ftp://x",
            "https://u:p@x.net",
            "https://x.net/?a=1",
        ] {
            let error = builder().base_url(raw).build().expect_err(raw);
            assert!(matches!(error, Error::Config { .. }), "{raw}: {error}");
        }
    }

    #[test]
    fn missing_credentials_is_config_error() {
        let http = HttpClient::new(EgressPolicy::default()).expect("client");
        let error = JiraClient::builder(http)
            .base_url("https://acme.atlassian.net")
            .build()
            .expect_err("no credentials");
        assert!(error.to_string().contains("bearer_token"));
    }

    #[test]
    fn basic_header_encodes_pair() {
        let credentials = JiraCredentials::Basic {
            email: SecretString::from("ana@example.com"),
            api_token: SecretString::from("tok"),
        };
        assert_eq!(
            credentials.header_value().expose_secret(),
            "Basic YW5hQGV4YW1wbGUuY29tOnRvaw=="
        );
        assert_eq!(format!("{credentials:?}"), "Basic([REDACTED])");
    }
}
