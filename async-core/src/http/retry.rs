//! When a request is sent again, and how long the client waits first.
//!
//! The rules follow what the providers document. A 429 (and GitHub's 403 rate-limit
//! responses) means the server did not process the request, so any method may be retried.
//! A 503 or 529 means the same for the model providers, but only a request marked
//! [`ApiRequest::retry_safe`] relies on that. A 500, 502 or 504 may follow a write that
//! already happened, so only idempotent requests are retried on them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, NaiveDateTime, Utc};
use http::HeaderMap;
use rand::Rng;

use super::ApiRequest;
use crate::error::{Error, HttpErrorKind};

/// How often and how long the client retries a request.
///
/// Build one through [`HttpClientBuilder`](super::HttpClientBuilder); read it back with
/// [`HttpClient::retry_policy`](super::HttpClient::retry_policy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) budget: Duration,
    pub(crate) max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts, backoff from 500 ms up to 8 s, at most 60 s of waiting per request,
    /// and a server-requested delay of at most 60 s. These mirror the retry defaults of the
    /// official Anthropic and OpenAI SDKs (two retries, 0.5 s to 8 s backoff, `Retry-After`
    /// honoured up to 60 s).
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            budget: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Creates a policy that sends each request exactly once.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The maximum number of attempts per request, the first one included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The backoff delay before the first retry when the server names no delay.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The maximum backoff delay between two attempts when the server names no delay.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The maximum cumulative time one request may spend waiting between attempts.
    pub fn budget(&self) -> Duration {
        self.budget
    }

    /// The longest server-requested delay the client waits out itself.
    ///
    /// A longer `Retry-After` (or rate-limit reset) ends the retries, and the response is
    /// returned with the delay in [`ApiResponse::retry_after`](super::ApiResponse::retry_after)
    /// so that the caller can schedule the work later.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// Computes the jittered exponential backoff before attempt `attempt + 1`.
    ///
    /// The delay doubles from the base delay, is capped at the max delay, and loses up to
    /// a quarter at random so that many clients failing together do not retry in step.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(20);
        let uncapped = self.base_delay.saturating_mul(1 << exponent);
        let capped = uncapped.min(self.max_delay);

        let factor: f64 = rand::thread_rng().gen_range(0.75..=1.0);
        capped.mul_f64(factor)
    }
}

/// Returns why a response should be retried, or `None` when it is final.
pub(crate) fn retryable_status(
    request: &ApiRequest,
    status: u16,
    headers: &HeaderMap,
) -> Option<&'static str> {
    // The Anthropic and OpenAI APIs state with `x-should-retry` whether a retry can help
    // and is safe, so the header overrides the rules below in both directions.
    match header_str(headers, "x-should-retry") {
        Some("false") => return None,
        Some("true") if status >= 400 => return Some("server requested a retry"),
        _ => {}
    }

    match status {
        // NOTE: a 429 for an exhausted quota or spend limit (OpenAI `insufficient_quota`,
        // Anthropic `enforced_spend_limit_reached`) differs only in its body, so it is
        // retried with backoff like a rate limit unless `x-should-retry: false` comes with it.
        429 => Some("rate limited"),
        403 if is_rate_limit_403(headers) => Some("rate limited"),
        503 | 529 if request.is_idempotent() || request.is_retry_safe() => Some("overloaded"),
        500 | 502 | 504 if request.is_idempotent() => Some("server error"),
        _ => None,
    }
}

/// Returns whether a failed attempt may be sent again.
///
/// A connection that could not be made carried nothing, so every method qualifies. A
/// timeout or a broken connection may have reached the server, so only idempotent
/// requests are resent after one.
pub(crate) fn retryable_error(request: &ApiRequest, error: &Error) -> bool {
    let Error::Http(error) = error else {
        return false;
    };
    match error.kind() {
        HttpErrorKind::Connect => true,
        HttpErrorKind::Transport | HttpErrorKind::Timeout => request.is_idempotent(),
        _ => false,
    }
}

/// Names a retryable failure for the retry log line.
pub(crate) fn error_cause(error: &Error) -> &'static str {
    match error {
        Error::Http(error) if error.kind() == HttpErrorKind::Timeout => "timed out",
        Error::Http(error) if error.kind() == HttpErrorKind::Connect => "connection failed",
        _ => "connection broken",
    }
}

