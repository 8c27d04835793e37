//! Meetings, participants and transcripts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::AccountKey;
use crate::ids::MeetingId;

/// A meeting instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    /// The meeting instance's id (Zoom's UUID).
    pub id: MeetingId,
    /// The provider's number for the meeting series, if any (Zoom's numeric meeting id,
    /// kept as text because it exceeds 32 bits).
    pub series_id: Option<String>,
    /// The topic.
    pub topic: String,
    /// The host.
    pub host: Option<AccountKey>,
    /// When it started.
    pub start_time: DateTime<Utc>,
    /// When it ended, if it has.
    pub end_time: Option<DateTime<Utc>>,
    /// The scheduled or actual length in minutes.
    pub duration_minutes: u32,
    /// Whether it belongs to a recurring series.
    pub is_recurring: bool,
    /// Who joined, one entry per join.
    pub participants: Vec<MeetingParticipant>,
}

/// One participant's attendance of a meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingParticipant {
    /// The participant's account, when the provider could link one.
    pub account: Option<AccountKey>,
    /// The e-mail the provider reports for the participant, if any.
    pub email: Option<String>,
    /// When they joined.
    pub joined_at: Option<DateTime<Utc>>,
    /// When they left.
    pub left_at: Option<DateTime<Utc>>,
}

/// A meeting transcript as a list of cues.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// The meeting it belongs to.
    pub meeting: MeetingId,
    /// The cues in order.
    pub cues: Vec<TranscriptCue>,
}

/// One cue of a transcript: a span of speech by one speaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranscriptCue {
    /// The cue's position, starting at 1 as in WebVTT files.
    pub index: u32,
    /// Offset of the cue's start from the recording's start, in milliseconds.
    pub start_ms: u64,
    /// Offset of the cue's end from the recording's start, in milliseconds.
    pub end_ms: u64,
    /// The speaker's name as the transcript labels it.
    pub speaker: Option<String>,
    /// The speaker's account, when identity resolution could link it.
    pub speaker_account: Option<AccountKey>,
    /// What was said.
    pub text: String,
}
