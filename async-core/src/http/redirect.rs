//! Redirects, followed by the client itself so that each hop passes the egress check.

use std::fmt;

use http::Method;

use super::{ApiRequest, ApiResponse, EgressPolicy};
use crate::error::{Error, HttpError, HttpErrorKind};

/// The maximum number of redirect hops per attempt.
pub(crate) const MAX_REDIRECTS: u32 = 5;

/// The reason a redirect was not followed, when the egress policy is not the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RedirectProblem {
    TooMany,
    InvalidLocation,
    BodyToOtherOrigin,
}

impl fmt::Display for RedirectProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedirectProblem::TooMany => write!(
                f,
                "more than {MAX_REDIRECTS} redirects; the server may be redirecting in a loop"
            ),
            RedirectProblem::InvalidLocation => {
                f.write_str("the Location header is not a valid URL")
            }
            RedirectProblem::BodyToOtherOrigin => f.write_str(
                "a 307 or 308 redirect would resend the request body to another origin; \
                 send the request to the new URL directly",
            ),
        }
    }
}

impl std::error::Error for RedirectProblem {}

/// Returns the request for the next hop, `None` when `response` is not a redirect to
/// follow, or an error when the redirect must not be followed.
///
/// `hops` is the number of redirects already followed for this attempt.
///
/// # Errors
///
/// Returns [`HttpErrorKind::Redirect`] for the sixth hop, an unparsable `Location`, a
/// target the egress policy rejects, or a 307 or 308 that would resend the body to
/// another origin. A rejected target carries the [`EgressDenial`] as
/// the error's source, and no connection to it is made.
///
/// [`EgressDenial`]: super::EgressDenial
pub(crate) fn next_hop(
    policy: &EgressPolicy,
    current: &ApiRequest,
    response: &ApiResponse,
    hops: u32,
) -> Result<Option<ApiRequest>, Error> {
    let status = response.status();
    if !matches!(status, 301 | 302 | 303 | 307 | 308) {
        return Ok(None);
    }
    // A redirect without a target is handed to the caller like any other response.
    let Some(location) = response.header("location") else {
        return Ok(None);
    };

    let reject = |source: Box<dyn std::error::Error + Send + Sync>| {
        let error = HttpError::new(
            HttpErrorKind::Redirect,
            current.provider(),
            current.operation(),
            Some(source),
        )
        .with_status(status)
        .with_request_id(response.request_id().map(str::to_owned));
        Error::Http(Box::new(error))
    };

    if hops >= MAX_REDIRECTS {
        return Err(reject(Box::new(RedirectProblem::TooMany)));
    }
    let target = current
        .url()
        .join(location)
        .map_err(|_| reject(Box::new(RedirectProblem::InvalidLocation)))?;
    policy
        .check_url(&target)
        .map_err(|denial| reject(Box::new(denial)))?;

    let method = redirected_method(status, current.method());
    let drop_body = method != *current.method() || status == 303;
    let cross_origin = target.origin() != current.url().origin();

    // A body can carry credentials (an OAuth client secret or code), and unlike headers it
    // cannot be filtered, so a body never follows a redirect to another origin.
    if cross_origin && !drop_body && current.body().is_some() {
        return Err(reject(Box::new(RedirectProblem::BodyToOtherOrigin)));
    }
    Ok(Some(current.redirected(
        method,
        target,
        drop_body,
        cross_origin,
    )))
}

