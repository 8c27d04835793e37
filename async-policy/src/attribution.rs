//! Values that name whose data they are.

use crate::request::Scope;

/// Data that names its own subject, so the guard can check it against the request.
///
/// [`Guard::authorize`](crate::Guard::authorize) releases a value only when its
/// attribution equals the request's [`Scope`]. A value of one person's individual data
/// returns [`Scope::Individual`] with that person, and an aggregate over a team returns
/// [`Scope::TeamAggregate`] with that team. The attribution must come from the value's
/// own content, such as the person a record was fetched for, never from the request it
/// is about to be approved under. Otherwise a viewer could approve their own data and
/// put someone else's content inside it.
///
/// The crate implements it for `&T`, so [`Authorized::as_ref`](crate::Authorized::as_ref)
/// values stay attributed. There is deliberately no impl for plain strings, numbers or
/// collections, and no wrapper that declares an arbitrary scope: such values carry no
/// subject of their own.
///
/// # Examples
///
/// ```
/// use async_core::ids::PersonId;
/// use async_policy::{Attributed, Scope};
///
/// /// The work item keys assigned to one person.
/// struct AssignedKeys {
///     assignee: PersonId,
///     keys: Vec<String>,
/// }
///
/// impl Attributed for AssignedKeys {
///     fn attribution(&self) -> Scope {
///         Scope::Individual(self.assignee.clone())
///     }
/// }
///
/// let keys = AssignedKeys { assignee: PersonId::new("dana"), keys: vec!["PAY-12".into()] };
/// assert_eq!(keys.attribution(), Scope::Individual(PersonId::new("dana")));
/// ```
pub trait Attributed {
    /// Returns the scope this value belongs to: one person's individual data or one team's
    /// aggregate.
    fn attribution(&self) -> Scope;
}

impl<T: Attributed + ?Sized> Attributed for &T {
    fn attribution(&self) -> Scope {
        (**self).attribution()
    }
}
