//! `Debug` of generated structs and request builders (see the generator's `emit/debug.rs`): their
//! `#[inline]` impls call [`debug_struct`], so the formatting code is compiled where a value is
//! formatted, not once per type in the generated library.

use std::fmt;

use super::redact::REDACTED;

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

/// [`debug_struct`] for a struct that keeps undeclared members: they are shown last, as
/// `_undeclared: {..}`, only when there are any (so a value without them prints as the derive's).
pub fn debug_struct_kept(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    members: &[(&str, &dyn fmt::Debug)],
    undeclared: &crate::Undeclared,
) -> fmt::Result {
    let mut out = f.debug_struct(name);
    for (member, value) in members {
        out.field(member, value);
    }
    if !undeclared.is_empty() {
        out.field("_undeclared", undeclared);
    }
    out.finish()
}

/// What `Debug` prints for a member holding a secret (schema `format: password`): `[redacted]`, as
/// for [`crate::Secret`].
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// `Debug` of an optional secret member: `None`, or `Some([redacted])` (whether it is set is not a
/// secret, and tells a request without it from one with it).
pub fn redact_option<T>(value: &Option<T>) -> Option<Redacted> {
    value.as_ref().map(|_| Redacted)
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
    fn secrets_print_redacted_and_presence_stays_visible() {
        struct Login {
            user: String,
            password: String,
            token: Option<String>,
        }
        impl fmt::Debug for Login {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let _ = &self.password;
                debug_struct(
                    f,
                    "Login",
                    &[
                        ("user", &self.user),
                        ("password", &Redacted),
                        ("token", &redact_option(&self.token)),
                    ],
                )
            }
        }
        let mut login = Login {
            user: "u".into(),
            password: "hunter2".into(),
            token: Some("t0ken".into()),
        };
        let shown = format!("{login:?}");
        assert_eq!(
            shown,
            r#"Login { user: "u", password: [redacted], token: Some([redacted]) }"#
        );
        login.token = None;
        assert!(format!("{login:#?}").contains("token: None"));
    }

    #[test]
    fn undeclared_members_shown_only_when_present() {
        struct Kept(u8, crate::Undeclared);
        impl fmt::Debug for Kept {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                debug_struct_kept(f, "Kept", &[("n", &self.0)], &self.1)
            }
        }
        let mut kept = Kept(1, crate::Undeclared::new());
        assert_eq!(format!("{kept:?}"), "Kept { n: 1 }");
        kept.1.insert("x", serde_json::json!(2));
        assert_eq!(
            format!("{kept:?}"),
            r#"Kept { n: 1, _undeclared: {"x": Number(2)} }"#
        );
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
