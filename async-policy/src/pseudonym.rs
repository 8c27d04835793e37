//! Stable keyed pseudonyms for text that leaves the process.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use async_core::ids::{PersonId, TenantId};
use async_core::secret::{EncryptionKey, ExposeSecret};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Domain separation for pseudonym derivation.
const PSEUDONYM_DOMAIN: &[u8] = b"async-pseudonym-v1";
/// Bytes of the HMAC kept in a pseudonym: 48 bits, so a collision among 10,000 people has
/// a chance of about 1 in 5 million, and a collision is detected, not silently merged.
const PSEUDONYM_BYTES: usize = 6;

/// Replaces people's ids with stable pseudonyms before data leaves for a language model,
/// and maps them back inside the process.
///
/// A pseudonym is `person-` and 12 hex digits of HMAC-SHA256 over the tenant and the
/// person's id, under a per-tenant key. The same person always gets the same pseudonym
/// in a tenant, so a model sees consistent references across requests; without the key,
/// nobody can tell who a pseudonym stands for or link pseudonyms across tenants. The map
/// back lives only in this value, which has no `Serialize` and whose `Debug` hides it.
pub struct Pseudonymizer {
    key: EncryptionKey,
    tenant: TenantId,
    known: Mutex<HashMap<String, PersonId>>,
}

impl fmt::Debug for Pseudonymizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pseudonymizer")
            .field("tenant", &self.tenant)
            .finish_non_exhaustive()
    }
}

impl Pseudonymizer {
    /// Creates a pseudonymizer for `tenant` under `key`.
    pub fn new(tenant: TenantId, key: EncryptionKey) -> Self {
        Self {
            key,
            tenant,
            known: Mutex::new(HashMap::new()),
        }
    }

    /// Returns `person`'s pseudonym and remembers it for [`Pseudonymizer::reveal`].
    ///
    /// # Errors
    ///
    /// Returns [`PseudonymCollision`] in the unlikely case that two people share a
    /// pseudonym; the caller must then not send either.
    pub fn pseudonym(&self, person: &PersonId) -> Result<String, PseudonymCollision> {
        let pseudonym = self.derive(person);
        let mut known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        match known.get(&pseudonym) {
            Some(existing) if existing != person => Err(PseudonymCollision),
            Some(_) => Ok(pseudonym),
            None => {
                known.insert(pseudonym.clone(), person.clone());
                Ok(pseudonym)
            }
        }
    }

    /// Returns the person behind a pseudonym this pseudonymizer handed out.
    pub fn reveal(&self, pseudonym: &str) -> Option<PersonId> {
        let known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        known.get(pseudonym).cloned()
    }

    /// Replaces every pseudonym handed out so far in `text` with `name` of its person,
    /// for text that came back from a model.
    pub fn restore(&self, text: &str, name: impl Fn(&PersonId) -> String) -> String {
        let known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        known
            .iter()
            .fold(text.to_owned(), |text, (pseudonym, person)| {
                text.replace(pseudonym.as_str(), &name(person))
            })
    }

    fn derive(&self, person: &PersonId) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(self.key.expose_secret()) else {
            // HMAC accepts keys of any length; this branch cannot run.
            return String::from("person-unavailable");
        };
        mac.update(PSEUDONYM_DOMAIN);
        mac.update(&(self.tenant.as_str().len() as u64).to_be_bytes());
        mac.update(self.tenant.as_str().as_bytes());
        mac.update(person.as_str().as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut text = String::from("person-");
        for byte in &digest[..PSEUDONYM_BYTES] {
            text.push_str(&format!("{byte:02x}"));
        }
        text
    }
}

/// Two people received the same pseudonym.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("two people share a pseudonym; send neither and rotate the pseudonym key")]
pub struct PseudonymCollision;

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    fn pseudonymizer(tenant: &str) -> Pseudonymizer {
        let key = EncryptionKey::from_base64(KEY).expect("valid key");
        Pseudonymizer::new(TenantId::new(tenant), key)
    }

    #[test]
    fn pseudonyms_are_stable_per_tenant_and_key() {
        let dana = PersonId::new("dana");

        let first = pseudonymizer("acme")
            .pseudonym(&dana)
            .expect("no collision");
        let again = pseudonymizer("acme")
            .pseudonym(&dana)
            .expect("no collision");
        let other_tenant = pseudonymizer("globex")
            .pseudonym(&dana)
            .expect("no collision");
        let other_key = Pseudonymizer::new(TenantId::new("acme"), EncryptionKey::generate())
            .pseudonym(&dana)
            .expect("no collision");

        assert_eq!(first, again);
        assert_ne!(first, other_tenant);
        assert_ne!(first, other_key);
        assert!(first.starts_with("person-") && first.len() == 19, "{first}");
        assert!(!first.contains("dana"));
    }

    #[test]
    fn pseudonyms_map_back_only_inside_the_process() {
        let names = pseudonymizer("acme");
        let dana = PersonId::new("dana");
        let pseudonym = names.pseudonym(&dana).expect("no collision");

        let restored = names.restore(&format!("{pseudonym} is blocked"), |_| "Dana".to_owned());

        assert_eq!(names.reveal(&pseudonym), Some(dana));
        assert_eq!(
            pseudonymizer("acme").reveal(&pseudonym),
            None,
            "a fresh map knows nobody"
        );
        assert_eq!(restored, "Dana is blocked");
        let debug = format!("{names:?}");
        assert!(
            !debug.contains(&pseudonym) && !debug.contains("dana"),
            "{debug}"
        );
    }
}
