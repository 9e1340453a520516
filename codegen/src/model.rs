//! What the generators write from: the core's description of its types, which request
//! fields are required (asked of the core's own validation with the shared golden
//! vectors), and the error kinds of `smilepayz-interop`.

use serde_json::Value;
use smilepayz::describe::{ChoiceSet, Describe, Record, Ty};
use smilepayz::validation::{Case, FieldPath, in_case};
use smilepayz::{CallbackNotification, PayoutRequest, Region};
use smilepayz_interop::batch_answers;
use smilepayz_interop::kinds::{ERROR_KINDS, ErrorKind};
use std::collections::BTreeSet;

/// Everything the typings are written from.
pub(crate) struct Model {
    /// Each region: its currency and its request.
    pub(crate) regions: Vec<(&'static str, Record)>,
    /// The fixed payment method of a region whose request does not choose one, by currency.
    pub(crate) fixed_methods: Vec<(&'static str, &'static str)>,
    /// The records requests use (merchant, receivers), first seen first.
    pub(crate) request_records: Vec<Record>,
    /// The answers and the records they use, first seen first.
    pub(crate) answer_records: Vec<Record>,
    /// Every closed set of strings requests use.
    pub(crate) choices: Vec<ChoiceSet>,
    /// The known statuses.
    pub(crate) statuses: Vec<String>,
    /// The request fields a request may leave out, as `CURRENCY:camelCase.path`.
    pub(crate) optional: BTreeSet<String>,
    /// The error kinds.
    pub(crate) errors: &'static [ErrorKind],
    /// The events, one record per kind, with the event's name.
    pub(crate) events: Vec<(&'static str, Record)>,
    /// The batch answers (`smilepayz-interop`'s, which shapes them) and the records they use.
    pub(crate) batch_records: Vec<Record>,
    /// The closed sets of strings the batch answers use (row states).
    pub(crate) batch_choices: Vec<ChoiceSet>,
}

/// The model, with requiredness probed against the golden requests in `vectors` (the
/// text of `tests/vectors/requests.json`).
pub(crate) fn model(vectors: &str) -> Result<Model, String> {
    let golden: Value = serde_json::from_str(vectors).map_err(|e| format!("requests.json: {e}"))?;
    let cases: Vec<&Value> =
        golden["cases"].as_array().ok_or("requests.json has no cases")?.iter().map(|c| &c["request"]).collect();
    let mut regions = Vec::new();
    let mut request_records = Vec::new();
    let mut choices = Vec::new();
    let mut optional = BTreeSet::new();
    let mut fixed_methods = Vec::new();
    for (region, ty, fixed) in Region::described() {
        let Ty::Record(record) = ty else { return Err(format!("{region:?} is not described as a record")) };
        let own: Vec<&Value> = cases.iter().copied().filter(|c| c["region"] == region.currency()).collect();
        if own.is_empty() {
            return Err(format!("requests.json has no golden request for {}", region.currency()));
        }
        probe(&record, &format!("{}:", region.currency()), "", &own, &mut optional)?;
        for field in &record.fields {
            collect(&field.ty, &mut request_records, &mut choices);
        }
        if let Some(method) = fixed {
            fixed_methods.push((region.currency(), method));
        }
        regions.push((region.currency(), record));
    }
    let mut answer_records = Vec::new();
    let mut ignored = Vec::new();
    for ty in [
        <smilepayz::PayoutResponse as Describe>::ty(),
        <smilepayz::StatusResponse as Describe>::ty(),
        <smilepayz::BalanceResponse as Describe>::ty(),
        <CallbackNotification as Describe>::ty(),
    ] {
        collect(&ty, &mut answer_records, &mut ignored);
    }
    let mut batch_records = Vec::new();
    let mut batch_choices = Vec::new();
    for ty in [
        <batch_answers::AddSummary as Describe>::ty(),
        <batch_answers::RunSummary as Describe>::ty(),
        <batch_answers::BatchProgress as Describe>::ty(),
        <batch_answers::Coverage as Describe>::ty(),
        <batch_answers::BatchReport as Describe>::ty(),
        <batch_answers::BatchTotals as Describe>::ty(),
    ] {
        collect(&ty, &mut batch_records, &mut batch_choices);
    }
    let statuses = smilepayz::Status::KNOWN.iter().map(|s| s.as_str().to_owned()).collect();
    Ok(Model {
        regions,
        fixed_methods,
        request_records,
        answer_records,
        choices,
        statuses,
        optional,
        errors: ERROR_KINDS,
        events: events()?,
        batch_records,
        batch_choices,
    })
}

/// The events as the core declares them, each with the name it is sent under (checked
/// against `Event::NAMES`, the names the bindings register).
fn events() -> Result<Vec<(&'static str, Record)>, String> {
    let variants = smilepayz::events::Event::variants();
    let names = smilepayz::events::Event::NAMES;
    if variants.len() != names.len() {
        return Err(format!("{} event variants, {} event names", variants.len(), names.len()));
    }
    variants
        .into_iter()
        .zip(names)
        .map(|(record, name)| {
            // `OutcomeUnknown` → `outcomeUnknown` → `outcome_unknown`.
            let mut lower = record.name.to_owned();
            lower[..1].make_ascii_lowercase();
            if snake(&lower) == name {
                Ok((name, record))
            } else {
                Err(format!("event variant {} is sent as {name}", record.name))
            }
        })
        .collect()
}

/// Adds the records and choice sets `ty` uses, nested ones first, each once.
fn collect(ty: &Ty, records: &mut Vec<Record>, choices: &mut Vec<ChoiceSet>) {
    match ty {
        Ty::Option(inner) | Ty::List(inner) => collect(inner, records, choices),
        Ty::Map { key, value, .. } => {
            collect(key, records, choices);
            collect(value, records, choices);
        }
        Ty::Record(r) => {
            for f in &r.fields {
                collect(&f.ty, records, choices);
            }
            if !records.iter().any(|known| known.name == r.name) {
                records.push(r.clone());
            }
        }
        Ty::Choice(c) => {
            if !choices.iter().any(|known| known.name == c.name) {
                choices.push(c.clone());
            }
        }
        Ty::Str | Ty::Decimal | Ty::Int | Ty::Float | Ty::Bool | Ty::Status | Ty::Json | Ty::Named(_) => {}
    }
}

/// Records as optional every field of `record` (under `prefix`) that no golden request
/// needs: absent from all of them, or removable without the core naming it.
fn probe(
    record: &Record,
    region: &str,
    prefix: &str,
    cases: &[&Value],
    optional: &mut BTreeSet<String>,
) -> Result<(), String> {
    for field in &record.fields {
        let path = format!("{prefix}{}", camel(field.name));
        let mut present = false;
        let mut needed = false;
        for case in cases {
            if get(case, &path).is_none() {
                continue;
            }
            present = true;
            let mut without = (*case).clone();
            remove(&mut without, &path);
            needed |= names(&without, &path);
        }
        if !(present && needed) {
            optional.insert(format!("{region}{path}"));
        }
        if let Ty::Record(inner) = required(&field.ty) {
            probe(inner, region, &format!("{path}."), cases, optional)?;
        }
    }
    Ok(())
}

/// True when the core refuses `request` with a violation at `path` or below it.
fn names(request: &Value, path: &str) -> bool {
    match PayoutRequest::from_json(request.clone(), Case::Camel) {
        Ok(_) => false,
        Err(e) => e.violations().iter().any(|v| {
            let at = v.path.in_case(Case::Camel);
            at == path || at.starts_with(&format!("{path}."))
        }),
    }
}

fn get<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(value, |v, key| v.get(key))
}

fn remove(value: &mut Value, path: &str) {
    let (parent, last) = match path.rsplit_once('.') {
        Some((parent, last)) => (parent.split('.').try_fold(&mut *value, |v, key| v.get_mut(key)), last),
        None => (Some(value), path),
    };
    if let Some(Value::Object(map)) = parent {
        map.remove(last);
    }
}

/// `cash_account` → `cashAccount` (the core's own re-casing).
pub(crate) fn camel(snake: &str) -> String {
    FieldPath::snake(snake).in_case(Case::Camel).to_owned()
}

/// `cashAccount` → `cash_account` (the core's own re-casing).
pub(crate) fn snake(camel: &str) -> String {
    in_case(camel, Case::Snake)
}

/// Where a request record's fields are keyed in [`Model::optional`]: the first region
/// that uses it and the field that holds it (`PEN:receiver.`).
pub(crate) fn record_prefix(model: &Model, record: &Record) -> String {
    model
        .regions
        .iter()
        .find_map(|(currency, region)| {
            let f = region
                .fields
                .iter()
                .find(|f| matches!(required(&f.ty), Ty::Record(inner) if inner.name == record.name))?;
            Some(format!("{currency}:{}.", camel(f.name)))
        })
        .unwrap_or_default()
}

/// The kind's class name: `outcome_unknown` → `OutcomeUnknownError`.
pub(crate) fn error_class(kind: &str) -> String {
    let camel = camel(kind);
    let mut chars = camel.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>() + "Error").unwrap_or_default()
}

/// `ty` without an outer `Option`.
pub(crate) fn required(ty: &Ty) -> &Ty {
    match ty {
        Ty::Option(inner) => inner,
        other => other,
    }
}

/// Words wrapped to `width` columns, each line after `indent`.
pub(crate) fn wrap(text: &str, indent: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > width {
            lines.push(format!("{indent}{line}"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(format!("{indent}{line}"));
    }
    lines
}

impl Model {
    /// The fixed payment method of the region `currency`, if it has one.
    pub(crate) fn fixed_method(&self, currency: &str) -> Option<&'static str> {
        self.fixed_methods.iter().find(|(c, _)| *c == currency).map(|(_, m)| *m)
    }
}
