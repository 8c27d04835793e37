//! The planted blockers and near-misses that `examples/demo/README.md` lists are really
//! in the recordings.
//!
//! These checks read the raw provider JSON, without the connectors, so that a change to
//! the recordings that silently removes a planted case fails here with a precise message.
//! The end-to-end check of the standup belongs to the example's own integration test.

mod common;

use std::collections::BTreeSet;

use async_core::insights::{is_blocker_text, is_resolution_text, working_days_between};
use async_examples::demo::Demo;
use chrono::{DateTime, TimeDelta, Utc};
use common::{ManifestRoute, manifest_routes, recording_text};
use serde_json::Value;

fn recordings(path_suffix: &str) -> Vec<(ManifestRoute, Value)> {
    manifest_routes()
        .into_iter()
        .filter(|route| route.path.ends_with(path_suffix))
        .map(|route| {
            let value = serde_json::from_str(&recording_text(&route)).expect("JSON");
            (route, value)
        })
        .collect()
}

fn jira_time(text: &Value) -> DateTime<Utc> {
    let text = text.as_str().expect("a timestamp string");
    DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.3f%z")
        .expect("Jira timestamp")
        .to_utc()
}

fn github_time(text: &Value) -> DateTime<Utc> {
    text.as_str()
        .expect("a timestamp string")
        .parse()
        .expect("GitHub timestamp")
}

/// Every sprint issue, from the search recordings.
fn issues() -> Vec<Value> {
    recordings("/search/jql")
        .into_iter()
        .flat_map(|(_, page)| page["issues"].as_array().cloned().unwrap_or_default())
        .collect()
}

fn keys_where(predicate: impl Fn(&Value) -> bool) -> BTreeSet<String> {
    issues()
        .into_iter()
        .filter(|issue| predicate(issue))
        .filter_map(|issue| issue["key"].as_str().map(str::to_owned))
        .collect()
}

fn category(issue: &Value) -> &str {
    issue["fields"]["status"]["statusCategory"]["key"]
        .as_str()
        .unwrap_or_default()
}

#[test]
fn only_pay_141_is_flagged() {
    let flagged = keys_where(|issue| !issue["fields"]["customfield_10021"].is_null());

    assert_eq!(flagged, BTreeSet::from(["PAY-141".to_owned()]));
    let unflagged = issues()
        .into_iter()
        .find(|issue| issue["key"] == "PAY-146")
        .expect("PAY-146");
    let histories = unflagged["changelog"]["histories"].to_string();
    assert!(histories.contains("Flagged"), "PAY-146 was never flagged");
}

#[test]
fn only_pay_150_has_blocked_status() {
    let blocked = keys_where(|issue| issue["fields"]["status"]["name"] == "Blocked");

    assert_eq!(blocked, BTreeSet::from(["PAY-150".to_owned()]));
}

#[test]
fn blocks_links_point_where_planted() {
    let all = issues();
    let category_of = |key: &str| {
        all.iter()
            .find(|issue| issue["key"] == key)
            .map(|issue| category(issue).to_owned())
    };
    let mut inward = Vec::new();
    for issue in &all {
        for link in issue["fields"]["issuelinks"]
            .as_array()
            .expect("issuelinks")
        {
            if link["type"]["name"] == "Blocks" && !link["inwardIssue"].is_null() {
                let other = link["inwardIssue"]["key"].as_str().expect("key");
                inward.push((
                    issue["key"].as_str().expect("key").to_owned(),
                    other.to_owned(),
                    category_of(other),
                ));
            }
        }
    }
    inward.sort();

    assert_eq!(
        inward,
        [
            (
                "PAY-145".to_owned(),
                "PAY-133".to_owned(),
                Some("done".to_owned())
            ),
            (
                "PAY-148".to_owned(),
                "PAY-152".to_owned(),
                Some("indeterminate".to_owned())
            ),
        ]
    );
}

#[test]
fn only_pay_139_is_stale() {
    let mut stale = BTreeSet::new();
    let mut days_of_pay_143 = None;
    for issue in issues() {
        if category(&issue) != "indeterminate" {
            continue;
        }
        let histories = issue["changelog"]["histories"]
            .as_array()
            .expect("histories");
        let touched = histories
            .iter()
            .map(|history| jira_time(&history["created"]))
            .fold(jira_time(&issue["fields"]["updated"]), DateTime::max);
        let days = working_days_between(touched, Demo::now());
        if issue["key"] == "PAY-143" {
            days_of_pay_143 = Some(days);
        }
        if days >= 3 {
            stale.insert(issue["key"].as_str().expect("key").to_owned());
        }
    }

    assert_eq!(stale, BTreeSet::from(["PAY-139".to_owned()]));
    assert_eq!(days_of_pay_143, Some(2), "PAY-143 is the weekday near-miss");
}

