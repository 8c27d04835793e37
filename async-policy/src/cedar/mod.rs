//! The Cedar backend: the three rules as a Cedar schema and policies.
//!
//! The schema (`schema.cedarschema`) and the rules (`rules.cedar`) live beside this file.
//! Entities are built once per organisation and settings, cached behind an `Arc`, and
//! rebuilt only when a setting changes. Cedar evaluates each request against them; the
//! wrapper then
//!
//! - denies when Cedar reports any evaluation error, because Cedar skips a policy whose
//!   evaluation fails, which would let a `permit` win over a failing `forbid`;
//! - denies a request that names a person or team the organisation does not know, before
//!   Cedar sees it;
//! - maps the determining policy to a [`RuleId`]: the built-in policies carry a `@rule`
//!   annotation naming the native rule, an organisation's policy keeps its own `@id`.
//!
//! A request Cedar denies without a determining policy is attributed the way the native
//! engine attributes it: to rule 3 when it is about another person's individual data, to
//! the default deny otherwise.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::{Arc, PoisonError, RwLock};

use async_core::ids::{PersonId, TeamId};
use cedar_policy::{
    Authorizer, Context, Entities, Entity, EntityId, EntityTypeName, EntityUid, Policy, PolicyId,
    PolicySet, Request, RestrictedExpression, Schema, ValidationMode, Validator,
};

use crate::decision::Reason;
use crate::engine::{DEFAULT_MIN_GROUP_SIZE, MIN_GROUP_SIZE_FLOOR, PolicyEngine};
use crate::organization::{Organization, Person, TeamName, members_below};
use crate::request::{AccessRequest, Scope};
use crate::{DataCategory, Decision, Error, RuleId, Visibility, VisibilitySettings};

/// The Cedar schema of the privacy model.
const SCHEMA: &str = include_str!("schema.cedarschema");
/// The three rules as Cedar policies.
const RULES: &str = include_str!("rules.cedar");

/// What the engine knows about one policy: the rule it stands for and its explanation.
#[derive(Debug, Clone)]
struct PolicyInfo {
    rule: RuleId,
    id: Arc<str>,
    explanation: Option<Arc<str>>,
}

/// The entity types and actions, parsed once.
#[derive(Debug)]
struct Names {
    person: EntityTypeName,
    team: EntityTypeName,
    manager_group: EntityTypeName,
    view_individual: EntityUid,
    view_aggregate: EntityUid,
}

impl Names {
    fn new() -> Result<Self, Error> {
        let type_name = |name: &str| EntityTypeName::from_str(name).map_err(invalid);
        let action =
            |name: &str| EntityUid::from_str(&format!("Action::\"{name}\"")).map_err(invalid);
        Ok(Self {
            person: type_name("Person")?,
            team: type_name("Team")?,
            manager_group: type_name("ManagerGroup")?,
            view_individual: action("ViewIndividual")?,
            view_aggregate: action("ViewAggregate")?,
        })
    }

    fn person(&self, id: &PersonId) -> EntityUid {
        EntityUid::from_type_name_and_id(self.person.clone(), EntityId::new(id.as_str()))
    }

    fn team(&self, id: &TeamId) -> EntityUid {
        EntityUid::from_type_name_and_id(self.team.clone(), EntityId::new(id.as_str()))
    }

    fn manager_group(&self, id: &TeamId) -> EntityUid {
        EntityUid::from_type_name_and_id(self.manager_group.clone(), EntityId::new(id.as_str()))
    }
}

/// Builds a [`CedarEngine`], optionally with an organisation's own policies.
#[derive(Debug)]
#[must_use]
pub struct CedarEngineBuilder {
    organization: Organization,
    settings: VisibilitySettings,
    min_group_size: usize,
    extra: Vec<String>,
}

impl CedarEngineBuilder {
    /// Sets the minimum group size for aggregates; values below
    /// [`MIN_GROUP_SIZE_FLOOR`] are raised to it.
    pub fn min_group_size(mut self, size: usize) -> Self {
        self.min_group_size = size.max(MIN_GROUP_SIZE_FLOOR);
        self
    }

