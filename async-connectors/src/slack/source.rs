//! [`SlackSource`]: collects monitored channels into the domain model.

use std::collections::HashSet;
use std::time::Duration;

use async_core::model::{ActivityBatch, ChatChannel, ChatMessage, Provider, TimeWindow};
use async_core::source::ActivitySource;
use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use futures::TryStreamExt;

use super::client::{PROVIDER, SlackClient};
use super::conversations::{HistoryRequest, Message, RepliesRequest};
use super::ts::{TimestampError, format_ts, parse_ts};
use super::users::UsersListRequest;
use crate::error::Error;

/// Slack's default page size for message listings.
const DEFAULT_MESSAGE_PAGE_SIZE: u32 = 100;

/// The `users.list` page size Slack recommends as an upper bound.
const USERS_PAGE_SIZE: u32 = 200;

/// How far before the window thread parents are looked for by default: one week.
// NOTE: a reply inside the window to a thread started before the look-back is not found,
// because only `conversations.history` leads to threads and it is read from that point.
const DEFAULT_THREAD_LOOKBACK: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Reads the members of a workspace and the messages of monitored channels.
///
/// For a window, [`collect`](ActivitySource::collect) reads `users.list`, then each
/// channel's history from the [thread look-back](Self::thread_lookback) before the window
/// to its end, then the replies of each thread that may have replies inside the window.
/// Channels are read one after another, never in parallel, because Slack limits history
/// calls per app and workspace.
///
/// A batch contains the messages posted inside the window, plus, as context, the first
/// message of each older thread that received a reply inside the window. Such a thread
/// parent keeps its real `posted_at`, before the window's start, which is how a consumer
/// tells it apart: blocker detection only considers messages posted inside the window, and
/// reads the parent only to relate replies to it.
///
/// # Examples
///
/// ```
/// use async_connectors::slack::{SlackClient, SlackSource};
/// use async_core::ids::ChannelId;
/// use async_core::model::ChatChannel;
/// use async_core::http::{EgressPolicy, HttpClient};
/// use secrecy::SecretString;
/// use std::time::Duration;
///
/// let http = HttpClient::new(EgressPolicy::default())?;
/// let client = SlackClient::builder(http, SecretString::from("xoxb-example")).build()?;
/// let engineering = ChatChannel {
///     id: ChannelId::new("C0123ABC"),
///     name: Some("engineering".to_owned()),
///     is_private: false,
/// };
/// let source = SlackSource::new(client, [engineering])
///     .page_size(15)
///     .thread_lookback(Duration::from_secs(3 * 24 * 60 * 60));
/// assert_eq!(source.channels().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct SlackSource {
    client: SlackClient,
    channels: Vec<ChatChannel>,
    page_size: u32,
    thread_lookback: Duration,
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
            thread_lookback: DEFAULT_THREAD_LOOKBACK,
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

    /// Sets how long before the window's start a thread may have begun and still have its
    /// in-window replies read (default 7 days).
    ///
    /// `conversations.history` lists thread parents but not replies, so a reply posted
    /// inside the window to an older thread ("I'm blocked on ...", "unblocked") is found
    /// only through its parent. The history is therefore read from this long before the
    /// window. Messages of that earlier stretch are not returned, except the parents of
    /// threads that received a reply inside the window. A longer look-back costs more
    /// history pages. [`Duration::ZERO`] reads only threads started inside the window.
    #[must_use]
    pub fn thread_lookback(mut self, lookback: Duration) -> Self {
        self.thread_lookback = lookback;
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
        // `inclusive` keeps a message posted exactly at the look-back start. The window is
        // half-open, so the filter below drops a message posted exactly at its end.
        let request = HistoryRequest::new(channel_id)
            .oldest(format_ts(lookback_start(
                window.start,
                self.thread_lookback,
            )))
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
        for message in &top_level {
            push_in_window(&mut messages, &mut seen, channel_id, message, window).map_err(
                |error| timestamp_decode_error("conversations.history", channel_id, &error),
            )?;
        }

        let mut threads = 0_usize;
        for parent in &top_level {
            if !may_have_replies_in(parent, window) {
                continue;
            }
            threads += 1;
            self.collect_thread(channel_id, parent, window, &mut messages, &mut seen)
                .await?;
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

    /// Reads one thread's replies, keeps those inside the window, and adds the thread's
    /// first message as context when it predates the window and a reply falls inside it.
    async fn collect_thread(
        &self,
        channel_id: &str,
        parent: &Message,
        window: TimeWindow,
        messages: &mut Vec<ChatMessage>,
        seen: &mut HashSet<String>,
    ) -> Result<(), Error> {
        let request = RepliesRequest::new(channel_id, parent.ts.as_str()).limit(self.page_size);
        let replies: Vec<Message> = self
            .client
            .conversations_replies_stream(request)
            .try_collect()
            .await?;

        let before = messages.len();
        // NOTE: replies posted after the window's end are left out, so a resolution posted
        // since then is not seen.
        for reply in &replies {
            push_in_window(messages, seen, channel_id, reply, window).map_err(|error| {
                timestamp_decode_error("conversations.replies", channel_id, &error)
            })?;
        }

        let replied_in_window = messages[before..]
            .iter()
            .any(|message| message.ts != parent.ts);
        if replied_in_window && seen.insert(parent.ts.clone()) {
            let context = parent.to_chat_message(channel_id).map_err(|error| {
                timestamp_decode_error("conversations.history", channel_id, &error)
            })?;
            messages.push(context);
        }
        Ok(())
    }
}

/// Returns the start of the history read for a window: `lookback` before its start, and
/// never before 1970.
fn lookback_start(start: DateTime<Utc>, lookback: Duration) -> DateTime<Utc> {
    let lookback = TimeDelta::from_std(lookback).unwrap_or(TimeDelta::MAX);
    start
        .checked_sub_signed(lookback)
        .unwrap_or(DateTime::UNIX_EPOCH)
        .max(DateTime::UNIX_EPOCH)
}

/// Returns whether `message` starts a thread that may have a reply inside the window.
///
/// A thread started inside the window is always read. An older one is read when its
/// newest reply (`latest_reply`) is at or after the window's start: a newest reply after
/// the window's end does not rule out an earlier one inside it. An older parent without a readable `latest_reply` is read too, because skipping it
/// could hide a blocker.
fn may_have_replies_in(message: &Message, window: TimeWindow) -> bool {
    if !message.has_replies() {
        return false;
    }
    let Ok(posted_at) = parse_ts(&message.ts) else {
        // `push_in_window` has already rejected the listing for this `ts`.
        return false;
    };
    if window.contains(posted_at) {
        return true;
    }
    match message.latest_reply.as_deref().map(parse_ts) {
        Some(Ok(latest_reply)) => latest_reply >= window.start,
        Some(Err(_)) | None => true,
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
