//! Order statuses as the gateway writes them; unknown values survive as given.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The state of an order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Accepted and not settled yet.
    Processing,
    /// Paid.
    Success,
    /// Not paid.
    Failed,
    /// Not paid in time.
    Expired,
    /// Held for manual review.
    Review,
    /// Created, not started.
    Init,
    /// Cancelled, not paid.
    Cancelled,
    /// A value this SDK does not know yet, kept as written.
    Unknown(String),
}

impl Status {
    /// Every status this SDK knows (all but `Unknown`), in declaration order.
    pub const KNOWN: [Status; 7] = [
        Status::Processing,
        Status::Success,
        Status::Failed,
        Status::Expired,
        Status::Review,
        Status::Init,
        Status::Cancelled,
    ];

    /// Parses a gateway status string; never fails.
    pub fn parse(s: &str) -> Self {
        match s {
            "PROCESSING" => Status::Processing,
            "SUCCESS" => Status::Success,
            "FAILED" => Status::Failed,
            "EXPIRED" => Status::Expired,
            "REVIEW" => Status::Review,
            "INIT" => Status::Init,
            "CANCELLED" => Status::Cancelled,
            other => Status::Unknown(other.to_owned()),
        }
    }

    /// The string as the gateway writes it.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Processing => "PROCESSING",
            Status::Success => "SUCCESS",
            Status::Failed => "FAILED",
            Status::Expired => "EXPIRED",
            Status::Review => "REVIEW",
            Status::Init => "INIT",
            Status::Cancelled => "CANCELLED",
            Status::Unknown(s) => s,
        }
    }

    /// True once the order can no longer change: SUCCESS, FAILED, EXPIRED, CANCELLED.
    /// An unknown status is never taken as final.
    pub fn is_final(&self) -> bool {
        matches!(self, Status::Success | Status::Failed | Status::Expired | Status::Cancelled)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Status::parse(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_statuses_round_trip() {
        for s in ["PROCESSING", "SUCCESS", "FAILED", "EXPIRED", "REVIEW", "INIT", "CANCELLED", "PARTIAL"] {
            assert_eq!(Status::parse(s).as_str(), s);
        }
        assert_eq!(Status::parse("PARTIAL"), Status::Unknown("PARTIAL".into()));
    }

    #[test]
    fn known_lists_every_status_but_unknown() {
        let known: Vec<&str> = Status::KNOWN.iter().map(Status::as_str).collect();
        assert_eq!(known, ["PROCESSING", "SUCCESS", "FAILED", "EXPIRED", "REVIEW", "INIT", "CANCELLED"]);
        assert!(Status::KNOWN.iter().all(|s| Status::parse(s.as_str()) == *s));
    }

    #[test]
    fn finality() {
        let finals: Vec<_> = ["SUCCESS", "FAILED", "EXPIRED", "CANCELLED"].map(Status::parse).into();
        assert!(finals.iter().all(Status::is_final));
        for s in ["PROCESSING", "REVIEW", "INIT", "success", "PARTIAL"] {
            assert!(!Status::parse(s).is_final(), "{s}");
        }
    }
}