/// Tells GitHub's rate-limit 403 apart from a permission 403 by its headers.
///
/// GitHub responds to an exhausted primary limit with `x-ratelimit-remaining: 0` and a
/// secondary limit usually with `retry-after`. A 403 with neither is a permission error.
// NOTE: GitHub does not always send `retry-after` on a secondary-limit 403, and quota may
// remain. Such a response looks like a permission error here and is returned unretried;
// only its body ("exceeded a secondary rate limit") distinguishes the two.
fn is_rate_limit_403(headers: &HeaderMap) -> bool {
    headers.contains_key("retry-after")
        || headers.contains_key("retry-after-ms")
        || (header_str(headers, "x-ratelimit-remaining") == Some("0")
            && headers.contains_key("x-ratelimit-reset"))
}

/// Parses the delay a server asked for, relative to `now`.
///
/// The headers are read in this order: `retry-after-ms` (milliseconds, which the official
/// OpenAI and Anthropic SDKs read first), `retry-after` (seconds or an HTTP-date), then
/// `x-ratelimit-reset` when `x-ratelimit-remaining` is `0` or absent. The reset is either
/// UTC epoch seconds (GitHub) or an ISO-8601 timestamp (Jira, which may omit the seconds).
/// A time in the past gives a zero delay.
pub(crate) fn server_delay(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(millis) = header_str(headers, "retry-after-ms").and_then(parse_millis) {
        return Some(millis);
    }
    let retry_after = header_str(headers, "retry-after");
    if let Some(delay) = retry_after.and_then(|value| parse_retry_after(value, now)) {
        return Some(delay);
    }

    let remaining = header_str(headers, "x-ratelimit-remaining");
    if remaining.is_some_and(|remaining| remaining.trim() != "0") {
        return None;
    }
    header_str(headers, "x-ratelimit-reset").and_then(|value| parse_reset(value, now))
}

/// Parses `Retry-After`: a number of seconds or an HTTP-date.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    // RFC 9110 allows only whole seconds, but a fractional value is honoured, not ignored.
    if let Ok(seconds) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(seconds).ok();
    }

    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parses `x-ratelimit-reset`: UTC epoch seconds or an ISO-8601 timestamp.
