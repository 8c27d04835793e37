//! The guard: decisions, audit, and the only way to obtain `Authorized<T>`.

use std::fmt;
use std::sync::Arc;

use async_core::ids::PersonId;
use chrono::{DateTime, Utc};

use crate::audit::{
    AccessEvent, AuditEntry, AuditEvent, AuditLog, AuditRecord, MemoryAuditLog, VisibilityChange,
};
use crate::request::{AccessRequest, Scope};
use crate::settings_store::SettingsHistory;
use crate::{Attributed, Authorized, DataCategory, Decision, Error, PolicyEngine, Visibility};

/// A source of the current time, injectable so tests and replays are deterministic.
type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Pairs a policy engine with an audit log and releases data only through decisions.
///
/// Every decision about another person's individual data, allowed or denied, is written to
/// the audit log, and an allowed access is released only after its record is stored. A
/// failed write releases nothing. `H` is where visibility changes are kept: `()` by
/// default, or a [`VisibilityStore`](crate::VisibilityStore).
pub struct Guard<E, L, H = ()> {
    engine: E,
    log: L,
    history: H,
    clock: Clock,
}

impl<E: fmt::Debug, L: fmt::Debug, H: fmt::Debug> fmt::Debug for Guard<E, L, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guard")
            .field("engine", &self.engine)
            .field("log", &self.log)
            .field("history", &self.history)
            .finish_non_exhaustive()
    }
}

impl<E: PolicyEngine, L: AuditLog> Guard<E, L> {
    /// Creates a guard that stamps audit records with the system clock and keeps
    /// visibility changes only in the engine.
    pub fn new(engine: E, log: L) -> Self {
        Self {
            engine,
            log,
            history: (),
            clock: Arc::new(Utc::now),
        }
    }
}

impl<E, L, H> Guard<E, L, H> {
    /// Keeps visibility changes in `history`, such as a [`VisibilityStore`](crate::VisibilityStore).
    pub fn with_settings_history<H2>(self, history: H2) -> Guard<E, L, H2> {
        Guard {
            engine: self.engine,
            log: self.log,
            history,
            clock: self.clock,
        }
    }

    /// Replaces the clock used to stamp audit records.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The engine.
    pub fn engine(&self) -> &E {
        &self.engine
    }

    /// The audit log.
    pub fn log(&self) -> &L {
        &self.log
    }

    /// Where visibility changes are kept.
    pub fn settings_history(&self) -> &H {
        &self.history
    }
}

impl<E: PolicyEngine, L: AuditLog, H: SettingsHistory> Guard<E, L, H> {
    /// Decides a request without releasing anything or writing to the audit log.
    pub fn decide(&self, request: &AccessRequest) -> Decision {
        self.engine.decide(request)
    }

    /// Decides a request and, when allowed, wraps `value` as approved for it.
    ///
    /// `value` must belong to the scope the request names: its
    /// [`attribution`](Attributed::attribution) is compared with `request.scope` before
    /// anything is decided. A mismatch is not written to the audit log, because no
    /// decision was taken and nothing was released. An entry would also name the wrong
    /// subject, since the request and the value disagree about whose data it is.
    ///
    /// # Errors
    ///
    /// Returns [`Error::AttributionMismatch`] when `value` belongs to another person or
    /// team than the request, [`Error::Denied`] with the decision when the policy denies
    /// the access, and [`Error::AuditWriteFailed`] when the access could not be recorded.
    /// In every case the value is dropped, not released.
    pub async fn authorize<T: Attributed>(
        &self,
        request: &AccessRequest,
        value: T,
    ) -> Result<Authorized<T>, Error> {
        check_attribution(request, &value)?;
        let decision = self.engine.decide(request);
        let mut entry = None;
        if must_record(request, &decision) {
            entry = Some(
                self.log
                    .append(self.record(request, &decision))
                    .await?
                    .sequence,
            );
        }
        release(request, decision, entry, value)
    }

