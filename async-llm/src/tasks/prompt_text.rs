//! Helpers that keep fact text on one prompt line.

use std::borrow::Cow;

/// Returns `text` on one line with the ` | ` field separator made unambiguous, borrowing
/// it when it needs no change.
///
/// Fact text comes from titles, messages and transcripts that anyone on the team can
/// write, so a line break in it must not start what looks like a new fact or a new
/// instruction line in the prompt.
pub(crate) fn one_line(text: &str) -> Cow<'_, str> {
    if !needs_rewrite(text) {
        return Cow::Borrowed(text);
    }
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    Cow::Owned(spaced.replace(" | ", " / "))
}

/// Returns whether `text` contains a control character or the ` | ` separator.
///
/// Every fact line of every prompt passes through here, and decoding each character and
/// searching for the separator were a large share of the prompt builder's cost. So one
/// pass over the bytes looks for the bytes either can start with, and only a hit is
/// checked exactly. A control character is below 0x20, is 0x7F, or lies in
/// U+0080..=U+009F, which UTF-8 encodes after the lead byte 0xC2.
fn needs_rewrite(text: &str) -> bool {
    let mut control_lead = false;
    let mut pipe = false;
    for byte in text.bytes() {
        match byte {
            0x00..=0x1f | 0x7f | 0xc2 => control_lead = true,
            b'|' => pipe = true,
            _ => {}
        }
    }
    (control_lead && text.chars().any(char::is_control)) || (pipe && text.contains(" | "))
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
    fn needs_rewrite_finds_every_control_range() {
        for text in [
            "a\u{0}b",
            "tab\there",
            "del\u{7f}",
            "c1\u{85}next",
            "\u{9f}",
        ] {
            assert!(needs_rewrite(text), "{text:?}");
            assert!(!one_line(text).chars().any(char::is_control), "{text:?}");
        }
    }

    #[test]
    fn needs_rewrite_skips_printable_text() {
        // 0xC2 also leads printable characters such as the pound sign.
        for text in ["£5 and ©", "naïve café", "a|b", "a |b", "plain"] {
            assert!(!needs_rewrite(text), "{text:?}");
        }
        assert!(needs_rewrite("a | b"));
    }
}
