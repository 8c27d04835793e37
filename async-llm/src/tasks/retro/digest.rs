//! The retrospective's facts with their ids, and the findings derived from them without
//! a model.

use super::facts::{ReviewWait, SprintItem, SprintOutcome, SprintReviews, SprintWork};
use crate::tasks::FactId;
use crate::tasks::fact_id::FactIds;
use crate::tasks::standup::BlockerFact;

/// The first-review wait, in hours, above which reviews count as slow.
pub(crate) const SLOW_REVIEW_HOURS: u64 = 24;

/// The maximum number of item ids one offline finding cites.
const MAX_CITED_ITEMS: usize = 8;

/// One fact of a retrospective prompt.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RetroFact {
    pub(crate) id: FactId,
    /// The reference readers know (`PAY-12`, `acme/payments#40`, `sprint`).
    pub(crate) label: String,
    pub(crate) url: Option<String>,
    pub(crate) text: String,
    /// Lower is kept first when the prompt is over budget.
    pub(crate) priority: u8,
}

/// A finding: what went well, what did not, or an action, with the facts behind it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Finding {
    pub(crate) text: String,
    pub(crate) fact_ids: Vec<FactId>,
}

/// The three lists of a retrospective.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Findings {
    pub(crate) went_well: Vec<Finding>,
    pub(crate) did_not_go_well: Vec<Finding>,
    pub(crate) actions: Vec<Finding>,
}

/// Counts over the sprint's items and reviews, computed before any fact is dropped.
#[derive(Debug, Clone, Default)]
struct Counts {
    total: usize,
    completed: Vec<FactId>,
    carried: Vec<(FactId, String)>,
    added: Vec<FactId>,
    flagged: Vec<FactId>,
    points_done: f64,
    points_total: f64,
    has_points: bool,
    waits: Vec<u64>,
    never_reviewed: usize,
    slowest: Option<(FactId, String, u64)>,
}

/// The facts of one retrospective and the derived findings.
#[derive(Debug, Clone)]
pub(crate) struct RetroDigest {
    pub(crate) facts: Vec<RetroFact>,
    pub(crate) findings: Findings,
}

impl RetroDigest {
    /// Builds the facts, aggregate ones first, and derives the offline findings.
    pub(crate) fn new(
        goal: Option<&str>,
        work: Option<&SprintWork>,
        reviews: Option<&SprintReviews>,
        blockers: &[BlockerFact],
    ) -> Self {
        let mut ids = FactIds::default();
        let mut facts = Vec::new();
        let mut counts = Counts::default();

        if let Some(goal) = goal {
            facts.push(fact(
                ids.issue("sprint", "goal"),
                "sprint goal",
                None,
                format!("Sprint goal: {goal}"),
                0,
            ));
        }
        if let Some(work) = work {
            item_facts(&mut ids, &mut facts, &mut counts, &work.items);
        }
        if let Some(reviews) = reviews {
            review_facts(&mut ids, &mut facts, &mut counts, &reviews.pulls);
        }
        let blocker_ids = blocker_facts(&mut ids, &mut facts, blockers);
        let aggregates = aggregate_facts(&mut ids, &counts, work.is_some(), reviews.is_some());
        let findings = derive(&counts, &aggregates, blockers, &blocker_ids);

        let mut all = aggregates.facts;
        all.extend(facts);
        Self {
            facts: all,
            findings,
        }
    }
}

fn fact(id: FactId, label: &str, url: Option<String>, text: String, priority: u8) -> RetroFact {
    RetroFact {
        id,
        label: label.to_owned(),
        url,
        text,
        priority,
    }
}

fn item_facts(
    ids: &mut FactIds,
    facts: &mut Vec<RetroFact>,
    counts: &mut Counts,
    items: &[SprintItem],
) {
    let mut sorted: Vec<&SprintItem> = items.iter().collect();
    sorted.sort_by(|a, b| a.key.as_str().cmp(b.key.as_str()));
    for item in sorted {
        let id = ids.issue("item", item.key.as_str());
        let mut text = format!("{}: ", item.title);
        text.push_str(match item.outcome {
            SprintOutcome::Completed => "completed",
            SprintOutcome::CarriedOver => "carried over",
        });
        if item.added_after_start {
            text.push_str(", added after the start");
        }
        if item.flagged {
            text.push_str(", flagged as an impediment");
        }
        if let Some(estimate) = item.estimate {
            text.push_str(&format!(", estimate {estimate}"));
            counts.has_points = true;
            counts.points_total += estimate;
        }

        counts.total += 1;
        let priority = match item.outcome {
            SprintOutcome::Completed => {
                counts.completed.push(id.clone());
                counts.points_done += item.estimate.unwrap_or(0.0);
                3
            }
            SprintOutcome::CarriedOver => {
                counts.carried.push((id.clone(), item.key.to_string()));
                1
            }
        };
        if item.added_after_start {
            counts.added.push(id.clone());
        }
        if item.flagged {
            counts.flagged.push(id.clone());
        }
        facts.push(fact(
            id,
            item.key.as_str(),
            item.url.clone(),
            text,
            priority,
        ));
    }
}