/// Picks the method of the next hop the way browsers and RFC 9110 do: 303 turns anything
/// but HEAD into GET, 301 and 302 turn POST into GET, 307 and 308 keep the method.
fn redirected_method(status: u16, method: &Method) -> Method {
    match status {
        303 if *method != Method::HEAD => Method::GET,
        301 | 302 if *method == Method::POST => Method::GET,
        _ => method.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http::{HeaderMap, HeaderValue};
    use url::Url;

    fn policy() -> EgressPolicy {
        EgressPolicy::deny_all()
            .allow_host("api.github.com")
            .allow_host("codeload.github.com")
    }

    fn post() -> ApiRequest {
        let url = Url::parse("https://api.github.com/repos/o/r/issues").expect("valid url");
        ApiRequest::post("github", "issues.create", url)
            .bearer_auth(&secrecy::SecretString::from("ghp-test"))
            .json_body("{}")
    }

    fn redirect(status: u16, location: &str) -> ApiResponse {
        let mut headers = HeaderMap::new();
        headers.insert("location", HeaderValue::from_str(location).expect("valid"));
        headers.insert("x-github-request-id", HeaderValue::from_static("REQ1"));
        ApiResponse::from_parts(status, headers, Bytes::new())
    }

    #[test]
    fn method_rules() {
        assert_eq!(redirected_method(303, &Method::POST), Method::GET);
        assert_eq!(redirected_method(303, &Method::PUT), Method::GET);
        assert_eq!(redirected_method(303, &Method::HEAD), Method::HEAD);
        assert_eq!(redirected_method(301, &Method::POST), Method::GET);
        assert_eq!(redirected_method(302, &Method::POST), Method::GET);
        assert_eq!(redirected_method(302, &Method::PUT), Method::PUT);
        assert_eq!(redirected_method(307, &Method::POST), Method::POST);
        assert_eq!(redirected_method(308, &Method::POST), Method::POST);
    }

    #[test]
    fn post_307_keeps_body() {
        let response = redirect(307, "/repos/o/r2/issues");
        let next = next_hop(&policy(), &post(), &response, 0)
            .expect("allowed")
            .expect("a redirect");
        assert_eq!(next.method(), Method::POST);
        assert!(next.body().is_some());
        assert_eq!(next.url().path(), "/repos/o/r2/issues");
    }

    #[test]
    fn post_303_drops_body() {
        let response = redirect(303, "https://api.github.com/done");
        let next = next_hop(&policy(), &post(), &response, 0)
            .expect("allowed")
            .expect("a redirect");
        assert_eq!(next.method(), Method::GET);
        assert!(next.body().is_none());
    }

    #[test]
    fn disallowed_target_refused() {
        let response = redirect(302, "https://evil.example/steal");
        let error = next_hop(&policy(), &post(), &response, 0).expect_err("refused");
        let Error::Http(error) = error else {
            panic!("expected an HTTP error, got {error:?}");
        };
        assert_eq!(error.kind(), HttpErrorKind::Redirect);
        assert_eq!(error.status(), Some(302));
        assert_eq!(error.request_id(), Some("REQ1"));
        assert!(matches!(
            error.egress_denial(),
            Some(super::super::EgressDenial::HostNotAllowed { .. })
        ));
    }

    #[test]
    fn allowed_other_host_gets_no_credentials() {
        let response = redirect(302, "https://codeload.github.com/o/r/tar.gz/main");
        let next = next_hop(&policy(), &post(), &response, 0)
            .expect("allowed")
            .expect("a redirect");
        assert_eq!(next.url().host_str(), Some("codeload.github.com"));
        assert!(!next.has_credentials());
    }

    #[test]
    fn body_never_follows_to_other_origin() {
        let response = redirect(307, "https://codeload.github.com/o/r/issues");
        let error = next_hop(&policy(), &post(), &response, 0).expect_err("refused");
        assert!(error.to_string().contains("redirect"), "{error}");

        let moved = redirect(308, "https://codeload.github.com/o/r/issues");
        assert!(next_hop(&policy(), &post(), &moved, 0).is_err());

        let see_other = redirect(303, "https://codeload.github.com/o/r/issues");
        let next = next_hop(&policy(), &post(), &see_other, 0)
            .expect("allowed")
            .expect("a redirect");
        assert!(next.body().is_none());
    }

    #[test]
    fn same_origin_keeps_credentials() {
        let response = redirect(307, "https://api.github.com/repositories/42/issues");
        let next = next_hop(&policy(), &post(), &response, 0)
            .expect("allowed")
            .expect("a redirect");
        assert!(next.has_credentials());
    }

    #[test]
    fn https_downgrade_refused() {
        let response = redirect(301, "http://api.github.com/repos/o/r/issues");
        let error = next_hop(&policy(), &post(), &response, 0).expect_err("refused");
        let Error::Http(error) = error else {
            panic!("expected an HTTP error, got {error:?}");
        };
        assert!(matches!(
            error.egress_denial(),
            Some(super::super::EgressDenial::InsecureScheme { .. })
        ));
    }

    #[test]
    fn sixth_hop_refused() {
        let response = redirect(302, "/again");
        assert!(next_hop(&policy(), &post(), &response, MAX_REDIRECTS - 1).is_ok());
        let error = next_hop(&policy(), &post(), &response, MAX_REDIRECTS).expect_err("too many");
        assert!(error.to_string().contains("redirect"), "{error}");
    }

    #[test]
    fn not_a_redirect() {
        let ok = ApiResponse::from_parts(200, HeaderMap::new(), Bytes::new());
        assert!(
            next_hop(&policy(), &post(), &ok, 0)
                .expect("fine")
                .is_none()
        );
        let no_location = ApiResponse::from_parts(302, HeaderMap::new(), Bytes::new());
        assert!(
            next_hop(&policy(), &post(), &no_location, 0)
                .expect("fine")
                .is_none()
        );
        let not_modified = redirect(304, "/x");
        assert!(
            next_hop(&policy(), &post(), &not_modified, 0)
                .expect("fine")
                .is_none()
        );
    }

    #[test]
    fn invalid_location_refused() {
        let response = redirect(302, "https://[bad");
        assert!(next_hop(&policy(), &post(), &response, 0).is_err());
    }
}
