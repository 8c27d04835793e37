//! The standup task end to end, with facts approved by the policy guard.

mod common;

use std::sync::{Arc, Mutex};

use async_core::ids::{PersonId, RepositoryId, TeamId, TenantId, WorkItemKey};
use async_core::model::Team;
use async_core::secret::EncryptionKey;
use async_llm::tasks::standup::{
    BlockerFact, BlockerSource, CodeFacts, Evidence, PersonFacts, Progress, PullRequestFact,
    PullRequestStatus, ReviewFact, StandupFacts, StandupOptions, WorkFacts, WorkItemFact,
    write_standup,
};
use async_llm::{Error, OfflineModel, StopReason};
use async_policy::{
    AccessRequest, Attributed, AuditLog, Authorized, DataCategory, Guard, MemoryAuditLog,
    Organization, Pseudonymizer, Purpose, RulesEngine, Visibility, VisibilitySettings,
};
use chrono::{DateTime, TimeZone, Utc};

type TestGuard = Guard<RulesEngine, MemoryAuditLog>;

fn guard() -> TestGuard {
    let team = Team {
        id: TeamId::new("payments"),
        name: "Payments".into(),
        members: vec![
            PersonId::new("dana"),
            PersonId::new("lee"),
            PersonId::new("sam"),
        ],
        managers: vec![PersonId::new("morgan")],
    };
    let mut settings = VisibilitySettings::default();
    settings.set(PersonId::new("sam"), DataCategory::Chat, Visibility::OnlyMe);
    Guard::new(
        RulesEngine::new(Organization::new(vec![team]), settings),
        MemoryAuditLog::new(),
    )
}

fn approve<T: Attributed>(
    guard: &TestGuard,
    subject: &str,
    category: DataCategory,
    value: T,
) -> Authorized<T> {
    let request = AccessRequest::individual("dana", subject, category, Purpose::Standup);
    guard
        .authorize_now(&request, value)
        .expect("the policy allows it")
}

fn day(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, day, 9, 0, 0)
        .single()
        .expect("valid date")
}

fn work(person: &str) -> WorkFacts {
    WorkFacts {
        person: PersonId::new(person),
        items: vec![
            WorkItemFact {
                key: WorkItemKey::new("PAY-12"),
                title: "Fix refund rounding".into(),
                url: Some("https://acme.atlassian.net/browse/PAY-12".into()),
                status: "Done".into(),
                progress: Progress::Done,
                updated_at: Some(day(3)),
            },
            WorkItemFact {
                key: WorkItemKey::new("PAY-13"),
                title: "Refund audit trail".into(),
                url: Some("https://acme.atlassian.net/browse/PAY-13".into()),
                status: "In Progress".into(),
                progress: Progress::InProgress,
                updated_at: Some(day(3)),
            },
        ],
    }
}

fn code(person: &str) -> CodeFacts {
    CodeFacts {
        person: PersonId::new(person),
        pull_requests: vec![PullRequestFact {
            repository: RepositoryId::new("acme/payments"),
            number: 42,
            title: "Retry refunds <safely>".into(),
            url: Some("https://github.com/acme/payments/pull/42".into()),
            status: PullRequestStatus::Open,
            updated_at: Some(day(2)),
            work_items: vec![WorkItemKey::new("PAY-13")],
        }],
        reviews: vec![ReviewFact {
            repository: RepositoryId::new("acme/ledger"),
            number: 7,
            title: "Split the ledger export".into(),
            url: Some("https://github.com/acme/ledger/pull/7".into()),
            verdict: "approved".into(),
            reviewed_at: Some(day(2)),
        }],
    }
}

fn blocker(person: &str, source: BlockerSource) -> BlockerFact {
    BlockerFact {
        person: PersonId::new(person),
        summary: "Waiting on the security review of the refund API".into(),
        source,
        since: Some(day(1)),
        evidence: vec![
            Evidence::new(
                "PAY-15",
                Some("https://acme.atlassian.net/browse/PAY-15".into()),
            ),
            Evidence::new(
                "acme/payments#40",
                Some("https://github.com/acme/payments/pull/40".into()),
            ),
        ],
    }
}

fn team_facts(guard: &TestGuard) -> StandupFacts {
    let dana = PersonFacts::new("dana", "Dana")
        .with_work(approve(guard, "dana", DataCategory::Work, work("dana")))
        .with_code(approve(guard, "dana", DataCategory::Code, code("dana")));
    let lee = PersonFacts::new("lee", "Lee").with_blocker(approve(
        guard,
        "lee",
        DataCategory::Work,
        blocker("lee", BlockerSource::WorkItem),
    ));
    StandupFacts::new("dana").with_person(dana).with_person(lee)
}