fn review_facts(
    ids: &mut FactIds,
    facts: &mut Vec<RetroFact>,
    counts: &mut Counts,
    pulls: &[ReviewWait],
) {
    let mut sorted: Vec<&ReviewWait> = pulls.iter().collect();
    sorted.sort_by(|a, b| a.reference.cmp(&b.reference));
    for pull in sorted {
        let id = ids.issue("pr", &pull.reference);
        let text = match pull.wait_hours {
            Some(hours) => {
                counts.waits.push(hours);
                let slower = counts
                    .slowest
                    .as_ref()
                    .is_none_or(|(_, _, most)| hours > *most);
                if slower {
                    counts.slowest = Some((id.clone(), pull.reference.clone(), hours));
                }
                format!("{}: first review after {hours} hours", pull.title)
            }
            None => {
                counts.never_reviewed += 1;
                format!("{}: no review by the sprint's close", pull.title)
            }
        };
        let slow = pull
            .wait_hours
            .is_none_or(|hours| hours > SLOW_REVIEW_HOURS);
        facts.push(fact(
            id,
            &pull.reference,
            pull.url.clone(),
            text,
            if slow { 2 } else { 4 },
        ));
    }
}

fn blocker_facts(
    ids: &mut FactIds,
    facts: &mut Vec<RetroFact>,
    blockers: &[BlockerFact],
) -> Vec<FactId> {
    blockers
        .iter()
        .map(|blocker| {
            let label = blocker.evidence.first().map_or_else(
                || blocker.summary.clone(),
                |evidence| evidence.label.clone(),
            );
            let url = blocker
                .evidence
                .iter()
                .find_map(|evidence| evidence.url.clone());
            let id = ids.issue("blocker", &label);
            facts.push(fact(id.clone(), &label, url, blocker.summary.clone(), 0));
            id
        })
        .collect()
}

/// The ids of the aggregate facts, when present.
#[derive(Debug, Default)]
struct Aggregates {
    facts: Vec<RetroFact>,
    completion: Option<FactId>,
    scope: Option<FactId>,
    reviews: Option<FactId>,
}

fn aggregate_facts(
    ids: &mut FactIds,
    counts: &Counts,
    has_work: bool,
    has_reviews: bool,
) -> Aggregates {
    let mut aggregates = Aggregates::default();
    if has_work {
        let id = ids.issue("sprint", "completion");
        let mut text = format!(
            "Completed {} of {} items",
            counts.completed.len(),
            counts.total
        );
        if counts.has_points {
            text.push_str(&format!(
                " ({} of {} estimate points)",
                counts.points_done, counts.points_total
            ));
        }
        aggregates
            .facts
            .push(fact(id.clone(), "sprint completion", None, text, 0));
        aggregates.completion = Some(id);
    }
    if !counts.added.is_empty() {
        let id = ids.issue("sprint", "scope");
        let text = format!(
            "{} added after the sprint started",
            items_were(counts.added.len())
        );
        aggregates
            .facts
            .push(fact(id.clone(), "sprint scope", None, text, 0));
        aggregates.scope = Some(id);
    }
    if has_reviews && (!counts.waits.is_empty() || counts.never_reviewed > 0) {
        let id = ids.issue("reviews", "first-wait");
        aggregates.facts.push(fact(
            id.clone(),
            "review waits",
            None,
            review_summary(counts),
            0,
        ));
        aggregates.reviews = Some(id);
    }
    aggregates
}

/// Writes `count items were` or `1 item was`.
fn items_were(count: usize) -> String {
    if count == 1 {
        "1 item was".to_owned()
    } else {
        format!("{count} items were")
    }
}

fn median(values: &[u64]) -> Option<u64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        len if len % 2 == 1 => Some(sorted[middle]),
        _ => Some((sorted[middle - 1] + sorted[middle]) / 2),
    }
}

fn review_summary(counts: &Counts) -> String {
    let reviewed = counts.waits.len();
    let mut text = format!(
        "First-review wait over {} pull requests",
        reviewed + counts.never_reviewed
    );
    if let Some(median) = median(&counts.waits) {
        text.push_str(&format!(": median {median} hours"));
    }
    if let Some((_, reference, hours)) = &counts.slowest {
        text.push_str(&format!(", longest {reference} at {hours} hours"));
    }
    if counts.never_reviewed > 0 {
        text.push_str(&format!("; {} never reviewed", counts.never_reviewed));
    }
    text
}

