//! A server-sent-events decoder shared by every provider.
//!
//! [`SseDecoder`] is fed the body's bytes as they arrive, in reads of any size, and
//! returns each complete event. It follows the HTML event-stream format:
//!
//! - lines end with CR, LF or CRLF, and a blank line ends an event;
//! - `data:` lines are joined with `\n`, and `event:` names the event;
//! - a line starting with `:` is a comment;
//! - `id:` and `retry:` are read and ignored, so a block without `data:` dispatches
//!   nothing;
//! - one leading space after the colon is dropped, and a byte-order mark at the start is
//!   skipped.
//!
//! Provider conventions (`[DONE]`, error objects inside `data:`) are left to the
//! providers.
//!
//! # Why not a crate
//!
//! `eventsource-stream`, the usual choice, was last released in 2022 and only decodes an
//! async `Stream`. This decoder is synchronous and push-based, so it is fuzzed with
//! property tests and benchmarked without a runtime. It holds the unfinished line as
//! bytes, so a UTF-8 character split across reads is decoded only once whole, and it
//! remembers a CR that ended one read, so an LF starting the next read does not count as
//! a second (blank) line, which would end the event early.

use std::mem;

/// The maximum bytes an unfinished event may buffer (its pending line plus its joined
/// `data:` lines) before a stream reader should give up on it.
///
/// Provider events are a few kilobytes; a body that sends megabytes without ending an
/// event is broken or hostile, and without a cap the buffer would grow for as long as
/// bytes keep arriving within the idle timeout.
pub const MAX_PENDING_EVENT_BYTES: usize = 4 * 1024 * 1024;

/// One decoded event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseEvent {
    /// The event name from the `event:` field, when one was sent (Anthropic names every
    /// event; OpenAI and Gemini name none).
    pub event: Option<String>,
    /// The `data:` lines joined with `\n`.
    pub data: String,
}

impl SseEvent {
    /// Returns whether the data is OpenAI's end marker `[DONE]`.
    pub fn is_done_marker(&self) -> bool {
        self.data.trim() == "[DONE]"
    }
}

/// An incremental event-stream decoder.
///
/// # Examples
///
/// ```
/// use async_llm::sse::SseDecoder;
///
/// let mut decoder = SseDecoder::new();
/// let mut events = decoder.push(b"event: ping\r\ndata: {\"a\":");
/// assert!(events.is_empty(), "the event is not finished yet");
/// events = decoder.push(b"1}\r\n\r\n: comment\n\ndata: [DONE]\n\n");
/// assert_eq!(events.len(), 2);
/// assert_eq!(events[0].event.as_deref(), Some("ping"));
/// assert_eq!(events[0].data, "{\"a\":1}");
/// assert!(events[1].is_done_marker());
/// ```
#[derive(Debug, Default)]
pub struct SseDecoder {
    /// The bytes of the line not yet ended.
    line: Vec<u8>,
    /// Whether the last byte seen was a CR, so an LF right after it is part of that line
    /// end.
    after_cr: bool,
    /// Whether the first line is still to come, for the byte-order mark.
    at_start: bool,
    /// The event name of the event being built.
    event: Option<String>,
    /// The data of the event being built, each line followed by `\n`.
    data: String,
    /// Whether the event being built had any `data:` line.
    has_data: bool,
}

impl SseDecoder {
    /// Creates a decoder at the start of a stream.
    pub fn new() -> Self {
        Self {
            at_start: true,
            ..Self::default()
        }
    }

    /// Decodes another read of the body and returns the events it completed.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        let mut events = Vec::new();
        self.push_into(bytes, &mut events);
        events
    }

    /// Decodes another read of the body, appending the events it completed to `events`.
    pub fn push_into(&mut self, mut bytes: &[u8], events: &mut Vec<SseEvent>) {
        // An empty read must keep a pending CR pending, or an LF in the next read would
        // end a second line.
        if bytes.is_empty() {
            return;
        }
        if self.after_cr && bytes.first() == Some(&b'\n') {
            bytes = &bytes[1..];
        }
        self.after_cr = false;

        while let Some(end) = bytes
            .iter()
            .position(|&byte| byte == b'\n' || byte == b'\r')
        {
            // A line that lies whole in this read is decoded in place, without a copy.
            if self.line.is_empty() {
                self.take_line(&bytes[..end], events);
            } else {
                self.line.extend_from_slice(&bytes[..end]);
                let line = mem::take(&mut self.line);
                self.take_line(&line, events);
                self.line = line;
                self.line.clear();
            }

            let crlf = bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n');
            if bytes[end] == b'\r' && end + 1 == bytes.len() {
                self.after_cr = true;
            }
            bytes = &bytes[end + if crlf { 2 } else { 1 }..];
        }
        self.line.extend_from_slice(bytes);
    }

    /// Returns whether bytes of an unfinished line or event are buffered, which at the
    /// end of the body means the stream was cut.
    pub fn has_pending(&self) -> bool {
        !self.line.is_empty() || self.has_data
    }

    /// Returns how many bytes the unfinished line and event hold, for comparing with
    /// [`MAX_PENDING_EVENT_BYTES`].
    ///
    /// ```
    /// use async_llm::sse::SseDecoder;
    ///
    /// let mut decoder = SseDecoder::new();
    /// decoder.push(b"data: abc\ndata: d");
    /// assert_eq!(decoder.pending_bytes(), 11);
    /// ```
    pub fn pending_bytes(&self) -> usize {
        self.line.len() + self.data.len()
    }

    fn take_line(&mut self, line: &[u8], events: &mut Vec<SseEvent>) {
        let mut line = String::from_utf8_lossy(line);
        if mem::take(&mut self.at_start)
            && let Some(rest) = line.strip_prefix('\u{feff}')
        {
            line = rest.to_owned().into();
        }

        if line.is_empty() {
            self.dispatch(events);
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "event" => self.event = Some(value.to_owned()),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
                self.has_data = true;
            }
            // `id` and `retry` steer browser reconnection, which model APIs do not use.
            _ => {}
        }
    }

    fn dispatch(&mut self, events: &mut Vec<SseEvent>) {
        let event = self.event.take();
        if !mem::take(&mut self.has_data) {
            return;
        }
        let mut data = mem::take(&mut self.data);
        data.pop();
        events.push(SseEvent { event, data });
    }
}

#[cfg(test)]
mod tests;
