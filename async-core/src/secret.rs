//! Secret types: values that are zeroized on drop and never printed.
//!
//! [`SecretString`] (from the `secrecy` crate) contains OAuth tokens, API keys and webhook
//! secrets; [`EncryptionKey`] contains the 32 bytes of an AES-256 key. Both print a placeholder
//! in `Debug`, implement neither `Display` nor `Serialize`, and hand out their contents only
//! through [`ExposeSecret::expose_secret`], so every place that reads a secret is easy to find.
//!
//! Zeroizing on drop clears the final copy of a secret. It cannot clear copies that the
//! allocator left behind when a buffer grew, or pages the operating system swapped out.

use std::fmt;
use std::path::Path;

use aes_gcm::aead::OsRng;
use aes_gcm::aead::rand_core::RngCore;
use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use zeroize::Zeroizing;

pub use secrecy::{ExposeSecret, SecretString};

use crate::store::KeyError;

/// The length of an AES-256 key in bytes.
pub const KEY_LEN: usize = 32;

/// Standard base64 that accepts key text with or without `=` padding.
const KEY_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A 32-byte AES-256 key, zeroized on drop.
///
/// `Debug` prints `EncryptionKey([REDACTED])`; there is no `Display`, `Serialize`,
/// `PartialEq` or `Clone`. The bytes are reached only through
/// [`expose_secret`](ExposeSecret::expose_secret).
///
/// # Examples
///
/// ```
/// use async_core::secret::{EncryptionKey, ExposeSecret};
///
/// let key = EncryptionKey::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")?;
/// assert_eq!(key.expose_secret()[31], 31);
/// assert_eq!(format!("{key:?}"), "EncryptionKey([REDACTED])");
/// # Ok::<(), async_core::Error>(())
/// ```
pub struct EncryptionKey {
    bytes: secrecy::SecretBox<[u8; KEY_LEN]>,
}

impl EncryptionKey {
    /// Generates a random key from the operating system's random number generator.
    pub fn generate() -> Self {
        let bytes = secrecy::SecretBox::init_with_mut(|bytes: &mut [u8; KEY_LEN]| {
            OsRng.fill_bytes(bytes);
        });
        Self { bytes }
    }

    /// Copies a key from a byte slice.
    ///
    /// # Errors
    ///
    /// Returns [`KeyError::WrongLength`] when `bytes` is not 32 bytes long.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, crate::Error> {
        if bytes.len() != KEY_LEN {
            return Err(crate::Error::Key(KeyError::WrongLength {
                actual: bytes.len(),
            }));
        }

        let bytes = secrecy::SecretBox::init_with_mut(|target: &mut [u8; KEY_LEN]| {
            target.copy_from_slice(bytes);
        });
        Ok(Self { bytes })
    }

    /// Decodes a key from standard base64 text; surrounding whitespace is ignored and
    /// `=` padding is optional.
    ///
    /// # Errors
    ///
    /// Returns [`KeyError::NotBase64`] when the text is not base64 and
    /// [`KeyError::WrongLength`] when it does not decode to 32 bytes.
    pub fn from_base64(text: &str) -> Result<Self, crate::Error> {
        let decoded = KEY_BASE64
            .decode(text.trim())
            .map(Zeroizing::new)
            .map_err(|_| crate::Error::Key(KeyError::NotBase64))?;

        Self::from_slice(&decoded)
    }

    /// Reads a key from a file that contains it in base64, as written by
    /// `openssl rand -base64 32 > key.b64`.
    ///
    /// # Errors
    ///
    /// Returns [`KeyError::FileUnreadable`] (with the path, never the contents) when the
    /// file cannot be read, and the errors of [`EncryptionKey::from_base64`] for its text.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, crate::Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map(Zeroizing::new)
            .map_err(|source| {
                crate::Error::Key(KeyError::FileUnreadable {
                    path: path.to_path_buf(),
                    source,
                })
            })?;

        Self::from_base64(&text)
    }

    /// Encodes the key as standard base64, for saving a generated key.
    pub fn to_base64(&self) -> SecretString {
        SecretString::from(KEY_BASE64.encode(self.bytes.expose_secret()))
    }
}

impl ExposeSecret<[u8; KEY_LEN]> for EncryptionKey {
    fn expose_secret(&self) -> &[u8; KEY_LEN] {
        self.bytes.expose_secret()
    }
}

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EncryptionKey([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEQUENTIAL_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    #[test]
    fn debug_prints_placeholder() {
        let key = EncryptionKey::generate();

        assert_eq!(format!("{key:?}"), "EncryptionKey([REDACTED])");
        assert_eq!(format!("{key:#?}"), "EncryptionKey([REDACTED])");
    }

    #[test]
    fn base64_accepts_padding_and_whitespace() {
        let padded = EncryptionKey::from_base64(SEQUENTIAL_KEY).expect("valid key");
        let unpadded =
            EncryptionKey::from_base64(SEQUENTIAL_KEY.trim_end_matches('=')).expect("valid key");
        let spaced = EncryptionKey::from_base64(&format!("  {SEQUENTIAL_KEY}\n")).expect("valid");

        let expected: Vec<u8> = (0..32).collect();
        assert_eq!(padded.expose_secret().as_slice(), expected.as_slice());
        assert_eq!(unpadded.expose_secret(), padded.expose_secret());
        assert_eq!(spaced.expose_secret(), padded.expose_secret());
    }

    #[test]
    fn base64_round_trips() {
        let key = EncryptionKey::generate();
        let text = key.to_base64();
        let back = EncryptionKey::from_base64(text.expose_secret()).expect("valid key");

        assert_eq!(back.expose_secret(), key.expose_secret());
    }

    #[test]
    fn wrong_length_names_both_lengths() {
        let error = EncryptionKey::from_base64("AAECAwQFBgcICQoLDA0ODw==").expect_err("16 bytes");

        assert!(matches!(
            error,
            crate::Error::Key(KeyError::WrongLength { actual: 16 })
        ));
        assert!(error.to_string().contains("16 bytes"));
        assert!(error.to_string().contains("needs 32"));
    }

    #[test]
    fn invalid_base64_does_not_quote_input() {
        let error = EncryptionKey::from_base64("secret-material-!!").expect_err("not base64");

        assert!(matches!(error, crate::Error::Key(KeyError::NotBase64)));
        assert!(!error.to_string().contains("secret-material"));
        assert!(!error.to_string().contains('!'));
    }

    #[test]
    fn generated_keys_differ() {
        let first = EncryptionKey::generate();
        let second = EncryptionKey::generate();

        assert_ne!(first.expose_secret(), second.expose_secret());
    }
}