#[tokio::test]
async fn offline_standup_from_approved_facts() {
    let guard = guard();
    let facts = team_facts(&guard);

    let standup = write_standup(&OfflineModel::new(), &facts, &StandupOptions::default())
        .await
        .expect("standup");

    let markdown = &standup.markdown;
    assert!(markdown.contains("## Dana\n**Done**\n- [PAY-12](https://acme.atlassian.net/browse/PAY-12) Fix refund rounding (Done)"));
    assert!(markdown.contains("**In progress**\n- [PAY-13]"));
    assert!(markdown.contains(
        "- Reviewed [acme/ledger#7](https://github.com/acme/ledger/pull/7) Split the ledger export (approved)"
    ));
    assert!(markdown.contains("## Lee"));
    assert!(markdown.contains(
        "## Team blockers\n- **Lee**: Waiting on the security review of the refund API — evidence: \
         [PAY-15](https://acme.atlassian.net/browse/PAY-15), \
         [acme/payments#40](https://github.com/acme/payments/pull/40)"
    ));
    assert!(standup.slack_mrkdwn.contains(
        "• <https://github.com/acme/payments/pull/42|acme/payments#42> Retry refunds &lt;safely&gt; (open)"
    ));
    assert!(
        standup.missing_references.is_empty(),
        "{:?}",
        standup.missing_references
    );
    assert_eq!(standup.model.provider, "offline");
    assert_eq!(standup.usage, None);
    assert_eq!(standup.omitted_facts, 0);
    assert_eq!(standup.stop_reason, StopReason::Rendered);
}

#[tokio::test]
async fn teammate_access_is_audited() {
    let guard = guard();
    let _facts = team_facts(&guard);

    let entries = guard.log().entries().await.expect("in memory");
    assert_eq!(
        entries.len(),
        1,
        "only Lee's blocker is someone else's data"
    );
    assert!(guard.log().verify().await.is_ok());
}

#[tokio::test]
async fn chat_blocker_needs_chat_approval() {
    let guard = guard();
    let approved_as_work = approve(
        &guard,
        "lee",
        DataCategory::Work,
        blocker("lee", BlockerSource::Chat),
    );
    let facts = StandupFacts::new("dana")
        .with_person(PersonFacts::new("lee", "Lee").with_blocker(approved_as_work));

    let error = write_standup(&OfflineModel::new(), &facts, &StandupOptions::default())
        .await
        .expect_err("chat blocker approved as work");

    assert!(
        matches!(error, Error::AuthorizationMismatch(_)),
        "{error:?}"
    );
    assert!(error.to_string().contains("the slot needs chat"), "{error}");
}

#[tokio::test]
async fn chat_blocker_with_chat_approval() {
    let guard = guard();
    let approved = approve(
        &guard,
        "lee",
        DataCategory::Chat,
        blocker("lee", BlockerSource::Chat),
    );
    let facts = StandupFacts::new("dana")
        .with_person(PersonFacts::new("lee", "Lee").with_blocker(approved));

    let standup = write_standup(&OfflineModel::new(), &facts, &StandupOptions::default())
        .await
        .expect("chat is approved");

    assert!(standup.markdown.contains("Waiting on the security review"));
}

#[test]
fn private_chat_cannot_be_approved() {
    let guard = guard();
    let request = AccessRequest::individual("dana", "sam", DataCategory::Chat, Purpose::Standup);

    let denied = guard.authorize_now(&request, blocker("sam", BlockerSource::Chat));

    assert!(denied.is_err(), "Sam keeps chat to themselves");
}

#[tokio::test]
async fn facts_filed_under_wrong_person() {
    let guard = guard();
    let lees_work = approve(&guard, "lee", DataCategory::Work, work("lee"));
    let facts = StandupFacts::new("dana")
        .with_person(PersonFacts::new("dana", "Dana").with_work(lees_work));

    let error = write_standup(&OfflineModel::new(), &facts, &StandupOptions::default())
        .await
        .expect_err("Lee's work filed under Dana");

    assert!(
        error.to_string().contains("another subject than dana"),
        "{error}"
    );
}

#[test]
fn self_approval_cannot_wrap_others_work() {
    let guard = guard();
    let own = AccessRequest::individual("dana", "dana", DataCategory::Work, Purpose::Standup);

    let error = guard
        .authorize_now(&own, work("lee"))
        .expect_err("Lee's work is not Dana's own data");

    assert!(error.is_attribution_mismatch(), "{error}");
    assert!(
        error.to_string().contains("belongs to person lee"),
        "{error}"
    );
    assert!(guard.log().is_empty());
}

