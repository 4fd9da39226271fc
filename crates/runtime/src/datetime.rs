//! Decoding of `date-time` members (`chrono::DateTime<Utc>`) with a fast path for the form servers
//! send: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
//!
//! Why: chrono's `Deserialize` goes through its general format parser, about 1,000 instructions per
//! value and a tenth of decoding a page of export jobs. The fast path reads the fixed positions
//! directly. Anything else (a space separator, a leap second, more than 9 fraction digits, an
//! invalid date, ...) goes to chrono's parser, so the result and the error are always chrono's.
//! Feature `chrono`: the generator enables it for crates whose spec has `date-time` members.

use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta, Utc};
use serde::de::{Deserializer, MapAccess, Visitor};

/// The value of an optional `date-time` member into `slot`: `null` is `None`. Same result as
/// `*slot = map.next_value()?` (see `fields::set`), through [`Rfc3339`].
#[inline]
pub fn set<'de, A: MapAccess<'de>>(
    slot: &mut Option<DateTime<Utc>>,
    map: &mut A,
) -> Result<(), A::Error> {
    *slot = map
        .next_value_seed(crate::fields::OptSeed::<Rfc3339>(PhantomData))?
        .map(|Rfc3339(at)| at);
    Ok(())
}

/// The value of a required `date-time` member into `slot` (see `fields::set_required`): `null` is
/// an error.
#[inline]
pub fn set_required<'de, A: MapAccess<'de>>(
    slot: &mut Option<DateTime<Utc>>,
    map: &mut A,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value::<Rfc3339>()?.0);
    Ok(())
}

/// The value of a required, nullable `date-time` member into `slot` (see `fields::set_present`):
/// `null` is `Some(None)`.
#[inline]
pub fn set_present<'de, A: MapAccess<'de>>(
    slot: &mut Option<Option<DateTime<Utc>>>,
    map: &mut A,
) -> Result<(), A::Error> {
    let mut value = None;
    set(&mut value, map)?;
    *slot = Some(value);
    Ok(())
}

/// A `DateTime<Utc>` decoded through [`parse_common`] first, chrono's parser second.
pub struct Rfc3339(pub DateTime<Utc>);

impl<'de> serde::Deserialize<'de> for Rfc3339 {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(Rfc3339Visitor)
    }
}

struct Rfc3339Visitor;

