//! The transcript as the prompt carries it, with people as keyed pseudonyms when the
//! transcript has a pseudonymizer.

use std::borrow::Cow;

use super::transcript::MeetingTranscript;
use crate::Error;
use crate::tasks::pseudonyms::PromptNames;

/// Returns the transcript with each participant named by their pseudonym and their names
/// hidden in the topic and every cue, with the names to restore; without a
/// pseudonymizer, returns the transcript as it is.
///
/// # Errors
///
/// Returns [`Error::PseudonymCollision`] when two participants share a pseudonym.
pub(crate) fn prompt_view(
    transcript: &MeetingTranscript,
) -> Result<(Cow<'_, MeetingTranscript>, Option<PromptNames>), Error> {
    let Some(pseudonymizer) = transcript.pseudonymizer.as_deref() else {
        return Ok((Cow::Borrowed(transcript), None));
    };
    let people = transcript
        .participants
        .iter()
        .map(|participant| (&participant.person, participant.name.as_str()));
    let names = PromptNames::new(pseudonymizer, people)?;

    let mut view = transcript.clone();
    for participant in &mut view.participants {
        if let Some(pseudonym) = names.pseudonym(&participant.person) {
            participant.name = pseudonym.to_owned();
        }
    }
    view.topic = names.hide(&view.topic);
    for cue in &mut view.cues {
        cue.text = names.hide(&cue.text);
    }
    Ok((Cow::Owned(view), Some(names)))
}