#[test]
fn self_approval_cannot_wrap_others_code_or_blockers() {
    let guard = guard();
    let own = |category| AccessRequest::individual("dana", "dana", category, Purpose::Standup);

    let code = guard.authorize_now(&own(DataCategory::Code), code("lee"));
    let blocker = guard.authorize_now(
        &own(DataCategory::Chat),
        blocker("sam", BlockerSource::Chat),
    );

    assert!(code.is_err_and(|error| error.is_attribution_mismatch()));
    assert!(blocker.is_err_and(|error| error.is_attribution_mismatch()));
}

#[tokio::test]
async fn facts_for_another_viewer() {
    let guard = guard();
    let request = AccessRequest::individual("lee", "lee", DataCategory::Work, Purpose::Standup);
    let lees_view = guard
        .authorize_now(&request, work("lee"))
        .expect("own data");
    let facts =
        StandupFacts::new("dana").with_person(PersonFacts::new("lee", "Lee").with_work(lees_view));

    let error = write_standup(&OfflineModel::new(), &facts, &StandupOptions::default())
        .await
        .expect_err("approved for Lee, written for Dana");

    assert!(
        error.to_string().contains("viewer lee, not dana"),
        "{error}"
    );
}

#[tokio::test]
async fn facts_for_another_purpose() {
    let guard = guard();
    let request =
        AccessRequest::individual("dana", "dana", DataCategory::Work, Purpose::Retrospective);
    let for_retro = guard
        .authorize_now(&request, work("dana"))
        .expect("own data");
    let facts = StandupFacts::new("dana")
        .with_person(PersonFacts::new("dana", "Dana").with_work(for_retro));

    let error = write_standup(&OfflineModel::new(), &facts, &StandupOptions::default())
        .await
        .expect_err("approved for a retrospective");

    assert!(
        error.to_string().contains("retrospective purpose"),
        "{error}"
    );
}

#[tokio::test]
async fn small_budget_omits_done_work_first() {
    let guard = guard();
    let facts = team_facts(&guard);
    let options = StandupOptions::default().with_max_prompt_tokens(330);

    let standup = write_standup(&OfflineModel::new(), &facts, &options)
        .await
        .expect("standup");

    assert!(standup.omitted_facts >= 1);
    assert!(!standup.markdown.contains("PAY-12"), "done work goes first");
    assert!(
        standup.markdown.contains("Waiting on the security review"),
        "blockers stay"
    );
    assert!(
        standup
            .markdown
            .contains("lower-priority facts were omitted")
    );
}

#[tokio::test]
async fn anthropic_standup_sends_only_the_prompt() {
    let guard = guard();
    let facts = team_facts(&guard);
    let body = Arc::new(Mutex::new(String::new()));
    let captured = Arc::clone(&body);

    let mut server = mockito::Server::new_async().await;
    let mock = server
        .mock("POST", "/v1/messages")
        .match_request(move |request| {
            let text = request
                .utf8_lossy_body()
                .map(|b| b.into_owned())
                .unwrap_or_default();
            *captured.lock().expect("lock") = text;
            true
        })
        .with_status(200)
        .with_header("request-id", "req_011FixtureOk")
        .with_body(common::fixture("anthropic/message_ok.json"))
        .create_async()
        .await;

    let model = common::anthropic(&server);
    let standup = write_standup(&model, &facts, &StandupOptions::default())
        .await
        .expect("standup");
    mock.assert_async().await;

    let sent: serde_json::Value =
        serde_json::from_str(&body.lock().expect("lock")).expect("JSON body");
    // Sorted, because a JSON object has no order and serde_json keeps insertion order
    // when a dependency (cedar-policy) enables `preserve_order`.
    let mut keys: Vec<&str> = sent
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["max_tokens", "messages", "model", "system", "temperature"]
    );
    let user = sent["messages"][0]["content"][0]["text"]
        .as_str()
        .expect("text");
    assert!(user.contains(
        "done | work item | PAY-12 | Fix refund rounding | status: Done | https://acme.atlassian.net/browse/PAY-12"
    ));
    assert!(
        user.contains(
            "blocked | Waiting on the security review of the refund API | since 2026-12-01"
        )
    );
    assert!(
        sent["system"]
            .as_str()
            .expect("system")
            .contains("Use only those facts")
    );

    assert!(standup.slack_mrkdwn.starts_with(
        "*Standup*\n\n*Dana*\n*Done*\n• <https://acme.atlassian.net/browse/PAY-12|PAY-12>"
    ));
    assert!(
        standup
            .usage
            .is_some_and(|usage| usage.output_tokens == Some(58))
    );
    assert!(
        standup.missing_references.contains(&"PAY-13".to_owned()),
        "the fixture answer drops PAY-13"
    );
    assert_eq!(standup.model.provider, "anthropic");
}

