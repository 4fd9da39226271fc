//! Detection on small documents: each kind, what must not paginate, rules over patterns, and the
//! cost of many operations sharing a large page type.

use crate::ir::model::*;
use crate::profile::{self, PageMembers, PaginationRule, Profile};

/// A document with one operation per `(path, method, parameters, 200 response)` and `schemas`.
fn document(operations: &[(&str, &str, &str, &str)], schemas: &str) -> String {
    let mut paths = String::new();
    for (path, method, params, response) in operations {
        paths.push_str(&format!(
            "  {path}:\n    {method}:\n      operationId: op{}\n      parameters: [{params}]\n      responses:\n        \"200\":\n{response}",
            paths.len()
        ));
    }
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: \"1\"}}\npaths:\n{paths}components:\n  schemas:\n{schemas}"
    )
}

/// A 200 response whose JSON body is `schema` (and whose headers are `headers`).
fn body(schema: &str, headers: &str) -> String {
    format!(
        "          description: ok\n{headers}          content:\n            application/json:\n              schema: {schema}\n"
    )
}

fn query(name: &str, ty: &str) -> String {
    format!("{{name: {name}, in: query, schema: {{type: {ty}}}}}")
}

const ITEM: &str = "    Item:\n      type: object\n      required: [id]\n      properties:\n        id: {type: string}\n        name: {type: string}\n";

/// The IR of `text` under `profile`.
fn ir(text: &str, profile: &Profile) -> Api {
    let (_, api, _) = crate::load::parse(text, false).expect("document parses");
    crate::ir::build(&api, profile).expect("IR builds")
}

/// The pagination of every version, by method name.
fn paginations(api: &Api) -> Vec<(String, Option<Pagination>)> {
    api.operations
        .iter()
        .flat_map(|op| &op.versions)
        .map(|v| (v.fn_name.clone(), v.pagination.clone()))
        .collect()
}

/// The one operation's pagination.
fn only(api: &Api) -> Option<Pagination> {
    let all = paginations(api);
    assert_eq!(all.len(), 1, "{all:?}");
    all.into_iter().next().and_then(|(_, p)| p)
}

fn page_schema(members: &str) -> String {
    format!(
        "    Page:\n      type: object\n      properties:\n        data: {{type: array, items: {{$ref: \"#/components/schemas/Item\"}}}}\n{members}"
    )
}

const PAGE: &str = "{$ref: \"#/components/schemas/Page\"}";
const ARRAY: &str = "{type: array, items: {$ref: \"#/components/schemas/Item\"}}";

fn generic(ops: &[(&str, &str, &str, &str)], members: &str) -> Option<Pagination> {
    only(&ir(
        &document(ops, &format!("{ITEM}{}", page_schema(members))),
        &Profile::generic(),
    ))
}

#[test]
fn a_nested_next_cursor_is_a_cursor() {
    let params = format!(
        "{}, {}",
        query("cursor", "string"),
        query("limit", "integer")
    );
    let members = "        response_metadata:\n          type: object\n          properties:\n            next_cursor: {type: string}\n";
    let p = generic(&[("/items", "get", &params, &body(PAGE, ""))], members).expect("paginates");
    let PageKind::Cursor {
        cursor,
        size,
        source: CursorSource::Member(path),
    } = &p.kind
    else {
        panic!("{p:?}");
    };
    assert_eq!(cursor.json_name, "cursor");
    assert_eq!(
        size.as_ref().map(|s| s.param.json_name.as_str()),
        Some("limit")
    );
    assert_eq!(path.json(), "response_metadata.next_cursor");
    assert_eq!(path.leaf, TypeRef::String);
    assert!(
        matches!(&p.page, PageBody::Object { type_name, items } if type_name == "Page" && items.json_name == "data")
    );
    assert_eq!(p.reason, PageReason::Detected);
}

#[test]
fn the_last_items_id_with_has_more_is_a_cursor() {
    let params = format!(
        "{}, {}",
        query("starting_after", "string"),
        query("limit", "integer")
    );
    let p = generic(
        &[("/items", "get", &params, &body(PAGE, ""))],
        "        has_more: {type: boolean}\n",
    )
    .expect("paginates");
    let PageKind::Cursor {
        cursor,
        source: CursorSource::LastItemId { id, ty },
        ..
    } = &p.kind
    else {
        panic!("{p:?}");
    };
    assert_eq!(
        (cursor.json_name.as_str(), id.json_name.as_str()),
        ("starting_after", "id")
    );
    assert_eq!(*ty, TypeRef::String);
    assert_eq!(
        p.has_more.as_ref().map(MemberPath::json).as_deref(),
        Some("has_more")
    );
    // Without the flag nothing would end the listing: no cursor.
    let none = generic(&[("/items", "get", &params, &body(PAGE, ""))], "");
    assert!(none.is_none(), "{none:?}");
}

