//! The guard: decisions, audit, and the only way to obtain `Authorized<T>`.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::audit::{AuditLog, AuditRecord};
use crate::request::{AccessRequest, Scope};
use crate::{Authorized, Decision, Error, PolicyEngine};

/// A source of the current time, injectable so tests and replays are deterministic.
type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Pairs a policy engine with an audit log and releases data only through decisions.
///
/// Every decision about another person's individual data, allowed or denied, is written to
/// the audit log. An allowed access is released only after its record is stored.
pub struct Guard<E, L> {
    engine: E,
    log: L,
    clock: Clock,
}

impl<E: fmt::Debug, L: fmt::Debug> fmt::Debug for Guard<E, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guard")
            .field("engine", &self.engine)
            .field("log", &self.log)
            .finish_non_exhaustive()
    }
}

impl<E: PolicyEngine, L: AuditLog> Guard<E, L> {
    /// Creates a guard that stamps audit records with the system clock.
    pub fn new(engine: E, log: L) -> Self {
        Self {
            engine,
            log,
            clock: Arc::new(Utc::now),
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

    /// Decides a request without releasing anything or writing to the audit log.
    pub fn decide(&self, request: &AccessRequest) -> Decision {
        self.engine.decide(request)
    }

    /// Decides a request and, when allowed, wraps `value` as approved for it.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Denied`] with the decision when the policy denies the access, and
    /// [`Error::AuditWriteFailed`] when an access that must be audited could not be
    /// recorded; the value is then dropped, not released.
    pub fn authorize<T>(&self, request: &AccessRequest, value: T) -> Result<Authorized<T>, Error> {
        let decision = self.engine.decide(request);
        if must_record(request, &decision) {
            self.log.append(self.record(request, &decision))?;
        }
        match decision {
            Decision::Allow { .. } => Ok(Authorized::new(value, request.clone())),
            Decision::Deny { .. } => Err(Error::Denied { decision }),
        }
    }

    fn record(&self, request: &AccessRequest, decision: &Decision) -> AuditRecord {
        AuditRecord {
            at: (self.clock)(),
            viewer: request.viewer.clone(),
            scope: request.scope.clone(),
            category: request.category,
            purpose: request.purpose,
            effect: decision.effect(),
            rule: decision.rule(),
        }
    }
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
