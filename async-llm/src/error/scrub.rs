//! Removal of API keys from provider messages.
//!
//! OpenAI answers a wrong key with "Incorrect API key provided: sk-abc...wxyz", and
//! gateways echo headers in their messages, so every provider message is scrubbed before
//! an error stores it.

/// Prefixes of the key formats the supported providers issue: OpenAI and Anthropic
/// (`sk-`, `sk-ant-`, `sk-proj-`), Google (`AIza`) and bearer tokens.
const KEY_PREFIXES: [&str; 2] = ["sk-", "AIza"];

/// The shortest run after a prefix that counts as a key; shorter words (`sk-learn`) stay.
const MIN_KEY_TAIL: usize = 8;

/// Replaces each word that looks like an API key with `[redacted]`.
pub(crate) fn scrub_secrets(message: &str) -> String {
    let mut scrubbed = String::with_capacity(message.len());
    let mut word = String::new();
    for character in message.chars() {
        if is_key_char(character) {
            word.push(character);
            continue;
        }
        push_word(&mut scrubbed, &word);
        word.clear();
        scrubbed.push(character);
    }
    push_word(&mut scrubbed, &word);
    scrubbed
}

/// Pushes `word`, or `[redacted]` in its place, keeping a sentence's final dots.
fn push_word(out: &mut String, word: &str) {
    let core = word.trim_end_matches('.');
    if looks_like_key(core) {
        out.push_str("[redacted]");
        out.push_str(&word[core.len()..]);
    } else {
        out.push_str(word);
    }
}

/// Characters keys are made of, plus `*` and `.` with which providers mask them.
fn is_key_char(character: char) -> bool {
    character.is_ascii_alphanumeric() || matches!(character, '-' | '_' | '*' | '.')
}

fn looks_like_key(word: &str) -> bool {
    KEY_PREFIXES.iter().any(|prefix| {
        word.strip_prefix(prefix)
            .is_some_and(|tail| tail.len() >= MIN_KEY_TAIL)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_removes_keys() {
        let cases = [
            (
                "Incorrect API key provided: sk-proj-abcd****************wxyz. You can find",
                "Incorrect API key provided: [redacted]. You can find",
            ),
            (
                "key sk-ant-api03-secret-value rejected",
                "key [redacted] rejected",
            ),
            (
                "API key not valid: AIzaSyA-1234567890abcdefgh",
                "API key not valid: [redacted]",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub_secrets(input), expected, "{input}");
        }
    }

    #[test]
    fn scrub_keeps_ordinary_words() {
        let message = "prompt is too long: 205000 tokens > 200000 maximum; ask sk-learn";
        assert_eq!(scrub_secrets(message), message);
    }
}
