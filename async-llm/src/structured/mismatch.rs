//! The error of a reply that does not match its schema.

use std::fmt;

use crate::StopReason;

/// The maximum size, in bytes, of the reply text a mismatch keeps.
const MAX_RAW_TEXT: usize = 64 * 1024;

/// The maximum number of violations a mismatch keeps.
pub(crate) const MAX_VIOLATIONS: usize = 20;

/// Why a reply did not match its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MismatchKind {
    /// The reply is not a JSON document.
    NotJson {
        /// The parser's message, with the line and column.
        message: String,
    },
    /// The reply is JSON but breaks the schema.
    Schema,
    /// The reply passed the schema but did not deserialize into the Rust type, which
    /// means the schema is looser than the type.
    Deserialize {
        /// The deserializer's message.
        message: String,
    },
    /// The reply passed the schema and deserialized, but the task rejected its content
    /// (for example a citation of a fact id it was not given).
    Content,
}

/// One way a reply breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The JSON pointer of the offending value in the reply (`/citations/0`); empty for
    /// the whole document.
    pub instance_path: String,
    /// The schema keyword that failed (`required`, `enum`, `type`, ...).
    pub keyword: String,
    /// The validator's message. It may quote the reply, so it is kept out of `Display`.
    pub message: String,
}

impl Violation {
    /// Creates a violation at `instance_path` of `keyword` with `message`.
    pub fn new(
        instance_path: impl Into<String>,
        keyword: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            instance_path: instance_path.into(),
            keyword: keyword.into(),
            message: message.into(),
        }
    }
}

/// A reply that did not match the requested schema, after every allowed attempt.
///
/// It keeps the raw reply text of the last attempt and each violation, so a caller can
/// log, inspect or repair it. `Display` names the schema, the attempts and where the
/// reply broke the schema, but never quotes the reply, because a reply written from
/// approved facts may contain personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaMismatch {
    schema: String,
    kind: MismatchKind,
    violations: Vec<Violation>,
    raw_text: String,
    attempts: u32,
    stop_reason: StopReason,
}

impl SchemaMismatch {
    pub(crate) fn new(
        schema: &str,
        kind: MismatchKind,
        violations: Vec<Violation>,
        raw_text: &str,
        stop_reason: StopReason,
    ) -> Self {
        Self {
            schema: schema.to_owned(),
            kind,
            violations,
            raw_text: truncate(raw_text),
            attempts: 1,
            stop_reason,
        }
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts;
        self
    }

    /// Returns the name of the schema the reply had to match.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// Returns why the reply did not match.
    pub fn kind(&self) -> &MismatchKind {
        &self.kind
    }

    /// Returns the schema violations (empty unless the kind is [`MismatchKind::Schema`]
    /// or [`MismatchKind::Content`]).
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Returns the text of the last reply, cut at 64 KiB.
    pub fn raw_text(&self) -> &str {
        &self.raw_text
    }

    /// Returns how many replies were requested.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Returns the reason the model stopped writing the last reply.
    /// [`StopReason::MaxTokens`] means the JSON was cut short.
    pub fn stop_reason(&self) -> &StopReason {
        &self.stop_reason
    }

    /// Describes the problem for the model in a retry prompt. Unlike `Display`, this
    /// quotes the validator's messages, which may repeat parts of the reply.
    pub(crate) fn feedback(&self) -> String {
        match &self.kind {
            MismatchKind::NotJson { message } => {
                format!("The reply is not a single JSON document: {message}.")
            }
            MismatchKind::Deserialize { message } => {
                format!("The reply has a value of the wrong shape: {message}.")
            }
            MismatchKind::Schema | MismatchKind::Content => {
                let lines: Vec<String> = self
                    .violations
                    .iter()
                    .map(|violation| {
                        let at = if violation.instance_path.is_empty() {
                            "the document"
                        } else {
                            violation.instance_path.as_str()
                        };
                        format!("- at {at}: {}", violation.message)
                    })
                    .collect();
                format!("The reply breaks the schema:\n{}", lines.join("\n"))
            }
        }
    }
}

impl fmt::Display for SchemaMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "reply does not match schema `{}` after {} attempt{}",
            self.schema,
            self.attempts,
            if self.attempts == 1 { "" } else { "s" }
        )?;
        match &self.kind {
            MismatchKind::NotJson { .. } => f.write_str(": not a JSON document")?,
            MismatchKind::Deserialize { .. } => {
                f.write_str(": a value does not fit the Rust type")?;
            }
            MismatchKind::Schema | MismatchKind::Content => {
                let places: Vec<String> = self
                    .violations
                    .iter()
                    .take(3)
                    .map(|violation| {
                        let path = if violation.instance_path.is_empty() {
                            "/"
                        } else {
                            violation.instance_path.as_str()
                        };
                        format!("{path} ({})", violation.keyword)
                    })
                    .collect();
                write!(f, ": invalid at {}", places.join(", "))?;
                if self.violations.len() > 3 {
                    write!(f, " and {} more", self.violations.len() - 3)?;
                }
            }
        }
        if self.stop_reason == StopReason::MaxTokens {
            f.write_str("; the reply was cut at the output limit, so raise max_output_tokens")?;
        }
        Ok(())
    }
}

/// Keeps at most [`MAX_RAW_TEXT`] bytes, cut on a character boundary.
fn truncate(text: &str) -> String {
    if text.len() <= MAX_RAW_TEXT {
        return text.to_owned();
    }
    let mut end = MAX_RAW_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mismatch(violations: Vec<Violation>) -> SchemaMismatch {
        SchemaMismatch::new(
            "answer",
            MismatchKind::Schema,
            violations,
            "{\"secret\": \"Dana's salary\"}",
            StopReason::EndTurn,
        )
    }

    #[test]
    fn display_names_places_not_values() {
        let error = mismatch(vec![Violation::new(
            "/secret",
            "additionalProperties",
            "\"Dana's salary\" is not allowed",
        )])
        .with_attempts(2);
        let shown = error.to_string();
        assert_eq!(
            shown,
            "reply does not match schema `answer` after 2 attempts: invalid at /secret (additionalProperties)"
        );
        assert!(!shown.contains("salary"));
        assert!(error.raw_text().contains("salary"));
    }

    #[test]
    fn display_counts_extra_violations() {
        let violations = (0..5)
            .map(|index| Violation::new(format!("/items/{index}"), "type", "wrong type"))
            .collect();
        assert!(mismatch(violations).to_string().ends_with("and 2 more"));
    }

    #[test]
    fn feedback_quotes_messages() {
        let error = mismatch(vec![Violation::new(
            "",
            "required",
            "\"answer\" is missing",
        )]);
        assert_eq!(
            error.feedback(),
            "The reply breaks the schema:\n- at the document: \"answer\" is missing"
        );
    }

    #[test]
    fn raw_text_is_capped() {
        let long = "é".repeat(MAX_RAW_TEXT);
        let error = SchemaMismatch::new(
            "s",
            MismatchKind::NotJson {
                message: "eof".into(),
            },
            Vec::new(),
            &long,
            StopReason::MaxTokens,
        );
        assert!(error.raw_text().len() <= MAX_RAW_TEXT);
        assert!(error.to_string().contains("raise max_output_tokens"));
    }
}
