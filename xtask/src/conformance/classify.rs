//! Every failing call classified: a generator defect (counts against the goal), a spec defect (the
//! document contradicts itself), a Prism limitation, or something this harness cannot check. The
//! rules are by what the failure says; the ones that needed a person to read the document are
//! listed with the reason in [`KNOWN`].

use serde::Serialize;
use serde_json::Value;

use super::driver::Exercised;
use super::report::CallResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    Conformant,
    Generator,
    Spec,
    Prism,
    Harness,
}

impl Class {
    pub fn label(self) -> &'static str {
        match self {
            Class::Conformant => "conformant",
            Class::Generator => "generator defect",
            Class::Spec => "spec defect",
            Class::Prism => "Prism limitation",
            Class::Harness => "not checkable here",
        }
    }
}

/// Failures read and classified by hand: (document, operation id or `*`, what the cause text
/// contains, class, why).
const KNOWN: &[(&str, &str, &str, Class, &str)] = &[];

/// The operation's verdict: conformant when every call was; else the first failing call's class
/// and cause.
pub fn operation(
    document: &str,
    raw: &Value,
    op: &Exercised,
    calls: &[CallResult],
) -> (Class, String) {
    let Some(failed) = calls.iter().find(|c| c.outcome != "ok") else {
        return (Class::Conformant, String::new());
    };
    let (class, cause) = call(failed);
    if let Some(found) = spec_or_prism(raw, op, failed) {
        return found;
    }
    for (doc, id, needle, known_class, why) in KNOWN {
        if *doc == document && (*id == "*" || *id == op.operation_id) && cause.contains(needle) {
            return (*known_class, format!("{cause} ({why})"));
        }
    }
    (class, cause)
}

/// Failures the document or Prism explains, found by reading the document where the failure points.
fn spec_or_prism(raw: &Value, op: &Exercised, c: &CallResult) -> Option<(Class, String)> {
    let detail = c.detail.as_str();
    if c.outcome == "decode"
        && detail.contains("number out of range")
        && detail.contains("3.402823669209385e+38")
    {
        return Some((
            Class::Prism,
            "Prism's static value for `format: float` (±3.402823669209385e38) lies beyond f32's range (±3.4028235e38)".into(),
        ));
    }
    if c.outcome == "decode" && detail.contains("expected a JSON object") {
        let path = detail.strip_prefix("at `")?.split('`').next()?;
        let schema = schema_at(raw, raw.pointer(op.response_schema.as_deref()?)?, path)?;
        if schema.get("type").is_none() && schema.get("properties").is_some() {
            return Some((
                Class::Spec,
                "the response example has a non-object where the schema's members describe an object (the schema omits `type`)".into(),
            ));
        }
    }
    if c.outcome == "api" && c.status == Some(500) && detail.contains("\"response\"") {
        return Some((
            Class::Prism,
            "Prism's own answer fails its response validation (500): its static generator does not honour the format or pattern".into(),
        ));
    }
    if c.outcome == "api" && c.status == Some(422) && detail.contains("[\"body\"]") {
        let media_bytes = op.features.iter().any(|f| f == "body:bytes");
        let schema = raw
            .pointer(op.body_schema.as_deref()?)
            .map(|s| deref(raw, s));
        let object = schema.is_some_and(|s| super::values::type_of(s).as_deref() == Some("object"));
        if media_bytes && object {
            return Some((
                Class::Spec,
                "an object schema for a binary media type (the body is bytes; Prism validates it as JSON)".into(),
            ));
        }
    }
    None
}

fn deref<'a>(raw: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| raw.pointer(p))
        {
            Some(next) => schema = next,
            None => break,
        }
    }
    schema
}