    /// Adds an organisation's own Cedar policies, applied on top of the three rules.
    ///
    /// Each policy must be a `forbid` with an `@id("...")` annotation, which decisions and
    /// audit entries carry as the rule id; an optional `@reason("...")` annotation is the
    /// sentence a denial shows. Only `forbid` is accepted so that an organisation can narrow
    /// access but never widen it past the three rules.
    pub fn organization_policies(mut self, source: impl Into<String>) -> Self {
        self.extra.push(source.into());
        self
    }

    /// Validates every policy against the schema in strict mode and builds the entities.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidPolicy`] with Cedar's message when a policy does not parse,
    /// lacks an `@id`, reuses an id, is not a `forbid`, or fails validation, or when the
    /// organisation cannot be expressed as entities.
    pub fn build(self) -> Result<CedarEngine, Error> {
        let (schema, _warnings) = Schema::from_cedarschema_str(SCHEMA).map_err(invalid)?;
        let names = Names::new()?;
        let mut policies = PolicySet::new();
        let mut info = HashMap::new();
        add_policies(&mut policies, &mut info, RULES, true)?;
        for source in &self.extra {
            add_policies(&mut policies, &mut info, source, false)?;
        }
        let validation = Validator::new(schema.clone()).validate(&policies, ValidationMode::Strict);
        if !validation.validation_passed() {
            let problems: Vec<String> = validation
                .validation_errors()
                .map(ToString::to_string)
                .collect();
            return Err(Error::InvalidPolicy {
                problem: problems.join("; "),
            });
        }
        let entities = build_entities(&names, &schema, &self.organization, &self.settings)?;
        Ok(CedarEngine {
            authorizer: Authorizer::new(),
            schema,
            names,
            policies,
            info,
            state: RwLock::new(State {
                settings: self.settings,
                entities: Arc::new(entities),
            }),
            organization: self.organization,
            min_group_size: self.min_group_size,
        })
    }
}

/// The settings in force and the entities built from them.
#[derive(Debug)]
struct State {
    settings: VisibilitySettings,
    entities: Arc<Entities>,
}

/// A [`PolicyEngine`] that evaluates the rules written in Cedar.
///
/// It decides every request as [`RulesEngine`](crate::RulesEngine) does (a differential
/// property test holds the two to it), and lets an organisation add `forbid` policies.
///
/// # Examples
///
/// ```
/// use async_core::ids::{PersonId, TeamId};
/// use async_core::model::Team;
/// use async_policy::{
///     AccessRequest, CedarEngine, DataCategory, Organization, PolicyEngine, Purpose,
///     VisibilitySettings,
/// };
///
/// let team = Team {
///     id: TeamId::new("payments"),
///     name: "Payments".into(),
///     members: vec![PersonId::new("dana"), PersonId::new("lee"), PersonId::new("sam")],
///     managers: vec![],
/// };
/// let engine = CedarEngine::builder(Organization::new(vec![team]), VisibilitySettings::new())
///     .organization_policies(
///         r#"@id("no-exports") @reason("exports are switched off")
///            forbid (principal, action, resource) when { context.purpose == "export" };"#,
///     )
///     .build()?;
///
/// let export = AccessRequest::individual("dana", "dana", DataCategory::Work, Purpose::Export);
/// let decision = engine.decide(&export);
/// assert_eq!(decision.rule().as_str(), "no-exports");
/// assert_eq!(decision.to_string(), "denied: exports are switched off (policy no-exports)");
/// # Ok::<(), async_policy::Error>(())
/// ```
#[derive(Debug)]
pub struct CedarEngine {
    authorizer: Authorizer,
    schema: Schema,
    names: Names,
    policies: PolicySet,
    info: HashMap<String, PolicyInfo>,
    state: RwLock<State>,
    organization: Organization,
    min_group_size: usize,
}

