//! The provider-neutral model trait.

use std::sync::Arc;

use async_trait::async_trait;

use crate::{CompletionRequest, CompletionResponse, CompletionStream, Error, ModelInfo};

/// A language model that completes provider-neutral requests, whole or streamed.
///
/// Only [`complete`](LanguageModel::complete) and [`describe`](LanguageModel::describe)
/// are required. [`stream`](LanguageModel::stream) has a default that completes the
/// request and replays the response as one text delta, so the offline model and wrappers
/// stream without extra code; the network providers stream for real.
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

    /// Streams one request: text deltas as they arrive, running usage totals, the stop
    /// reason and finally the whole response.
    ///
    /// The returned stream owns what it needs, so it may outlive `self` and `request`.
    ///
    /// # Errors
    ///
    /// Returns the same errors as [`complete`](LanguageModel::complete) when the stream
    /// cannot start. A failure after the stream started arrives as the stream's item,
    /// as [`Error::StreamInterrupted`] with the text received so far once text arrived.
    async fn stream(&self, request: &CompletionRequest) -> Result<CompletionStream, Error> {
        let response = self.complete(request).await?;
        Ok(CompletionStream::from_response(response))
    }

    /// Describes the model: provider, model id, context window and network use.
    fn describe(&self) -> ModelInfo;
}

#[async_trait]
impl<T: LanguageModel + ?Sized> LanguageModel for &T {
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        (**self).complete(request).await
    }

    async fn stream(&self, request: &CompletionRequest) -> Result<CompletionStream, Error> {
        (**self).stream(request).await
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

    async fn stream(&self, request: &CompletionRequest) -> Result<CompletionStream, Error> {
        (**self).stream(request).await
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

    async fn stream(&self, request: &CompletionRequest) -> Result<CompletionStream, Error> {
        (**self).stream(request).await
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

    /// Records whether `stream` reached the model itself or the default.
    #[derive(Debug)]
    struct Streaming;

    #[async_trait]
    impl LanguageModel for Streaming {
        async fn complete(&self, _: &CompletionRequest) -> Result<CompletionResponse, Error> {
            Err(Error::InvalidConfig("complete called".into()))
        }

        async fn stream(&self, _: &CompletionRequest) -> Result<CompletionStream, Error> {
            let response =
                crate::CompletionResponse::new(Vec::new(), crate::StopReason::EndTurn, "own");
            Ok(CompletionStream::from_response(response))
        }

        fn describe(&self) -> ModelInfo {
            ModelInfo::new("test", "own")
        }
    }

    async fn stream_model(model: impl LanguageModel) -> String {
        let request = CompletionRequest::new(vec![Message::user("x")], 8);
        let stream = model.stream(&request).await.expect("stream starts");
        stream.into_response().await.expect("completes").model
    }

    #[tokio::test]
    async fn wrappers_forward_stream() {
        assert_eq!(stream_model(&Streaming).await, "own");
        assert_eq!(stream_model(Arc::new(Streaming)).await, "own");
        let boxed: Box<dyn LanguageModel> = Box::new(Streaming);
        assert_eq!(stream_model(boxed).await, "own");
    }

    #[tokio::test]
    async fn default_stream_replays_complete() {
        let request =
            CompletionRequest::new(vec![Message::user("x")], 8).with_facts(Arc::new(Line));
        let response = OfflineModel::new()
            .stream(&request)
            .await
            .expect("stream starts")
            .into_response()
            .await
            .expect("completes");
        assert_eq!(response.text(), "- PAY-1");
    }
}
