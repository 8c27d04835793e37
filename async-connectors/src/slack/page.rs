//! Slack's cursor pagination.

use serde::Deserialize;

/// Query arguments in the order they are sent.
pub(crate) type QueryPairs = Vec<(&'static str, String)>;

/// The `response_metadata` object of a listing.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Cursor {
    #[serde(default)]
    next_cursor: Option<String>,
}

/// Returns the cursor of the next page, or `None` at the end of a listing.
///
/// Slack ends a listing with an empty `next_cursor`, and the field may also be null or
/// missing. `has_more` is not consulted: it is informative only and absent from most
/// methods.
pub(crate) fn next_cursor(metadata: Option<Cursor>) -> Option<String> {
    metadata
        .and_then(|metadata| metadata.next_cursor)
        .filter(|cursor| !cursor.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_cursor_ends_on_empty_null_or_missing() {
        let cases = [
            (r#"{"next_cursor":"dXNlcjpVMDYx"}"#, Some("dXNlcjpVMDYx")),
            (r#"{"next_cursor":""}"#, None),
            (r#"{"next_cursor":null}"#, None),
            (r#"{}"#, None),
        ];

        for (json, expected) in cases {
            let metadata: Cursor = serde_json::from_str(json).expect("valid metadata");
            assert_eq!(next_cursor(Some(metadata)).as_deref(), expected, "{json}");
        }
        assert_eq!(next_cursor(None), None);
    }
}