/// Derives the findings the offline model writes, each tied to the facts behind it.
fn derive(
    counts: &Counts,
    aggregates: &Aggregates,
    blockers: &[BlockerFact],
    blocker_ids: &[FactId],
) -> Findings {
    let mut findings = Findings::default();
    let with = |first: &Option<FactId>, rest: &[FactId]| -> Vec<FactId> {
        first
            .iter()
            .cloned()
            .chain(rest.iter().take(MAX_CITED_ITEMS).cloned())
            .collect()
    };

    if let Some(completion) = &aggregates.completion {
        if !counts.completed.is_empty() {
            findings.went_well.push(Finding {
                text: format!(
                    "The team completed {} of {} items.",
                    counts.completed.len(),
                    counts.total
                ),
                fact_ids: with(&Some(completion.clone()), &counts.completed),
            });
        }
        if counts.total > 0 && counts.carried.is_empty() {
            findings.went_well.push(Finding {
                text: "Every item in the sprint was finished.".to_owned(),
                fact_ids: vec![completion.clone()],
            });
        }
        if !counts.carried.is_empty() {
            let keys: Vec<&str> = counts.carried.iter().map(|(_, key)| key.as_str()).collect();
            let ids: Vec<FactId> = counts.carried.iter().map(|(id, _)| id.clone()).collect();
            findings.did_not_go_well.push(Finding {
                text: format!(
                    "{} carried over: {}.",
                    items_were(keys.len()),
                    keys.join(", ")
                ),
                fact_ids: with(&Some(completion.clone()), &ids),
            });
            findings.actions.push(Finding {
                text: format!(
                    "Re-plan the carried-over items ({}) and split any that are too large for one sprint.",
                    keys.join(", ")
                ),
                fact_ids: ids.into_iter().take(MAX_CITED_ITEMS).collect(),
            });
        }
    }
    review_findings(counts, aggregates, &mut findings);
    for (blocker, id) in blockers.iter().zip(blocker_ids) {
        findings.did_not_go_well.push(Finding {
            text: format!("Blocked: {}.", blocker.summary.trim_end_matches('.')),
            fact_ids: vec![id.clone()],
        });
        findings.actions.push(Finding {
            text: format!(
                "Follow up on the blocker \"{}\" until it is resolved or escalated.",
                blocker.summary.trim_end_matches('.')
            ),
            fact_ids: vec![id.clone()],
        });
    }
    if let Some(scope) = &aggregates.scope {
        findings.did_not_go_well.push(Finding {
            text: format!(
                "{} added after the sprint started.",
                items_were(counts.added.len())
            ),
            fact_ids: with(&Some(scope.clone()), &counts.added),
        });
        findings.actions.push(Finding {
            text: "Agree how new work may enter a running sprint.".to_owned(),
            fact_ids: vec![scope.clone()],
        });
    }
    if !counts.flagged.is_empty() {
        findings.did_not_go_well.push(Finding {
            text: format!(
                "{} flagged as an impediment.",
                items_were(counts.flagged.len())
            ),
            fact_ids: counts
                .flagged
                .iter()
                .take(MAX_CITED_ITEMS)
                .cloned()
                .collect(),
        });
    }
    findings
}

fn review_findings(counts: &Counts, aggregates: &Aggregates, findings: &mut Findings) {
    let Some(reviews) = &aggregates.reviews else {
        return;
    };
    let median = median(&counts.waits);
    let slow = median.is_some_and(|hours| hours > SLOW_REVIEW_HOURS) || counts.never_reviewed > 0;
    if slow {
        let mut ids = vec![reviews.clone()];
        if let Some((slowest, _, _)) = &counts.slowest {
            ids.push(slowest.clone());
        }
        findings.did_not_go_well.push(Finding {
            text: "Pull requests waited long for a first review.".to_owned(),
            fact_ids: ids,
        });
        findings.actions.push(Finding {
            text: format!(
                "Agree a target for first reviews (for example within {SLOW_REVIEW_HOURS} hours) and share review duty."
            ),
            fact_ids: vec![reviews.clone()],
        });
    } else if let Some(median) = median {
        findings.went_well.push(Finding {
            text: format!("Pull requests got a first review quickly (median {median} hours)."),
            fact_ids: vec![reviews.clone()],
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[5, 1, 3]), Some(3));
        assert_eq!(median(&[1, 2, 3, 10]), Some(2));
    }
}
