//! Reads a request from loose JSON (what a binding or a stored job hands over), recording
//! a violation for each wrong type or unknown field instead of stopping at the first.

use crate::models::amount::parse_decimal;
use crate::validation::{Case, Collector, Rule};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

/// A closed set of wire strings (account types, id types, networks…).
pub(crate) trait Choice: Sized + Copy + 'static {
    /// Every value with its wire string.
    const ALL: &'static [(Self, &'static str)];

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, w)| *w == s).map(|(v, _)| *v)
    }

    fn allowed() -> String {
        Self::ALL.iter().map(|(_, w)| *w).collect::<Vec<_>>().join(", ")
    }

    /// The value's wire string.
    fn wire(self) -> &'static str;
}

/// The type of the field that picks how a pay-out is paid: a bank code (text) or one of a
/// closed set (a PIX key type, a network). `payout!` reads it and writes its wire string.
pub(crate) trait MethodField {
    /// Reads the field named `camel`.
    fn read_method(r: &mut FieldReader<'_>, camel: &str) -> Self;

    /// The wire string; empty when absent.
    fn wire(&self) -> &str;
}

impl MethodField for String {
    fn read_method(r: &mut FieldReader<'_>, camel: &str) -> Self {
        r.string(camel)
    }

    fn wire(&self) -> &str {
        self
    }
}

impl<T: Choice> MethodField for Option<T> {
    fn read_method(r: &mut FieldReader<'_>, camel: &str) -> Self {
        r.choice(camel)
    }

    fn wire(&self) -> &str {
        self.map_or("", T::wire)
    }
}

/// One JSON object being read; paths are recorded under `prefix`.
pub(crate) struct FieldReader<'c> {
    map: Map<String, Value>,
    case: Case,
    prefix: String,
    pub(crate) c: &'c mut Collector,
}

impl<'c> FieldReader<'c> {
    pub(crate) fn new(map: Map<String, Value>, case: Case, c: &'c mut Collector) -> Self {
        Self { map, case, prefix: String::new(), c }
    }

    fn path(&self, camel: &str) -> String {
        format!("{}{camel}", self.prefix)
    }

