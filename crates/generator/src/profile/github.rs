//! GitHub's REST API (`@octokit/openapi`, `api.github.com.json`): its conventions beyond the
//! document.

use serde_json::Value;

use super::{
    servers_contain, EnvNaming, EnvRole, Features, PageMembers, PaginationPatterns, PaginationRule,
    Profile, Responses,
};

/// The GitHub profile.
pub(super) fn profile() -> Profile {
    Profile {
        name: "github",
        // The variables GitHub's own tools read: `gh` and Actions set GITHUB_TOKEN, Actions sets
        // GITHUB_API_URL (GitHub Enterprise Server included).
        env: EnvNaming {
            prefix: Some("GITHUB"),
            names: &[(EnvRole::BaseUrl, "GITHUB_API_URL")],
        },
        // The document declares no security scheme; every endpoint takes `Authorization: Bearer`.
        bearer_without_scheme: true,
        // What GitHub support asks for.
        support_headers: &["x-github-request-id"],
        vendor: Some("GitHub"),
        pagination: pagination(),
        // Only the rules: GitHub's listings are the operations with `per_page`. Detection would
        // also walk single objects that document a `Link` header (a hosted runner, a project).
        pagination_patterns: PaginationPatterns::default(),
        // The description is generated from GitHub's own schemas and holds to them.
        responses: Responses::Strict,
        // 1,224 operations under 45 tags: a user who needs a few tags compiles only those.
        features: Features::PerTag,
        ..Profile::generic()
    }
}

/// GitHub's listings: `page` (from 1) and `per_page` (default 30, at most 100), the body the array
/// of items (or an object with one array and `total_count`, as the search and Actions listings),
/// the next page named by the `Link` header (`rel="next"`, absent on the last page).
fn pagination() -> Vec<PaginationRule> {
    // `per_page` when not sent (most operations also document it as the parameter's default).
    const PER_PAGE: Option<i64> = Some(30);
    // `items: None`: the body is the array, or an object with one array (`total_count` beside).
    let page = |items| PageMembers {
        items,
        total: Some(&["total_count"]),
        ..PageMembers::default()
    };
    vec![
        // The documented `Link` header is followed: the server says where the next page is.
        PaginationRule::LinkHeader {
            page_param: Some("page"),
            size_param: Some("per_page"),
            default_size: PER_PAGE,
            page: page(None),
        },
        // Listings paged by `before`/`after`/`since` with `per_page`: the `Link` header only.
        PaginationRule::LinkHeader {
            page_param: None,
            size_param: Some("per_page"),
            default_size: PER_PAGE,
            page: page(None),
        },
        // Listings whose description omits the header: page numbers, a short page is the last.
        PaginationRule::PageNumber {
            page_param: "page",
            size_param: Some("per_page"),
            default_size: PER_PAGE,
            page: page(None),
        },
        // Searches whose result holds another array beside its `items`.
        PaginationRule::PageNumber {
            page_param: "page",
            size_param: Some("per_page"),
            default_size: PER_PAGE,
            page: page(Some("items")),
        },
    ]
}

/// A document served from `api.github.com` (a GitHub Enterprise Server's description names its own
/// host: `--profile github`).
pub(super) fn recognises(raw: &Value) -> bool {
    servers_contain(raw, "://api.github.com")
}

#[cfg(test)]
mod tests {
    use super::super::tests::{listings, pagination_module};

    /// A `page`/`per_page` listing with the header, a `since` one, one whose description omits
    /// the header, and a single object documenting a `Link` header.
    const DOCUMENT: &str = r##"openapi: 3.0.3
info: {title: GitHub, version: "1"}
servers: [{url: "https://api.github.com"}]
paths:
  /orgs/{org}/members:
    get:
      operationId: orgs/list-members
      parameters:
        - {name: org, in: path, required: true, schema: {type: string}}
        - {$ref: "#/components/parameters/per-page"}
        - {$ref: "#/components/parameters/page"}
      responses: {"200": {$ref: "#/components/responses/users"}}
  /users:
    get:
      operationId: users/list
      parameters:
        - {name: since, in: query, schema: {type: integer}}
        - {name: per_page, in: query, schema: {type: integer}}
      responses: {"200": {$ref: "#/components/responses/users"}}
  /user/blocks:
    get:
      operationId: users/list-blocked
      parameters:
        - {$ref: "#/components/parameters/per-page"}
        - {$ref: "#/components/parameters/page"}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/simple-user"}}
  /runners/{id}:
    get:
      operationId: actions/get-runner
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: ok
          headers: {Link: {$ref: "#/components/headers/link"}}
          content:
            application/json:
              schema:
                type: object
                required: [id, public_ips]
                properties:
                  id: {type: integer}
                  public_ips: {type: array, items: {type: string}}
components:
  parameters:
    per-page: {name: per_page, in: query, schema: {type: integer, default: 30}}
    page: {name: page, in: query, schema: {type: integer, default: 1}}
  headers:
    link: {schema: {type: string}}
  responses:
    users:
      description: ok
      headers: {Link: {$ref: "#/components/headers/link"}}
      content:
        application/json:
          schema: {type: array, items: {$ref: "#/components/schemas/simple-user"}}
  schemas:
    simple-user:
      type: object
      required: [login, id]
      properties:
        login: {type: string}
        id: {type: integer}
"##;

    #[test]
    fn listings_follow_the_link_header_or_number_their_pages() {
        assert_eq!(
            listings(DOCUMENT, None),
            [
                "orgs_list_members: link header from page size per_page=30 (github rule)",
                "users_list: link header size per_page=30 (github rule)",
                "users_list_blocked: page number page from 1 size per_page=30 (github rule)",
            ]
        );
        // The generic detection would also walk the runner's one array.
        let generic = listings(DOCUMENT, Some("none"));
        assert!(
            generic.contains(&"actions_get_runner: link header (detected)".to_owned()),
            "{generic:?}"
        );
    }

    #[test]
    fn bare_array_pages_need_no_pagination_module() {
        // The runtime implements `Page` for `Vec<T>`: no page struct, no `src/pagination.rs`.
        assert_eq!(pagination_module(DOCUMENT), (false, false));
    }

    #[test]
    fn a_search_with_a_second_array_walks_its_items() {
        let search = r##"openapi: 3.0.3
info: {title: GitHub, version: "1"}
servers: [{url: "https://api.github.com"}]
paths:
  /search/issues:
    get:
      operationId: search/issues-and-pull-requests
      parameters:
        - {name: q, in: query, required: true, schema: {type: string}}
        - {name: per_page, in: query, schema: {type: integer, default: 30}}
        - {name: page, in: query, schema: {type: integer, default: 1}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [total_count, items]
                properties:
                  total_count: {type: integer}
                  items: {type: array, items: {type: object, properties: {id: {type: integer}}}}
                  lexical_fallback_reason: {type: array, items: {type: string}}
"##;
        assert_eq!(
            listings(search, None),
            ["search_issues_and_pull_requests: page number page from 1 size per_page=30 (github rule)"]
        );
    }
}