    /// Changes who may see `person`'s data of `category`: the change applies to the next
    /// decision, is kept in the settings history, and is written to the audit log.
    ///
    /// Only the person changes their own settings, so `actor` must be `person`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::NotOwnSetting`] when `actor` is someone else,
    /// [`Error::UnknownPerson`] when the organisation does not know `person`, and
    /// [`Error::SettingsWriteFailed`] or [`Error::AuditWriteFailed`] when the change could
    /// not be kept or recorded. The engine applies the change before it is stored, so a
    /// person's wish takes effect even when storage fails; the error says it was not kept.
    pub async fn change_visibility(
        &self,
        actor: &PersonId,
        person: &PersonId,
        category: DataCategory,
        visibility: Visibility,
    ) -> Result<VisibilityChange, Error> {
        if actor != person {
            return Err(Error::NotOwnSetting {
                actor: actor.clone(),
                person: person.clone(),
            });
        }
        let Some(from) = self.engine.visibility(person, category) else {
            return Err(Error::UnknownPerson {
                person: person.clone(),
            });
        };
        self.engine.set_visibility(person, category, visibility)?;

        let change = VisibilityChange {
            person: person.clone(),
            category,
            from,
            to: visibility,
        };
        let at = (self.clock)();
        self.history.record(at, &change).await?;
        let event = AuditEvent::VisibilityChange(change.clone());
        self.log.append(AuditRecord { at, event }).await?;
        Ok(change)
    }

    /// Lists the audit entries about `person`'s data: who accessed it, when and why, and
    /// the changes they made to their settings.
    ///
    /// # Errors
    ///
    /// Returns [`Error::AuditUnreadable`] when the log cannot be read.
    pub async fn accesses_to(&self, person: &PersonId) -> Result<Vec<AuditEntry>, Error> {
        self.log.entries_about(person).await
    }

    fn record(&self, request: &AccessRequest, decision: &Decision) -> AuditRecord {
        let access = AccessEvent {
            viewer: request.viewer.clone(),
            scope: request.scope.clone(),
            category: request.category,
            purpose: request.purpose,
            effect: decision.effect(),
            rule: decision.rule().clone(),
        };
        AuditRecord {
            at: (self.clock)(),
            event: AuditEvent::Access(access),
        }
    }
}

impl<E: PolicyEngine, H: SettingsHistory> Guard<E, MemoryAuditLog, H> {
    /// [`Guard::authorize`] for synchronous callers, when the log is a [`MemoryAuditLog`],
    /// whose appends never wait.
    ///
    /// # Errors
    ///
    /// As [`Guard::authorize`].
    pub fn authorize_now<T: Attributed>(
        &self,
        request: &AccessRequest,
        value: T,
    ) -> Result<Authorized<T>, Error> {
        check_attribution(request, &value)?;
        let decision = self.engine.decide(request);
        let mut entry = None;
        if must_record(request, &decision) {
            entry = Some(
                self.log
                    .append_now(self.record(request, &decision))?
                    .sequence,
            );
        }
        release(request, decision, entry, value)
    }
}

/// Wraps `value` as approved when `decision` allows it, with the audit entry that
/// recorded the access, and drops it otherwise.
fn release<T>(
    request: &AccessRequest,
    decision: Decision,
    entry: Option<u64>,
    value: T,
) -> Result<Authorized<T>, Error> {
    match decision {
        Decision::Allow { rule, .. } => Ok(Authorized::new(value, request.clone(), rule, entry)),
        Decision::Deny { .. } => Err(Error::Denied { decision }),
    }
}

/// Rejects a value whose own subject is not the one the request names.
fn check_attribution<T: Attributed>(request: &AccessRequest, value: &T) -> Result<(), Error> {
    let attribution = value.attribution();
    if attribution == request.scope {
        return Ok(());
    }
    Err(Error::AttributionMismatch {
        requested: request.scope.clone(),
        value: attribution,
    })
}

/// Decides which decisions are written to the audit log: every decision about another
/// person's individual data, and every allow the engine marks as needing audit.
fn must_record(request: &AccessRequest, decision: &Decision) -> bool {
    let about_someone_else =
        matches!(&request.scope, Scope::Individual(subject) if *subject != request.viewer);
    let needs_audit = matches!(
        decision,
        Decision::Allow {
            requires_audit: true,
            ..
        }
    );
    about_someone_else || needs_audit
}
