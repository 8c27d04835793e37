//! Safe URL building: every path segment from outside goes through [`segment`].

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

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
