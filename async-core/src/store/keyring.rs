//! The keyring: one active key for sealing and retired keys for opening older values.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use aes_gcm::{Aes256Gcm, KeyInit};

use super::KeyError;
use crate::error::Error;
use crate::secret::{EncryptionKey, ExposeSecret};

/// A key's cipher, expanded once when the key joins the keyring.
///
/// With the `zeroize` feature of `aes-gcm`, the expanded key schedule is cleared on drop.
pub(crate) struct KeyCipher {
    pub(crate) cipher: Aes256Gcm,
}

/// One active key that seals new values, and retired keys that only open older ones.
///
/// Every key has a `u32` id, which each envelope records, so a value sealed under a
/// retired key still opens after the active key changes. Give every new key a new id:
/// the store counts seals per id, and reusing an id for other key bytes makes old
/// values fail to open.
///
/// `Debug` lists the key ids only.
///
/// # Examples
///
/// ```
/// use async_core::secret::EncryptionKey;
/// use async_core::store::Keyring;
///
/// let old = EncryptionKey::generate();
/// let keyring = Keyring::new(1, old).rotated_to(2, EncryptionKey::generate())?;
///
/// assert_eq!(keyring.active_key_id(), 2);
/// assert_eq!(keyring.key_ids().collect::<Vec<_>>(), [1, 2]);
/// assert_eq!(format!("{keyring:?}"), "Keyring { active_key_id: 2, key_ids: [1, 2] }");
/// # Ok::<(), async_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Keyring {
    active: u32,
    active_cipher: Arc<KeyCipher>,
    keys: BTreeMap<u32, Arc<KeyCipher>>,
}

impl Keyring {
    /// Creates a keyring whose active key is `key`, with id `key_id`.
    pub fn new(key_id: u32, key: EncryptionKey) -> Self {
        let cipher = Arc::new(expand(&key));
        let mut keys = BTreeMap::new();
        keys.insert(key_id, Arc::clone(&cipher));

        Self {
            active: key_id,
            active_cipher: cipher,
            keys,
        }
    }

    /// Creates a keyring with one freshly generated key under id 1, for demos and tests.
    ///
    /// Values sealed under it cannot be opened after the process exits, because the key
    /// is not saved anywhere.
    pub fn generate() -> Self {
        Self::new(1, EncryptionKey::generate())
    }

    /// Creates a keyring whose active key is decoded from base64 text.
    ///
    /// # Errors
    ///
    /// Returns [`KeyError::NotBase64`] or [`KeyError::WrongLength`] for invalid text.
    pub fn from_base64(key_id: u32, text: &str) -> Result<Self, Error> {
        Ok(Self::new(key_id, EncryptionKey::from_base64(text)?))
    }

    /// Creates a keyring whose active key is read from a file holding base64 text.
    ///
    /// # Errors
    ///
    /// Returns [`KeyError::FileUnreadable`] when the file cannot be read, and the errors
    /// of [`Keyring::from_base64`] for its contents.
    pub fn from_file(key_id: u32, path: impl AsRef<Path>) -> Result<Self, Error> {
        Ok(Self::new(key_id, EncryptionKey::from_file(path)?))
    }

    /// Adds a retired key, which opens values sealed under `key_id` but seals nothing.
    ///
    /// # Errors
    ///
    /// Returns [`KeyError::DuplicateKeyId`] when the keyring already contains `key_id`.
    pub fn with_retired(mut self, key_id: u32, key: EncryptionKey) -> Result<Self, Error> {
        self.insert(key_id, &key)?;
        Ok(self)
    }

    /// Makes `key` the active key under `key_id`; the previous active key stays as a
    /// retired key, so values sealed under it still open.
    ///
    /// # Errors
    ///
    /// Returns [`KeyError::DuplicateKeyId`] when the keyring already contains `key_id`.
    pub fn rotated_to(mut self, key_id: u32, key: EncryptionKey) -> Result<Self, Error> {
        self.active_cipher = self.insert(key_id, &key)?;
        self.active = key_id;
        Ok(self)
    }

    /// Removes a retired key and returns whether it was removed.
    ///
    /// The active key cannot be removed; the call returns `false` for it. Rotate every
    /// value away from a key before removing it, or those values can no longer be opened.
    pub fn remove_retired(&mut self, key_id: u32) -> bool {
        if key_id == self.active {
            return false;
        }
        self.keys.remove(&key_id).is_some()
    }

    /// The id of the key that seals new values.
    pub fn active_key_id(&self) -> u32 {
        self.active
    }

    /// The ids of every key in the keyring, in ascending order.
    pub fn key_ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.keys.keys().copied()
    }

    /// Returns whether the keyring contains a key with this id.
    pub fn contains(&self, key_id: u32) -> bool {
        self.keys.contains_key(&key_id)
    }

    /// The active key's id and cipher.
    pub(crate) fn active_cipher(&self) -> (u32, Arc<KeyCipher>) {
        (self.active, Arc::clone(&self.active_cipher))
    }

    /// The cipher of `key_id`, if the keyring holds it.
    pub(crate) fn cipher(&self, key_id: u32) -> Option<Arc<KeyCipher>> {
        self.keys.get(&key_id).cloned()
    }

    fn insert(&mut self, key_id: u32, key: &EncryptionKey) -> Result<Arc<KeyCipher>, Error> {
        if self.keys.contains_key(&key_id) {
            return Err(Error::Key(KeyError::DuplicateKeyId { key_id }));
        }
        let cipher = Arc::new(expand(key));
        self.keys.insert(key_id, Arc::clone(&cipher));
        Ok(cipher)
    }
}

/// Expands a key into its cipher; the key bytes themselves are not kept.
fn expand(key: &EncryptionKey) -> KeyCipher {
    KeyCipher {
        cipher: Aes256Gcm::new(key.expose_secret().into()),
    }
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("active_key_id", &self.active)
            .field("key_ids", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl fmt::Debug for KeyCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyCipher([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_id_is_rejected() {
        let keyring = Keyring::new(7, EncryptionKey::generate());

        let error = keyring
            .with_retired(7, EncryptionKey::generate())
            .expect_err("duplicate id");

        assert!(matches!(
            error,
            Error::Key(KeyError::DuplicateKeyId { key_id: 7 })
        ));
        assert!(error.to_string().contains("key id 7"));
    }

    #[test]
    fn rotation_keeps_previous_key() {
        let keyring = Keyring::new(1, EncryptionKey::generate())
            .rotated_to(2, EncryptionKey::generate())
            .expect("new id");

        assert_eq!(keyring.active_key_id(), 2);
        assert!(keyring.contains(1));
        assert!(keyring.contains(2));
    }

    #[test]
    fn active_key_cannot_be_removed() {
        let mut keyring = Keyring::new(1, EncryptionKey::generate())
            .rotated_to(2, EncryptionKey::generate())
            .expect("new id");

        assert!(!keyring.remove_retired(2));
        assert!(keyring.remove_retired(1));
        assert!(!keyring.remove_retired(1));
        assert_eq!(keyring.key_ids().collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn debug_lists_ids_only() {
        let keyring = Keyring::new(3, EncryptionKey::generate());

        assert_eq!(
            format!("{keyring:?}"),
            "Keyring { active_key_id: 3, key_ids: [3] }"
        );
    }
}
