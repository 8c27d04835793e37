//! Reading a stream up to its first text, so a failure before it can be retried.

use futures::StreamExt;

use crate::{CompletionStream, Error, StreamEvent};

/// A stream read up to its first text or its end.
pub(crate) enum Prefetched {
    /// The stream delivered text or completed: the events read so far, then the rest.
    Started {
        /// The events read, in order, ending with the first text or the completion.
        seen: Vec<Result<StreamEvent, Error>>,
        /// The unread remainder.
        rest: CompletionStream,
    },
    /// The stream failed, or ended without completing, before any text.
    Failed(Error),
}

/// Reads `stream` until its first text delta or its completed response.
///
/// Usage and stop events before that are kept and replayed. An error before it is
/// returned as [`Prefetched::Failed`], so a wrapper may start over before the caller has
/// seen anything.
pub(crate) async fn prefetch(mut stream: CompletionStream) -> Prefetched {
    let mut seen = Vec::new();
    loop {
        match stream.next().await {
            Some(Ok(event)) => {
                let started =
                    matches!(event, StreamEvent::TextDelta(_) | StreamEvent::Completed(_));
                seen.push(Ok(event));
                if started {
                    return Prefetched::Started { seen, rest: stream };
                }
            }
            Some(Err(error)) => return Prefetched::Failed(error),
            None => {
                // Let the caller see the stream's own end: an empty stream is not retried
                // because the provider gave no error to classify.
                return Prefetched::Started { seen, rest: stream };
            }
        }
    }
}
