//! Violations of the request rules, collected so that every problem is reported at once.

use std::fmt;

/// The naming style a field path is reported in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Case {
    /// `receiver.id_type` (Rust, Python).
    Snake,
    /// `receiver.idType` (Node, the wire).
    Camel,
}

/// Where in a request a violation sits, in both naming styles.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldPath {
    camel: String,
    snake: String,
}

impl FieldPath {
    /// A path written in camelCase, e.g. `receiver.idType`; the snake form is derived.
    pub fn camel(path: &str) -> Self {
        Self { camel: path.to_owned(), snake: camel_to_snake(path) }
    }

    /// A path written in snake_case, e.g. `receiver.id_type`; the camel form is derived.
    /// For a binding that reads snake_case fields and must name one before the core has
    /// read it (a value its conversion refuses).
    pub fn snake(path: &str) -> Self {
        Self { camel: snake_to_camel(path), snake: path.to_owned() }
    }

    /// A path under `extra`, whose key is the user's own and is never re-cased.
    pub fn extra(key: &str) -> Self {
        Self { camel: format!("extra.{key}"), snake: format!("extra.{key}") }
    }

    /// The path in the requested style.
    pub fn in_case(&self, case: Case) -> &str {
        match case {
            Case::Snake => &self.snake,
            Case::Camel => &self.camel,
        }
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.snake)
    }
}

fn snake_to_camel(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut upper = false;
    for c in path.chars() {
        if c == '_' && !out.is_empty() && !out.ends_with('.') {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A camelCase name (a wire field name or dotted path) written in `case`.
pub fn in_case(camel: &str, case: Case) -> String {
    match case {
        Case::Camel => camel.to_owned(),
        Case::Snake => camel_to_snake(camel),
    }
}

/// `value` with every object key (written in camelCase) in `case`, at every depth.
pub fn recase(value: serde_json::Value, case: Case) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (in_case(&k, case), recase(v, case))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(|v| recase(v, case)).collect()),
        other => other,
    }
}

pub(crate) fn camel_to_snake(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 4);
    for c in path.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Which rule a field broke; stable names that tests and callers can branch on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// A mandatory field is absent or empty.
    Required,
    /// Too short or too long.
    Length,
    /// Characters or shape not allowed.
    Format,
    /// Not one of the allowed values.
    OneOf,
    /// A check digit or checksum does not match.
    Checksum,
    /// A number outside the allowed range (including zero and negatives).
    Range,
    /// More decimal places than the currency allows.
    Scale,
    /// Two fields that must agree do not.
    Mismatch,
    /// An extra field would overwrite a field the SDK writes itself.
    Conflict,
    /// A value of the wrong JSON type (e.g. a number where a string belongs).
    Type,
    /// A field this region does not have.
    Unknown,
}

impl Rule {
    /// The stable name, e.g. `"length"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Required => "required",
            Rule::Length => "length",
            Rule::Format => "format",
            Rule::OneOf => "one_of",
            Rule::Checksum => "checksum",
            Rule::Range => "range",
            Rule::Scale => "scale",
            Rule::Mismatch => "mismatch",
            Rule::Conflict => "conflict",
            Rule::Type => "type",
            Rule::Unknown => "unknown",
        }
    }
}

/// One broken rule: where, which rule, and a sentence a person can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The field, in both naming styles.
    pub path: FieldPath,
    /// The rule it broke.
    pub rule: Rule,
    /// What is wrong and what is expected (never echoes the value of a long field).
    pub message: String,
}

/// Every violation found in one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    violations: Vec<Violation>,
    case: Case,
}

/// Where a value sits in a request a binding is converting from its language's values,
/// named in the binding's case; it grows as the conversion descends, and names the
/// field when the conversion refuses a value the core could never read (a lone
/// surrogate, a function, a cycle). Keys under `extra` are the caller's own.
#[derive(Clone, Debug)]
pub struct InputPath {
    path: String,
    extra: bool,
    case: Case,
}

impl InputPath {
    /// The request itself.
    pub fn request(case: Case) -> Self {
        Self { path: String::new(), extra: false, case }
    }

    /// A pass-through value that will sit under `extra`, named `path` in errors.
    pub fn extra_value(path: &str, case: Case) -> Self {
        Self { path: path.to_owned(), extra: true, case }
    }

    /// True under `extra`, where only JSON travels and the core checks nothing.
    pub fn is_extra(&self) -> bool {
        self.extra
    }

    /// The path as text, e.g. `receiver.id_type` or `extra.items[2]`.
    pub fn as_str(&self) -> &str {
        &self.path
    }

    /// The value at `key` of this object.
    pub fn key(&self, key: &str) -> Self {
        let extra = self.extra || (self.path.is_empty() && key == "extra");
        let path = if self.path.is_empty() { key.to_owned() } else { format!("{}.{key}", self.path) };
        Self { path, extra, case: self.case }
    }

    /// The item at `index` of this array.
    pub fn index(&self, index: usize) -> Self {
        Self { path: format!("{}[{index}]", self.path), extra: self.extra, case: self.case }
    }

    /// The field path, in both cases.
    pub fn field_path(&self) -> FieldPath {
        match self.path.strip_prefix("extra.") {
            Some(rest) if self.extra => FieldPath::extra(rest),
            _ => match self.case {
                Case::Camel => FieldPath::camel(&self.path),
                Case::Snake => FieldPath::snake(&self.path),
            },
        }
    }

