//! Generated code for one small fixture spec per construct, and the generator's error for each bad spec.
//! Snapshots live in `tests/snapshots/`; review changes with `cargo insta review`.

use atlas_exports_tests::{generate_fixture, reviewable};

fn good(name: &str) -> String {
    let files = generate_fixture("good", name)
        .unwrap_or_else(|e| panic!("fixture {name} should generate: {e}"));
    reviewable(&files)
}

fn bad(name: &str) -> String {
    match generate_fixture("bad", name) {
        Ok(_) => panic!("fixture {name} should be rejected"),
        Err(message) => message,
    }
}

macro_rules! good_fixture {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            insta::assert_snapshot!(concat!("good_", stringify!($name)), good(stringify!($name)));
        }
    )*};
}

macro_rules! bad_fixture {
    ($($name:ident),* $(,)?) => {
        mod rejected {
            use super::bad;
            $(
                #[test]
                fn $name() {
                    insta::assert_snapshot!(concat!("bad_", stringify!($name)), bad(stringify!($name)));
                }
            )*
        }
    };
}

good_fixture!(
    enums,
    path_templates,
    discriminator,
    nullable_read_write,
    keywords,
    media_types,
    parameters,
    binary_and_text,
    x_xgen_discriminator,
    one_of,
    arrays_and_maps,
    request_bodies,
    responses,
    security,
    names,
    operation_names,
    scalar_enums,
    methods,
    cookie_parameter,
    header_parameters,
    path_parameters,
    object_parameters,
    loose_discriminators,
    patterns,
    oas31_schemas,
    oas31_references,
    swagger2_models,
    swagger2_parameters,
    webhooks,
    shared_subtypes,
    const_tags,
    pagination_page_number,
    pagination_offset,
    pagination_cursor,
    pagination_next_url,
    pagination_link_header,
    undeclared_members,
    undeclared_members_lenient,
    feature_tags,
);

bad_fixture!(
    external_ref,
    not_keyword,
    const_keyword,
    header_object_parameter,
    dangling_ref,
    openapi_3_1,
    swagger_1_2,
    self_mapping_beside_subtypes,
);

#[test]
fn errors_name_a_json_pointer() {
    for name in [
        "const_keyword",
        "dangling_ref",
        "header_object_parameter",
        "not_keyword",
        "openapi_3_1",
        "swagger_1_2",
    ] {
        let message = bad(name);
        assert!(message.starts_with("at /"), "{name}: {message}");
    }
}
