//! The provider-neutral model trait.

use std::sync::Arc;

use async_trait::async_trait;

use crate::{CompletionRequest, CompletionResponse, Error, ModelInfo};

/// A language model that completes provider-neutral requests.
///
/// The trait is object-safe, so a service can pick a provider from configuration and hold
/// it as `Arc<dyn LanguageModel>`. Blanket implementations for `&T`, `Arc<T>` and `Box<T>`
/// let wrappers take any of them by value.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use async_llm::{LanguageModel, OfflineModel};
///
/// let model: Arc<dyn LanguageModel> = Arc::new(OfflineModel::new());
/// assert!(!model.describe().needs_network);
/// ```
#[async_trait]
pub trait LanguageModel: Send + Sync {
    /// Completes one request.
    ///
    /// # Errors
    ///
    /// Returns an [`Error`] classifying the failure: rate limits, overload, authentication,
    /// invalid or too-long requests, provider failures, undecodable responses and
    /// transport failures.
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error>;

    /// Describes the model: provider, model id, context window and network use.
    fn describe(&self) -> ModelInfo;
}

#[async_trait]
impl<T: LanguageModel + ?Sized> LanguageModel for &T {
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        (**self).complete(request).await
    }

    fn describe(&self) -> ModelInfo {
        (**self).describe()
    }
}

#[async_trait]
impl<T: LanguageModel + ?Sized> LanguageModel for Arc<T> {
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        (**self).complete(request).await
    }

    fn describe(&self) -> ModelInfo {
        (**self).describe()
    }
}

#[async_trait]
impl<T: LanguageModel + ?Sized> LanguageModel for Box<T> {
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        (**self).complete(request).await
    }

    fn describe(&self) -> ModelInfo {
        (**self).describe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FactSheet, Message, OfflineModel};

    #[derive(Debug)]
    struct Line;

    impl FactSheet for Line {
        fn render_markdown(&self) -> String {
            "- PAY-1".to_owned()
        }
    }

    /// Completes through a generic bound, as middleware does.
    async fn complete_with(model: impl LanguageModel) -> String {
        let request =
            CompletionRequest::new(vec![Message::user("x")], 8).with_facts(Arc::new(Line));
        model
            .complete(&request)
            .await
            .expect("facts attached")
            .text()
    }

    #[tokio::test]
    async fn wrappers_delegate_to_model() {
        let model = OfflineModel::new();
        let shared: Arc<dyn LanguageModel> = Arc::new(OfflineModel::new());
        let boxed: Box<dyn LanguageModel> = Box::new(OfflineModel::new());

        assert_eq!(complete_with(&model).await, "- PAY-1");
        assert_eq!(complete_with(Arc::clone(&shared)).await, "- PAY-1");
        assert_eq!(complete_with(boxed).await, "- PAY-1");
        assert_eq!(shared.describe(), model.describe());
    }
}
