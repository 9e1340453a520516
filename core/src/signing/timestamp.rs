//! `X-TIMESTAMP`: `yyyy-MM-ddTHH:mm:ss±HH:mm`, second precision, any offset.

use time::format_description::FormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

const FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]");

/// Formats an instant as the gateway expects, in the given offset.
pub fn format_timestamp(at: OffsetDateTime, offset: UtcOffset) -> String {
    at.to_offset(offset).format(FORMAT).unwrap_or_default()
}

/// Parses an `X-TIMESTAMP` value in exactly the documented form.
pub fn parse_timestamp(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, FORMAT).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{datetime, offset};

    #[test]
    fn documented_format_in_any_offset() {
        let t = datetime!(2020-12-17 03:55:00 UTC);
        assert_eq!(format_timestamp(t, offset!(+7)), "2020-12-17T10:55:00+07:00");
        assert_eq!(format_timestamp(t, offset!(-5)), "2020-12-16T22:55:00-05:00");
        assert_eq!(format_timestamp(t, UtcOffset::UTC), "2020-12-17T03:55:00+00:00");
        assert_eq!(parse_timestamp("2020-12-17T10:55:00+07:00"), Some(t));
        assert_eq!(parse_timestamp("2020-12-17T10:55:00Z"), None);
        assert_eq!(parse_timestamp("2020-12-17 10:55:00+07:00"), None);
    }
}
