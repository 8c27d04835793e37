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
