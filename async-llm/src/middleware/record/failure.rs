//! Recording classified provider errors and rebuilding them on replay.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Scrubber;
use crate::{Error, ProviderContext, RateLimitScope};

/// The operation name a replayed error reports.
const OPERATION: &str = "replay";

/// A classified provider error as recorded: its class, the HTTP status, the provider's
/// code, scrubbed message and request id, and the retry hints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RecordedError {
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    status: Option<u16>,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    retry_after_ms: Option<u64>,
    should_retry: Option<bool>,
}

impl RecordedError {
    /// Copies `error` when it is a classified provider error. Transport, decode, stream
    /// and configuration errors are not recorded, because they describe this process's
    /// run rather than the provider's reply.
    pub(crate) fn new(error: &Error, scrubber: &Scrubber) -> Option<Self> {
        let (kind, scope, reason) = classify(error)?;
        let context = error.context()?;
        let retry_after_ms = context
            .retry_after
            .map(|delay| u64::try_from(delay.as_millis()).unwrap_or(u64::MAX));

        Some(Self {
            kind: kind.to_owned(),
            scope: scope.map(str::to_owned),
            reason: reason.map(|reason| scrubber.scrub(reason)),
            status: context.status,
            code: context.code.clone(),
            message: context.message.as_deref().map(|text| scrubber.scrub(text)),
            request_id: context.request_id.clone(),
            retry_after_ms,
            should_retry: context.should_retry,
        })
    }

    /// Rebuilds the error for `provider`, or `None` for a class this version does not know.
    pub(crate) fn to_error(&self, provider: &str) -> Option<Error> {
        let mut context = ProviderContext::new(static_provider(provider), OPERATION)
            .with_request_id(self.request_id.clone())
            .with_provider_error(self.code.clone(), self.message.clone())
            .with_retry_after(self.retry_after_ms.map(Duration::from_millis));
        if let Some(status) = self.status {
            context = context.with_status(status);
        }
        context.should_retry = self.should_retry;
        let context = Box::new(context);

        let error = match self.kind.as_str() {
            "rate_limited" => Error::RateLimited {
                context,
                scope: scope_from_code(self.scope.as_deref()),
            },
            "overloaded" => Error::Overloaded { context },
            "quota_exhausted" => Error::QuotaExhausted { context },
            "authentication" => Error::Authentication { context },
            "permission_denied" => Error::PermissionDenied { context },
            "invalid_request" => Error::InvalidRequest { context },
            "context_too_long" => Error::ContextTooLong { context },
            "content_filtered" => Error::ContentFiltered {
                context,
                reason: self.reason.clone().unwrap_or_default(),
            },
            "server_error" => Error::Server { context },
            _ => return None,
        };
        Some(error)
    }
}

/// Returns the class, rate-limit scope and filter reason of a recordable error.
fn classify(error: &Error) -> Option<(&'static str, Option<&'static str>, Option<&str>)> {
    let classified = match error {
        Error::RateLimited { scope, .. } => ("rate_limited", Some(scope_code(*scope)), None),
        Error::Overloaded { .. } => ("overloaded", None, None),
        Error::QuotaExhausted { .. } => ("quota_exhausted", None, None),
        Error::Authentication { .. } => ("authentication", None, None),
        Error::PermissionDenied { .. } => ("permission_denied", None, None),
        Error::InvalidRequest { .. } => ("invalid_request", None, None),
        Error::ContextTooLong { .. } => ("context_too_long", None, None),
        Error::ContentFiltered { reason, .. } => ("content_filtered", None, Some(reason.as_str())),
        Error::Server { .. } => ("server_error", None, None),
        _ => return None,
    };
    Some(classified)
}

fn scope_code(scope: RateLimitScope) -> &'static str {
    match scope {
        RateLimitScope::Requests => "requests",
        RateLimitScope::Tokens => "tokens",
        RateLimitScope::InputTokens => "input_tokens",
        RateLimitScope::OutputTokens => "output_tokens",
        _ => "unknown",
    }
}

fn scope_from_code(code: Option<&str>) -> RateLimitScope {
    match code {
        Some("requests") => RateLimitScope::Requests,
        Some("tokens") => RateLimitScope::Tokens,
        Some("input_tokens") => RateLimitScope::InputTokens,
        Some("output_tokens") => RateLimitScope::OutputTokens,
        _ => RateLimitScope::Unknown,
    }
}

/// Maps a recorded provider name onto the static names errors carry; an unknown name
/// becomes `"replay"`.
fn static_provider(provider: &str) -> &'static str {
    match provider {
        "anthropic" => "anthropic",
        "openai" => "openai",
        "gemini" => "gemini",
        "offline" => "offline",
        _ => "replay",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(status: u16) -> Box<ProviderContext> {
        Box::new(
            ProviderContext::new("openai", "chat.completions")
                .with_status(status)
                .with_request_id(Some("req_9".to_owned()))
                .with_provider_error(
                    Some("rate_limit_exceeded".to_owned()),
                    Some("limit for dana@example.com reached".to_owned()),
                )
                .with_retry_after(Some(Duration::from_millis(1_500))),
        )
    }

    #[test]
    fn recorded_error_round_trips() {
        let error = Error::RateLimited {
            context: context(429),
            scope: RateLimitScope::InputTokens,
        };
        let recorded = RecordedError::new(&error, &Scrubber::new()).expect("recordable");
        let rebuilt = recorded.to_error("openai").expect("known class");

        assert!(matches!(
            rebuilt,
            Error::RateLimited {
                scope: RateLimitScope::InputTokens,
                ..
            }
        ));
        assert_eq!(rebuilt.status(), Some(429));
        assert_eq!(rebuilt.request_id(), Some("req_9"));
        assert_eq!(rebuilt.retry_after(), Some(Duration::from_millis(1_500)));
        assert_eq!(rebuilt.context().map(|c| c.provider), Some("openai"));
    }

    #[test]
    fn recorded_error_message_is_scrubbed() {
        let error = Error::Overloaded {
            context: context(529),
        };
        let recorded = RecordedError::new(&error, &Scrubber::new()).expect("recordable");
        let message = recorded.message.clone().expect("message kept");
        assert!(!message.contains("dana@example.com"));
        assert!(message.contains("<email>"));
    }

    #[test]
    fn local_errors_are_not_recorded() {
        let error = Error::InvalidConfig("bad".to_owned());
        assert_eq!(RecordedError::new(&error, &Scrubber::new()), None);
    }

    #[test]
    fn every_recordable_class_rebuilds() {
        let errors = [
            Error::Overloaded {
                context: context(529),
            },
            Error::QuotaExhausted {
                context: context(429),
            },
            Error::Authentication {
                context: context(401),
            },
            Error::PermissionDenied {
                context: context(403),
            },
            Error::InvalidRequest {
                context: context(400),
            },
            Error::ContextTooLong {
                context: context(400),
            },
            Error::ContentFiltered {
                context: context(400),
                reason: "SAFETY".to_owned(),
            },
            Error::Server {
                context: context(500),
            },
        ];
        for error in errors {
            let recorded = RecordedError::new(&error, &Scrubber::new()).expect("recordable");
            let rebuilt = recorded.to_error("anthropic").expect("known class");
            assert_eq!(
                std::mem::discriminant(&rebuilt),
                std::mem::discriminant(&error),
                "{error:?}"
            );
        }
    }
}
