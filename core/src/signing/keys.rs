//! RSA keys from the forms merchants actually hold: PEM or bare base64 DER, PKCS#8 or
//! PKCS#1, pasted into environment variables with literal `\n`. Only RSA of at least
//! 2048 bits. Key material never appears in `Debug` or in an error.

use aws_lc_rs::encoding::AsDer;
#[cfg(feature = "test-key-export")]
use aws_lc_rs::encoding::Pkcs8V1Der;
use aws_lc_rs::rsa::KeyPair;
#[cfg(feature = "test-key-export")]
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{self, KeyPair as _, ParsedPublicKey, RsaParameters};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use std::fmt;
use std::sync::Arc;
use zeroize::Zeroizing;

/// Why a key was refused. Says what is wrong with the key, never what is in it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Nothing was given.
    #[error("the key is empty")]
    Empty,
    /// Neither PEM nor base64.
    #[error("the key is neither PEM (-----BEGIN ...-----) nor base64 DER")]
    NotPemOrBase64,
    /// A PEM block of another kind (certificate, public key where a private one belongs…).
    #[error("the PEM block is a {found}, expected {expected}")]
    WrongKind {
        /// The PEM label found.
        found: String,
        /// What was expected.
        expected: &'static str,
    },
    /// Password-protected keys are not supported.
    #[error("the private key is encrypted; export it unencrypted (PKCS#8 or PKCS#1)")]
    Encrypted,
    /// A key of another algorithm, or DER that is not a key.
    #[error("the key is not an RSA {expected} in PKCS#8, PKCS#1 or SubjectPublicKeyInfo DER")]
    NotRsa {
        /// `private key` or `public key`.
        expected: &'static str,
    },
    /// Fewer than 2048 bits.
    #[error("the RSA key is shorter than the 2048 bits required")]
    TooSmall,
}

impl KeyError {
    /// A stable name for the mistake, e.g. `"too_small"`.
    pub fn kind(&self) -> &'static str {
        match self {
            KeyError::Empty => "empty",
            KeyError::NotPemOrBase64 => "not_pem_or_base64",
            KeyError::WrongKind { .. } => "wrong_kind",
            KeyError::Encrypted => "encrypted",
            KeyError::NotRsa { .. } => "not_rsa",
            KeyError::TooSmall => "too_small",
        }
    }
}

/// Key text as pasted: trimmed, literal `\n` sequences turned into line breaks.
// Every copy of key text or DER made while loading is wiped when dropped.
fn normalise(text: &str) -> Zeroizing<String> {
    Zeroizing::new(text.trim().replace("\\r\\n", "\n").replace("\\n", "\n"))
}

enum Decoded {
    Pem { label: String, der: Zeroizing<Vec<u8>> },
    Der(Zeroizing<Vec<u8>>),
}

fn decode(text: &str) -> Result<Decoded, KeyError> {
    let text = normalise(text);
    if text.is_empty() {
        return Err(KeyError::Empty);
    }
    if text.contains("-----BEGIN") {
        let block = pem::parse(text.as_bytes()).map_err(|_| KeyError::NotPemOrBase64)?;
        let label = block.tag().to_owned();
        return Ok(Decoded::Pem { label, der: Zeroizing::new(block.into_contents()) });
    }
    let compact: Zeroizing<String> = Zeroizing::new(text.chars().filter(|c| !c.is_whitespace()).collect());
    STANDARD
        .decode(compact.as_bytes())
        .or_else(|_| STANDARD_NO_PAD.decode(compact.as_bytes()))
        .map(|der| Decoded::Der(Zeroizing::new(der)))
        .map_err(|_| KeyError::NotPemOrBase64)
}

/// An RSA private key, parsed once, that signs: the merchant's key signs requests (the
/// mock gateway's platform key signs callbacks).
#[derive(Clone)]
pub struct SigningKey {
    pair: Arc<KeyPair>,
}

impl SigningKey {
    /// Loads a private key from PEM (`PRIVATE KEY`, `RSA PRIVATE KEY`) or bare base64
    /// DER (PKCS#8 or PKCS#1).
    pub fn from_text(text: &str) -> Result<Self, KeyError> {
        let der = match decode(text)? {
            Decoded::Pem { label, der } => match label.as_str() {
                "PRIVATE KEY" | "RSA PRIVATE KEY" => der,
                "ENCRYPTED PRIVATE KEY" => return Err(KeyError::Encrypted),
                _ => return Err(KeyError::WrongKind { found: label, expected: "PRIVATE KEY or RSA PRIVATE KEY" }),
            },
            Decoded::Der(der) => der,
        };
        Self::from_der(&der)
    }

