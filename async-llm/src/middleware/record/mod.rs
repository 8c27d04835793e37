//! Recording exchanges to files and replaying them offline.
//!
//! Each exchange is one pretty-printed JSON file, `<dir>/<hash>.json`, named by the
//! SHA-256 of the scrubbed request (system prompt, messages, output cap, temperature,
//! stop sequences, metadata and output schema). One file per exchange keeps concurrent
//! recordings apart and diffs small. An exchange contains no HTTP headers, so API keys and
//! authorization headers never reach it. Everything written also passes through a
//! [`Scrubber`], which catches keys, tokens, e-mail addresses and listed names pasted
//! into prompts or replies.
//!
//! A classified provider error (rate limited, overloaded, server error, ...) is recorded
//! too, but only in [`RecordMode::Record`], so that [`RecordMode::ReplayOrRecord`] never
//! keeps replaying a passing failure. Replaying it rebuilds the error with its status,
//! request id and retry delay, so retry and fallback paths run offline.
//!
//! NOTE: an error that arrives inside a stream after it started is not recorded; only
//! the failure to start one is.

mod exchange;
mod failure;
mod scrub;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use futures::StreamExt;

use self::exchange::{Exchange, FORMAT, RecordedRequest, RecordedResponse};
use self::failure::RecordedError;
pub use self::scrub::Scrubber;
use crate::{
    CompletionRequest, CompletionResponse, CompletionStream, Error, LanguageModel, ModelInfo,
    StreamEvent,
};

/// When [`Record`] calls its model and when it reads a recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RecordMode {
    /// Always call the model and write (or overwrite) the recording.
    Record,
    /// Replay a recording when one exists; otherwise call the model and record.
    #[default]
    ReplayOrRecord,
    /// Only replay; a request without a recording fails and the model is never called.
    Replay,
}

/// A directory of recorded exchanges with the scrubber applied to what it stores.
#[derive(Clone)]
struct Cassette {
    dir: Arc<PathBuf>,
    scrubber: Arc<Scrubber>,
}

impl fmt::Debug for Cassette {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cassette")
            .field("dir", &self.dir)
            .field("scrubber", &self.scrubber)
            .finish()
    }
}

impl Cassette {
    fn path(&self, hash: &str) -> PathBuf {
        self.dir.join(format!("{hash}.json"))
    }

    /// Reads the recording of `request`, or `None` when there is none.
    async fn load(&self, request: &RecordedRequest) -> Result<Option<Exchange>, Error> {
        let path = self.path(&request.hash());
        let text = match blocking(move || std::fs::read_to_string(&path)).await {
            Ok(text) => text,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(self.io_error("read", &request.hash(), &error)),
        };

        let exchange: Exchange = serde_json::from_str(&text).map_err(|error| {
            Error::InvalidConfig(format!(
                "recording {} is not a valid exchange ({error}); delete it and record again",
                self.path(&request.hash()).display()
            ))
        })?;
        if exchange.format != FORMAT {
            return Err(Error::InvalidConfig(format!(
                "recording {} has format {} but this version reads {FORMAT}; record it again",
                self.path(&request.hash()).display(),
                exchange.format
            )));
        }
        Ok(Some(exchange))
    }

    /// Writes `exchange`, replacing any older recording atomically.
    async fn store(&self, exchange: &Exchange) -> Result<(), Error> {
        // Serializing plain strings, numbers and maps cannot fail.
        let mut json = serde_json::to_string_pretty(exchange).unwrap_or_default();
        json.push('\n');
        let dir = Arc::clone(&self.dir);
        let path = self.path(&exchange.request_hash);
        let temporary = path.with_extension("json.tmp");

        let written = blocking(move || {
            std::fs::create_dir_all(dir.as_path())?;
            std::fs::write(&temporary, json)?;
            std::fs::rename(&temporary, &path)
        })
        .await;
        written.map_err(|error| self.io_error("write", &exchange.request_hash, &error))
    }