/// Returns `(repo#number, waited, first outside review delay, draft)` of open pulls.
fn open_pulls() -> Vec<(String, TimeDelta, Option<TimeDelta>, bool)> {
    let mut open = Vec::new();
    for (route, page) in recordings("/pulls") {
        if route.query.contains_key("page") && route.path.starts_with("/github/repos/") {
            continue; // the same page as the `/repositories/{id}` route
        }
        for pull in page.as_array().expect("a page is an array") {
            if pull["state"] != "open" {
                continue;
            }
            let repo = pull["base"]["repo"]["name"].as_str().expect("repo name");
            let number = pull["number"].as_u64().expect("number");
            let created = github_time(&pull["created_at"]);
            let author = &pull["user"]["login"];
            let reviews_path = format!("/github/repos/acme/{repo}/pulls/{number}/reviews");
            let (_, reviews) = recordings(&reviews_path).pop().expect("reviews recorded");
            let first_review = reviews
                .as_array()
                .expect("reviews")
                .iter()
                .filter(|review| &review["user"]["login"] != author)
                .map(|review| github_time(&review["submitted_at"]) - created)
                .min();
            let draft = pull["draft"].as_bool().expect("draft");
            open.push((
                format!("{repo}#{number}"),
                Demo::now() - created,
                first_review,
                draft,
            ));
        }
    }
    open.sort_by(|a, b| a.0.cmp(&b.0));
    open
}

#[test]
fn only_payments_api_216_awaits_review() {
    let waiting: Vec<String> = open_pulls()
        .into_iter()
        .filter(|(_, waited, review, draft)| {
            !draft && review.is_none() && *waited > TimeDelta::hours(24)
        })
        .map(|(id, ..)| id)
        .collect();

    assert_eq!(waiting, ["payments-api#216"]);
}

#[test]
fn review_near_misses_hold() {
    let pulls = open_pulls();
    let find = |id: &str| pulls.iter().find(|pull| pull.0 == id).expect(id);

    let quick = find("payments-api#215");
    assert!(quick.1 > TimeDelta::hours(24));
    assert!(quick.2.is_some_and(|delay| delay < TimeDelta::hours(3)));
    let draft = find("payments-api#218");
    assert!(draft.3 && draft.2.is_none() && draft.1 > TimeDelta::hours(24));
    let young = find("payments-api#217");
    assert!(young.2.is_none() && young.1 < TimeDelta::hours(24));
}

/// Human messages of the monitored channels (history and thread replies), oldest first.
fn human_messages() -> Vec<Value> {
    let mut messages: Vec<Value> = recordings("/conversations.history")
        .into_iter()
        .chain(recordings("/conversations.replies"))
        .flat_map(|(_, page)| page["messages"].as_array().cloned().unwrap_or_default())
        .filter(|message| message["bot_id"].is_null() && message["subtype"].is_null())
        .collect();
    messages.sort_by(|a, b| a["ts"].as_str().cmp(&b["ts"].as_str()));
    messages.dedup_by(|a, b| a["ts"] == b["ts"]);
    messages
}

fn is_resolved(message: &Value, messages: &[Value]) -> bool {
    let ts = message["ts"].as_str().expect("ts");
    messages
        .iter()
        .filter(|later| later["ts"].as_str() > Some(ts))
        .filter(|later| later["thread_ts"] == ts || later["user"] == message["user"])
        .any(|later| is_resolution_text(later["text"].as_str().unwrap_or_default()).is_some())
}

#[test]
fn chat_blockers_are_the_planted_ones() {
    let messages = human_messages();
    let window_start = Demo::window().start.timestamp();
    let mut open = Vec::new();
    let mut resolved = Vec::new();
    for message in &messages {
        let text = message["text"].as_str().expect("text");
        let seconds: i64 = message["ts"].as_str().expect("ts")[..10]
            .parse()
            .expect("ts");
        if seconds < window_start || is_blocker_text(text).is_none() {
            continue;
        }
        let user = message["user"].as_str().expect("user").to_owned();
        if is_resolved(message, &messages) {
            resolved.push(user);
        } else {
            open.push(user);
        }
    }

    assert_eq!(
        open,
        ["U0LEEM03"],
        "only Lee's message should stay a blocker"
    );
    assert_eq!(resolved, ["U0YUSF08"], "Yusuf's thread should be resolved");
}

#[test]
fn bot_message_waits_for_deploy() {
    let bot_texts: Vec<String> = recordings("/conversations.history")
        .into_iter()
        .flat_map(|(_, page)| page["messages"].as_array().cloned().unwrap_or_default())
        .filter(|message| !message["bot_id"].is_null())
        .filter_map(|message| message["text"].as_str().map(str::to_owned))
        .collect();

    assert!(
        bot_texts
            .iter()
            .any(|text| is_blocker_text(text) == Some("waiting for")),
        "the bot near-miss is missing"
    );
}