    /// The error refusing the value here.
    pub fn refuse(&self, rule: Rule, message: impl Into<String>) -> ValidationError {
        ValidationError::single(self.field_path(), rule, message, self.case)
    }

    /// Deeper than [`MAX_INPUT_DEPTH`] (or a cycle): refused before recursing further.
    pub fn too_deep(&self) -> ValidationError {
        self.refuse(Rule::Type, format!("nests deeper than {MAX_INPUT_DEPTH} levels of objects and arrays (a cycle?)"))
    }

    /// Text that UTF-8, and so JSON, cannot carry.
    pub fn lone_surrogate(&self) -> ValidationError {
        self.refuse(Rule::Format, "is not valid Unicode text: it contains a lone surrogate (U+D800 to U+DFFF)")
    }
}

/// The deepest nesting of objects and arrays a request may have. A binding converting
/// its language's values refuses anything deeper (or cyclic) with a `Type` violation
/// before recursing further, so hostile input cannot exhaust the native stack.
pub const MAX_INPUT_DEPTH: usize = 32;

impl ValidationError {
    /// An error of one violation, for a value refused before the core could read it
    /// (a binding's conversion: a lone surrogate, a function, a cycle).
    pub fn single(path: FieldPath, rule: Rule, message: impl Into<String>, case: Case) -> Self {
        ValidationError { violations: vec![Violation { path, rule, message: message.into() }], case }
    }

    /// The violations, in the order the fields were checked.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The same error, with paths shown in `case` by `Display`.
    pub fn with_case(mut self, case: Case) -> Self {
        self.case = case;
        self
    }

    /// The naming style `Display` uses.
    pub fn case(&self) -> Case {
        self.case
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.len();
        write!(f, "invalid pay-out request ({n} problem{}): ", if n == 1 { "" } else { "s" })?;
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", v.path.in_case(self.case), v.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

/// Gathers violations while a request is checked; the first violation of a field wins.
#[derive(Debug)]
pub(crate) struct Collector {
    violations: Vec<Violation>,
    case: Case,
}

impl Collector {
    pub(crate) fn new(case: Case) -> Self {
        Self { violations: Vec::new(), case }
    }

    pub(crate) fn add(&mut self, path: FieldPath, rule: Rule, message: impl Into<String>) {
        if self.violations.iter().any(|v| v.path == path) {
            return;
        }
        self.violations.push(Violation { path, rule, message: message.into() });
    }

    /// Shorthand for a camelCase path.
    pub(crate) fn at(&mut self, camel_path: &str, rule: Rule, message: impl Into<String>) {
        self.add(FieldPath::camel(camel_path), rule, message);
    }

    /// The violations so far as an error, even when there are none.
    pub(crate) fn into_error(self) -> ValidationError {
        ValidationError { violations: self.violations, case: self.case }
    }

    pub(crate) fn finish(self) -> Result<(), ValidationError> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationError { violations: self.violations, case: self.case })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_exist_in_both_cases() {
        let p = FieldPath::camel("receiver.idType");
        assert_eq!(p.in_case(Case::Camel), "receiver.idType");
        assert_eq!(p.in_case(Case::Snake), "receiver.id_type");
        let e = FieldPath::extra("fooBar");
        assert_eq!(e.in_case(Case::Snake), "extra.fooBar");
        let s = FieldPath::snake("receiver.id_type");
        assert_eq!(s, p);
        assert_eq!(FieldPath::snake("cash_account_type").in_case(Case::Camel), "cashAccountType");
    }

    #[test]
    fn input_paths_name_fields_in_the_binding_case_and_keep_extra_keys() {
        let camel = InputPath::request(Case::Camel).key("receiver").key("idType");
        assert_eq!(camel.as_str(), "receiver.idType");
        assert_eq!(camel.field_path().in_case(Case::Snake), "receiver.id_type");
        assert!(!camel.is_extra());
        let snake = InputPath::request(Case::Snake).key("receiver").key("id_type");
        assert_eq!(snake.field_path(), camel.field_path());
        let extra = InputPath::request(Case::Snake).key("extra").key("myKey").index(2);
        assert!(extra.is_extra());
        assert_eq!(extra.field_path().in_case(Case::Camel), "extra.myKey[2]");
        assert_eq!(extra.field_path().in_case(Case::Snake), "extra.myKey[2]");
        let refused = extra.too_deep();
        assert_eq!(refused.violations()[0].rule, Rule::Type);
        assert!(refused.to_string().contains("extra.myKey[2]"), "{refused}");
        assert_eq!(InputPath::extra_value("extra", Case::Snake).key("a").field_path().in_case(Case::Camel), "extra.a");
    }

    #[test]
    fn first_violation_per_field_wins_and_all_fields_are_reported() {
        let mut c = Collector::new(Case::Snake);
        c.at("orderNo", Rule::Length, "too short");
        c.at("orderNo", Rule::Required, "missing");
        c.at("cashAccountType", Rule::OneOf, "bad");
        let err = c.finish().unwrap_err();
        assert_eq!(err.violations().len(), 2);
        assert_eq!(err.violations()[0].rule, Rule::Length);
        assert_eq!(
            err.to_string(),
            "invalid pay-out request (2 problems): order_no: too short; cash_account_type: bad"
        );
    }
}