pub(crate) fn parse_reset(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    let at = match value.parse::<u64>() {
        Ok(epoch_seconds) => UNIX_EPOCH.checked_add(Duration::from_secs(epoch_seconds))?,
        Err(_) => parse_iso_timestamp(value)?,
    };
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn parse_iso_timestamp(value: &str) -> Option<SystemTime> {
    let parsed = DateTime::parse_from_rfc3339(value)
        .map(|at| at.with_timezone(&Utc))
        .or_else(|_| {
            // Jira sends `2026-03-26T16:00Z`, which RFC 3339 rejects for lacking seconds.
            NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%MZ").map(|at| at.and_utc())
        })
        .ok()?;
    Some(SystemTime::from(parsed))
}

fn parse_millis(value: &str) -> Option<Duration> {
    let millis = value.trim().parse::<f64>().ok()?;
    Duration::try_from_secs_f64(millis / 1000.0).ok()
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use url::Url;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("valid header"));
        }
        map
    }

    fn at(epoch_seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(epoch_seconds)
    }

    fn request(method: http::Method) -> ApiRequest {
        let url = Url::parse("https://api.github.com/repos").expect("valid url");
        ApiRequest::new(method, "github", "repos.get", url)
    }

    #[test]
    fn retry_after_seconds() {
        let now = at(1_700_000_000);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(parse_retry_after("-3", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn retry_after_http_date() {
        // Tue, 14 Nov 2023 22:13:20 GMT is epoch 1_700_000_000.
        let now = at(1_700_000_000 - 30);
        let delay = parse_retry_after("Tue, 14 Nov 2023 22:13:20 GMT", now);
        assert_eq!(delay, Some(Duration::from_secs(30)));

        let later = at(1_700_000_000 + 5);
        let past = parse_retry_after("Tue, 14 Nov 2023 22:13:20 GMT", later);
        assert_eq!(past, Some(Duration::ZERO));
    }

    #[test]
    fn reset_epoch_and_iso() {
        let now = at(1_700_000_000);
        assert_eq!(
            parse_reset("1700000042", now),
            Some(Duration::from_secs(42))
        );
        assert_eq!(
            parse_reset("2023-11-14T22:14:20Z", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_reset("2023-11-14T22:15Z", now),
            Some(Duration::from_secs(100))
        );
        assert_eq!(parse_reset("1699999000", now), Some(Duration::ZERO));
        assert_eq!(parse_reset("next hour", now), None);
    }

    #[test]
    fn server_delay_header_order() {
        let now = at(1_700_000_000);
        let both = headers(&[("retry-after-ms", "250"), ("retry-after", "9")]);
        assert_eq!(server_delay(&both, now), Some(Duration::from_millis(250)));

        let seconds = headers(&[("retry-after", "9"), ("x-ratelimit-reset", "1700000100")]);
        assert_eq!(server_delay(&seconds, now), Some(Duration::from_secs(9)));

        let exhausted = headers(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1700000100"),
        ]);
        assert_eq!(
            server_delay(&exhausted, now),
            Some(Duration::from_secs(100))
        );

        let reset_only = headers(&[("x-ratelimit-reset", "1700000007")]);
        assert_eq!(server_delay(&reset_only, now), Some(Duration::from_secs(7)));
    }

    #[test]
    fn server_delay_ignores_reset_with_quota_left() {
        let now = at(1_700_000_000);
        let left = headers(&[
            ("x-ratelimit-remaining", "4999"),
            ("x-ratelimit-reset", "1700000100"),
        ]);
        assert_eq!(server_delay(&left, now), None);
        assert_eq!(server_delay(&HeaderMap::new(), now), None);
    }

    #[test]
    fn status_rules_for_get() {
        let get = request(http::Method::GET);
        let none = HeaderMap::new();
        for status in [429, 500, 502, 503, 504, 529] {
            assert!(retryable_status(&get, status, &none).is_some(), "{status}");
        }
        for status in [200, 304, 400, 401, 403, 404, 409, 501] {
            assert!(retryable_status(&get, status, &none).is_none(), "{status}");
        }
    }

    #[test]
    fn status_rules_for_post() {
        let post = request(http::Method::POST);
        let none = HeaderMap::new();
        assert!(retryable_status(&post, 429, &none).is_some());
        for status in [500, 502, 503, 504, 529] {
            assert!(retryable_status(&post, status, &none).is_none(), "{status}");
        }

        let safe = request(http::Method::POST).retry_safe(true);
        assert!(retryable_status(&safe, 503, &none).is_some());
        assert!(retryable_status(&safe, 529, &none).is_some());
        assert!(retryable_status(&safe, 500, &none).is_none());
    }

    #[test]
    fn github_403_rate_limit_signals() {
        let get = request(http::Method::GET);
        let secondary = headers(&[("retry-after", "60")]);
        assert!(retryable_status(&get, 403, &secondary).is_some());

        let primary = headers(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1700000100"),
        ]);
        assert!(retryable_status(&get, 403, &primary).is_some());

        let forbidden = headers(&[
            ("x-ratelimit-remaining", "4999"),
            ("x-ratelimit-reset", "1700000100"),
        ]);
        assert!(retryable_status(&get, 403, &forbidden).is_none());
    }

    #[test]
    fn should_retry_false_wins() {
        let get = request(http::Method::GET);
        let veto = headers(&[("x-should-retry", "false")]);
        assert!(retryable_status(&get, 429, &veto).is_none());
        assert!(retryable_status(&get, 503, &veto).is_none());
    }

    #[test]
    fn should_retry_true_allows_post() {
        let post = request(http::Method::POST);
        let allowed = headers(&[("x-should-retry", "true")]);
        assert!(retryable_status(&post, 500, &allowed).is_some());
        assert!(retryable_status(&post, 409, &allowed).is_some());
        assert!(retryable_status(&post, 200, &allowed).is_none());
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic(value in "\\PC{0,40}", epoch in 0_u64..4_000_000_000) {
            let now = at(epoch);
            let _ = parse_retry_after(&value, now);
            let _ = parse_reset(&value, now);
            let _ = parse_millis(&value);
        }

        #[test]
        fn integer_retry_after_is_exact(seconds in 0_u64..10_000_000) {
            let parsed = parse_retry_after(&seconds.to_string(), at(1_700_000_000));
            proptest::prop_assert_eq!(parsed, Some(Duration::from_secs(seconds)));
        }

        #[test]
        fn http_date_round_trips(offset in 0_u64..1_000_000) {
            let now = at(1_700_000_000);
            let date = httpdate::fmt_http_date(now + Duration::from_secs(offset));
            proptest::prop_assert_eq!(
                parse_retry_after(&date, now),
                Some(Duration::from_secs(offset))
            );
        }
    }

    #[test]
    fn backoff_doubles_within_jitter_and_cap() {
        let policy = RetryPolicy::default();
        for attempt in 1..=8 {
            let nominal = Duration::from_millis(500)
                .saturating_mul(1 << (attempt - 1))
                .min(Duration::from_secs(8));
            let delay = policy.backoff(attempt);
            assert!(delay <= nominal, "attempt {attempt}: {delay:?}");
            assert!(
                delay >= nominal.mul_f64(0.75),
                "attempt {attempt}: {delay:?}"
            );
        }
        assert!(policy.backoff(u32::MAX) <= Duration::from_secs(8));
    }
}
