//! Gateway times: kept exactly as written, with parsed values where they parse.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

/// A time as the gateway wrote it (`2024-12-17T10:55:00` or `2024-12-17T10:55:00+07:00`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayTime {
    raw: String,
}

impl GatewayTime {
    /// Wraps the gateway's text.
    pub fn new(raw: impl Into<String>) -> Self {
        Self { raw: raw.into() }
    }

    /// The text exactly as received.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The instant, when the text carries a zone offset.
    pub fn instant(&self) -> Option<OffsetDateTime> {
        parse_offset(&self.raw)
    }

    /// The wall-clock time as written, with or without an offset.
    pub fn wall_clock(&self) -> Option<PrimitiveDateTime> {
        if let Some(t) = parse_offset(&self.raw) {
            return Some(PrimitiveDateTime::new(t.date(), t.time()));
        }
        let local = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
        PrimitiveDateTime::parse(&self.raw, &local).ok()
    }
}

/// Parses `yyyy-MM-ddTHH:mm:ss±HH:mm` (and any RFC 3339 form).
pub(crate) fn parse_offset(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

impl Serialize for GatewayTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for GatewayTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(GatewayTime { raw: String::deserialize(d)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_written_forms_parse() {
        let with = GatewayTime::new("2024-12-17T10:55:00+07:00");
        assert_eq!(with.instant().unwrap().unix_timestamp(), 1_734_407_700);
        assert_eq!(with.wall_clock().unwrap().hour(), 10);
        let without = GatewayTime::new("2024-12-17T10:55:00");
        assert!(without.instant().is_none());
        assert_eq!(without.wall_clock().unwrap().minute(), 55);
        let junk = GatewayTime::new("yesterday");
        assert_eq!(junk.as_str(), "yesterday");
        assert!(junk.wall_clock().is_none());
    }
}
