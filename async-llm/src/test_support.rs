//! A scripted model for unit tests.

use std::collections::VecDeque;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::{
    CompletionRequest, CompletionResponse, ContentPart, Error, LanguageModel, ModelInfo,
    StopReason, Usage,
};

/// A model that answers with queued replies and keeps every request it received.
#[derive(Debug, Default)]
pub(crate) struct Scripted {
    replies: Mutex<VecDeque<(String, StopReason)>>,
    requests: Mutex<Vec<CompletionRequest>>,
}

impl Scripted {
    pub(crate) fn new(replies: &[&str]) -> Self {
        let replies = replies
            .iter()
            .map(|reply| ((*reply).to_owned(), StopReason::EndTurn))
            .collect();
        Self {
            replies: Mutex::new(replies),
            requests: Mutex::default(),
        }
    }

    pub(crate) fn cut_short(reply: &str) -> Self {
        Self {
            replies: Mutex::new(VecDeque::from([(reply.to_owned(), StopReason::MaxTokens)])),
            requests: Mutex::default(),
        }
    }

    pub(crate) fn requests(&self) -> Vec<CompletionRequest> {
        self.requests.lock().expect("requests lock").clone()
    }
}

#[async_trait]
impl LanguageModel for Scripted {
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        self.requests
            .lock()
            .expect("requests lock")
            .push(request.clone());
        let (text, stop) = self
            .replies
            .lock()
            .expect("replies lock")
            .pop_front()
            .expect("a scripted reply is left");
        let usage = Usage::new().with_uncached_input(100).with_output(10);
        Ok(
            CompletionResponse::new(vec![ContentPart::Text(text)], stop, "scripted")
                .with_usage(usage),
        )
    }

    fn describe(&self) -> ModelInfo {
        ModelInfo::new("scripted", "scripted")
    }
}

/// The guard unit tests approve facts with: team `payments` of Dana, Lee and Sam,
/// managed by Morgan, where Sam shares chat with nobody.
pub(crate) type TestGuard =
    async_policy::Guard<async_policy::RulesEngine, async_policy::MemoryAuditLog>;

pub(crate) fn guard() -> TestGuard {
    use async_core::ids::{PersonId, TeamId};
    use async_core::model::Team;
    use async_policy::{
        DataCategory, Guard, MemoryAuditLog, Organization, RulesEngine, Visibility,
        VisibilitySettings,
    };

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

/// Approves `value` as `subject`'s individual data for Dana.
pub(crate) fn approve<T: async_policy::Attributed>(
    guard: &TestGuard,
    subject: &str,
    category: async_policy::DataCategory,
    purpose: async_policy::Purpose,
    value: T,
) -> async_policy::Authorized<T> {
    let request = async_policy::AccessRequest::individual("dana", subject, category, purpose);
    guard
        .authorize_now(&request, value)
        .expect("the policy allows it")
}

/// Approves `value` as an aggregate of team `payments` for Dana.
pub(crate) fn approve_team<T: async_policy::Attributed>(
    guard: &TestGuard,
    category: async_policy::DataCategory,
    purpose: async_policy::Purpose,
    value: T,
) -> async_policy::Authorized<T> {
    let request =
        async_policy::AccessRequest::team_aggregate("dana", "payments", category, purpose);
    guard
        .authorize_now(&request, value)
        .expect("the policy allows it")
}
