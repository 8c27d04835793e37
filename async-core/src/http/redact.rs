//! URLs made safe to print.

use url::Url;

/// Returns `raw` as a URL safe to put in an error message or log: without user name,
/// password, query string or fragment, where secrets travel.
///
/// Text that does not parse as a URL could hold a secret anywhere, so it is not echoed.
///
/// # Examples
///
/// ```
/// use async_core::http::redact_url;
///
/// assert_eq!(
///     redact_url("https://user:pass@acme.atlassian.net/wiki?token=abc#top"),
///     "https://acme.atlassian.net/wiki"
/// );
/// assert_eq!(redact_url("not a url with s3cret"), "(a value that is not a URL)");
/// ```
pub fn redact_url(raw: &str) -> String {
    let Ok(mut url) = Url::parse(raw.trim()) else {
        return "(a value that is not a URL)".to_owned();
    };
    // Both setters fail only for URLs that cannot carry credentials; nothing to remove.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}