/// The schema at a decode error's path (`a[0].b`, `.` for the root) below `schema`.
fn schema_at<'a>(raw: &'a Value, schema: &'a Value, path: &str) -> Option<&'a Value> {
    let mut current = deref(raw, schema);
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (name, indexes) = match part.find('[') {
            Some(i) => (&part[..i], part[i..].matches('[').count()),
            None => (part, 0),
        };
        if !name.is_empty() {
            current = member(raw, current, name)?;
        }
        for _ in 0..indexes {
            current = deref(raw, current.get("items")?);
        }
    }
    Some(current)
}

/// A member's schema, declared on the schema or one of its `allOf` branches.
fn member<'a>(raw: &'a Value, schema: &'a Value, name: &str) -> Option<&'a Value> {
    if let Some(found) = schema.get("properties").and_then(|p| p.get(name)) {
        return Some(deref(raw, found));
    }
    schema
        .get("allOf")?
        .as_array()?
        .iter()
        .find_map(|branch| member(raw, deref(raw, branch), name))
}

/// The class and normalized cause of one failed call.
pub fn call(c: &CallResult) -> (Class, String) {
    let detail = c.detail.as_str();
    match (c.outcome.as_str(), c.status) {
        ("api", Some(422)) => rejected(detail),
        ("api", Some(401)) => (
            Class::Harness,
            "401 from Prism: a security scheme the driver cannot satisfy offline".into(),
        ),
        ("api", Some(404)) if detail.contains("NO_PATH_MATCHED") => (
            Class::Generator,
            "404: Prism matched no path (path templating)".into(),
        ),
        ("api", Some(405)) if detail.contains("NO_METHOD_MATCHED") => {
            (Class::Generator, "405: Prism matched no method".into())
        }
        ("api", Some(406)) => (
            Class::Generator,
            format!("406 from Prism: {}", problem_title(detail)),
        ),
        ("api", Some(500)) => (
            Class::Prism,
            format!("500 from Prism: {}", problem_title(detail)),
        ),
        ("api", status) => (
            Class::Generator,
            format!(
                "{} from Prism: {}",
                status.unwrap_or(0),
                problem_title(detail)
            ),
        ),
        ("decode", _) => (
            Class::Generator,
            format!("answer not decoded {}", shorten(detail)),
        ),
        ("build", _) => (
            Class::Generator,
            format!(
                "the client's type refuses a schema-valid value: {}",
                shorten(detail)
            ),
        ),
        ("invalid", _) => (
            Class::Generator,
            format!("refused before sending: {}", shorten(detail)),
        ),
        ("not_built", _) => (
            Class::Generator,
            format!("did not build: {}", first_error(detail)),
        ),
        (outcome, _) => (Class::Generator, format!("{outcome}: {}", shorten(detail))),
    }
}

/// A Prism 422: each violation's location and message.
fn rejected(detail: &str) -> (Class, String) {
    let Ok(body) = serde_json::from_str::<Value>(detail) else {
        return (Class::Generator, format!("422: {}", shorten(detail)));
    };
    let violations: Vec<String> = body
        .get("validation")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|v| {
                    let location = v
                        .get("location")
                        .and_then(Value::as_array)
                        .map(|l| {
                            l.iter()
                                .take(2)
                                .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned))
                                .collect::<Vec<_>>()
                                .join(".")
                        })
                        .unwrap_or_default();
                    let message = v.get("message").and_then(Value::as_str).unwrap_or("");
                    format!("{location}: {message}")
                })
                .collect()
        })
        .unwrap_or_default();
    (
        Class::Generator,
        format!(
            "request rejected by Prism: {}",
            shorten(&violations.join("; "))
        ),
    )
}

fn problem_title(detail: &str) -> String {
    serde_json::from_str::<Value>(detail)
        .ok()
        .and_then(|v| {
            v.get("title")
                .or_else(|| v.get("detail"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| shorten(detail))
}

fn first_error(detail: &str) -> String {
    let line = detail
        .lines()
        .find(|l| l.starts_with("error"))
        .unwrap_or(detail);
    shorten(line)
}

/// The first 160 characters, quoted values and digits kept (causes group by this text).
fn shorten(text: &str) -> String {
    text.chars().take(160).collect()
}
