//! Token estimates made before a request is sent.

use crate::CompletionRequest;

/// The characters per token the estimate assumes.
///
/// NOTE: an estimate, because English text averages about four characters per token in
/// common tokenizers. Code, non-Latin scripts and numbers take more tokens per character,
/// so a budget or rate limit built on it should keep a margin.
const CHARS_PER_TOKEN: u64 = 4;

/// Tokens added per message for the role and separators the provider wraps it in.
const TOKENS_PER_MESSAGE: u64 = 4;

/// Estimates the input tokens of `request`: the characters of its system prompt, message
/// text and output schema divided by four, rounded up, plus a few tokens per message.
///
/// Middleware uses it to refuse or delay a request before sending it, when the
/// provider's own count is not known yet.
///
/// # Examples
///
/// ```
/// use async_llm::{CompletionRequest, Message};
/// use async_llm::middleware::estimate_input_tokens;
///
/// let request = CompletionRequest::new(vec![Message::user("12345678")], 16);
/// assert_eq!(estimate_input_tokens(&request), 2 + 4);
/// ```
pub fn estimate_input_tokens(request: &CompletionRequest) -> u64 {
    let system = request.system.as_deref().map_or(0, count_chars);
    let messages: u64 = request
        .messages
        .iter()
        .flat_map(|message| &message.content)
        .filter_map(|part| part.as_text())
        .map(count_chars)
        .sum();
    // Providers send the output schema along with the prompt, so it costs input tokens.
    let schema = request.output_schema.as_ref().map_or(0, |schema| {
        let description = schema.description.as_deref().map_or(0, count_chars);
        count_chars(&schema.name) + count_chars(&schema.schema.to_string()) + description
    });
    let overhead = TOKENS_PER_MESSAGE * request.messages.len() as u64;

    (system + messages + schema).div_ceil(CHARS_PER_TOKEN) + overhead
}

/// Estimates the most tokens `request` can use: its input estimate plus its output cap.
pub(crate) fn estimate_max_tokens(request: &CompletionRequest) -> u64 {
    estimate_input_tokens(request).saturating_add(u64::from(request.max_output_tokens))
}

fn count_chars(text: &str) -> u64 {
    text.chars().count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Message;

    #[test]
    fn estimate_counts_system_and_messages() {
        let request =
            CompletionRequest::new(vec![Message::user("abcd"), Message::assistant("é")], 100)
                .with_system("abc");
        assert_eq!(estimate_input_tokens(&request), 2 + 2 * TOKENS_PER_MESSAGE);
        assert_eq!(estimate_max_tokens(&request), 110);
    }

    #[test]
    fn estimate_counts_output_schema() {
        let plain = CompletionRequest::new(vec![Message::user("abcd")], 1);
        let schema = crate::OutputSchema::new("abcd", serde_json::json!({"type": "object"}));
        let with_schema = plain.clone().with_output_schema(schema);
        // The name adds 4 characters and the schema's JSON 17: 21 more, so 6 more tokens.
        assert_eq!(
            estimate_input_tokens(&with_schema),
            estimate_input_tokens(&plain) + 6
        );
    }
}
