//! The selection of facts one standup is written from.
//!
//! The prompt for a network model and the offline rendering are both produced from a
//! [`Digest`], so they always cover the same facts in the same order.

use std::cmp::Reverse;
use std::collections::BTreeSet;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::facts::{
    BlockerFact, CodeFacts, Progress, PullRequestFact, ReviewFact, WorkFacts, WorkItemFact,
};

/// A finished or ongoing piece of work: a work item, a pull request or a review.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Entry {
    /// A work item.
    Item(WorkItemFact),
    /// A pull request.
    Pull(PullRequestFact),
    /// A review of someone else's pull request.
    Review(ReviewFact),
}

impl Entry {
    pub(crate) fn updated_at(&self) -> Option<DateTime<Utc>> {
        match self {
            Entry::Item(item) => item.updated_at,
            Entry::Pull(pull) => pull.updated_at,
            Entry::Review(review) => review.reviewed_at,
        }
    }

    /// Returns the reference readers search for (`PAY-12`, `acme/payments#42`).
    pub(crate) fn reference(&self) -> String {
        match self {
            Entry::Item(item) => item.key.to_string(),
            Entry::Pull(pull) => pull.reference(),
            Entry::Review(review) => review.reference(),
        }
    }

    /// Appends [`Entry::reference`] to `out` without building a string of its own.
    pub(crate) fn push_reference(&self, out: &mut String) {
        let (repository, number) = match self {
            Entry::Item(item) => return out.push_str(item.key.as_str()),
            Entry::Pull(pull) => (&pull.repository, pull.number),
            Entry::Review(review) => (&review.repository, review.number),
        };
        // Writing into a String cannot fail.
        let _ = write!(out, "{repository}#{number}");
    }

    pub(crate) fn url(&self) -> Option<&str> {
        match self {
            Entry::Item(item) => item.url.as_deref(),
            Entry::Pull(pull) => pull.url.as_deref(),
            Entry::Review(review) => review.url.as_deref(),
        }
    }

    pub(crate) fn title(&self) -> &str {
        match self {
            Entry::Item(item) => &item.title,
            Entry::Pull(pull) => &pull.title,
            Entry::Review(review) => &review.title,
        }
    }

    /// Returns the status shown next to the title (`In Review`, `merged`, `approved`).
    pub(crate) fn status(&self) -> &str {
        match self {
            Entry::Item(item) => &item.status,
            Entry::Pull(pull) => pull.status.as_str(),
            Entry::Review(review) => &review.verdict,
        }
    }

    /// Returns the timestamp used for ordering. Facts without a time sort as the oldest.
    fn sort_time(&self) -> i64 {
        self.updated_at().map_or(i64::MIN, |at| at.timestamp())
    }
}

/// One person's selected facts, each list in a stable order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PersonDigest {
    /// The label the caller chose for the person (a name or a pseudonym).
    pub(crate) name: String,
    /// Finished work, most recently changed first.
    pub(crate) done: Vec<Entry>,
    /// Ongoing work, most recently changed first.
    pub(crate) in_progress: Vec<Entry>,
    /// Blockers, oldest first.
    pub(crate) blockers: Vec<BlockerFact>,
}

impl PersonDigest {
    /// Sorts a person's facts into sections; items not started yet are left out.
    pub(crate) fn new(
        name: &str,
        work: Option<&WorkFacts>,
        code: Option<&CodeFacts>,
        blockers: Vec<BlockerFact>,
    ) -> Self {
        let mut done = Vec::new();
        let mut in_progress = Vec::new();

        for item in work.map(|work| work.items.as_slice()).unwrap_or_default() {
            match item.progress {
                Progress::Done => done.push(Entry::Item(item.clone())),
                Progress::InProgress => in_progress.push(Entry::Item(item.clone())),
                Progress::ToDo => {}
            }
        }
        for pull in code
            .map(|code| code.pull_requests.as_slice())
            .unwrap_or_default()
        {
            if pull.status.is_finished() {
                done.push(Entry::Pull(pull.clone()));
            } else {
                in_progress.push(Entry::Pull(pull.clone()));
            }
        }
        for review in code.map(|code| code.reviews.as_slice()).unwrap_or_default() {
            done.push(Entry::Review(review.clone()));
        }

        sort_entries(&mut done);
        sort_entries(&mut in_progress);
        let mut blockers = blockers;
        blockers.sort_by(|a, b| {
            (a.since.is_none(), a.since, &a.summary).cmp(&(b.since.is_none(), b.since, &b.summary))
        });

        Self {
            name: name.to_owned(),
            done,
            in_progress,
            blockers,
        }
    }
}

fn sort_entries(entries: &mut [Entry]) {
    // A cached key builds each reference once, not once per comparison.
    entries.sort_by_cached_key(|entry| (Reverse(entry.sort_time()), entry.reference()));
}

/// The facts of one standup after the token budget was applied.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Digest {
    /// People in the caller's order.
    pub(crate) people: Vec<PersonDigest>,
    /// How many facts were left out to fit the budget.
    pub(crate) omitted: usize,
}

/// The section a fact sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Section {
    Done,
    InProgress,
    Blocked,
}

/// The position of one fact in a digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct FactRef {
    pub(crate) person: usize,
    pub(crate) section: Section,
    pub(crate) index: usize,
}

impl Digest {
    /// Lists every fact in the order they are dropped when over budget: finished work
    /// first, then ongoing work, each oldest first; blockers last, newest first.
    pub(crate) fn drop_order(&self) -> Vec<FactRef> {
        let mut keyed = Vec::new();
        for (person, digest) in self.people.iter().enumerate() {
            for (index, entry) in digest.done.iter().enumerate() {
                let at = entry.sort_time();
                keyed.push((
                    (0, at),
                    FactRef {
                        person,
                        section: Section::Done,
                        index,
                    },
                ));
            }
            for (index, entry) in digest.in_progress.iter().enumerate() {
                let at = entry.sort_time();
                keyed.push((
                    (1, at),
                    FactRef {
                        person,
                        section: Section::InProgress,
                        index,
                    },
                ));
            }
            for (index, blocker) in digest.blockers.iter().enumerate() {
                let at = blocker.since.map_or(i64::MAX, |since| since.timestamp());
                keyed.push((
                    (2, -at),
                    FactRef {
                        person,
                        section: Section::Blocked,
                        index,
                    },
                ));
            }
        }
        keyed.sort();
        keyed.into_iter().map(|(_, fact)| fact).collect()
    }

    /// Returns a copy without the facts in `dropped`, counting them as omitted.
    pub(crate) fn without(&self, dropped: &BTreeSet<FactRef>) -> Digest {
        let keep = |person: usize, section: Section, index: usize| {
            !dropped.contains(&FactRef {
                person,
                section,
                index,
            })
        };
        let people = self
            .people
            .iter()
            .enumerate()
            .map(|(person, digest)| PersonDigest {
                name: digest.name.clone(),
                done: filter(&digest.done, |index| keep(person, Section::Done, index)),
                in_progress: filter(&digest.in_progress, |index| {
                    keep(person, Section::InProgress, index)
                }),
                blockers: filter(&digest.blockers, |index| {
                    keep(person, Section::Blocked, index)
                }),
            })
            .collect();
        Digest {
            people,
            omitted: self.omitted + dropped.len(),
        }
    }
}

fn filter<T: Clone>(items: &[T], keep: impl Fn(usize) -> bool) -> Vec<T> {
    items
        .iter()
        .enumerate()
        .filter(|(index, _)| keep(*index))
        .map(|(_, item)| item.clone())
        .collect()
}
