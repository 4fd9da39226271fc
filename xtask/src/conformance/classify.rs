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
const KNOWN: &[(&str, &str, &str, Class, &str)] = &[
    (
        "vtex.local/Payments-Gateway-API.json",
        "*",
        "refuses [[",
        Class::Spec,
        "the body schema declares both `items` and `properties` and no `type`: the generator reads an object",
    ),
    (
        "reverb.com.json",
        "*",
        "expected a sequence",
        Class::Spec,
        "`conditions` is `type: array` with an `enum` of strings: no array is one of them",
    ),
    (
        "amazonaws.com/dataexchange.json",
        "*",
        "CatalogId",
        Class::Spec,
        "`AwsAccountId` has pattern `.*/^[\\d]{12}$/.*` (a `^` after a `/` never matches) and length 12: no value satisfies it",
    ),
];

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
    if c.outcome == "api" && c.status == Some(401) && !satisfiable(raw) {
        return Some((
            Class::Harness,
            "401 from Prism: the document's only security schemes (HTTP Digest, mutual TLS) cannot be satisfied against a mock".into(),
        ));
    }
    let raw_op = raw
        .get("paths")
        .and_then(|p| p.get(&op.path))
        .and_then(|item| item.get(op.method.to_ascii_lowercase()));
    if c.outcome == "api" && no_success(raw_op) {
        return Some((
            Class::Spec,
            "the operation documents no success response: Prism answers the first one it has"
                .into(),
        ));
    }
    if c.outcome == "api"
        && matches!(c.status, Some(400 | 422))
        && requires_ignored_header(raw, raw_op)
    {
        return Some((
            Class::Prism,
            "Prism requires a header parameter named Content-Type, Accept or Authorization, which OpenAPI 3.0.3 says to ignore (the client sends no such parameter)".into(),
        ));
    }
    if c.outcome == "api" && matches!(c.status, Some(404 | 405 | 422)) && op.path.contains('#') {
        return Some((
            Class::Prism,
            "Prism matches the `#...` of an AWS path template literally; the fragment is never sent, so Prism finds no path, no method, or another operation of the same wire path".into(),
        ));
    }
    let decode_path = detail
        .strip_prefix("at `")
        .and_then(|rest| rest.split('`').next());
    let response = op.response_schema.as_deref().and_then(|p| raw.pointer(p));
    let at_path = match (c.outcome.as_str(), decode_path, response) {
        ("decode", Some(path), Some(schema)) => schema_at(raw, schema, path),
        _ => None,
    };
    let format = at_path.map(|s| all_of_format(raw, s)).unwrap_or_default();
    if detail.contains("number out of range") && format == "float" {
        return Some((
            Class::Prism,
            "Prism's static value for `format: float` (-3.402823669209385e38) lies beyond f32's range (-3.4028235e38)".into(),
        ));
    }
    if matches!(format.as_str(), "date-time" | "date") && detail.contains(":\"string\"") {
        return Some((
            Class::Prism,
            "Prism's static generator answers \"string\" for a `format: date-time` reached through `allOf` (and its own response check lets it pass)".into(),
        ));
    }
    if c.outcome == "other"
        && (detail.contains("could not connect") || detail.contains("connection interrupted"))
    {
        return Some((
            Class::Prism,
            "Prism stopped answering (the mock process failed on an earlier request)".into(),
        ));
    }
    if c.outcome == "api"
        && c.status == Some(422)
        && op.features.iter().any(|f| f == "body:form")
        && detail.contains("must be array")
    {
        return Some((
            Class::Prism,
            "Prism reads a repeated form key (`a=1&a=2`, OpenAPI's default form encoding of an array) as one value (stoplightio/prism#2473)".into(),
        ));
    }
    if c.outcome == "api"
        && c.status == Some(422)
        && op.features.iter().any(|f| f == "body:multipart")
        && detail.contains("must be object")
    {
        return Some((
            Class::Prism,
            "Prism validates a multipart part as text: an object part, sent as application/json (OpenAPI's default encoding for objects), fails `type: object`".into(),
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

/// Whether the operation documents no 2xx (nor `default`) response.
fn no_success(raw_op: Option<&Value>) -> bool {
    raw_op
        .and_then(|o| o.get("responses"))
        .and_then(Value::as_object)
        .is_some_and(|r| {
            !r.keys()
                .any(|k| k.starts_with('2') || k.eq_ignore_ascii_case("default"))
        })
}

/// Whether the operation declares a required header parameter OpenAPI says to ignore.
fn requires_ignored_header(raw: &Value, raw_op: Option<&Value>) -> bool {
    let params = raw_op
        .and_then(|o| o.get("parameters"))
        .and_then(Value::as_array);
    params.into_iter().flatten().any(|p| {
        let p = deref(raw, p);
        let name = p.get("name").and_then(Value::as_str).unwrap_or("");
        p.get("in").and_then(Value::as_str) == Some("header")
            && p.get("required") == Some(&Value::Bool(true))
            && ["content-type", "accept", "authorization"]
                .iter()
                .any(|h| name.eq_ignore_ascii_case(h))
    })
}

/// Whether the driver can send what some scheme of the document asks for (API keys, HTTP Basic
/// or bearer, OAuth2 / OpenID Connect as a bearer token).
fn satisfiable(raw: &Value) -> bool {
    let Some(schemes) = raw
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    else {
        return true;
    };
    schemes.values().map(|s| deref(raw, s)).any(|s| {
        let kind = s.get("type").and_then(Value::as_str).unwrap_or("");
        let http = s.get("scheme").and_then(Value::as_str).unwrap_or("");
        match kind {
            "http" => http.eq_ignore_ascii_case("basic") || http.eq_ignore_ascii_case("bearer"),
            "apiKey" | "oauth2" | "openIdConnect" => true,
            _ => false,
        }
    })
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

/// The `format` of a schema, or of the first `allOf` branch that has one.
fn all_of_format(raw: &Value, schema: &Value) -> String {
    if let Some(format) = schema.get("format").and_then(Value::as_str) {
        return format.to_owned();
    }
    schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|branch| all_of_format(raw, deref(raw, branch)))
        .find(|f| !f.is_empty())
        .unwrap_or_default()
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
            Class::Generator,
            "401 from Prism: the credentials the security requirement needs were not all sent"
                .into(),
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