/// Creates a pseudonymizer for tenant `acme` under a fixed test key.
fn pseudonymizer() -> Arc<Pseudonymizer> {
    let key = EncryptionKey::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
        .expect("valid key");
    Arc::new(Pseudonymizer::new(TenantId::new("acme"), key))
}

#[tokio::test]
async fn offline_pseudonyms_round_trip() {
    let guard = guard();
    let plain = team_facts(&guard);
    let hidden = team_facts(&guard).with_pseudonymizer(pseudonymizer());
    let options = StandupOptions::default();

    let with_names = write_standup(&OfflineModel::new(), &plain, &options).await;
    let with_pseudonyms = write_standup(&OfflineModel::new(), &hidden, &options).await;

    let with_names = with_names.expect("standup");
    let with_pseudonyms = with_pseudonyms.expect("standup");
    assert_eq!(with_pseudonyms.markdown, with_names.markdown);
    assert_eq!(with_pseudonyms.slack_mrkdwn, with_names.slack_mrkdwn);
    assert!(!with_pseudonyms.markdown.contains("person-"));
}

#[tokio::test]
async fn pseudonyms_keep_names_out_of_request() {
    let guard = guard();
    let names = pseudonymizer();
    let dana = names
        .pseudonym(&PersonId::new("dana"))
        .expect("no collision");
    let lee = names
        .pseudonym(&PersonId::new("lee"))
        .expect("no collision");
    let facts = team_facts(&guard).with_pseudonymizer(names);
    let body = Arc::new(Mutex::new(String::new()));
    let captured = Arc::clone(&body);
    let text = format!("## {dana}\n**Done**\n- PAY-12\n## {lee}\n**Blocked**\n- PAY-15");
    let answer = serde_json::json!({
        "id": "msg_01FixturePseudonyms",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": null,
        "usage": {"input_tokens": 300, "output_tokens": 20}
    });

    let mut server = mockito::Server::new_async().await;
    let _mock = server
        .mock("POST", "/v1/messages")
        .match_request(move |request| {
            let text = request
                .utf8_lossy_body()
                .map(|b| b.into_owned())
                .unwrap_or_default();
            *captured.lock().expect("lock") = text;
            true
        })
        .with_status(200)
        .with_body(answer.to_string())
        .create_async()
        .await;

    let standup = write_standup(
        &common::anthropic(&server),
        &facts,
        &StandupOptions::default(),
    )
    .await
    .expect("standup");

    let sent = body.lock().expect("lock").clone();
    assert!(sent.contains(&format!("## {dana}")), "{sent}");
    assert!(!sent.contains("Dana"), "{sent}");
    assert!(!sent.contains("Lee"), "{sent}");
    assert!(standup.markdown.starts_with("## Dana\n**Done**"));
    assert!(standup.markdown.contains("## Lee\n**Blocked**"));
}

#[tokio::test]
async fn hostile_titles_stay_plain_text() {
    let guard = guard();
    let mut work = work("dana");
    work.items[0].title = "[Reset your password](https://phish.invalid/login) <!channel>".into();
    work.items[1].title = "<https://phish.invalid|Open me> *bold* `code` <@U0ADMIN>".into();
    let mut blocked = blocker("dana", BlockerSource::WorkItem);
    blocked.summary = "Ping <!here> and see [docs](javascript:alert(1))".into();
    let dana = PersonFacts::new("dana", "Dana <!everyone>")
        .with_work(approve(&guard, "dana", DataCategory::Work, work))
        .with_blocker(approve(&guard, "dana", DataCategory::Work, blocked));
    let facts = StandupFacts::new("dana").with_person(dana);

    let standup = write_standup(&OfflineModel::new(), &facts, &StandupOptions::default())
        .await
        .expect("offline standup");

    for mention in ["<!channel>", "<!here>", "<!everyone>", "<@U0ADMIN>"] {
        assert!(
            !standup.slack_mrkdwn.contains(mention),
            "{mention} in {}",
            standup.slack_mrkdwn
        );
    }
    for link in ["<https://phish.invalid", "<javascript:"] {
        assert!(
            !standup.slack_mrkdwn.contains(link),
            "{link} in {}",
            standup.slack_mrkdwn
        );
    }
    assert!(
        !standup
            .markdown
            .contains("[Reset your password](https://phish.invalid"),
        "{}",
        standup.markdown
    );
    assert!(
        !standup.markdown.contains("[docs](javascript:"),
        "{}",
        standup.markdown
    );
}
