//! `Debug` of generated structs and request builders (see the generator's `emit/debug.rs`): their
//! `#[inline]` impls call [`debug_struct`], so the formatting code is compiled where a value is
//! formatted, not once per type in the generated library.

use std::fmt;

/// Formats `Name { member: value, .. }` exactly as `#[derive(Debug)]` does (`{:#?}` included).
pub fn debug_struct(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    members: &[(&str, &dyn fmt::Debug)],
) -> fmt::Result {
    let mut out = f.debug_struct(name);
    for (member, value) in members {
        out.field(member, value);
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Derived {
        id: String,
        count: Option<u32>,
        r#type: Vec<bool>,
    }

    struct Generated(Derived);

    impl fmt::Debug for Generated {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let d = &self.0;
            debug_struct(
                f,
                "Derived",
                &[("id", &d.id), ("count", &d.count), ("type", &d.r#type)],
            )
        }
    }

    #[test]
    fn output_is_the_derives_plain_and_pretty() {
        let value = Derived {
            id: "a\"b".into(),
            count: Some(3),
            r#type: vec![true],
        };
        let derived = (format!("{value:?}"), format!("{value:#?}"));
        let generated = Generated(value);
        assert_eq!(
            (format!("{generated:?}"), format!("{generated:#?}")),
            derived
        );
    }
}
