//! Chat rule: a message saying its writer is blocked, with no later resolution.
//!
//! A candidate is a message in a monitored channel, posted inside the window by a person
//! (not a bot, not a system event such as a channel join), whose text contains a blocker
//! phrase (see [`is_blocker_text`]). It stays a blocker unless, after it and no later
//! than `now`:
//!
//! - a reply in its thread, from anyone, contains a resolution phrase
//!   (see [`is_resolution_text`]), or
//! - its writer posts a message in the same channel containing a resolution phrase.
//!
//! Replies count even when they fall after the window: the question is whether the
//! blocker still holds now.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{Blocker, BlockerKind, Evidence, MessageEvidence, is_blocker_text, is_resolution_text};
use crate::id_hash::IdMap;
use crate::identity::IdentityMap;
use crate::ids::{ChannelId, WorkItemKey};
use crate::insights::InsightConfig;
use crate::model::{AccountKey, ActivityBatch, ChatMessage, TimeWindow};

/// The number of characters of message text kept as an excerpt.
const EXCERPT_CHARS: usize = 120;

/// Message subtypes that carry a person's own words; other subtypes are system events.
const PERSON_SUBTYPES: &[&str] = &["thread_broadcast", "me_message", "file_share"];

pub(super) fn detect(
    batch: &ActivityBatch,
    identity: &IdentityMap,
    window: TimeWindow,
    now: DateTime<Utc>,
    config: &InsightConfig,
    blockers: &mut Vec<Blocker>,
) {
    let channel_names: BTreeMap<&ChannelId, &str> = batch
        .channels
        .iter()
        .filter_map(|channel| Some((&channel.id, channel.name.as_deref()?)))
        .collect();
    let by_channel = messages_by_channel(batch, identity, now);

    for (channel, messages) in &by_channel {
        if !config.monitors(channel) {
            continue;
        }
        // Built on the first candidate, so a channel without one costs no index.
        let mut later_messages = None;
        for message in messages {
            if !window.contains(message.posted_at) {
                continue;
            }
            let Some(phrase) = is_blocker_text(&message.text) else {
                continue;
            };
            let later_messages = later_messages.get_or_insert_with(|| LaterMessages::of(messages));
            if later_messages.resolve(message) {
                continue;
            }

            let evidence = MessageEvidence {
                channel: message.channel.clone(),
                channel_name: channel_names.get(channel).map(|name| (*name).to_owned()),
                ts: message.ts.clone(),
                thread_ts: message.thread_ts.clone(),
                excerpt: excerpt(&message.text),
                phrase: phrase.to_owned(),
                mentions: mentions(message),
                work_items: work_item_keys(&message.text),
            };
            blockers.push(Blocker {
                person: message
                    .author
                    .as_ref()
                    .and_then(|author| identity.person_of(author))
                    .cloned(),
                kind: BlockerKind::ChatMessage,
                evidence: vec![Evidence::Message(evidence)],
                since: Some(message.posted_at),
            });
        }
    }
}

/// Groups the messages people wrote up to `now` by channel, each channel in posting order.
fn messages_by_channel<'a>(
    batch: &'a ActivityBatch,
    identity: &IdentityMap,
    now: DateTime<Utc>,
) -> BTreeMap<&'a ChannelId, Vec<&'a ChatMessage>> {
    let mut by_channel: BTreeMap<&ChannelId, Vec<&ChatMessage>> = BTreeMap::new();
    for message in &batch.messages {
        if message.posted_at <= now && is_from_person(message, identity) {
            by_channel
                .entry(&message.channel)
                .or_default()
                .push(message);
        }
    }
    for messages in by_channel.values_mut() {
        messages.sort_by(|a, b| (a.posted_at, &a.ts).cmp(&(b.posted_at, &b.ts)));
    }
    by_channel
}

fn is_from_person(message: &ChatMessage, identity: &IdentityMap) -> bool {
    let system_event = message
        .subtype
        .as_deref()
        .is_some_and(|subtype| !PERSON_SUBTYPES.contains(&subtype));
    let bot_author = message
        .author
        .as_ref()
        .is_some_and(|author| identity.is_bot(author));

    message.author.is_some() && !message.is_bot && !bot_author && !system_event
}