    fn take(&mut self, camel: &str) -> Option<Value> {
        let key = crate::validation::FieldPath::camel(camel);
        match self.map.remove(key.in_case(self.case)) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    fn wrong_type(&mut self, camel: &str, expected: &str, got: &Value) {
        let kind = match got {
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
            Value::Null => "null",
        };
        let path = self.path(camel);
        self.c.at(&path, Rule::Type, format!("must be {expected}, got {kind}"));
    }

    /// A text field; absent is `""`, which the validator reports if the field is required.
    pub(crate) fn string(&mut self, camel: &str) -> String {
        self.opt_string(camel).unwrap_or_default()
    }

    /// An optional text field.
    pub(crate) fn opt_string(&mut self, camel: &str) -> Option<String> {
        match self.take(camel)? {
            Value::String(s) => Some(s),
            other => {
                self.wrong_type(camel, "a string", &other);
                None
            }
        }
    }

    /// One of a closed set of strings.
    pub(crate) fn choice<T: Choice>(&mut self, camel: &str) -> Option<T> {
        let s = self.opt_string(camel)?;
        let parsed = T::parse(&s);
        if parsed.is_none() {
            let path = self.path(camel);
            self.c.at(&path, Rule::OneOf, format!("must be one of {}, got {s:?}", T::allowed()));
        }
        parsed
    }

    /// An exact amount from a decimal string or a JSON number, each read from its own text
    /// (serde_json keeps a number's text: `arbitrary_precision`), so `10.00` stays
    /// `10.00` — and is refused where the region takes whole numbers — instead of
    /// becoming the float 10.
    pub(crate) fn amount(&mut self, camel: &str) -> Decimal {
        let path = self.path(camel);
        let parsed = match self.take(camel) {
            None => Err((Rule::Required, "is required".to_owned())),
            Some(Value::String(s)) => parse_decimal(&s).map_err(|m| (Rule::Format, m)),
            Some(Value::Number(n)) => number_amount(&n.to_string()).map_err(|m| (Rule::Format, m)),
            Some(other) => {
                self.wrong_type(camel, "a decimal string or a number", &other);
                return Decimal::ZERO;
            }
        };
        parsed.unwrap_or_else(|(rule, m)| {
            self.c.at(&path, rule, m);
            Decimal::ZERO
        })
    }

    /// A nested object, read by `read`; `None` when absent.
    pub(crate) fn object<T>(&mut self, camel: &str, read: impl FnOnce(&mut FieldReader<'_>) -> T) -> Option<T> {
        let map = match self.take(camel)? {
            Value::Object(m) => m,
            other => {
                self.wrong_type(camel, "an object", &other);
                return None;
            }
        };
        let prefix = format!("{}{camel}.", self.prefix);
        let mut inner = FieldReader { map, case: self.case, prefix, c: self.c };
        let value = read(&mut inner);
        inner.finish();
        Some(value)
    }

    /// The pass-through `extra` object.
    pub(crate) fn extra(&mut self) -> Map<String, Value> {
        match self.take("extra") {
            None => Map::new(),
            Some(Value::Object(m)) => m,
            Some(other) => {
                self.wrong_type("extra", "an object", &other);
                Map::new()
            }
        }
    }

    /// Reports every field that was not read.
    pub(crate) fn finish(&mut self) {
        let leftovers: Vec<String> = self.map.keys().cloned().collect();
        for key in leftovers {
            let path = crate::validation::FieldPath::camel(&format!("{}{key}", self.prefix));
            // The key as the caller wrote it: a camelCase key read in snake_case would
            // otherwise be shown as the snake_case field it resembles.
            let shown = format!("{}{key}", crate::validation::in_case(&self.prefix, self.case));
            let hint = match self.case {
                Case::Snake if key.chars().any(|c| c.is_ascii_uppercase()) => {
                    format!("; field names are snake_case here ({})", path.in_case(Case::Snake))
                }
                Case::Camel if key.contains('_') => {
                    let camel = crate::validation::FieldPath::snake(&format!("{}{key}", self.prefix));
                    format!("; field names are camelCase here ({})", camel.in_case(Case::Camel))
                }
                _ => String::new(),
            };
            self.c.add(
                path,
                Rule::Unknown,
                format!(
                    "{shown} is not a field of this request{hint}; gateway fields the SDK does not model go under `extra`"
                ),
            );
        }
        self.map.clear();
    }
}

/// A JSON number's text as an exact amount. Exponent forms are refused: an amount is
/// written digit for digit, and `1e21` is what a float too large to be exact prints.
fn number_amount(text: &str) -> Result<Decimal, String> {
    if text.contains(['e', 'E']) {
        return Err(format!(
            "{text} is written with an exponent; write the amount as a plain decimal (e.g. the string \"1050\")"
        ));
    }
    parse_decimal(text)
}

/// Declares a closed set of wire strings as an enum with `Choice`, `Display`,
/// `FromStr` and `Serialize`.
macro_rules! choice_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $crate::models::request::fields::Choice for $name {
            const ALL: &'static [(Self, &'static str)] = &[$(($name::$variant, $wire)),+];

            fn wire(self) -> &'static str {
                self.as_str()
            }
        }

        impl $name {
            /// The string as written on the wire.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                <Self as $crate::models::request::fields::Choice>::parse(s).ok_or_else(|| {
                    format!("{s:?} is not one of {}", <Self as $crate::models::request::fields::Choice>::allowed())
                })
            }
        }

        #[cfg(feature = "describe")]
        impl $crate::describe::Describe for $name {
            fn ty() -> $crate::describe::Ty {
                $crate::describe::Ty::Choice($crate::describe::ChoiceSet {
                    name: stringify!($name),
                    doc: $crate::describe::doc(&[$(stringify!($meta)),*]),
                    values: vec![$(($wire, $crate::describe::doc(&[$(stringify!($vmeta)),*]))),+],
                })
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}
pub(crate) use choice_enum;
