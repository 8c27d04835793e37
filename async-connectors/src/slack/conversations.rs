//! `conversations.history` and `conversations.replies`: channel messages and threads.
//!
//! Both methods need `channels:history` for public channels and `groups:history` for
//! private ones, and both page by `response_metadata.next_cursor`.

use futures::Stream;
use serde::Deserialize;

use super::client::SlackClient;
use super::page::{Cursor, QueryPairs, next_cursor};
use crate::error::Error;
use crate::page::Page;

/// A message as `conversations.history` and `conversations.replies` return it.
///
/// Only `ts` is guaranteed. Bot messages carry `bot_id` and often no `user`. System events
/// (`channel_join`, `message_changed`, ...) carry a `subtype`, which is kept as a string so
/// that new subtypes never fail a listing. Fields the SDK does not use are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Message {
    /// The message's timestamp and its id within the channel (`"1700000000.000100"`).
    pub ts: String,
    /// The subtype (`bot_message`, `thread_broadcast`, ...); `None` for a plain message.
    #[serde(default)]
    pub subtype: Option<String>,
    /// The author's user id; absent on many bot messages.
    #[serde(default)]
    pub user: Option<String>,
    /// The bot's id when a bot or an app posted the message.
    #[serde(default)]
    pub bot_id: Option<String>,
    /// The text in Slack's markup; empty for messages that only carry blocks or files.
    #[serde(default)]
    pub text: String,
    /// The `ts` of the thread's first message; equal to `ts` on that first message.
    #[serde(default)]
    pub thread_ts: Option<String>,
    /// The number of replies, on a thread's first message.
    #[serde(default)]
    pub reply_count: Option<u32>,
    /// The `ts` of the newest reply, on a thread's first message.
    #[serde(default)]
    pub latest_reply: Option<String>,
    /// The user who started the thread, on replies.
    #[serde(default)]
    pub parent_user_id: Option<String>,
    /// The last edit: its author and time.
    #[serde(default)]
    pub edited: Option<Edited>,
    /// Files attached to the message.
    #[serde(default)]
    pub files: Vec<File>,
}

impl Message {
    /// Returns whether a bot or an app posted the message.
    pub fn is_bot(&self) -> bool {
        self.bot_id.is_some() || self.subtype.as_deref() == Some("bot_message")
    }

    /// Returns whether the message starts a thread that has replies.
    pub fn has_replies(&self) -> bool {
        let starts_thread = self.thread_ts.as_deref() == Some(self.ts.as_str());
        self.reply_count.unwrap_or(0) > 0 || starts_thread
    }
}

/// The last edit of a message.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Edited {
    /// The editor's user id.
    #[serde(default)]
    pub user: Option<String>,
    /// When the edit happened, as a Slack `ts`.
    pub ts: String,
}

/// A file attached to a message; only its identity and type are kept.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct File {
    /// The file id (`"F0123ABC"`).
    pub id: String,
    /// The file name, when Slack shares it.
    #[serde(default)]
    pub name: Option<String>,
    /// The MIME type, when Slack shares it.
    #[serde(default)]
    pub mimetype: Option<String>,
}

/// The response of both message listings.
#[derive(Debug, Deserialize)]
struct MessagesResponse {
    #[serde(default)]
    messages: Vec<Message>,
    #[serde(default)]
    response_metadata: Option<Cursor>,
}

/// The arguments of `conversations.history`.
///
/// # Examples
///
/// ```
/// use async_connectors::slack::HistoryRequest;
///
/// let request = HistoryRequest::new("C0123ABC")
///     .oldest("1700000000.000000")
///     .inclusive(true)
///     .limit(200);
/// assert_eq!(request.channel(), "C0123ABC");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct HistoryRequest {
    channel: String,
    oldest: Option<String>,
    latest: Option<String>,
    inclusive: Option<bool>,
    limit: Option<u32>,
    cursor: Option<String>,
}

impl HistoryRequest {
    /// Lists the top-level messages of a channel, newest first.
    pub fn new(channel: impl Into<String>) -> Self {
        Self {
            channel: channel.into(),
            oldest: None,
            latest: None,
            inclusive: None,
            limit: None,
            cursor: None,
        }
    }

    /// Returns the channel id.
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// Keeps only messages after this `ts` (see [`format_ts`](super::format_ts)).
    pub fn oldest(mut self, ts: impl Into<String>) -> Self {
        self.oldest = Some(ts.into());
        self
    }

    /// Keeps only messages before this `ts`; Slack's default is now.
    pub fn latest(mut self, ts: impl Into<String>) -> Self {
        self.latest = Some(ts.into());
        self
    }

    /// Includes messages whose `ts` equals `oldest` or `latest`.
    pub fn inclusive(mut self, inclusive: bool) -> Self {
        self.inclusive = Some(inclusive);
        self
    }

    /// Sets the page size: default 100 and maximum 999, but at most 15 for apps outside
    /// the Slack Marketplace.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Continues a listing from a page's `next` cursor.
    pub fn cursor(mut self, cursor: Option<String>) -> Self {
        self.cursor = cursor;
        self
    }

