//! What "decode -> serialize loses nothing" means, as a comparison of two JSON values: the body
//! received and the decoded value written again (issue 23). Only `serde_json`, so the whole-API
//! round trip (`src/bin/round_trip_crate.rs`) includes this file into the crate it generates.

use serde_json::Value;

/// How a written value differs from the received one at one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Difference {
    /// A member (with a value: `null` ones are left out by [`comparable`]) is not written.
    Lost,
    /// Written with another value (or an array of another length).
    Changed,
    /// Written but not received.
    Added,
}

/// Where `written` differs from `received`, by path (`.member[index]...`).
pub fn differ(received: &Value, written: &Value) -> Vec<(String, Difference)> {
    let mut out = Vec::new();
    walk(received, written, String::new(), &mut out);
    out
}

fn walk(received: &Value, written: &Value, path: String, out: &mut Vec<(String, Difference)>) {
    match (received, written) {
        (Value::Object(r), Value::Object(w)) => {
            for (key, value) in r {
                let at = format!("{path}.{key}");
                match w.get(key) {
                    Some(other) => walk(value, other, at, out),
                    None => out.push((at, Difference::Lost)),
                }
            }
            for key in w.keys().filter(|k| !r.contains_key(*k)) {
                out.push((format!("{path}.{key}"), Difference::Added));
            }
        }
        (Value::Array(r), Value::Array(w)) if r.len() == w.len() => {
            for (i, (r, w)) in r.iter().zip(w).enumerate() {
                walk(r, w, format!("{path}[{i}]"), out);
            }
        }
        (r, w) if r == w => {}
        _ => out.push((path, Difference::Changed)),
    }
}

/// `value` in the form [`differ`] compares: `null` members left out (a `None` is not written),
/// numbers as `f64` (`10` and `10.0` are one JSON number), strings through `string` (the
/// recordings' test reads date-times as instants there).
pub fn comparable(value: Value, string: &dyn Fn(String) -> String) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, comparable(v, string)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| comparable(item, string))
                .collect(),
        ),
        Value::Number(n) => n.as_f64().map_or(Value::Number(n), Value::from),
        Value::String(s) => Value::String(string(s)),
        other => other,
    }
}