impl Visitor<'_> for Rfc3339Visitor {
    type Value = Rfc3339;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // chrono's wording, so an error reads the same with or without the fast path.
        f.write_str("an RFC 3339 formatted date and time string")
    }

    #[inline]
    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Rfc3339, E> {
        match parse_common(text) {
            Some(at) => Ok(Rfc3339(at)),
            None => text
                .parse::<DateTime<FixedOffset>>()
                .map(|at| Rfc3339(at.with_timezone(&Utc)))
                .map_err(E::custom),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|z|±HH:MM)`, or `None` for anything else (including values that
/// fit the shape but are not a valid date, time or offset: chrono reports those).
pub fn parse_common(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let year = digits(&b[0..4])?;
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    let hour = digits(&b[11..13])?;
    let minute = digits(&b[14..16])?;
    let second = digits(&b[17..19])?;
    if second > 59 {
        return None; // a leap second: chrono's rules
    }
    let (nanos, rest) = fraction(&b[19..])?;
    let offset_seconds = offset(rest)?;
    let local = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?
        .and_hms_nano_opt(hour, minute, second, nanos)?;
    let utc = local.checked_sub_signed(TimeDelta::seconds(i64::from(offset_seconds)))?;
    Some(DateTime::from_naive_utc_and_offset(utc, Utc))
}

/// The value of ASCII digits; `None` for anything else or a value past `u32`.
#[inline]
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &c| {
        let digit = c.is_ascii_digit().then(|| u32::from(c - b'0'))?;
        acc.checked_mul(10)?.checked_add(digit)
    })
}

/// An optional `.` and 1 to 9 digits, as nanoseconds, and what follows.
fn fraction(b: &[u8]) -> Option<(u32, &[u8])> {
    let Some((b'.', after)) = b.split_first() else {
        return Some((0, b));
    };
    let count = after.iter().take_while(|c| c.is_ascii_digit()).count();
    if count == 0 || count > 9 {
        return None;
    }
    let (text, rest) = after.split_at(count);
    let scale = 10u32.checked_pow(9 - u32::try_from(count).ok()?)?;
    Some((digits(text)?.checked_mul(scale)?, rest))
}

/// `Z`, `z` or `±HH:MM` (hours 0–23, minutes 0–59) as seconds east of UTC; nothing may follow.
fn offset(b: &[u8]) -> Option<i32> {
    match b {
        [b'Z' | b'z'] => Some(0),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hours = digits(&[*h1, *h2])?;
            let minutes = digits(&[*m1, *m2])?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = i32::try_from(hours * 3600 + minutes * 60).ok()?;
            Some(if *sign == b'-' { -seconds } else { seconds })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn chrono_parse(text: &str) -> Result<DateTime<Utc>, String> {
        text.parse::<DateTime<FixedOffset>>()
            .map(|at| at.with_timezone(&Utc))
            .map_err(|e| e.to_string())
    }

    fn ours(text: &str) -> Result<DateTime<Utc>, String> {
        serde_json::from_value::<Rfc3339>(serde_json::Value::String(text.to_owned()))
            .map(|Rfc3339(at)| at)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn common_forms_take_the_fast_path_with_chronos_result() {
        for text in [
            "2024-05-01T10:20:30Z",
            "2024-05-01t10:20:30z",
            "2024-05-01T10:20:30.5Z",
            "2024-05-01T10:20:30.123456789Z",
            "2024-02-29T23:59:59+05:30",
            "0001-01-01T00:00:00-01:00",
            "9999-12-31T23:59:59-23:59",
        ] {
            let fast = parse_common(text);
            assert!(fast.is_some(), "{text}");
            assert_eq!(fast.ok_or(String::new()), chrono_parse(text), "{text}");
        }
    }

    #[test]
    fn digit_runs_past_u32_are_none_not_an_overflow() {
        assert_eq!(digits(b"0042"), Some(42));
        assert_eq!(digits(b"4294967295"), Some(u32::MAX));
        assert_eq!(digits(b"4294967296"), None);
        assert_eq!(digits(b"12a4"), None);
        assert_eq!(fraction(b".000000001Z"), Some((1, &b"Z"[..])));
        assert_eq!(fraction(b".5"), Some((500_000_000, &b""[..])));
    }

    #[test]
    fn other_forms_and_errors_are_chronos() {
        for text in [
            "2024-05-01 10:20:30Z",            // space separator: chrono accepts
            "2024-05-01T23:59:60Z",            // leap second
            "2024-05-01T10:20:30.1234567891Z", // 10 fraction digits
            "2024-05-01T10:20:30 +02:00",      // space before the offset
            "2024-05-01T10:20:30UTC",
            "2023-02-29T10:20:30Z", // not a date
            "2024-05-01T10:20:30",  // no offset
            "2024-05-01T10:20:30Z ",
            "2024-05-01T10:20:30.Z",
            "9999-12-31T23:59:59-24:00",
            "",
            "garbage",
        ] {
            assert_eq!(ours(text), chrono_parse(text), "{text}");
        }
        let err = serde_json::from_str::<Rfc3339>("5")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("invalid type: integer `5`, expected an RFC 3339 formatted date and time string at line 1 column 1")
        );
    }

    /// Random texts near the fast path's shape (digits, separators and offsets mutated), each
    /// decoded as chrono decodes it. A failure prints the seed and the text.
    #[test]
    fn random_texts_decode_exactly_as_chrono() {
        let seed = rand::random::<u64>();
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let alphabet = b"0123456789-:T tZz+.U";
        for _ in 0..20_000 {
            let mut text = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{}",
                rng.random_range(0..10_000),
                rng.random_range(0..14),
                rng.random_range(0..33),
                rng.random_range(0..25),
                rng.random_range(0..61),
                rng.random_range(0..62),
                match rng.random_range(0..4) {
                    0 => String::new(),
                    1 => format!(".{}", rng.random_range(0..1_000u32)),
                    2 => format!(".{:09}", rng.random_range(0..1_000_000_000u32)),
                    _ => ".1234567890".to_owned(),
                },
                match rng.random_range(0..5) {
                    0 => "Z".to_owned(),
                    1 => "z".to_owned(),
                    2 => format!(
                        "+{:02}:{:02}",
                        rng.random_range(0..26),
                        rng.random_range(0..61)
                    ),
                    3 => format!(
                        "-{:02}:{:02}",
                        rng.random_range(0..26),
                        rng.random_range(0..61)
                    ),
                    _ => String::new(),
                },
            )
            .into_bytes();
            for _ in 0..rng.random_range(0..3) {
                let at = rng.random_range(0..text.len());
                text[at] = alphabet[rng.random_range(0..alphabet.len())];
            }
            let text = String::from_utf8(text).unwrap_or_default();
            assert_eq!(ours(&text), chrono_parse(&text), "seed {seed}: {text:?}");
            if let Some(fast) = parse_common(&text) {
                assert_eq!(Ok(fast), chrono_parse(&text), "seed {seed}: {text:?}");
            }
        }
    }
}
