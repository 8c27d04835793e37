//! Helpers that keep fact text on one prompt line.

use std::borrow::Cow;

/// Returns `text` on one line with the ` | ` field separator made unambiguous, borrowing
/// it when it needs no change.
///
/// Fact text comes from titles, messages and transcripts that anyone on the team can
/// write, so a line break in it must not start what looks like a new fact or a new
/// instruction line in the prompt.
pub(crate) fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) && !text.contains(" | ") {
        return Cow::Borrowed(text);
    }
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    Cow::Owned(spaced.replace(" | ", " / "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_replaces_breaks_and_separators() {
        assert_eq!(one_line("a\nb | c"), "a b / c");
        assert!(matches!(one_line("plain"), Cow::Borrowed("plain")));
    }
}