    /// Loads a private key from PKCS#8 or PKCS#1 DER bytes.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        let pair = KeyPair::from_pkcs8(der).or_else(|e8| KeyPair::from_der(der).map_err(|e1| (e8, e1)));
        match pair {
            Ok(pair) => Ok(Self { pair: Arc::new(pair) }),
            Err((e8, e1)) => {
                if e8.description_() == "TooSmall" || e1.description_() == "TooSmall" {
                    Err(KeyError::TooSmall)
                } else if VerifyingKey::from_der(der).is_ok() {
                    Err(KeyError::WrongKind { found: "public key".into(), expected: "a private key" })
                } else {
                    Err(KeyError::NotRsa { expected: "private key" })
                }
            }
        }
    }

    /// A new random 2048-bit key, for test gateways (feature `test-key-export`).
    #[cfg(feature = "test-key-export")]
    pub fn generate() -> Result<Self, KeyError> {
        KeyPair::generate(KeySize::Rsa2048)
            .map(|pair| Self { pair: Arc::new(pair) })
            .map_err(|_| KeyError::NotRsa { expected: "private key" })
    }

    /// Signs `message` with PKCS#1 v1.5 and SHA-256.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        let rng = aws_lc_rs::rand::SystemRandom::new();
        // Signing with a key that parsed and a buffer of the modulus size does not fail.
        match self.pair.sign(&signature::RSA_PKCS1_SHA256, &rng, message, &mut sig) {
            Ok(()) => sig,
            Err(_) => Vec::new(),
        }
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.pair.public_modulus_len() * 8
    }

    /// The matching public key.
    pub fn public_key(&self) -> VerifyingKey {
        let pkcs1 = self.pair.public_key().as_ref().to_vec();
        // The public half of a key that loaded always parses.
        match VerifyingKey::from_der(&pkcs1) {
            Ok(k) => k,
            Err(_) => unreachable_public_key(),
        }
    }

    /// The private key as unencrypted PKCS#8 DER, for handing generated test keys out
    /// (feature `test-key-export`; wiped when dropped).
    #[cfg(feature = "test-key-export")]
    pub fn to_pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        let der: Result<Pkcs8V1Der<'static>, _> = self.pair.as_der();
        Zeroizing::new(der.map(|d| d.as_ref().to_vec()).unwrap_or_default())
    }

    /// The private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), for test gateways
    /// (feature `test-key-export`).
    #[cfg(feature = "test-key-export")]
    pub fn to_pkcs8_pem(&self) -> String {
        pem::encode(&pem::Pem::new("PRIVATE KEY", self.to_pkcs8_der().to_vec()))
    }
}

fn unreachable_public_key() -> VerifyingKey {
    // Never reached: kept total so that no input can make key handling panic.
    VerifyingKey { parsed: None, spki: Arc::from(Vec::new()), bits: 0 }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey(RSA-{}, ***)", self.bits())
    }
}

/// The merchant's key, as the SDK uses it: a [`SigningKey`] that signs requests.
pub type MerchantKey = SigningKey;

/// Smilepayz's platform key, as the SDK uses it: a [`VerifyingKey`] that checks callbacks.
pub type PlatformKey = VerifyingKey;

/// An RSA public key that verifies signatures: the gateway's platform key for callbacks
/// (or, in the mock gateway, a merchant's public key).
#[derive(Clone)]
pub struct VerifyingKey {
    parsed: Option<Arc<ParsedPublicKey>>,
    spki: Arc<[u8]>,
    bits: usize,
}

impl VerifyingKey {
    /// Loads a public key from bare base64 DER (SubjectPublicKeyInfo or PKCS#1) or PEM
    /// (`PUBLIC KEY`, `RSA PUBLIC KEY`).
    pub fn from_text(text: &str) -> Result<Self, KeyError> {
        let der = match decode(text)? {
            Decoded::Pem { label, der } => match label.as_str() {
                "PUBLIC KEY" | "RSA PUBLIC KEY" => der,
                _ => return Err(KeyError::WrongKind { found: label, expected: "PUBLIC KEY or RSA PUBLIC KEY" }),
            },
            Decoded::Der(der) => der,
        };
        Self::from_der(&der)
    }

    /// Loads a public key from SubjectPublicKeyInfo or PKCS#1 DER bytes.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        let key = aws_lc_rs::rsa::PublicKey::from_der(der).map_err(|_| KeyError::NotRsa { expected: "public key" })?;
        let bits = RsaParameters::public_modulus_len(key.as_ref())
            .map_err(|_| KeyError::NotRsa { expected: "public key" })? as usize;
        if bits < 2048 {
            return Err(KeyError::TooSmall);
        }
        let parsed = ParsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, key.as_ref())
            .map_err(|_| KeyError::NotRsa { expected: "public key" })?;
        let spki: aws_lc_rs::encoding::PublicKeyX509Der<'static> =
            key.as_der().map_err(|_| KeyError::NotRsa { expected: "public key" })?;
        Ok(Self { parsed: Some(Arc::new(parsed)), spki: Arc::from(spki.as_ref()), bits })
    }

    /// True when `signature` is a valid PKCS#1 v1.5 SHA-256 signature of `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.parsed.as_ref().is_some_and(|k| k.verify_sig(message, signature).is_ok())
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// SubjectPublicKeyInfo DER, as Smilepayz hands platform keys out.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// Base64 SubjectPublicKeyInfo DER without armour, the form Smilepayz publishes.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.spki)
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey(RSA-{})", self.bits)
    }
}

impl PartialEq for VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        self.spki == other.spki
    }
}