    /// Returns the recorded outcome of `request`, or `None` when there is no recording.
    async fn replay(
        &self,
        request: &RecordedRequest,
    ) -> Result<Option<Result<CompletionResponse, Error>>, Error> {
        let Some(exchange) = self.load(request).await? else {
            return Ok(None);
        };
        let outcome = exchange.outcome().ok_or_else(|| {
            Error::InvalidConfig(format!(
                "recording {} has neither a response nor an error this version can rebuild; \
                 record it again",
                self.path(&exchange.request_hash).display()
            ))
        })?;
        Ok(Some(outcome))
    }

    /// Records a classified provider error; other errors and write failures are only
    /// logged, because the caller needs the original error.
    async fn store_error(&self, model: &ModelInfo, request: RecordedRequest, error: &Error) {
        let Some(recorded) = RecordedError::new(error, &self.scrubber) else {
            return;
        };
        let exchange = Exchange::failure(model, request, recorded);
        if let Err(write_error) = self.store(&exchange).await {
            tracing::debug!(error = %write_error, "could not record the failed call");
        }
    }

    fn missing(&self, hash: &str) -> Error {
        Error::InvalidConfig(format!(
            "no recorded exchange {} for this request; record it with RecordMode::Record or \
             RecordMode::ReplayOrRecord",
            self.path(hash).display()
        ))
    }

    fn io_error(&self, action: &str, hash: &str, error: &io::Error) -> Error {
        Error::InvalidConfig(format!(
            "could not {action} recording {}: {error}",
            self.path(hash).display()
        ))
    }
}

/// Runs blocking file work off the async worker threads.
async fn blocking<T, F>(work: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|join| Err(io::Error::other(join)))
}

/// Records a model's exchanges to files, and replays them, scrubbed.
///
/// # Examples
///
/// ```no_run
/// use async_llm::middleware::{Record, RecordMode, Scrubber};
/// use async_llm::OfflineModel;
///
/// let scrubber = Scrubber::new().with_names(["Dana Scully"])?;
/// let model = Record::new(OfflineModel::new(), "tests/recordings", scrubber)
///     .mode(RecordMode::Record);
/// # let _ = model;
/// # Ok::<(), async_llm::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Record<M> {
    inner: M,
    cassette: Cassette,
    mode: RecordMode,
}

impl<M: LanguageModel> Record<M> {
    /// Wraps `inner`, storing exchanges in `dir` after `scrubber` cleaned them, in
    /// [`RecordMode::ReplayOrRecord`].
    pub fn new(inner: M, dir: impl Into<PathBuf>, scrubber: Scrubber) -> Self {
        let cassette = Cassette {
            dir: Arc::new(dir.into()),
            scrubber: Arc::new(scrubber),
        };
        Self {
            inner,
            cassette,
            mode: RecordMode::default(),
        }
    }

    /// Sets when the model is called and when a recording is read.
    #[must_use]
    pub fn mode(mut self, mode: RecordMode) -> Self {
        self.mode = mode;
        self
    }

    /// Returns the recording directory.
    pub fn dir(&self) -> &Path {
        &self.cassette.dir
    }

    /// Returns the wrapped model.
    pub fn inner(&self) -> &M {
        &self.inner
    }
}

#[async_trait]
impl<M: LanguageModel> LanguageModel for Record<M> {
    /// Replays or records the exchange, as the mode sets.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidConfig`] when a recording cannot be read or written, or in
    /// [`RecordMode::Replay`] when none exists, a replayed provider error, and the
    /// wrapped model's errors.
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        let recorded = RecordedRequest::new(request, &self.cassette.scrubber);
        if let Some(outcome) = self.replayed(&recorded).await? {
            return outcome;
        }

