//! Chat channels and messages.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::AccountKey;
use crate::ids::{ChannelId, MessageId};

/// A chat channel the SDK reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatChannel {
    /// The provider's id.
    pub id: ChannelId,
    /// The channel's name, without a leading `#`.
    pub name: Option<String>,
    /// Whether the channel is private.
    pub is_private: bool,
}

/// A message in a channel, either top level or a reply in a thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// The message's id, unique across channels.
    pub id: MessageId,
    /// The channel it was posted in.
    pub channel: ChannelId,
    /// The provider's timestamp string exactly as sent (Slack's `"1700000000.000100"`).
    /// It is the message's key within the channel, so it is never rounded.
    pub ts: String,
    /// The `ts` of the thread's first message when the message belongs to a thread.
    /// A thread's first message carries its own `ts` here.
    pub thread_ts: Option<String>,
    /// The author; `None` for messages without a user (some bots and system events).
    pub author: Option<AccountKey>,
    /// The message text.
    pub text: String,
    /// When it was posted.
    pub posted_at: DateTime<Utc>,
    /// The number of replies, on a thread's first message.
    pub reply_count: u32,
    /// Whether a bot or an app posted it.
    pub is_bot: bool,
    /// The provider's subtype (`channel_join`, `bot_message`, ...), if any.
    pub subtype: Option<String>,
}

impl ChatMessage {
    /// Returns whether the message is a reply inside a thread (not the thread's first message).
    pub fn is_reply(&self) -> bool {
        self.thread_ts
            .as_deref()
            .is_some_and(|thread_ts| thread_ts != self.ts)
    }
}
