//! Helpers that keep fact text on one prompt line.

use std::borrow::Cow;

/// Returns `text` on one line with the ` | ` field separator made unambiguous, borrowing
/// it when it needs no change.
///
/// Fact text comes from titles, messages and transcripts that anyone on the team can
/// write, so a line break in it must not start what looks like a new fact or a new
/// instruction line in the prompt.
pub(crate) fn one_line(text: &str) -> Cow<'_, str> {
    if !has_control(text) && !text.contains(" | ") {
        return Cow::Borrowed(text);
    }
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    Cow::Owned(spaced.replace(" | ", " / "))
}

/// Returns whether `text` contains a control character.
///
/// Every fact line of every prompt passes through here, and decoding each character was
/// a large share of the prompt builder's cost, so the bytes are scanned first. A control
/// character is below 0x20, is 0x7F, or lies in U+0080..=U+009F, which UTF-8 encodes
/// after the lead byte 0xC2; text with none of those bytes has none.
fn has_control(text: &str) -> bool {
    let suspect = text
        .bytes()
        .any(|byte| byte < 0x20 || byte == 0x7f || byte == 0xc2);
    suspect && text.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_replaces_breaks_and_separators() {
        assert_eq!(one_line("a\nb | c"), "a b / c");
        assert!(matches!(one_line("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn has_control_finds_every_range() {
        for text in [
            "a\u{0}b",
            "tab\there",
            "del\u{7f}",
            "c1\u{85}next",
            "\u{9f}",
        ] {
            assert!(has_control(text), "{text:?}");
            assert!(!one_line(text).chars().any(char::is_control), "{text:?}");
        }
        // 0xC2 also leads printable characters such as the pound sign.
        for text in ["£5 and ©", "naïve café", "plain"] {
            assert!(!has_control(text), "{text:?}");
        }
    }
}