        let response = match self.inner.complete(request).await {
            Ok(response) => response,
            Err(error) => return Err(self.record_error(recorded, error).await),
        };
        let exchange = Exchange::success(
            &self.inner.describe(),
            recorded,
            RecordedResponse::new(&response, &self.cassette.scrubber),
        );
        self.cassette.store(&exchange).await?;
        Ok(response)
    }

    /// Replays the recorded response as a stream, or streams from the model and records
    /// the completed response when the stream completes.
    ///
    /// # Errors
    ///
    /// The same as [`complete`](LanguageModel::complete). A recording that cannot be
    /// written replaces the stream's completed response with the error.
    async fn stream(&self, request: &CompletionRequest) -> Result<CompletionStream, Error> {
        let recorded = RecordedRequest::new(request, &self.cassette.scrubber);
        if let Some(outcome) = self.replayed(&recorded).await? {
            return outcome.map(CompletionStream::from_response);
        }

        let stream = match self.inner.stream(request).await {
            Ok(stream) => stream,
            Err(error) => return Err(self.record_error(recorded, error).await),
        };
        let cassette = self.cassette.clone();
        let model = self.inner.describe();
        let mut pending = Some(recorded);
        let recording = stream.then(move |event| {
            let exchange = match (&event, pending.as_ref()) {
                (Ok(StreamEvent::Completed(response)), Some(_)) => pending.take().map(|request| {
                    let response = RecordedResponse::new(response, &cassette.scrubber);
                    Exchange::success(&model, request, response)
                }),
                _ => None,
            };
            let cassette = cassette.clone();
            async move {
                if let Some(exchange) = exchange {
                    cassette.store(&exchange).await?;
                }
                event
            }
        });
        Ok(CompletionStream::new(recording))
    }

    fn describe(&self) -> ModelInfo {
        self.inner.describe()
    }
}

impl<M: LanguageModel> Record<M> {
    /// Returns the recorded outcome when the mode replays and a recording exists.
    async fn replayed(
        &self,
        recorded: &RecordedRequest,
    ) -> Result<Option<Result<CompletionResponse, Error>>, Error> {
        if self.mode == RecordMode::Record {
            return Ok(None);
        }
        match self.cassette.replay(recorded).await? {
            Some(outcome) => Ok(Some(outcome)),
            None if self.mode == RecordMode::Replay => Err(self.cassette.missing(&recorded.hash())),
            None => Ok(None),
        }
    }

    /// Records `error` in [`RecordMode::Record`] and returns it.
    async fn record_error(&self, recorded: RecordedRequest, error: Error) -> Error {
        if self.mode == RecordMode::Record {
            self.cassette
                .store_error(&self.inner.describe(), recorded, &error)
                .await;
        }
        error
    }
}

/// A model that returns only recorded responses, for tests that run offline.
///
/// It hashes each request as [`Record`] does (after the same scrubbing) and returns the
/// recorded, scrubbed response.
///
/// # Examples
///
/// ```no_run
/// use async_llm::middleware::{Replay, Scrubber};
/// use async_llm::ModelInfo;
///
/// let model = Replay::new("tests/recordings", Scrubber::new())
///     .describing(ModelInfo::new("anthropic", "claude-sonnet-4-5"));
/// # let _ = model;
/// ```
#[derive(Debug, Clone)]
pub struct Replay {
    cassette: Cassette,
    info: ModelInfo,
}

impl Replay {
    /// Replays exchanges from `dir`, hashing requests after `scrubber` cleaned them; use
    /// the scrubber the recording was made with.
    pub fn new(dir: impl Into<PathBuf>, scrubber: Scrubber) -> Self {
        let cassette = Cassette {
            dir: Arc::new(dir.into()),
            scrubber: Arc::new(scrubber),
        };
        let info = ModelInfo::new("replay", "recorded").with_network(false);
        Self { cassette, info }
    }

    /// Sets what [`LanguageModel::describe`] reports, usually the recorded model.
    #[must_use]
    pub fn describing(mut self, info: ModelInfo) -> Self {
        self.info = info;
        self
    }
}

#[async_trait]
impl LanguageModel for Replay {
    /// Returns the recorded response to the request, or its recorded error.
    ///
    /// # Errors
    ///
    /// Returns the recorded provider error, and [`Error::InvalidConfig`] when no
    /// recording matches the request or it cannot be read.
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        let recorded = RecordedRequest::new(request, &self.cassette.scrubber);
        match self.cassette.replay(&recorded).await? {
            Some(outcome) => outcome,
            None => Err(self.cassette.missing(&recorded.hash())),
        }
    }

    fn describe(&self) -> ModelInfo {
        self.info.clone()
    }
}
