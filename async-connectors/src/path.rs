//! Safe URL building: every path segment from outside goes through [`segment`].

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::error::Error;

/// Characters escaped in a path segment: everything RFC 3986 does not allow unescaped in a
/// segment, plus `/`, `?`, `#` and `%` so input cannot change the path's shape.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'[')
    .add(b']')
    .add(b'\\')
    .add(b'^')
    .add(b'|');

/// Percent-encodes one path segment (a repository name, a Jira key, a Zoom UUID).
///
/// # Examples
///
/// ```
/// use async_connectors::path::segment;
///
/// assert_eq!(segment("a/b c"), "a%2Fb%20c");
/// assert_eq!(segment("PAY-12"), "PAY-12");
/// ```
pub fn segment(raw: &str) -> String {
    utf8_percent_encode(raw, SEGMENT).to_string()
}

/// Percent-encodes one path segment from outside the SDK, rejecting the values that would
/// change which resource is requested.
///
/// URL parsers resolve `.` and `..` (and their percent-encoded forms `%2e`) as "this
/// folder" and "the parent folder", so an id of `..` would reach another endpoint on the
/// same host. An empty id would name the collection instead of one item.
///
/// # Errors
///
/// Returns [`Error::Config`] naming `what` when `raw` is empty, `.` or `..`.
///
/// # Examples
///
/// ```
/// use async_connectors::path::checked_segment;
///
/// assert_eq!(checked_segment("board id", "31")?, "31");
/// assert!(checked_segment("board id", "..").is_err());
/// # Ok::<(), async_connectors::Error>(())
/// ```
pub fn checked_segment(what: &'static str, raw: &str) -> Result<String, Error> {
    if matches!(raw, "" | "." | "..") {
        return Err(Error::Config {
            what,
            reason: format!("`{raw}` is not an id; pass the id the provider issued"),
        });
    }
    Ok(segment(raw))
}
