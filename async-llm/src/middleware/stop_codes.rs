//! Stable snake-case codes for stop reasons, used in recordings and traces.

use crate::StopReason;

/// Names a stop reason with a stable snake-case code.
pub(crate) fn stop_reason_code(reason: &StopReason) -> String {
    let code = match reason {
        StopReason::EndTurn => "end_turn",
        StopReason::MaxTokens => "max_tokens",
        StopReason::StopSequence => "stop_sequence",
        StopReason::ToolUse => "tool_use",
        StopReason::Refusal => "refusal",
        StopReason::PauseTurn => "pause_turn",
        StopReason::ContextWindowExceeded => "context_window_exceeded",
        StopReason::Rendered => "rendered",
        StopReason::ContentFiltered => "content_filtered",
        StopReason::Other(other) => return format!("other:{other}"),
    };
    code.to_owned()
}

/// Reads a code written by [`stop_reason_code`].
pub(crate) fn stop_reason_from_code(code: &str) -> StopReason {
    match code {
        "end_turn" => StopReason::EndTurn,
        "max_tokens" => StopReason::MaxTokens,
        "stop_sequence" => StopReason::StopSequence,
        "tool_use" => StopReason::ToolUse,
        "refusal" => StopReason::Refusal,
        "pause_turn" => StopReason::PauseTurn,
        "context_window_exceeded" => StopReason::ContextWindowExceeded,
        "rendered" => StopReason::Rendered,
        "content_filtered" => StopReason::ContentFiltered,
        other => StopReason::Other(other.strip_prefix("other:").unwrap_or(other).to_owned()),
    }
}

/// Names a stop reason for `gen_ai.response.finish_reasons`: the code, or the provider's
/// own value for a reason this crate does not know.
pub(crate) fn finish_reason(reason: &StopReason) -> String {
    match reason {
        StopReason::Other(other) => other.clone(),
        known => stop_reason_code(known),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_reasons_round_trip() {
        let reasons = [
            StopReason::EndTurn,
            StopReason::MaxTokens,
            StopReason::StopSequence,
            StopReason::ToolUse,
            StopReason::Refusal,
            StopReason::PauseTurn,
            StopReason::ContextWindowExceeded,
            StopReason::Rendered,
            StopReason::ContentFiltered,
            StopReason::Other("end_turn".to_owned()),
            StopReason::Other("eos_token".to_owned()),
        ];
        for reason in reasons {
            assert_eq!(stop_reason_from_code(&stop_reason_code(&reason)), reason);
        }
    }
}
