//! Conversion of Slack wire models into the `async-core` domain model.

use async_core::ids::{ChannelId, MessageId};
use async_core::model::{AccountKey, ChatMessage, Provider, ProviderAccount};

use super::conversations::Message;
use super::ts::{TimestampError, parse_ts};
use super::users::User;

impl Message {
    /// Converts the message into a domain [`ChatMessage`] posted in `channel`.
    ///
    /// The id is `"{channel}/{ts}"`, unique across channels. The author is the `user`
    /// field; bot messages without one have no author. `ts` and `thread_ts` are kept as
    /// sent.
    ///
    /// # Errors
    ///
    /// Returns [`TimestampError`] when `ts` is not a valid Slack timestamp.
    pub fn to_chat_message(&self, channel: &str) -> Result<ChatMessage, TimestampError> {
        let posted_at = parse_ts(&self.ts)?;

        Ok(ChatMessage {
            id: MessageId::new(format!("{channel}/{}", self.ts)),
            channel: ChannelId::new(channel),
            ts: self.ts.clone(),
            thread_ts: self.thread_ts.clone(),
            author: self
                .user
                .as_deref()
                .map(|user| AccountKey::new(Provider::Slack, user)),
            text: self.text.clone(),
            posted_at,
            reply_count: self.reply_count.unwrap_or(0),
            is_bot: self.is_bot(),
            subtype: self.subtype.clone(),
        })
    }
}

impl User {
    /// Converts the member into a domain [`ProviderAccount`].
    ///
    /// The e-mail address is kept exactly as Slack sent it; identity resolution normalizes
    /// it. The display name is the profile's `display_name`, or the full name when that is
    /// empty. Empty strings become `None`.
    pub fn to_account(&self) -> ProviderAccount {
        let profile = self.profile.clone().unwrap_or_default();
        let display_name = non_empty(profile.display_name)
            .or_else(|| non_empty(self.real_name.clone()))
            .or_else(|| non_empty(profile.real_name));

        ProviderAccount {
            key: AccountKey::new(Provider::Slack, self.id.as_str()),
            login: non_empty(self.name.clone()),
            display_name,
            email: non_empty(profile.email),
            is_bot: self.is_automated(),
            is_deleted: self.deleted,
            time_zone: non_empty(self.tz.clone()),
        }
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|value| !value.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_converts_with_channel_scoped_id() {
        let json = r#"{"type":"message","user":"U1","text":"hello","ts":"1700000000.000100",
            "thread_ts":"1700000000.000100","reply_count":3}"#;
        let message: Message = serde_json::from_str(json).expect("message parses");

        let chat = message.to_chat_message("C9").expect("valid ts");

        assert_eq!(chat.id.as_str(), "C9/1700000000.000100");
        assert_eq!(chat.channel.as_str(), "C9");
        assert_eq!(chat.author, Some(AccountKey::new(Provider::Slack, "U1")));
        assert_eq!(chat.posted_at.timestamp_subsec_micros(), 100);
        assert_eq!(chat.reply_count, 3);
        assert!(!chat.is_reply());
        assert!(!chat.is_bot);
    }

    #[test]
    fn bot_message_has_no_author() {
        let json = r#"{"type":"message","subtype":"bot_message","bot_id":"B1","ts":"1.000000"}"#;
        let message: Message = serde_json::from_str(json).expect("message parses");

        let chat = message.to_chat_message("C9").expect("valid ts");

        assert_eq!(chat.author, None);
        assert!(chat.is_bot);
        assert_eq!(chat.subtype.as_deref(), Some("bot_message"));
    }

    #[test]
    fn message_with_bad_ts_is_rejected() {
        let json = r#"{"type":"message","user":"U1","ts":"abc"}"#;
        let message: Message = serde_json::from_str(json).expect("message parses");

        assert!(message.to_chat_message("C9").is_err());
    }

    #[test]
    fn user_converts_profile_fields() {
        let json = r#"{"id":"U1","name":"dana","real_name":"Dana Quinn","tz":"Europe/Berlin",
            "deleted":true,"profile":{"display_name":"","email":"Dana@Example.COM"}}"#;
        let user: User = serde_json::from_str(json).expect("user parses");

        let account = user.to_account();

        assert_eq!(account.key, AccountKey::new(Provider::Slack, "U1"));
        assert_eq!(account.login.as_deref(), Some("dana"));
        assert_eq!(account.display_name.as_deref(), Some("Dana Quinn"));
        assert_eq!(account.email.as_deref(), Some("Dana@Example.COM"));
        assert_eq!(account.time_zone.as_deref(), Some("Europe/Berlin"));
        assert!(account.is_deleted);
        assert!(!account.is_bot);
    }
}