    fn query(&self) -> QueryPairs {
        let mut query = vec![("channel", self.channel.clone())];
        query.extend(self.oldest.clone().map(|ts| ("oldest", ts)));
        query.extend(self.latest.clone().map(|ts| ("latest", ts)));
        query.extend(self.inclusive.map(|flag| ("inclusive", flag.to_string())));
        query.extend(self.limit.map(|limit| ("limit", limit.to_string())));
        query.extend(self.cursor.clone().map(|cursor| ("cursor", cursor)));
        query
    }
}

/// The arguments of `conversations.replies`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct RepliesRequest {
    channel: String,
    ts: String,
    limit: Option<u32>,
    cursor: Option<String>,
}

impl RepliesRequest {
    /// Lists the replies of the thread that starts at `ts` in `channel`.
    pub fn new(channel: impl Into<String>, ts: impl Into<String>) -> Self {
        Self {
            channel: channel.into(),
            ts: ts.into(),
            limit: None,
            cursor: None,
        }
    }

    /// Sets the page size; the same Marketplace cap of 15 applies as for history.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Continues a listing from a page's `next` cursor.
    pub fn cursor(mut self, cursor: Option<String>) -> Self {
        self.cursor = cursor;
        self
    }

    fn query(&self) -> QueryPairs {
        let mut query = vec![("channel", self.channel.clone()), ("ts", self.ts.clone())];
        query.extend(self.limit.map(|limit| ("limit", limit.to_string())));
        query.extend(self.cursor.clone().map(|cursor| ("cursor", cursor)));
        query
    }
}

impl SlackClient {
    /// Fetches one page of `conversations.history`.
    ///
    /// Needs `channels:history` (public channels) or `groups:history` (private ones).
    /// Thread replies are not part of history; read them with
    /// [`conversations_replies`](Self::conversations_replies).
    ///
    /// # Errors
    ///
    /// Returns [`Error::Api`] when Slack reports an error (`not_in_channel`,
    /// `channel_not_found`, `missing_scope`, `ratelimited`, ...), [`Error::Decode`] when the
    /// body is not the expected JSON, and [`Error::Core`] when the request cannot be sent.
    pub async fn conversations_history(
        &self,
        request: &HistoryRequest,
    ) -> Result<Page<Message>, Error> {
        let response: MessagesResponse =
            self.get("conversations.history", &request.query()).await?;

        Ok(Page {
            items: response.messages,
            next: next_cursor(response.response_metadata),
        })
    }

    /// Streams every message of `conversations.history`, page after page.
    ///
    /// The stream stops when `next_cursor` is empty or missing, and after the first error.
    pub fn conversations_history_stream(
        &self,
        request: HistoryRequest,
    ) -> impl Stream<Item = Result<Message, Error>> + Send + '_ {
        Page::into_stream(move |cursor| {
            let request = request.clone().cursor(cursor);
            async move { self.conversations_history(&request).await }
        })
    }

    /// Fetches one page of a thread's replies through `conversations.replies`.
    ///
    /// Slack puts the thread's first message at the top of the listing. This method drops
    /// it on every page, so each page contains replies only.
    ///
    /// # Errors
    ///
    /// As for [`conversations_history`](Self::conversations_history), plus
    /// `thread_not_found` as [`Error::Api`].
    pub async fn conversations_replies(
        &self,
        request: &RepliesRequest,
    ) -> Result<Page<Message>, Error> {
        let response: MessagesResponse =
            self.get("conversations.replies", &request.query()).await?;

        let replies = response
            .messages
            .into_iter()
            .filter(|message| message.ts != request.ts)
            .collect();
        Ok(Page {
            items: replies,
            next: next_cursor(response.response_metadata),
        })
    }

    /// Streams every reply of a thread, page after page, without its first message.
    pub fn conversations_replies_stream(
        &self,
        request: RepliesRequest,
    ) -> impl Stream<Item = Result<Message, Error>> + Send + '_ {
        Page::into_stream(move |cursor| {
            let request = request.clone().cursor(cursor);
            async move { self.conversations_replies(&request).await }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_tolerates_bot_messages_and_unknown_fields() {
        let json = r#"{"type":"message","subtype":"bot_message","bot_id":"B1","ts":"1.000001",
            "text":"deploy done","username":"ci","bot_profile":{"id":"B1"},"new_field":[1,2]}"#;

        let message: Message = serde_json::from_str(json).expect("bot message parses");

        assert_eq!(message.user, None);
        assert!(message.is_bot());
        assert!(!message.has_replies());
    }

    #[test]
    fn message_reads_threads_edits_and_files() {
        let json = r#"{"type":"message","user":"U1","ts":"5.000001","thread_ts":"5.000001",
            "reply_count":2,"edited":{"user":"U1","ts":"6.000000"},
            "files":[{"id":"F1","name":"a.png","mimetype":"image/png","size":10}]}"#;

        let message: Message = serde_json::from_str(json).expect("thread parent parses");

        assert!(message.has_replies());
        assert_eq!(message.text, "");
        assert_eq!(
            message.edited.map(|edit| edit.ts),
            Some("6.000000".to_owned())
        );
        assert_eq!(message.files.len(), 1);
    }

    #[test]
    fn history_query_omits_unset_arguments() {
        let request = HistoryRequest::new("C1")
            .limit(15)
            .cursor(Some("abc=".to_owned()));

        let query = request.query();

        assert_eq!(
            query,
            vec![
                ("channel", "C1".to_owned()),
                ("limit", "15".to_owned()),
                ("cursor", "abc=".to_owned())
            ]
        );
    }
}