#[test]
fn next_url_members_are_found_by_their_loose_names() {
    for (members, json) in [
        ("        '@odata.nextLink': {type: string}\n", "@odata.nextLink"),
        ("        nextUrl: {type: string}\n", "nextUrl"),
        (
            "        links:\n          type: object\n          properties:\n            next: {type: string}\n",
            "links.next",
        ),
        (
            "        _links:\n          type: object\n          properties:\n            next:\n              type: object\n              properties:\n                href: {type: string}\n",
            "_links.next.href",
        ),
    ] {
        let p = generic(&[("/items", "get", "", &body(PAGE, ""))], members).expect(json);
        let PageKind::NextUrl { member, .. } = &p.kind else {
            panic!("{json}: {p:?}");
        };
        assert_eq!(member.json(), json);
    }
    // A next member that is no string is no URL.
    let none = generic(
        &[("/items", "get", "", &body(PAGE, ""))],
        "        next: {type: integer}\n",
    );
    assert!(none.is_none(), "{none:?}");
}

#[test]
fn a_bare_array_with_a_link_header_walks_the_header() {
    let params = format!(
        "{}, {}",
        query("per_page", "integer"),
        query("page", "integer")
    );
    let headers = "          headers:\n            Link: {schema: {type: string}}\n";
    let p = generic(&[("/items", "get", &params, &body(ARRAY, headers))], "").expect("paginates");
    let PageKind::LinkHeader { page, size } = &p.kind else {
        panic!("{p:?}");
    };
    assert_eq!(page.as_ref().map(|p| p.json_name.as_str()), Some("page"));
    assert_eq!(
        size.as_ref().map(|s| s.param.json_name.as_str()),
        Some("per_page")
    );
    assert!(matches!(
        &p.page,
        PageBody::Array {
            ty: TypeRef::Vec(_)
        }
    ));
    // Without the header the same operation walks page numbers.
    let p = generic(&[("/items", "get", &params, &body(ARRAY, ""))], "").expect("paginates");
    assert!(
        matches!(p.kind, PageKind::PageNumber { first: 1, .. }),
        "{p:?}"
    );
}

#[test]
fn offsets_and_page_numbers_take_their_size_and_first_page() {
    let params = format!(
        "{}, {}",
        query("offset", "integer"),
        "{name: limit, in: query, schema: {type: integer, format: int32, default: 25}}"
    );
    let p = generic(
        &[("/items", "get", &params, &body(PAGE, ""))],
        "        total: {type: integer, format: int32}\n",
    )
    .expect("paginates");
    let PageKind::Offset {
        offset,
        limit,
        first,
    } = &p.kind
    else {
        panic!("{p:?}");
    };
    assert_eq!((offset.json_name.as_str(), *first), ("offset", 0));
    let limit = limit.as_ref().expect("limit");
    assert_eq!(
        (limit.param.ty.clone(), limit.default),
        (TypeRef::I32, Some(25))
    );
    // The page's own int32 total is widened.
    assert_eq!(p.total.as_ref().map(|t| t.leaf.clone()), Some(TypeRef::I64));
    let params = "{name: pageNumber, in: query, schema: {type: integer, minimum: 0}}";
    let p = generic(&[("/items", "get", params, &body(ARRAY, ""))], "").expect("paginates");
    assert!(
        matches!(
            p.kind,
            PageKind::PageNumber {
                first: 0,
                size: None,
                ..
            }
        ),
        "{p:?}"
    );
}

#[test]
fn non_listings_do_not_paginate() {
    let page = query("page", "integer");
    let single = "{$ref: \"#/components/schemas/Item\"}";
    let standard = format!("{ITEM}{}", page_schema(""));
    let two_arrays = format!(
        "{ITEM}    Page:\n      type: object\n      properties:\n        things: {ARRAY}\n        more: {{type: array, items: {{type: string}}}}\n"
    );
    for (what, method, params, response, schemas) in [
        ("a POST", "post", page.clone(), body(PAGE, ""), &standard),
        (
            "one object",
            "get",
            page.clone(),
            body(single, ""),
            &standard,
        ),
        (
            "two arrays, neither named like items",
            "get",
            page.clone(),
            body(PAGE, ""),
            &two_arrays,
        ),
        ("no signal", "get", String::new(), body(PAGE, ""), &standard),
        (
            "a string page",
            "get",
            query("page", "string"),
            body(ARRAY, ""),
            &standard,
        ),
    ] {
        let api = ir(
            &document(&[("/items", method, &params, &response)], schemas),
            &Profile::generic(),
        );
        assert!(only(&api).is_none(), "{what}: {:?}", only(&api));
    }
}

