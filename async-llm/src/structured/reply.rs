//! Reading the JSON document out of a model's reply text.

/// Returns the JSON document of a reply: the trimmed text, or the body of one code fence
/// that wraps the whole reply.
///
/// Models asked for bare JSON through the prompt alone (OpenAI-compatible servers without
/// `response_format`, older models) often wrap it in a Markdown fence anyway. A fence that
/// encloses the entire reply is unambiguous, so its body is read. Text before or after the
/// fence is not: a reply with prose around the JSON is left as it is and fails to parse,
/// because guessing which part of it is the answer could accept the wrong object.
pub(crate) fn json_body(reply: &str) -> &str {
    let trimmed = reply.trim();
    fenced_body(trimmed).unwrap_or(trimmed)
}

/// Returns the body of a fence opening with three backticks (and an optional `json`
/// info string) and closing with three backticks, when the fence is the whole text.
fn fenced_body(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("```")?;
    let body = rest.strip_suffix("```")?;
    let (info, body) = body.split_once('\n')?;
    let info = info.trim();
    if !(info.is_empty() || info.eq_ignore_ascii_case("json")) {
        return None;
    }
    // A second fence inside means the reply holds several blocks, not one wrapped document.
    if body.contains("```") {
        return None;
    }
    Some(body.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_json_is_trimmed() {
        assert_eq!(json_body("  {\"a\": 1}\n"), "{\"a\": 1}");
    }

    #[test]
    fn whole_reply_fence_is_unwrapped() {
        assert_eq!(json_body("```json\n{\"a\": 1}\n```"), "{\"a\": 1}");
        assert_eq!(json_body("```JSON\n{\"a\": 1}\n```\n"), "{\"a\": 1}");
        assert_eq!(json_body("```\n[1, 2]\n```"), "[1, 2]");
    }

    #[test]
    fn fence_with_prose_is_kept() {
        let reply = "Here it is:\n```json\n{\"a\": 1}\n```";
        assert_eq!(json_body(reply), reply);
    }

    #[test]
    fn other_language_fence_is_kept() {
        let reply = "```yaml\na: 1\n```";
        assert_eq!(json_body(reply), reply);
    }

    #[test]
    fn two_fences_are_kept() {
        let reply = "```json\n{\"a\": 1}\n```\n```json\n{\"a\": 2}\n```";
        assert_eq!(json_body(reply), reply);
    }
}
