//! Slack's Web API (`slack.com.json` in APIs.guru): its conventions beyond the document.

use serde_json::Value;

use super::{servers_contain, CursorSource, EnvNaming, PageMembers, PaginationRule, Profile};

/// The Slack profile.
pub(super) fn profile() -> Profile {
    Profile {
        name: "slack",
        // SLACK_TOKEN (a bot or user token, `xoxb-`/`xoxp-`), SLACK_BASE_URL.
        env: EnvNaming {
            prefix: Some("SLACK"),
            names: &[],
        },
        vendor: Some("Slack"),
        pagination: pagination(),
        ..Profile::generic()
    }
}

/// Slack's cursor pagination: `cursor` set from the page's `response_metadata.next_cursor` (the
/// `admin.*` methods put `next_cursor` at the top), `limit` items a page; an empty next cursor
/// ends the listing. The older methods that still number pages take `page` and `count`.
fn pagination() -> Vec<PaginationRule> {
    let cursor = |member| PaginationRule::Cursor {
        cursor_param: "cursor",
        size_param: Some("limit"),
        source: CursorSource::Member(member),
        page: PageMembers::default(),
    };
    vec![
        cursor(&["response_metadata", "next_cursor"]),
        cursor(&["next_cursor"]),
        PaginationRule::PageNumber {
            page_param: "page",
            size_param: Some("count"),
            // Slack's `count` when not sent.
            default_size: Some(100),
            page: PageMembers {
                items: Some("items"),
                total: Some(&["paging", "total"]),
                ..PageMembers::default()
            },
        },
    ]
}

/// A document served from `slack.com/api`.
pub(super) fn recognises(raw: &Value) -> bool {
    servers_contain(raw, "://slack.com/api")
}

#[cfg(test)]
mod tests {
    use super::super::tests::listings;

    const DOCUMENT: &str = r##"openapi: 3.0.0
info: {title: Slack Web API, version: "1.7.0"}
servers: [{url: "https://slack.com/api"}]
paths:
  /conversations.list:
    get:
      operationId: conversations_list
      parameters:
        - {name: cursor, in: query, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [ok, channels]
                properties:
                  ok: {type: boolean}
                  channels: {type: array, items: {$ref: "#/components/schemas/objs_conversation"}}
                  response_metadata:
                    type: object
                    required: [next_cursor]
                    properties:
                      next_cursor: {type: string}
  /admin.conversations.search:
    get:
      operationId: admin_conversations_search
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
        - {name: cursor, in: query, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [channels, next_cursor]
                properties:
                  channels: {type: array, items: {$ref: "#/components/schemas/objs_conversation"}}
                  next_cursor: {type: string}
  /reactions.list:
    get:
      operationId: reactions_list
      parameters:
        - {name: count, in: query, schema: {type: integer}}
        - {name: page, in: query, schema: {type: integer}}
        - {name: cursor, in: query, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [ok, items]
                properties:
                  ok: {type: boolean}
                  items: {type: array, items: {type: object, properties: {type: {type: string}}}}
                  paging:
                    type: object
                    properties:
                      total: {type: integer}
components:
  schemas:
    objs_conversation:
      type: object
      required: [id]
      properties:
        id: {type: string}
"##;

    #[test]
    fn cursors_come_from_response_metadata_or_the_top_and_old_methods_count_pages() {
        assert_eq!(
            listings(DOCUMENT, None),
            [
                "admin_conversations_search: cursor cursor = next_cursor size limit (slack rule)",
                "conversations_list: cursor cursor = response_metadata.next_cursor size limit (slack rule)",
                "reactions_list: page number page from 1 size count=100 (slack rule)",
            ]
        );
        // Detection pairs `page` with `limit`, the size of Slack's cursor walks.
        let generic = listings(DOCUMENT, Some("none"));
        assert!(
            generic.contains(
                &"reactions_list: page number page from 1 size limit (detected)".to_owned()
            ),
            "{generic:?}"
        );
    }
}
