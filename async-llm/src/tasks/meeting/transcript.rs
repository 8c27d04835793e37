//! The approved parts of a meeting transcript, one speaker at a time.

use std::sync::Arc;

use async_core::identity::IdentityMap;
use async_core::ids::{MeetingId, PersonId};
use async_core::model::{Transcript, TranscriptCue};
use async_policy::{Attributed, Authorized, DataCategory, Pseudonymizer, Purpose, Scope};
use chrono::NaiveDate;

use crate::Error;
use crate::tasks::approval::Slot;

/// The cues one person spoke in a meeting, which the policy approves as that person's
/// chat data.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeakerCues {
    /// The speaker.
    pub person: PersonId,
    /// The speaker's display name. With a pseudonymizer, the prompt carries the
    /// speaker's pseudonym instead and the notes this name.
    pub name: String,
    /// The speaker's cues, in transcript order.
    pub cues: Vec<TranscriptCue>,
}

impl Attributed for SpeakerCues {
    fn attribution(&self) -> Scope {
        Scope::Individual(self.person.clone())
    }
}

/// Splits a transcript by speaker, resolving each cue's speaker account through
/// `identity`.
///
/// Returns the cues of each resolved person (in order of first appearance) and the cues
/// whose speaker resolved to nobody. Those cannot be approved as anyone's data, so they
/// never reach a prompt; the count tells the caller how much of the meeting is missing.
/// Speaker names alone are never used to resolve a person.
pub fn split_by_speaker(
    transcript: &Transcript,
    identity: &IdentityMap,
) -> (Vec<SpeakerCues>, Vec<TranscriptCue>) {
    let mut speakers: Vec<SpeakerCues> = Vec::new();
    let mut unattributed = Vec::new();
    for cue in &transcript.cues {
        let person = cue
            .speaker_account
            .as_ref()
            .and_then(|account| identity.person_of(account));
        let Some(person) = person else {
            unattributed.push(cue.clone());
            continue;
        };
        match speakers.iter_mut().find(|entry| &entry.person == person) {
            Some(entry) => entry.cues.push(cue.clone()),
            None => {
                let name = identity
                    .person(person)
                    .map_or_else(|| person.to_string(), |known| known.display_name.clone());
                speakers.push(SpeakerCues {
                    person: person.clone(),
                    name,
                    cues: vec![cue.clone()],
                });
            }
        }
    }
    (speakers, unattributed)
}

/// One cue as the notes task reads it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cue {
    pub(crate) index: u32,
    pub(crate) speaker: usize,
    pub(crate) text: String,
}

/// A person the notes can name as an owner.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Participant {
    pub(crate) person: PersonId,
    pub(crate) name: String,
}

/// A meeting's approved cues, for extracting decisions and action items.
///
/// The fields are private and cues enter only through [`MeetingTranscript::with_speaker`],
/// which takes each speaker's cues as an [`Authorized`] value approved for this viewer,
/// [`Purpose::MeetingNotes`], the chat category and that speaker. A speaker whose chat
/// the viewer may not see is simply absent.
#[derive(Debug, Clone)]
pub struct MeetingTranscript {
    pub(crate) viewer: PersonId,
    pub(crate) pseudonymizer: Option<Arc<Pseudonymizer>>,
    pub(crate) meeting: Option<MeetingId>,
    pub(crate) topic: String,
    pub(crate) date: NaiveDate,
    pub(crate) participants: Vec<Participant>,
    pub(crate) cues: Vec<Cue>,
}

impl MeetingTranscript {
    /// Starts the transcript of the meeting `topic` held on `date`, read by `viewer` for
    /// meeting notes.
    ///
    /// The date anchors due dates said as weekdays ("by Friday").
    pub fn new(viewer: impl Into<PersonId>, topic: impl Into<String>, date: NaiveDate) -> Self {
        Self {
            viewer: viewer.into(),
            pseudonymizer: None,
            meeting: None,
            topic: topic.into(),
            date,
            participants: Vec::new(),
            cues: Vec::new(),
        }
    }

    /// Records the meeting's id, which the notes carry.
    #[must_use]
    pub fn with_meeting_id(mut self, meeting: MeetingId) -> Self {
        self.meeting = Some(meeting);
        self
    }

    /// Sends participants to the model as keyed pseudonyms from `pseudonymizer`.
    ///
    /// Each participant is listed, and each cue's speaker written, as their pseudonym.
    /// Their full names, and first names no other participant has, are replaced as
    /// whole words in the topic and the cues. The notes get the display names back
    /// before they are returned.
    ///
    /// NOTE: a nickname, another spelling or the name of someone who is not a
    /// participant still reaches the model.
    #[must_use]
    pub fn with_pseudonymizer(mut self, pseudonymizer: Arc<Pseudonymizer>) -> Self {
        self.pseudonymizer = Some(pseudonymizer);
        self
    }

    /// Adds one speaker's approved cues.
    ///
    /// # Errors
    ///
    /// Returns [`Error::AuthorizationMismatch`] unless `cues` were approved for this
    /// viewer and [`Purpose::MeetingNotes`], as chat data of the speaker they name.
    pub fn with_speaker(mut self, cues: &Authorized<SpeakerCues>) -> Result<Self, Error> {
        let slot = Slot {
            name: "transcript",
            viewer: &self.viewer,
            purpose: Purpose::MeetingNotes,
            category: DataCategory::Chat,
        };
        slot.check(cues)?;
        let speaker = cues.value();

        let index = self.participant(&speaker.person, &speaker.name);
        for cue in &speaker.cues {
            self.cues.push(Cue {
                index: cue.index,
                speaker: index,
                text: cue.text.clone(),
            });
        }
        self.cues.sort_by_key(|cue| cue.index);
        Ok(self)
    }

    /// Adds a person who attended without speaking, so an action item can name them as
    /// its owner.
    #[must_use]
    pub fn with_participant(
        mut self,
        person: impl Into<PersonId>,
        name: impl Into<String>,
    ) -> Self {
        let person = person.into();
        let name = name.into();
        self.participant(&person, &name);
        self
    }

    /// Returns how many cues the transcript holds.
    pub fn cue_count(&self) -> usize {
        self.cues.len()
    }

    fn participant(&mut self, person: &PersonId, name: &str) -> usize {
        if let Some(index) = self.participants.iter().position(|p| &p.person == person) {
            return index;
        }
        self.participants.push(Participant {
            person: person.clone(),
            name: name.to_owned(),
        });
        self.participants.len() - 1
    }

    pub(crate) fn speaker_name(&self, cue: &Cue) -> &str {
        &self.participants[cue.speaker].name
    }
}