impl CedarEngine {
    /// Starts an engine over `organization` and `settings` with the three rules.
    pub fn builder(organization: Organization, settings: VisibilitySettings) -> CedarEngineBuilder {
        CedarEngineBuilder {
            organization,
            settings,
            min_group_size: DEFAULT_MIN_GROUP_SIZE,
            extra: Vec::new(),
        }
    }

    /// Builds an engine with the three rules and nothing else.
    ///
    /// # Errors
    ///
    /// As [`CedarEngineBuilder::build`].
    pub fn new(organization: Organization, settings: VisibilitySettings) -> Result<Self, Error> {
        Self::builder(organization, settings).build()
    }

    /// The minimum group size in force.
    pub fn min_group_size(&self) -> usize {
        self.min_group_size
    }

    /// The ids of every policy in force, built-in and organisation's, sorted.
    pub fn policy_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.info.keys().map(String::as_str).collect();
        ids.sort_unstable();
        ids
    }

    fn entities(&self) -> Arc<Entities> {
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(&state.entities)
    }

    fn person(&self, id: &PersonId) -> Option<Person> {
        self.organization.person(id).cloned()
    }

    fn evaluate(&self, request: &AccessRequest) -> Result<Decision, Decision> {
        let viewer = self
            .person(&request.viewer)
            .ok_or_else(|| unknown(&request.viewer))?;
        let (resource, action, context) = match &request.scope {
            Scope::Individual(subject) => {
                self.person(subject).ok_or_else(|| unknown(subject))?;
                let context = self.context(request, None)?;
                (
                    self.names.person(subject),
                    &self.names.view_individual,
                    context,
                )
            }
            Scope::TeamAggregate(team) => {
                if self.organization.team(team).is_none() {
                    let team = TeamName::unknown(team);
                    return Err(deny(RuleId::DefaultDeny, Reason::UnknownTeam { team }));
                }
                let context = self.context(request, Some(self.min_group_size))?;
                (self.names.team(team), &self.names.view_aggregate, context)
            }
        };
        let principal = self.names.person(&request.viewer);
        let cedar_request = Request::new(
            principal,
            action.clone(),
            resource,
            context,
            Some(&self.schema),
        )
        .map_err(|error| failed(vec![Arc::from(error.to_string())]))?;
        let response =
            self.authorizer
                .is_authorized(&cedar_request, &self.policies, &self.entities());
        Ok(self.interpret(request, viewer, &response))
    }

    fn context(
        &self,
        request: &AccessRequest,
        minimum: Option<usize>,
    ) -> Result<Context, Decision> {
        let mut pairs = vec![
            (
                "category".to_owned(),
                RestrictedExpression::new_string(request.category.key().to_owned()),
            ),
            (
                "purpose".to_owned(),
                RestrictedExpression::new_string(request.purpose.key().to_owned()),
            ),
        ];
        if let Some(minimum) = minimum {
            let minimum = i64::try_from(minimum).unwrap_or(i64::MAX);
            pairs.push((
                "min_group_size".to_owned(),
                RestrictedExpression::new_long(minimum),
            ));
        }
        Context::from_pairs(pairs).map_err(|error| failed(vec![Arc::from(error.to_string())]))
    }

    fn interpret(
        &self,
        request: &AccessRequest,
        viewer: Person,
        response: &cedar_policy::Response,
    ) -> Decision {
        let diagnostics = response.diagnostics();
        let failing: Vec<Arc<str>> = diagnostics
            .errors()
            .map(|error| match error {
                cedar_policy::AuthorizationError::PolicyEvaluationError(error) => {
                    Arc::from(AsRef::<str>::as_ref(error.policy_id()))
                }
            })
            .collect();
        if !failing.is_empty() {
            return failed(failing);
        }
        // Several policies can determine a decision; the smallest id is reported, so the
        // same request always names the same policy.
        let determining = diagnostics
            .reason()
            .filter_map(|id| self.info.get(AsRef::<str>::as_ref(id)))
            .min_by(|a, b| a.id.cmp(&b.id));
        match (response.decision(), determining) {
            (cedar_policy::Decision::Allow, Some(policy)) => Decision::Allow {
                rule: policy.rule.clone(),
                reason: Reason::PermittedBy {
                    viewer,
                    policy: Arc::clone(&policy.id),
                },
                requires_audit: is_about_another(request),
            },
            (cedar_policy::Decision::Deny, Some(policy)) => deny(
                policy.rule.clone(),
                Reason::ForbiddenBy {
                    policy: Arc::clone(&policy.id),
                    explanation: policy.explanation.clone(),
                },
            ),
            // Allowed by a policy this engine does not know cannot happen: every policy was
            // added through `add_policies`. Deny rather than trust it.
            (cedar_policy::Decision::Allow, None) => failed(Vec::new()),
            (cedar_policy::Decision::Deny, None) => {
                let rule = if is_about_another(request) {
                    RuleId::OthersIndividual
                } else {
                    RuleId::DefaultDeny
                };
                let category = request.category;
                deny(rule, Reason::NotPermitted { viewer, category })
            }
        }
    }
}

