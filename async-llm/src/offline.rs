//! The deterministic model that needs no network.

use async_trait::async_trait;

use crate::{
    CompletionRequest, CompletionResponse, ContentPart, Error, LanguageModel, ModelInfo,
    ProviderContext, StopReason,
};

/// The provider name the offline model reports.
const PROVIDER: &str = "offline";

/// The model id the offline model reports.
const MODEL: &str = "offline-renderer";

/// A deterministic model that writes from the request's structured facts, without a
/// network or an API key.
///
/// It answers a request by rendering the [`FactSheet`](crate::FactSheet) attached with
/// [`CompletionRequest::with_facts`]: as Markdown, or, when the request carries an
/// [`OutputSchema`](crate::OutputSchema), as the JSON of
/// [`FactSheet::render_json`](crate::FactSheet::render_json). The prompt text is not read.
/// The same request always gives the same answer, and the usage reports no tokens
/// because none were counted. This is the default model of every task, so the SDK works
/// end to end with no provider configured.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use async_llm::{CompletionRequest, FactSheet, LanguageModel, Message, OfflineModel};
///
/// #[derive(Debug)]
/// struct Note(&'static str);
///
/// impl FactSheet for Note {
///     fn render_markdown(&self) -> String {
///         format!("- {}", self.0)
///     }
/// }
///
/// # tokio_test_block_on(async {
/// let request = CompletionRequest::new(vec![Message::user("Write the note.")], 64)
///     .with_facts(Arc::new(Note("PAY-12 merged")));
/// let response = OfflineModel::new().complete(&request).await?;
/// assert_eq!(response.text(), "- PAY-12 merged");
/// # Ok::<(), async_llm::Error>(())
/// # });
/// # fn tokio_test_block_on<F: std::future::Future>(future: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(future)
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineModel {
    _private: (),
}

impl OfflineModel {
    /// Creates the offline model.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl LanguageModel for OfflineModel {
    /// Renders the request's attached facts.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidRequest`] when the request carries no facts, because the
    /// offline model does not interpret free text, or when it asks for an output schema
    /// and the facts have no JSON form.
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        let Some(facts) = &request.facts else {
            let context = ProviderContext::new(PROVIDER, "complete").with_provider_error(
                Some("missing_facts".to_owned()),
                Some(
                    "the offline model writes only from structured facts; \
                     attach them with CompletionRequest::with_facts"
                        .to_owned(),
                ),
            );
            return Err(Error::InvalidRequest {
                context: Box::new(context),
            });
        };

        let text = match &request.output_schema {
            None => facts.render_markdown(),
            Some(schema) => render_json(facts.as_ref(), &schema.name)?,
        };
        Ok(CompletionResponse::new(
            vec![ContentPart::Text(text)],
            StopReason::Rendered,
            MODEL,
        ))
    }

    fn describe(&self) -> ModelInfo {
        ModelInfo::new(PROVIDER, MODEL).with_network(false)
    }
}

/// Writes the facts' JSON form for a request that asked for schema `schema`.
fn render_json(facts: &dyn crate::FactSheet, schema: &str) -> Result<String, Error> {
    let Some(json) = facts.render_json() else {
        let context = ProviderContext::new(PROVIDER, "complete").with_provider_error(
            Some("no_json_facts".to_owned()),
            Some(format!(
                "the request asks for output schema `{schema}`, but its facts cannot \
                 render JSON; implement FactSheet::render_json for them"
            )),
        );
        return Err(Error::InvalidRequest {
            context: Box::new(context),
        });
    };
    Ok(json.to_string())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::{FactSheet, Message};

    #[derive(Debug)]
    struct Fixed;

    impl FactSheet for Fixed {
        fn render_markdown(&self) -> String {
            "**Done**\n- PAY-1".to_owned()
        }
    }

    #[tokio::test]
    async fn offline_renders_attached_facts() {
        let request =
            CompletionRequest::new(vec![Message::user("ignored")], 10).with_facts(Arc::new(Fixed));
        let response = OfflineModel::new()
            .complete(&request)
            .await
            .expect("facts attached");
        assert_eq!(response.text(), "**Done**\n- PAY-1");
        assert_eq!(response.stop_reason, StopReason::Rendered);
        assert!(response.usage.is_empty());
    }

    #[tokio::test]
    async fn offline_without_facts_is_invalid() {
        let request = CompletionRequest::new(vec![Message::user("hello")], 10);
        let error = OfflineModel::new()
            .complete(&request)
            .await
            .expect_err("no facts");
        assert!(matches!(error, Error::InvalidRequest { .. }));
        assert!(!error.is_retryable());
    }

    #[test]
    fn offline_needs_no_network() {
        let info = OfflineModel::new().describe();
        assert_eq!(info.provider, "offline");
        assert!(!info.needs_network);
    }
}