/// One channel's messages indexed by thread and by writer, each list in posting order.
///
/// Resolving a candidate then reads only its thread and its writer's messages, where a
/// scan of every later message in the channel grew with the square of the channel's size.
struct LaterMessages<'a> {
    by_thread: IdMap<&'a str, Vec<&'a ChatMessage>>,
    by_writer: IdMap<&'a AccountKey, Vec<&'a ChatMessage>>,
}

impl<'a> LaterMessages<'a> {
    /// Indexes `channel_messages`, which are in posting order.
    fn of(channel_messages: &[&'a ChatMessage]) -> Self {
        let mut index = Self {
            by_thread: IdMap::default(),
            by_writer: IdMap::default(),
        };
        for message in channel_messages {
            if let Some(thread) = message.thread_ts.as_deref() {
                index.by_thread.entry(thread).or_default().push(message);
            }
            if let Some(writer) = &message.author {
                index.by_writer.entry(writer).or_default().push(message);
            }
        }
        index
    }

    /// Returns whether a later message resolves `message`: a thread reply from anyone, or
    /// the writer's own message in the channel.
    fn resolve(&self, message: &ChatMessage) -> bool {
        let thread = message.thread_ts.as_deref().unwrap_or(&message.ts);
        let in_thread = self.by_thread.get(thread);
        let by_writer = message
            .author
            .as_ref()
            .and_then(|writer| self.by_writer.get(writer));

        [in_thread, by_writer]
            .into_iter()
            .flatten()
            .any(|messages| has_later_resolution(message, messages))
    }
}

/// Returns whether one of `messages`, in posting order, is posted after `message` and
/// contains a resolution phrase.
fn has_later_resolution(message: &ChatMessage, messages: &[&ChatMessage]) -> bool {
    let first_later = messages.partition_point(|other| other.posted_at <= message.posted_at);
    messages[first_later..]
        .iter()
        .any(|later| is_resolution_text(&later.text).is_some())
}

/// Returns the start of `text` with whitespace collapsed, cut at a character boundary.
fn excerpt(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= EXCERPT_CHARS {
        return collapsed;
    }
    let mut cut: String = collapsed.chars().take(EXCERPT_CHARS).collect();
    cut.push('…');
    cut
}

/// Extracts Slack user mentions (`<@U024BE7LH>` or `<@U024BE7LH|name>`) as accounts of
/// the writer's provider.
fn mentions(message: &ChatMessage) -> Vec<AccountKey> {
    let Some(provider) = message.author.as_ref().map(|author| author.provider) else {
        return Vec::new();
    };

    let mut found: Vec<AccountKey> = message
        .text
        .split("<@")
        .skip(1)
        .filter_map(|rest| {
            let id = rest.split(['>', '|']).next()?;
            let valid = !id.is_empty() && id.chars().all(|ch| ch.is_ascii_alphanumeric());
            valid.then(|| AccountKey::new(provider, id))
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Extracts work item keys such as `PAY-12`: an uppercase project key of two or more
/// letters and digits starting with a letter, a dash, and a number.
fn work_item_keys(text: &str) -> Vec<WorkItemKey> {
    let mut keys: Vec<WorkItemKey> = text
        .split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-'))
        .filter(|word| is_work_item_key(word))
        .map(WorkItemKey::from)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

fn is_work_item_key(word: &str) -> bool {
    let Some((project, number)) = word.split_once('-') else {
        return false;
    };
    let project_ok = project.len() >= 2
        && project.starts_with(|ch: char| ch.is_ascii_uppercase())
        && project
            .chars()
            .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit());
    let number_ok = !number.is_empty() && number.chars().all(|ch| ch.is_ascii_digit());
    project_ok && number_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_cuts_long_text_at_char_boundary() {
        let text = "é".repeat(200);
        let cut = excerpt(&text);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn excerpt_collapses_whitespace() {
        assert_eq!(excerpt("  blocked \n on\tX "), "blocked on X");
    }

    #[test]
    fn work_item_keys_found() {
        assert_eq!(
            work_item_keys("blocked on PAY-12 and (OPS2-7), not on x-1 or PAY-"),
            vec![WorkItemKey::from("OPS2-7"), WorkItemKey::from("PAY-12")]
        );
    }
}
