//! `chat.postMessage`: posting a message, for example a generated standup.
//!
//! Needs `chat:write`, and the bot must be a member of the channel (otherwise Slack
//! returns `not_in_channel`).

use serde::{Deserialize, Serialize};

use super::client::SlackClient;
use crate::error::Error;

/// A message to post with [`SlackClient::post_message`].
///
/// The message is always sent with `mrkdwn: true`. When `blocks` are set, `text` is still
/// sent because Slack shows it in notifications.
///
/// # Examples
///
/// ```
/// use async_connectors::slack::PostMessage;
///
/// let message = PostMessage::new("C0123ABC", "Standup is ready")
///     .thread_ts("1700000000.000100");
/// assert_eq!(message.channel(), "C0123ABC");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[must_use]
pub struct PostMessage {
    channel: String,
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    blocks: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thread_ts: Option<String>,
    mrkdwn: bool,
}

impl PostMessage {
    /// Creates a message with its channel id and text (also the notification fallback).
    pub fn new(channel: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            channel: channel.into(),
            text: text.into(),
            blocks: None,
            thread_ts: None,
            mrkdwn: true,
        }
    }

    /// Returns the channel id.
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// Sets Block Kit blocks, passed through as raw JSON (a JSON array of at most 50
    /// blocks).
    pub fn blocks(mut self, blocks: serde_json::Value) -> Self {
        self.blocks = Some(blocks);
        self
    }

    /// Posts as a reply in the thread whose first message has this `ts`.
    pub fn thread_ts(mut self, ts: impl Into<String>) -> Self {
        self.thread_ts = Some(ts.into());
        self
    }
}

/// The channel and `ts` of a message Slack posted.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct PostedMessage {
    /// The channel id the message was posted in.
    pub channel: String,
    /// The new message's `ts`, its id within the channel.
    pub ts: String,
}

impl SlackClient {
    /// Posts a message with `chat.postMessage`.
    ///
    /// The request is marked non-idempotent, so the HTTP client does not retry it on a 5xx
    /// or a timeout, because the message may already have been posted. A caller that
    /// retries must accept a possible duplicate.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Api`] when Slack rejects the message (`not_in_channel`,
    /// `channel_not_found`, `invalid_blocks`, `rate_limited`, ...), [`Error::Decode`] when
    /// the body is not the expected JSON, and [`Error::Core`] when the request cannot be
    /// sent.
    pub async fn post_message(&self, message: &PostMessage) -> Result<PostedMessage, Error> {
        // serde_json fails only on maps with non-string keys, which a `serde_json::Value`
        // cannot contain, but the error is still mapped instead of unwrapped.
        let body = serde_json::to_vec(message).map_err(|error| Error::Config {
            what: "Slack message",
            reason: format!("it could not be serialized as JSON: {error}"),
        })?;

        self.post_json("chat.postMessage", body).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_message_serializes_only_set_fields() {
        let message = PostMessage::new("C1", "hi");

        let json = serde_json::to_value(&message).expect("serializable");

        assert_eq!(
            json,
            serde_json::json!({"channel": "C1", "text": "hi", "mrkdwn": true})
        );
    }
}