#[test]
fn a_profile_rule_wins_over_detection_and_atlas_detects_nothing_else() {
    let params = format!(
        "{}, {}",
        query("offset", "integer"),
        query("after", "string")
    );
    let members = "        more_after: {type: string}\n";
    let text = document(
        &[("/items", "get", &params, &body(PAGE, ""))],
        &format!("{ITEM}{}", page_schema(members)),
    );
    let detected = only(&ir(&text, &Profile::generic())).expect("offset detected");
    assert!(
        matches!(detected.kind, PageKind::Offset { .. }),
        "{detected:?}"
    );
    let mut custom = Profile::generic();
    custom.name = "custom";
    custom.pagination = vec![PaginationRule::Cursor {
        cursor_param: "after",
        size_param: None,
        source: profile::CursorSource::Member(&["more_after"]),
        page: PageMembers::default(),
    }];
    let ruled = only(&ir(&text, &custom)).expect("the rule matches");
    assert!(
        matches!(&ruled.kind, PageKind::Cursor { source: CursorSource::Member(m), .. } if m.json() == "more_after")
    );
    assert_eq!(ruled.reason, PageReason::ProfileRule("custom"));
    // Atlas states one rule and detects nothing.
    let atlas = Profile::by_name("atlas").expect("atlas");
    assert!(only(&ir(&text, &atlas)).is_none());
}

#[test]
fn listings_sharing_a_page_type_agree_or_the_later_one_is_dropped() {
    let members = "        next_cursor: {type: string}\n        next: {type: string}\n        total: {type: integer}\n";
    let text = document(
        &[
            ("/a", "get", &query("cursor", "string"), &body(PAGE, "")),
            ("/b", "get", "", &body(PAGE, "")),
            ("/c", "get", &query("page", "integer"), &body(PAGE, "")),
        ],
        &format!("{ITEM}{}", page_schema(members)),
    );
    // A cursor listing and a next-URL listing of one type read it through different members.
    let all = paginations(&ir(&text, &Profile::generic()));
    assert!(all.iter().all(|(_, p)| p.is_some()), "{all:?}");
    // A rule that reads no total, and detection that reads one, cannot share one `impl Page`:
    // the operation visited later (`/b`, `/c`) is left unpaginated.
    let mut custom = Profile::generic();
    custom.pagination = vec![PaginationRule::Cursor {
        cursor_param: "cursor",
        size_param: None,
        source: profile::CursorSource::Member(&["next_cursor"]),
        page: PageMembers::default(),
    }];
    let all = paginations(&ir(&text, &custom));
    let paginated: Vec<bool> = all.iter().map(|(_, p)| p.is_some()).collect();
    assert_eq!(paginated, [true, false, false], "{all:?}");
}

/// Many operations returning one page type with many members: detection indexes the type once.
#[test]
fn detection_stays_linear_in_operations_and_members() {
    let members: String = (0..2000)
        .map(|i| format!("        member{i}: {{type: string}}\n"))
        .collect();
    let cursor = query("cursor", "string");
    let response = body(PAGE, "");
    let paths: Vec<String> = (0..1000).map(|i| format!("/items{i}")).collect();
    let ops: Vec<(&str, &str, &str, &str)> = paths
        .iter()
        .map(|p| (p.as_str(), "get", cursor.as_str(), response.as_str()))
        .collect();
    let text = document(
        &ops,
        &format!(
            "{ITEM}{}        next_cursor: {{type: string}}\n",
            page_schema(&members)
        ),
    );
    let (_, api, _) = crate::load::parse(&text, false).expect("parses");
    let started = std::time::Instant::now();
    let built = crate::ir::build(&api, &Profile::generic()).expect("builds");
    let elapsed = started.elapsed();
    assert!(paginations(&built).iter().all(|(_, p)| p.is_some()));
    // Scanning the members per operation and pattern would take minutes in a debug build.
    assert!(elapsed.as_secs() < 30, "{elapsed:?}");
}
