//! Data categories and purposes of access.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A category of data about a person; visibility is set per category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataCategory {
    /// Work items and their status.
    Work,
    /// Pull requests, reviews and commits.
    Code,
    /// Messages the person wrote in monitored channels.
    Chat,
    /// Counts and response times of chat activity.
    ChatMetrics,
    /// Meeting load and focus time.
    MeetingMetrics,
    /// Document authorship and edits.
    Docs,
}

impl DataCategory {
    /// Every category, in a fixed order.
    pub const ALL: [DataCategory; 6] = [
        DataCategory::Work,
        DataCategory::Code,
        DataCategory::Chat,
        DataCategory::ChatMetrics,
        DataCategory::MeetingMetrics,
        DataCategory::Docs,
    ];

    /// The category's name as used in settings, audit entries and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            DataCategory::Work => "work",
            DataCategory::Code => "code",
            DataCategory::Chat => "chat",
            DataCategory::ChatMetrics => "chat metrics",
            DataCategory::MeetingMetrics => "meeting metrics",
            DataCategory::Docs => "docs",
        }
    }
}

impl std::str::FromStr for DataCategory {
    type Err = crate::Error;

    /// Parses a category by its name (`"chat metrics"`) or its settings key
    /// (`"chat_metrics"`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        DataCategory::ALL
            .into_iter()
            .find(|category| category.as_str() == text || category.key() == text)
            .ok_or_else(|| crate::Error::UnknownCategory {
                category: text.to_owned(),
            })
    }
}

impl DataCategory {
    /// The category's key in stored settings and Cedar requests (`"chat_metrics"`).
    pub fn key(self) -> &'static str {
        match self {
            DataCategory::Work => "work",
            DataCategory::Code => "code",
            DataCategory::Chat => "chat",
            DataCategory::ChatMetrics => "chat_metrics",
            DataCategory::MeetingMetrics => "meeting_metrics",
            DataCategory::Docs => "docs",
        }
    }
}

impl fmt::Display for DataCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The purpose of an access, recorded with every access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Writing a standup.
    Standup,
    /// Writing a retrospective.
    Retrospective,
    /// Answering a question.
    CopilotAnswer,
    /// Extracting decisions and action items from a meeting transcript.
    MeetingNotes,
    /// One-to-one coaching.
    Coaching,
    /// Exporting data.
    Export,
}

impl Purpose {
    /// Every purpose, in a fixed order.
    pub const ALL: [Purpose; 6] = [
        Purpose::Standup,
        Purpose::Retrospective,
        Purpose::CopilotAnswer,
        Purpose::MeetingNotes,
        Purpose::Coaching,
        Purpose::Export,
    ];

    /// The purpose's key in audit entries and Cedar requests (`"copilot_answer"`).
    pub fn key(self) -> &'static str {
        match self {
            Purpose::Standup => "standup",
            Purpose::Retrospective => "retrospective",
            Purpose::CopilotAnswer => "copilot_answer",
            Purpose::MeetingNotes => "meeting_notes",
            Purpose::Coaching => "coaching",
            Purpose::Export => "export",
        }
    }

    /// The purpose's name as used in audit entries and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Standup => "standup",
            Purpose::Retrospective => "retrospective",
            Purpose::CopilotAnswer => "copilot answer",
            Purpose::MeetingNotes => "meeting notes",
            Purpose::Coaching => "coaching",
            Purpose::Export => "export",
        }
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