impl crate::engine::sealed::Sealed for CedarEngine {}

impl PolicyEngine for CedarEngine {
    fn decide(&self, request: &AccessRequest) -> Decision {
        match self.evaluate(request) {
            Ok(decision) | Err(decision) => decision,
        }
    }

    fn visibility(&self, person: &PersonId, category: DataCategory) -> Option<Visibility> {
        self.organization.person(person)?;
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        Some(state.settings.visibility(person, category))
    }

    fn set_visibility(
        &self,
        person: &PersonId,
        category: DataCategory,
        visibility: Visibility,
    ) -> Result<(), Error> {
        if !self.organization.knows(person) {
            return Err(Error::UnknownPerson {
                person: person.clone(),
            });
        }
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        let mut settings = state.settings.clone();
        settings.set(person.clone(), category, visibility);
        let entities = build_entities(&self.names, &self.schema, &self.organization, &settings)?;
        *state = State {
            settings,
            entities: Arc::new(entities),
        };
        Ok(())
    }
}

fn is_about_another(request: &AccessRequest) -> bool {
    matches!(&request.scope, Scope::Individual(subject) if *subject != request.viewer)
}

/// Parses `source`, re-keys each policy by its `@id` annotation (Cedar numbers policies
/// `policy0`, `policy1`, ... otherwise) and records the rule each stands for.
fn add_policies(
    policies: &mut PolicySet,
    info: &mut HashMap<String, PolicyInfo>,
    source: &str,
    built_in: bool,
) -> Result<(), Error> {
    let parsed = PolicySet::from_str(source).map_err(invalid)?;
    for policy in parsed.policies() {
        let Some(id) = policy.annotation("id") else {
            return Err(Error::InvalidPolicy {
                problem: format!("a policy has no @id annotation: {policy}"),
            });
        };
        if !built_in && policy.effect() != cedar_policy::Effect::Forbid {
            return Err(Error::InvalidPolicy {
                problem: format!(
                    "organisation policy `{id}` is a permit; only forbid policies may be added"
                ),
            });
        }
        let rule = match (built_in, policy.annotation("rule")) {
            (true, Some(rule)) => built_in_rule(rule)?,
            (true, None) => return Err(invalid(format!("built-in policy `{id}` has no @rule"))),
            (false, _) => RuleId::Organization(Arc::from(id)),
        };
        let entry = PolicyInfo {
            rule,
            id: Arc::from(id),
            explanation: policy.annotation("reason").map(Arc::from),
        };
        let renamed: Policy = policy.new_id(PolicyId::new(id));
        policies
            .add(renamed)
            .map_err(|error| Error::InvalidPolicy {
                problem: format!("policy `{id}`: {error}"),
            })?;
        info.insert(id.to_owned(), entry);
    }
    Ok(())
}

fn built_in_rule(name: &str) -> Result<RuleId, Error> {
    match name {
        "self-access" => Ok(RuleId::SelfAccess),
        "team-aggregate" => Ok(RuleId::TeamAggregate),
        "others-individual" => Ok(RuleId::OthersIndividual),
        other => Err(invalid(format!("unknown @rule `{other}`"))),
    }
}

