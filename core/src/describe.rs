//! A description of the public data types (requests, answers, callbacks, choice values),
//! read from their own declarations by `described!`, `payout!`, `choice_enum!` and
//! `regions!`. Feature `describe` (off by default): only the workspace's type generator
//! (`codegen/`) uses it, to write the Python and TypeScript typings, so the bindings never
//! restate a field by hand.

use rust_decimal::Decimal;

/// The shape of a field's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// Text.
    Str,
    /// An exact amount.
    Decimal,
    /// A whole number (HTTP statuses and the like).
    Int,
    /// A measurement (a rate, never money): a JSON number that may have a fraction.
    Float,
    /// True or false.
    Bool,
    /// An order status: the known values, or any other text kept as given.
    Status,
    /// Any JSON object, sent as given.
    Json,
    /// A value that may be absent.
    Option(Box<Ty>),
    /// A list.
    List(Box<Ty>),
    /// A JSON object keyed by text with values of one type: counts per state, sums per
    /// currency.
    Map {
        /// The keys: `Str`, or the `Choice` of the keys that may appear.
        key: Box<Ty>,
        /// Each value's shape.
        value: Box<Ty>,
        /// True when every key of a `Choice` is always present.
        every_key: bool,
    },
    /// A type the bindings declare once elsewhere under this name, shared with the errors
    /// (a refused batch row, `BatchRowError`).
    Named(&'static str),
    /// A struct with named fields.
    Record(Record),
    /// A closed set of strings.
    Choice(ChoiceSet),
}

/// A struct: its Rust name, doc text and fields in declaration order.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The Rust type name.
    pub name: &'static str,
    /// The doc comment, lines joined by `\n`.
    pub doc: String,
    /// The fields, in declaration order.
    pub fields: Vec<Field>,
}

/// One field of a [`Record`].
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The Rust (snake_case) name.
    pub name: &'static str,
    /// Its shape.
    pub ty: Ty,
    /// The doc comment.
    pub doc: String,
    /// False for fields serde skips (the raw body, which bindings add themselves).
    pub serialized: bool,
}

/// A closed set of wire strings, with the doc of each.
#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceSet {
    /// The Rust type name.
    pub name: &'static str,
    /// The doc comment.
    pub doc: String,
    /// Each wire string with its doc.
    pub values: Vec<(&'static str, String)>,
}

/// A type that can describe itself.
pub trait Describe {
    /// Its shape.
    fn ty() -> Ty;
}

macro_rules! leaf {
    ($($t:ty => $ty:expr),+ $(,)?) => {$(
        impl Describe for $t {
            fn ty() -> Ty {
                $ty
            }
        }
    )+};
}
leaf! {
    String => Ty::Str,
    &'static str => Ty::Str,
    bool => Ty::Bool,
    u16 => Ty::Int,
    u32 => Ty::Int,
    u64 => Ty::Int,
    f64 => Ty::Float,
    Decimal => Ty::Decimal,
    crate::models::GatewayTime => Ty::Str,
    crate::models::RawJson => Ty::Str,
    crate::models::Status => Ty::Status,
    serde_json::Map<String, serde_json::Value> => Ty::Json,
}

impl<T: Describe> Describe for Option<T> {
    fn ty() -> Ty {
        Ty::Option(Box::new(T::ty()))
    }
}

impl<T: Describe> Describe for Vec<T> {
    fn ty() -> Ty {
        Ty::List(Box::new(T::ty()))
    }
}

impl<K: Describe, V: Describe> Describe for std::collections::BTreeMap<K, V> {
    fn ty() -> Ty {
        Ty::Map { key: Box::new(K::ty()), value: Box::new(V::ty()), every_key: false }
    }
}

/// The text of the `doc` attributes among `attrs` (each as `stringify!` wrote it).
#[doc(hidden)]
pub fn doc(attrs: &[&str]) -> String {
    let lines: Vec<String> = attrs.iter().filter_map(|a| doc_line(a)).collect();
    lines.join("\n")
}

fn doc_line(attr: &str) -> Option<String> {
    let rest = attr.trim().strip_prefix("doc")?.trim_start().strip_prefix('=')?.trim();
    // A `///` comment arrives as `r" text"` (or `r#"…"#`); a `#[doc = "…"]` as a plain literal.
    let hashes = rest.strip_prefix('r').map_or(0, |r| r.len() - r.trim_start_matches('#').len());
    let body = rest.strip_prefix('r').unwrap_or(rest).trim_start_matches('#');
    let body = body.strip_prefix('"')?;
    let body = &body[..body.len().checked_sub(1 + hashes)?];
    let text = if rest.starts_with('r') { body.to_owned() } else { body.replace("\\\"", "\"").replace("\\\\", "\\") };
    Some(text.trim().to_owned())
}

/// True when `attrs` holds `serde(skip)`.
#[doc(hidden)]
pub fn skipped(attrs: &[&str]) -> bool {
    attrs.iter().any(|a| a.replace(' ', "") == "serde(skip)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_are_read_from_every_literal_form() {
        assert_eq!(
            doc(&[r#"doc = r" Whole rupiah, e.g. `150000`.""#, "derive(Clone)"]),
            "Whole rupiah, e.g. `150000`."
        );
        assert_eq!(doc(&[r###"doc = r#" a "quoted" word"#"###]), r#"a "quoted" word"#);
        assert_eq!(doc(&[r#"doc = "plain \"q\"""#]), r#"plain "q""#);
        assert!(skipped(&["serde(skip)"]) && !skipped(&["serde(skip_serializing_if = \"x\")"]));
    }
}
