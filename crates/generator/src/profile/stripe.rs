//! Stripe's API (`stripe.com.json` in APIs.guru, Stripe's own `spec3` description): its conventions
//! beyond the document.

use serde_json::Value;

use super::{
    servers_contain, CursorSource, EnvNaming, EnvRole, PageMembers, PaginationRule, Profile,
};

/// The Stripe profile.
pub(super) fn profile() -> Profile {
    Profile {
        name: "stripe",
        // Stripe's SDKs and CLI read the secret key from STRIPE_API_KEY; it is sent as a bearer
        // token (the document also allows it as the Basic user, which the token covers).
        env: EnvNaming {
            prefix: Some("STRIPE"),
            names: &[(EnvRole::Token, "STRIPE_API_KEY")],
        },
        // What Stripe support asks for beside the request id (`request-id`, kept generically).
        support_headers: &["request-id", "stripe-version", "idempotency-key"],
        vendor: Some("Stripe"),
        pagination: pagination(),
        ..Profile::generic()
    }
}

/// Stripe's list objects: `{object: "list", data: [..], has_more, url}`. A listing goes on from
/// the last item's `id` in `starting_after` while `has_more` is true, `limit` items a page (1 to
/// 100, default 10). Searches (`/v1/*/search`) instead name the next page in `next_page`, sent
/// back as `page` (a name detection does not pair with `next_page`). Stated even where detection
/// would find the same walk: it is Stripe's convention, and `PAGINATION.md` says so.
fn pagination() -> Vec<PaginationRule> {
    let page = |total| PageMembers {
        items: Some("data"),
        total,
        has_more: Some(&["has_more"]),
        links: None,
    };
    vec![
        PaginationRule::Cursor {
            cursor_param: "starting_after",
            size_param: Some("limit"),
            source: CursorSource::LastItemId {
                id_member: "id",
                has_more: &["has_more"],
            },
            page: page(None),
        },
        PaginationRule::Cursor {
            cursor_param: "page",
            size_param: Some("limit"),
            source: CursorSource::Member(&["next_page"]),
            page: page(Some(&["total_count"])),
        },
    ]
}

/// A document served from `api.stripe.com`.
pub(super) fn recognises(raw: &Value) -> bool {
    servers_contain(raw, "://api.stripe.com")
}

#[cfg(test)]
mod tests {
    use super::super::tests::{listings, pagination_module};

    /// A list object and a search result as Stripe documents them: each GET with an empty form
    /// body.
    const DOCUMENT: &str = r##"openapi: 3.0.0
info: {title: Stripe API, version: "2025-09-30"}
servers: [{url: "https://api.stripe.com/"}]
paths:
  /v1/tax_rates:
    get:
      operationId: GetTaxRates
      parameters:
        - {name: ending_before, in: query, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer}}
        - {name: starting_after, in: query, schema: {type: string}}
      requestBody: {$ref: "#/components/requestBodies/empty"}
      responses:
        "200":
          description: Successful response.
          content:
            application/json:
              schema:
                type: object
                required: [data, has_more, object, url]
                properties:
                  data: {type: array, items: {$ref: "#/components/schemas/tax_rate"}}
                  has_more: {type: boolean}
                  object: {type: string, enum: [list]}
                  url: {type: string}
  /v1/tax_rates/search:
    get:
      operationId: GetTaxRatesSearch
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
        - {name: page, in: query, schema: {type: string}}
        - {name: query, in: query, required: true, schema: {type: string}}
      requestBody: {$ref: "#/components/requestBodies/empty"}
      responses:
        "200":
          description: Successful response.
          content:
            application/json:
              schema:
                type: object
                required: [data, has_more, object, url]
                properties:
                  data: {type: array, items: {$ref: "#/components/schemas/tax_rate"}}
                  has_more: {type: boolean}
                  next_page: {type: string, nullable: true}
                  object: {type: string, enum: [search_result]}
                  total_count: {type: integer}
                  url: {type: string}
components:
  requestBodies:
    empty:
      content:
        application/x-www-form-urlencoded:
          schema: {type: object, properties: {}, additionalProperties: false}
  schemas:
    tax_rate:
      type: object
      required: [id, percentage]
      properties:
        id: {type: string}
        percentage: {type: number}
"##;

    #[test]
    fn lists_go_on_from_the_last_id_and_searches_from_next_page() {
        assert_eq!(
            listings(DOCUMENT, None),
            [
                "get_tax_rates: cursor starting_after = last id size limit has more has_more (stripe rule)",
                "get_tax_rates_search: cursor page = next_page size limit has more has_more (stripe rule)",
            ]
        );
        // Detection finds the list object's walk too, not the search's `page` = `next_page`.
        assert_eq!(
            listings(DOCUMENT, Some("none")),
            ["get_tax_rates: cursor starting_after = last id size limit has more has_more (detected)"]
        );
    }

    #[test]
    fn list_objects_get_their_impl_page() {
        assert_eq!(pagination_module(DOCUMENT), (true, true));
    }
}