/// Builds the entities of an organisation from its configuration: teams with their
/// parents and sizes, manager groups, and people with their teams and settings.
fn build_entities(
    names: &Names,
    schema: &Schema,
    organization: &Organization,
    settings: &VisibilitySettings,
) -> Result<Entities, Error> {
    let mut entities = Vec::new();
    let mut parents: HashMap<PersonId, HashSet<EntityUid>> = HashMap::new();
    let mut teams_of: HashMap<PersonId, Vec<RestrictedExpression>> = HashMap::new();
    let mut groups_of: HashMap<PersonId, Vec<RestrictedExpression>> = HashMap::new();
    for team in organization.teams() {
        let parent = organization.parent_of(&team.id);
        entities.push(team_entity(names, organization, &team.id, parent)?);
        let children = organization
            .teams()
            .filter(|child| organization.parent_of(&child.id) == Some(&team.id))
            .map(|child| names.manager_group(&child.id));
        entities.push(Entity::new_no_attrs(
            names.manager_group(&team.id),
            children.collect(),
        ));
        for member in &team.members {
            parents
                .entry(member.clone())
                .or_default()
                .insert(names.team(&team.id));
            let uid = RestrictedExpression::new_entity_uid(names.team(&team.id));
            let teams = teams_of.entry(member.clone()).or_default();
            teams.push(uid);
            let group = RestrictedExpression::new_entity_uid(names.manager_group(&team.id));
            groups_of.entry(member.clone()).or_default().push(group);
        }
        for manager in &team.managers {
            let group = names.manager_group(&team.id);
            parents.entry(manager.clone()).or_default().insert(group);
        }
    }
    for person in organization.people() {
        let id = person.id();
        let attributes = [
            (
                "teams".to_owned(),
                RestrictedExpression::new_set(teams_of.remove(id).unwrap_or_default()),
            ),
            (
                "manager_groups".to_owned(),
                RestrictedExpression::new_set(groups_of.remove(id).unwrap_or_default()),
            ),
        ];
        let tags = settings
            .overrides()
            .filter(|(owner, _, _)| *owner == id)
            .map(|(_, category, visibility)| {
                (
                    category.key().to_owned(),
                    RestrictedExpression::new_string(visibility.key().to_owned()),
                )
            });
        let person_parents = parents.remove(id).unwrap_or_default();
        let entity = Entity::new_with_tags(names.person(id), attributes, person_parents, tags)
            .map_err(invalid)?;
        entities.push(entity);
    }
    Entities::from_entities(entities, Some(schema)).map_err(invalid)
}

fn team_entity(
    names: &Names,
    organization: &Organization,
    team: &TeamId,
    parent: Option<&TeamId>,
) -> Result<Entity, Error> {
    let size = members_below(organization, team).len();
    let attributes = [
        (
            "size".to_owned(),
            RestrictedExpression::new_long(i64::try_from(size).unwrap_or(i64::MAX)),
        ),
        (
            "managers".to_owned(),
            RestrictedExpression::new_entity_uid(names.manager_group(team)),
        ),
    ];
    let parents = parent.map(|parent| names.team(parent)).into_iter();
    Entity::new_with_tags(names.team(team), attributes, parents, []).map_err(invalid)
}

fn unknown(person: &PersonId) -> Decision {
    let person = Person::unknown(person);
    deny(RuleId::DefaultDeny, Reason::UnknownPerson { person })
}

fn failed(policies: Vec<Arc<str>>) -> Decision {
    deny(
        RuleId::EvaluationError,
        Reason::EvaluationFailed { policies },
    )
}

fn deny(rule: RuleId, reason: Reason) -> Decision {
    Decision::Deny { rule, reason }
}

fn invalid(error: impl std::fmt::Display) -> Error {
    Error::InvalidPolicy {
        problem: error.to_string(),
    }
}
