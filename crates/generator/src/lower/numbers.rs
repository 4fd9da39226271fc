//! Integer bounds no Rust integer holds (`minimum: -9223372036854776000`, `maximum: 2^64`), in every
//! dialect: real documents write them to mean "any int64", and the typed model (`i64` bounds) cannot
//! read them. Such a bound is removed and recorded as a [`super::Note`] (documented in FALLBACKS.md,
//! not enforced); the type stays the spec's. A whole-valued float bound in range (`minimum: 1.0`)
//! becomes the integer it is.

use serde_json::{Number, Value};

use super::walk::{holds_names, is_data, push};
use super::Lowered;

/// Relaxes the bounds of every `type: integer` object in `raw` (data members are not schemas).
pub fn relax_integer_bounds(raw: &mut Value, lowered: &mut Lowered) {
    let mut at = String::new();
    visit(raw, &mut at, lowered, false);
}

fn visit(node: &mut Value, at: &mut String, lowered: &mut Lowered, names: bool) {
    let len = at.len();
    match node {
        Value::Object(map) => {
            if !names && map.get("type").is_some_and(|t| t == "integer") {
                for key in ["minimum", "maximum"] {
                    let Some(Value::Number(n)) = map.get(key) else {
                        continue;
                    };
                    if n.is_i64() {
                        continue;
                    }
                    match whole_i64(n) {
                        Some(v) => {
                            map.insert(key.into(), Value::Number(v.into()));
                        }
                        None if n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) => {
                            let text = n.to_string();
                            map.remove(key);
                            push(at, key);
                            let original = lowered.original(at);
                            lowered.note(
                                &original,
                                format!("integer {key} {text} (beyond the 64-bit integer types)"),
                                "the type's full range: the bound is documented, not enforced",
                            );
                            at.truncate(len);
                        }
                        // A fractional bound on an integer: the typed model reports it.
                        None => {}
                    }
                }
            }
            for (key, value) in map.iter_mut() {
                if is_data(key, names) {
                    continue;
                }
                push(at, key);
                visit(value, at, lowered, holds_names(key, names));
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter_mut().enumerate() {
                push(at, &i.to_string());
                visit(value, at, lowered, false);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// `n` as an `i64` when it is a whole number inside the `i64` range.
fn whole_i64(n: &Number) -> Option<i64> {
    let f = n.as_f64()?;
    // 2^63 is exactly representable; every whole f64 strictly below it fits.
    let limit = 9_223_372_036_854_775_808.0_f64;
    (f.fract() == 0.0 && f >= -limit && f < limit).then_some(f as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bounds_beyond_i64_are_noted_and_removed() {
        let mut doc: Value = serde_json::from_str(
            r#"{"components": {"schemas": {"A": {"type": "integer",
                "minimum": -9223372036854776000, "maximum": 18446744073709551615},
              "D": {"type": "integer", "minimum": -1e20, "maximum": 18446744073709552000},
              "B": {"type": "integer", "minimum": 1.0, "maximum": 1.5},
              "C": {"type": "number", "minimum": -9223372036854776000}}}}"#,
        )
        .unwrap();
        let mut lowered = Lowered::default();
        relax_integer_bounds(&mut doc, &mut lowered);
        // -9223372036854776000 is how a float prints i64::MIN: it is kept, as that integer.
        assert_eq!(
            doc["components"]["schemas"]["A"],
            json!({"type": "integer", "minimum": i64::MIN})
        );
        assert_eq!(doc["components"]["schemas"]["B"]["minimum"], json!(1));
        assert_eq!(doc["components"]["schemas"]["B"]["maximum"], json!(1.5));
        assert_eq!(
            doc["components"]["schemas"]["C"]["minimum"],
            json!(-9.223372036854776e18)
        );
        let pointers: Vec<&str> = lowered.notes.iter().map(|n| n.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/components/schemas/A/maximum",
                "/components/schemas/D/minimum",
                "/components/schemas/D/maximum"
            ]
        );
        assert_eq!(
            doc["components"]["schemas"]["D"],
            json!({"type": "integer"})
        );
        assert!(lowered.notes[0].construct.contains("18446744073709551615"));
    }
}
