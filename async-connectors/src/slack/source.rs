//! [`SlackSource`]: collects monitored channels into the domain model.

use std::collections::HashSet;

use async_core::model::{ActivityBatch, ChatChannel, ChatMessage, Provider, TimeWindow};
use async_core::source::ActivitySource;
use async_trait::async_trait;
use futures::TryStreamExt;

use super::client::{PROVIDER, SlackClient};
use super::conversations::{HistoryRequest, Message, RepliesRequest};
use super::ts::{TimestampError, format_ts};
use super::users::UsersListRequest;
use crate::error::Error;

/// Slack's default page size for message listings.
const DEFAULT_MESSAGE_PAGE_SIZE: u32 = 100;

/// The `users.list` page size Slack recommends as an upper bound.
const USERS_PAGE_SIZE: u32 = 200;

/// Reads the members of a workspace and the messages of monitored channels.
///
/// For a window, [`collect`](ActivitySource::collect) reads `users.list`, then each
/// channel's history within the window, then the replies of each thread found there.
/// Channels are read one after another, never in parallel, because Slack limits history
/// calls per app and workspace.
///
/// # Examples
///
/// ```
/// use async_connectors::slack::{SlackClient, SlackSource};
/// use async_core::ids::ChannelId;
/// use async_core::model::ChatChannel;
/// use async_core::http::{EgressPolicy, HttpClient};
/// use secrecy::SecretString;
///
/// let client = SlackClient::builder()
///     .http_client(HttpClient::new(EgressPolicy::default())?)
///     .token(SecretString::from("xoxb-example"))
///     .build()?;
/// let engineering = ChatChannel {
///     id: ChannelId::new("C0123ABC"),
///     name: Some("engineering".to_owned()),
///     is_private: false,
/// };
/// let source = SlackSource::new(client, [engineering]).page_size(15);
/// assert_eq!(source.channels().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct SlackSource {
    client: SlackClient,
    channels: Vec<ChatChannel>,
    page_size: u32,
}

impl SlackSource {
    /// Creates a source that reads the given channels.
    ///
    /// The channels are returned in each batch as given.
    // NOTE: names and privacy come from the caller because this connector does not call
    // `conversations.info`; a wrong `is_private` here is passed on unchanged.
    pub fn new(client: SlackClient, channels: impl IntoIterator<Item = ChatChannel>) -> Self {
        Self {
            client,
            channels: channels.into_iter().collect(),
            page_size: DEFAULT_MESSAGE_PAGE_SIZE,
        }
    }

    /// Sets the page size of history and replies calls (default 100, maximum 999).
    ///
    /// Apps outside the Slack Marketplace get at most 15 messages per page whatever is
    /// asked, so 15 costs them no extra calls.
    #[must_use]
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = page_size;
        self
    }

    /// Returns the monitored channels.
    pub fn channels(&self) -> &[ChatChannel] {
        &self.channels
    }

    async fn collect_channel(
        &self,
        channel: &ChatChannel,
        window: TimeWindow,
    ) -> Result<Vec<ChatMessage>, Error> {
        let channel_id = channel.id.as_str();
        // `inclusive` keeps a message posted exactly at the window start. The window is
        // half-open, so the filter below drops a message posted exactly at its end.
        let request = HistoryRequest::new(channel_id)
            .oldest(format_ts(window.start))
            .latest(format_ts(window.end))
            .inclusive(true)
            .limit(self.page_size);
        let top_level: Vec<Message> = self
            .client
            .conversations_history_stream(request)
            .try_collect()
            .await?;

        let mut seen = HashSet::new();
        let mut messages = Vec::new();
        let mut threads = 0_usize;
        for message in &top_level {
            push_in_window(&mut messages, &mut seen, channel_id, message, window).map_err(
                |error| timestamp_decode_error("conversations.history", channel_id, &error),
            )?;
        }
        for parent in top_level.iter().filter(|message| message.has_replies()) {
            threads += 1;
            let request = RepliesRequest::new(channel_id, parent.ts.as_str()).limit(self.page_size);
            let replies: Vec<Message> = self
                .client
                .conversations_replies_stream(request)
                .try_collect()
                .await?;
            // NOTE: replies posted after the window's end are left out, and threads whose
            // first message predates the window are not read at all.
            for reply in &replies {
                push_in_window(&mut messages, &mut seen, channel_id, reply, window).map_err(
                    |error| timestamp_decode_error("conversations.replies", channel_id, &error),
                )?;
            }
        }

        tracing::info!(
            target: "async_connectors::slack",
            channel = channel_id,
            top_level = top_level.len(),
            threads,
            collected = messages.len(),
            "read Slack channel"
        );
        Ok(messages)
    }
}

/// Converts a message and keeps it when it falls in the window and was not seen before.
///
/// A `thread_broadcast` reply appears both in history and among its thread's replies, so
/// messages are deduplicated by `ts` within a channel.
fn push_in_window(
    messages: &mut Vec<ChatMessage>,
    seen: &mut HashSet<String>,
    channel: &str,
    message: &Message,
    window: TimeWindow,
) -> Result<(), TimestampError> {
    let converted = message.to_chat_message(channel)?;

    if window.contains(converted.posted_at) && seen.insert(converted.ts.clone()) {
        messages.push(converted);
    }
    Ok(())
}

/// Reports a malformed `ts` in an otherwise valid response as a decode failure.
fn timestamp_decode_error(method: &str, channel: &str, error: &TimestampError) -> Error {
    let detail = format!("message in channel {channel}: {error}");
    Error::Decode {
        provider: PROVIDER,
        endpoint: method.to_owned(),
        status: 200,
        request_id: None,
        source: <serde_json::Error as serde::de::Error>::custom(detail),
    }
}

#[async_trait]
impl ActivitySource for SlackSource {
    type Error = Error;

    fn provider(&self) -> Provider {
        Provider::Slack
    }

    async fn collect(&self, window: TimeWindow) -> Result<ActivityBatch, Error> {
        let users = self
            .client
            .users_list_stream(UsersListRequest::new().limit(USERS_PAGE_SIZE))
            .try_collect::<Vec<_>>()
            .await?;
        let accounts = users
            .iter()
            .map(|user| user.to_account())
            .collect::<Vec<_>>();
        tracing::info!(target: "async_connectors::slack", accounts = accounts.len(), "read Slack members");

        let mut messages = Vec::new();
        for channel in &self.channels {
            messages.extend(self.collect_channel(channel, window).await?);
        }

        tracing::info!(
            target: "async_connectors::slack",
            channels = self.channels.len(),
            messages = messages.len(),
            "collected Slack activity"
        );
        Ok(ActivityBatch {
            accounts,
            channels: self.channels.clone(),
            messages,
            ..ActivityBatch::default()
        })
    }
}
