//! Removing secrets and personal data from recorded text.

use std::fmt;

use regex::{Regex, RegexBuilder};

use crate::Error;

/// The built-in patterns: credentials in header or assignment form, provider token
/// shapes, JSON web tokens and e-mail addresses, each with its replacement.
///
/// The shapes are the public prefixes of each vendor's keys (`sk-ant-`, `sk-`, `AIza`,
/// `ghp_`, `github_pat_`, `xox?-`). A key without its usual prefix is only caught in
/// header form or with [`Scrubber::with_secret`].
const PATTERNS: &[(&str, &str)] = &[
    (
        r#"(?i)\b(authorization|proxy-authorization|x-api-key|x-goog-api-key|api[_-]?key)(["']?\s*[:=]\s*["']?)(?:bearer\s+|basic\s+)?[^\s"',;]+"#,
        "$1$2<redacted>",
    ),
    (
        r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}",
        "Bearer <redacted>",
    ),
    (r"\bsk-ant-[A-Za-z0-9_-]{8,}", "<api-key>"),
    (r"\bsk-[A-Za-z0-9_-]{16,}", "<api-key>"),
    (r"\bAIza[0-9A-Za-z_-]{30,}", "<api-key>"),
    (r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}", "<token>"),
    (r"\bgithub_pat_[A-Za-z0-9_]{20,}", "<token>"),
    (r"\bxox[abposr]-[A-Za-z0-9-]{10,}", "<token>"),
    (
        r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        "<token>",
    ),
    // Letters and digits of any script, so internationalized addresses (RFC 6531) and
    // an apostrophe in the local part are removed whole, not left partly in the text.
    (
        r"[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}",
        "<email>",
    ),
];

/// Replaces secrets and personal data in text before it is written to a recording.
///
/// It always removes credentials in header or assignment form (`Authorization: ...`,
/// `x-api-key: ...`, `api_key=...`), bearer tokens, Anthropic, OpenAI and Google API keys,
/// GitHub and Slack tokens, JSON web tokens and e-mail addresses. Add the people's names
/// the recordings may contain with [`Scrubber::with_names`] and any literal secret with
/// [`Scrubber::with_secret`].
///
/// # Examples
///
/// ```
/// use async_llm::middleware::Scrubber;
///
/// let scrubber = Scrubber::new().with_names(["Dana Scully"])?;
/// let text = scrubber.scrub("Dana Scully <dana@example.com> used sk-ant-api03-abcdefghijkl");
/// assert_eq!(text, "<name> <<email>> used <api-key>");
/// # Ok::<(), async_llm::Error>(())
/// ```
#[derive(Clone)]
pub struct Scrubber {
    patterns: Vec<(Regex, String)>,
    names: Option<Regex>,
    secrets: Vec<String>,
}

impl fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scrubber")
            .field("patterns", &self.patterns.len())
            .field("names", &self.names.is_some())
            .field("secrets", &self.secrets.len())
            .finish()
    }
}

impl Default for Scrubber {
    fn default() -> Self {
        Self::new()
    }
}

impl Scrubber {
    /// Creates a scrubber with the built-in patterns.
    pub fn new() -> Self {
        let patterns = PATTERNS
            .iter()
            .map(|(pattern, replacement)| {
                // The patterns are constants checked by the unit tests, so they compile.
                let regex = Regex::new(pattern).unwrap_or_else(|_| unreachable_pattern(pattern));
                (regex, (*replacement).to_owned())
            })
            .collect();
        Self {
            patterns,
            names: None,
            secrets: Vec::new(),
        }
    }

    /// Replaces each of `names` with `<name>`, whole words only and ignoring case.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidConfig`] when the names make a pattern too large to
    /// compile.
    pub fn with_names<I, S>(mut self, names: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut names: Vec<String> = names
            .into_iter()
            .map(|name| name.as_ref().trim().to_owned())
            .filter(|name| !name.is_empty())
            .collect();
        if names.is_empty() {
            return Ok(self);
        }
        // Longer names first, so "Dana Scully" wins over "Dana".
        names.sort_by_key(|name| std::cmp::Reverse(name.len()));

        let alternatives: Vec<String> = names.iter().map(|name| regex::escape(name)).collect();
        let pattern = format!(r"\b(?:{})\b", alternatives.join("|"));
        let regex = RegexBuilder::new(&pattern)
            .case_insensitive(true)
            .build()
            .map_err(|error| {
                Error::InvalidConfig(format!("the scrubber's name list is invalid: {error}"))
            })?;
        self.names = Some(regex);
        Ok(self)
    }

    /// Replaces every occurrence of `secret` with `<secret>`; empty strings are ignored.
    #[must_use]
    pub fn with_secret(mut self, secret: impl Into<String>) -> Self {
        let secret = secret.into();
        if !secret.is_empty() {
            self.secrets.push(secret);
        }
        self
    }

    /// Returns `text` with every secret, token, e-mail address and listed name replaced.
    pub fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for secret in &self.secrets {
            text = text.replace(secret.as_str(), "<secret>");
        }
        for (regex, replacement) in &self.patterns {
            text = regex.replace_all(&text, replacement.as_str()).into_owned();
        }
        if let Some(names) = &self.names {
            text = names.replace_all(&text, "<name>").into_owned();
        }
        text
    }
}

fn unreachable_pattern(pattern: &str) -> ! {
    panic!("built-in scrub pattern {pattern} does not compile")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_removes_provider_keys() {
        let scrubber = Scrubber::new();
        let cases = [
            ("key sk-ant-api03-AbC_dEf-123456789", "key <api-key>"),
            ("key sk-proj-abcdefghijklmnopqrstu", "key <api-key>"),
            (
                "key AIzaSyA1234567890abcdefghijklmnopqrstu",
                "key <api-key>",
            ),
            (
                "token ghp_abcdefghijklmnopqrstuvwxyz0123456789",
                "token <token>",
            ),
            ("token xoxb-1234567890-abcdef", "token <token>"),
            (
                "Authorization: Bearer abc.def.ghi-123",
                "Authorization: <redacted>",
            ),
            ("x-api-key: plainsecret", "x-api-key: <redacted>"),
            (
                r#"{"api_key": "plainsecret"}"#,
                r#"{"api_key": "<redacted>"}"#,
            ),
            (
                "send bearer abcdefgh12345678 now",
                "send Bearer <redacted> now",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(scrubber.scrub(text), expected, "{text}");
        }
    }

    #[test]
    fn scrub_removes_emails_and_names() {
        let scrubber = Scrubber::new()
            .with_names(["Dana", "Dana Scully", " "])
            .expect("names compile");
        assert_eq!(
            scrubber.scrub("DANA SCULLY (dana.scully+ops@mail.example.co.uk) and Danae"),
            "<name> (<email>) and Danae"
        );
    }

    #[test]
    fn scrub_removes_literal_secrets() {
        let scrubber = Scrubber::new().with_secret("hunter2").with_secret("");
        assert_eq!(scrubber.scrub("pw hunter2!"), "pw <secret>!");
    }

    #[test]
    fn scrub_keeps_plain_text() {
        let text = "PAY-12 merged by Person 1; see https://example.com/pr/4";
        assert_eq!(Scrubber::new().scrub(text), text);
    }

    #[test]
    fn scrubber_debug_shows_no_secret() {
        let scrubber = Scrubber::new().with_secret("hunter2");
        assert!(!format!("{scrubber:?}").contains("hunter2"));
    }
}
