//! The two signed callback headers, found case-insensitively among any header pairs,
//! refusing absent and repeated ones.

use super::SignatureError;

/// The timestamp and signature of one callback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallbackHeaders {
    /// `X-TIMESTAMP`, byte for byte.
    pub timestamp: String,
    /// `X-SIGNATURE`, base64.
    pub signature: String,
}

const TIMESTAMP: &str = "X-TIMESTAMP";
const SIGNATURE: &str = "X-SIGNATURE";

impl CallbackHeaders {
    /// Picks `X-TIMESTAMP` and `X-SIGNATURE` out of header name/value pairs.
    pub fn from_pairs<I, K, V>(pairs: I) -> Result<Self, SignatureError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<[u8]>,
    {
        let mut timestamp = None;
        let mut signature = None;
        for (name, value) in pairs {
            let name = name.as_ref();
            let (slot, label) = if name.eq_ignore_ascii_case(TIMESTAMP) {
                (&mut timestamp, TIMESTAMP)
            } else if name.eq_ignore_ascii_case(SIGNATURE) {
                (&mut signature, SIGNATURE)
            } else {
                continue;
            };
            if slot.is_some() {
                return Err(SignatureError::DuplicateHeader(label));
            }
            let text = std::str::from_utf8(value.as_ref()).map_err(|_| SignatureError::HeaderNotText(label))?;
            *slot = Some(text.to_owned());
        }
        Ok(Self {
            timestamp: timestamp.ok_or(SignatureError::MissingHeader(TIMESTAMP))?,
            signature: signature.ok_or(SignatureError::MissingHeader(SIGNATURE))?,
        })
    }

    /// Picks the headers out of an `http::HeaderMap` (axum, hyper, reqwest).
    pub fn from_header_map(map: &http::HeaderMap) -> Result<Self, SignatureError> {
        Self::from_pairs(map.iter().map(|(k, v)| (k.as_str(), v.as_bytes())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_insensitive_and_strict() {
        let h = CallbackHeaders::from_pairs([("x-timestamp", "t"), ("X-Signature", "s"), ("Other", "o")]).unwrap();
        assert_eq!((h.timestamp.as_str(), h.signature.as_str()), ("t", "s"));
        assert_eq!(
            CallbackHeaders::from_pairs([("X-TIMESTAMP", "t")]),
            Err(SignatureError::MissingHeader("X-SIGNATURE"))
        );
        assert_eq!(
            CallbackHeaders::from_pairs([("X-TIMESTAMP", "t"), ("x-timestamp", "u"), ("X-SIGNATURE", "s")]),
            Err(SignatureError::DuplicateHeader("X-TIMESTAMP"))
        );
        let bad: [(&str, &[u8]); 2] = [("X-TIMESTAMP", b"\xff"), ("X-SIGNATURE", b"s")];
        assert_eq!(CallbackHeaders::from_pairs(bad), Err(SignatureError::HeaderNotText("X-TIMESTAMP")));
    }
}
