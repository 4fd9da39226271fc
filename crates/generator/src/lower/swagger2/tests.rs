//! Each Swagger 2.0 mapping and each rejection, on small documents.

use serde_json::{json, Value};

use super::super::{lower, Lowered};
use crate::error::GenError;

fn doc(extra: Value) -> Value {
    let mut doc = json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}});
    if let (Value::Object(doc), Value::Object(extra)) = (&mut doc, extra) {
        doc.extend(extra);
    }
    doc
}

fn ok(mut raw: Value) -> (Value, Lowered) {
    let lowered = lower(&mut raw, |_| Ok(())).unwrap_or_else(|e| panic!("{e}"));
    (raw, lowered)
}

fn err(mut raw: Value) -> GenError {
    match lower(&mut raw, |_| Ok(())) {
        Ok(_) => panic!("accepted: {raw:#}"),
        Err(e) => e,
    }
}

/// A document with one operation `GET /p` (or `method`) of `op`.
fn op(method: &str, op: Value) -> Value {
    doc(json!({"paths": {"/p": {method: op}}}))
}

#[test]
fn servers_from_host_base_path_and_schemes() {
    let (raw, _) = ok(doc(
        json!({"host": "api.example.com:8443", "basePath": "/v2",
        "schemes": ["http", "https"]}),
    ));
    assert_eq!(raw["openapi"], "3.0.3");
    assert_eq!(
        raw["servers"],
        json!([{"url": "https://api.example.com:8443/v2"}, {"url": "http://api.example.com:8443/v2"}])
    );
    let (raw, _) = ok(doc(json!({"basePath": "/v2"})));
    assert_eq!(raw["servers"], json!([{"url": "/v2"}]));
    let (raw, _) = ok(doc(json!({"host": "h"})));
    assert_eq!(raw["servers"], json!([{"url": "https://h"}]));
    let (raw, _) = ok(doc(json!({})));
    assert!(raw.get("servers").is_none());
    assert_eq!(
        err(doc(json!({"host": "h", "schemes": ["wss"]}))).pointer,
        "/schemes/0"
    );
    assert_eq!(err(doc(json!({"host": "https://h"}))).pointer, "/host");
}

#[test]
fn definitions_become_schemas_and_references_follow() {
    let (raw, lowered) = ok(doc(json!({"definitions": {
        "Pet": {"type": "object", "discriminator": "kind", "required": ["kind"],
            "properties": {"kind": {"type": "string"},
                "owner": {"$ref": "#/definitions/Owner", "x-nullable": true, "description": "d"},
                "photo": {"type": "file"}}},
        "Owner": {"type": "object", "x-nullable": false}
    }})));
    let pet = &raw["components"]["schemas"]["Pet"];
    assert_eq!(pet["discriminator"], json!({"propertyName": "kind"}));
    assert_eq!(
        pet["properties"]["owner"],
        json!({"allOf": [{"$ref": "#/components/schemas/Owner"}], "nullable": true, "description": "d"})
    );
    assert_eq!(
        pet["properties"]["photo"],
        json!({"type": "string", "format": "binary"})
    );
    assert_eq!(
        raw["components"]["schemas"]["Owner"],
        json!({"type": "object"})
    );
    assert_eq!(
        lowered.original("/components/schemas/Pet/properties/kind/type"),
        "/definitions/Pet/properties/kind/type"
    );
    let e = err(doc(json!({"definitions": {"A": {"x-nullable": "yes"}}})));
    assert_eq!(e.pointer, "/definitions/A/x-nullable");
}

#[test]
fn query_path_and_header_parameters_get_a_schema_and_a_style() {
    let (raw, lowered) = ok(op(
        "get",
        json!({"responses": {"200": {"description": "ok"}},
        "parameters": [
            {"name": "ids", "in": "query", "type": "array", "items": {"type": "integer", "maximum": 9}},
            {"name": "tags", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "multi"},
            {"name": "s", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "ssv"},
            {"name": "p", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "pipes",
                "allowEmptyValue": true},
            {"name": "X-Id", "in": "header", "type": "string", "pattern": "^[a-z]+$", "required": true},
            {"name": "n", "in": "query", "type": "integer", "format": "int32", "default": 3, "minimum": 1, "enum": [1, 3]}
        ]}),
    ));
    let params = raw["paths"]["/p"]["get"]["parameters"].as_array().unwrap();
    let style = |i: usize| (params[i]["style"].clone(), params[i]["explode"].clone());
    assert_eq!(style(0), (json!("form"), json!(false)));
    assert_eq!(style(1), (json!("form"), json!(true)));
    assert_eq!(style(2), (json!("spaceDelimited"), json!(false)));
    assert_eq!(style(3), (json!("pipeDelimited"), json!(false)));
    assert_eq!(params[3]["allowEmptyValue"], true);
    assert_eq!(
        params[0]["schema"],
        json!({"type": "array", "items": {"type": "integer", "maximum": 9}})
    );
    assert_eq!(
        params[4]["schema"],
        json!({"type": "string", "pattern": "^[a-z]+$"})
    );
    assert!(params[4].get("style").is_none());
    assert_eq!(
        params[5]["schema"],
        json!({"type": "integer", "format": "int32", "default": 3, "minimum": 1, "enum": [1, 3]})
    );
    assert_eq!(
        lowered.original("/paths/~1p/get/parameters/4/schema/pattern"),
        "/paths/~1p/get/parameters/4/pattern"
    );
}

#[test]
fn collection_formats_without_a_3_0_style_are_rejected() {
    let param = |p: Value| op("get", json!({"responses": {}, "parameters": [p]}));
    let e = err(param(json!({"name": "a", "in": "query", "type": "array",
        "items": {"type": "string"}, "collectionFormat": "tsv"})));
    assert_eq!(e.pointer, "/paths/~1p/get/parameters/0/collectionFormat");
    assert!(e.message.contains("tsv"), "{e}");
    let e = err(param(
        json!({"name": "a", "in": "path", "required": true, "type": "array",
        "items": {"type": "string"}, "collectionFormat": "pipes"}),
    ));
    assert_eq!(e.pointer, "/paths/~1p/get/parameters/0/collectionFormat");
    let e = err(param(json!({"name": "a", "in": "query", "type": "array",
        "items": {"type": "array", "items": {"type": "string"}, "collectionFormat": "pipes"}})));
    assert_eq!(
        e.pointer,
        "/paths/~1p/get/parameters/0/items/collectionFormat"
    );
    let e = err(param(json!({"name": "a", "in": "query", "type": "file"})));
    assert_eq!(e.pointer, "/paths/~1p/get/parameters/0/type");
    let e = err(param(
        json!({"name": "a", "in": "query", "type": "string", "schema": {}}),
    ));
    assert_eq!(e.pointer, "/paths/~1p/get/parameters/0/schema");
    let e = err(param(json!({"name": "a", "in": "query"})));
    assert_eq!(e.pointer, "/paths/~1p/get/parameters/0");
}

#[test]
fn a_body_parameter_becomes_the_request_body_per_consumed_media_type() {
    let (raw, lowered) = ok(doc(
        json!({"consumes": ["application/json"], "paths": {"/p": {"post": {
        "consumes": ["application/json", "application/xml"],
        "parameters": [
            {"name": "pet", "in": "body", "required": true, "description": "The pet.",
                "schema": {"$ref": "#/definitions/Pet"}},
            {"name": "q", "in": "query", "type": "string"}
        ],
        "responses": {"200": {"description": "ok"}}}}}}),
    ));
    let op = &raw["paths"]["/p"]["post"];
    let body = &op["requestBody"];
    assert_eq!(body["required"], true);
    assert_eq!(body["description"], "The pet.");
    assert_eq!(body["x-codegen-request-body-name"], "pet");
    for media in ["application/json", "application/xml"] {
        assert_eq!(
            body["content"][media]["schema"]["$ref"],
            "#/components/schemas/Pet"
        );
    }
    // The query parameter moved up from index 1 to 0: its pointers still name index 1.
    assert_eq!(op["parameters"][0]["name"], "q");
    assert_eq!(
        lowered.original("/paths/~1p/post/parameters/0/schema/type"),
        "/paths/~1p/post/parameters/1/type"
    );
    assert_eq!(
        lowered.original("/paths/~1p/post/requestBody/content/application~1xml/schema/$ref"),
        "/paths/~1p/post/parameters/0/schema/$ref"
    );
}

#[test]
fn form_parameters_become_an_object_body() {
    let form = |consumes: Value, file: bool| {
        let kind = if file { "file" } else { "string" };
        op(
            "post",
            json!({"consumes": consumes, "responses": {}, "parameters": [
                {"name": "name", "in": "formData", "type": "string", "required": true, "description": "N."},
                {"name": "tags", "in": "formData", "type": "array", "items": {"type": "string"},
                    "collectionFormat": "multi"},
                {"name": "doc", "in": "formData", "type": kind}
            ]}),
        )
    };
    let (raw, lowered) = ok(form(json!([]), false));
    let body = &raw["paths"]["/p"]["post"]["requestBody"];
    let schema = &body["content"]["application/x-www-form-urlencoded"]["schema"];
    assert_eq!(schema["required"], json!(["name"]));
    assert_eq!(
        schema["properties"]["name"],
        json!({"type": "string", "description": "N."})
    );
    assert_eq!(body["required"], true);
    assert_eq!(
        lowered.original(
            "/paths/~1p/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/tags/items"
        ),
        "/paths/~1p/post/parameters/1/items"
    );
    let (raw, _) = ok(form(json!(["multipart/form-data"]), false));
    assert!(
        raw["paths"]["/p"]["post"]["requestBody"]["content"]["multipart/form-data"].is_object()
    );
    let (raw, _) = ok(form(json!(["application/x-www-form-urlencoded"]), true));
    let multipart = &raw["paths"]["/p"]["post"]["requestBody"]["content"]["multipart/form-data"];
    assert_eq!(
        multipart["schema"]["properties"]["doc"],
        json!({"type": "string", "format": "binary"})
    );
    let e = err(op(
        "post",
        json!({"responses": {}, "parameters": [
        {"name": "a", "in": "formData", "type": "array", "items": {"type": "string"}}]}),
    ));
    assert_eq!(e.pointer, "/paths/~1p/post/parameters/0/type");
    let e = err(op(
        "post",
        json!({"responses": {}, "parameters": [
        {"name": "a", "in": "formData", "type": "string"},
        {"name": "b", "in": "body", "schema": {}}]}),
    ));
    assert_eq!(e.pointer, "/paths/~1p/post/parameters/1");
}

#[test]
fn shared_parameters_and_path_level_bodies() {
    let (raw, lowered) = ok(doc(json!({
        "parameters": {
            "Limit": {"name": "limit", "in": "query", "type": "integer"},
            "Body": {"name": "body", "in": "body", "schema": {"type": "object"}},
            "Unused": {"name": "u", "in": "body", "schema": {}}
        },
        "paths": {"/p/{id}": {
            "parameters": [
                {"name": "body", "in": "body", "schema": {"type": "string"}},
                {"name": "id", "in": "path", "required": true, "type": "string"}
            ],
            "put": {"parameters": [{"$ref": "#/parameters/Body"}, {"$ref": "#/parameters/Limit"}],
                "responses": {}},
            "post": {"responses": {}}
        }}
    })));
    let item = &raw["paths"]["/p/{id}"];
    assert_eq!(item["parameters"][0]["name"], "id");
    assert_eq!(
        item["put"]["parameters"],
        json!([{"$ref": "#/components/parameters/Limit"}])
    );
    let put = &item["put"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(put["type"], "object");
    let post = &item["post"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(post["type"], "string");
    assert!(raw["components"]["parameters"].get("Body").is_none());
    assert_eq!(
        raw["components"]["parameters"]["Limit"]["schema"]["type"],
        "integer"
    );
    assert_eq!(
        lowered.original("/components/parameters/Limit/schema/type"),
        "/parameters/Limit/type"
    );
    assert_eq!(
        lowered.original("/paths/~1p~1{id}/put/requestBody/content/application~1json/schema/type"),
        "/parameters/Body/schema/type"
    );
    assert_eq!(
        lowered.original("/paths/~1p~1{id}/parameters/0/schema"),
        "/paths/~1p~1{id}/parameters/1"
    );
    let notes: Vec<&str> = lowered.notes.iter().map(|n| n.pointer.as_str()).collect();
    assert_eq!(notes, ["/parameters/Unused"]);
}

#[test]
fn responses_get_content_per_produced_media_type_headers_and_examples() {
    let (raw, lowered) = ok(doc(json!({
        "produces": ["application/json"],
        "responses": {"Gone": {"description": "gone", "schema": {"$ref": "#/definitions/E"}}},
        "paths": {"/p": {"get": {"produces": ["application/json", "text/csv"], "responses": {
            "200": {"description": "ok", "schema": {"type": "array", "items": {"type": "string"}},
                "examples": {"application/json": ["a"], "image/png": "x"},
                "headers": {"X-Rate": {"type": "integer", "description": "left"},
                    "X-Ids": {"type": "array", "items": {"type": "string"}}}},
            "410": {"$ref": "#/responses/Gone"},
            "204": {"description": "none"}
        }}, "delete": {"produces": [], "responses": {"200": {"description": "f", "schema": {"type": "file"}}}}}}
    })));
    let ok200 = &raw["paths"]["/p"]["get"]["responses"]["200"];
    assert_eq!(
        ok200["content"]["application/json"]["example"],
        json!(["a"])
    );
    assert_eq!(
        ok200["content"]["text/csv"]["schema"]["items"]["type"],
        "string"
    );
    assert_eq!(ok200["x-examples"], json!({"image/png": "x"}));
    assert_eq!(
        ok200["headers"]["X-Rate"],
        json!({"description": "left", "schema": {"type": "integer"}})
    );
    assert_eq!(
        raw["paths"]["/p"]["get"]["responses"]["410"]["$ref"],
        "#/components/responses/Gone"
    );
    assert!(raw["paths"]["/p"]["get"]["responses"]["204"]
        .get("content")
        .is_none());
    let gone = &raw["components"]["responses"]["Gone"]["content"]["application/json"]["schema"];
    assert_eq!(gone["$ref"], "#/components/schemas/E");
    let file = &raw["paths"]["/p"]["delete"]["responses"]["200"]["content"];
    assert_eq!(
        file["application/octet-stream"]["schema"],
        json!({"type": "string", "format": "binary"})
    );
    assert_eq!(
        lowered.original("/components/responses/Gone/content/application~1json/schema"),
        "/responses/Gone/schema"
    );
    assert_eq!(
        lowered.original("/paths/~1p/get/responses/200/headers/X-Rate/schema/type"),
        "/paths/~1p/get/responses/200/headers/X-Rate/type"
    );
}

#[test]
fn security_definitions_become_security_schemes() {
    let (raw, lowered) = ok(doc(json!({
        "securityDefinitions": {
            "basic": {"type": "basic", "description": "b"},
            "key": {"type": "apiKey", "name": "X-Key", "in": "header"},
            "implicit": {"type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a",
                "scopes": {"read": "r"}},
            "password": {"type": "oauth2", "flow": "password", "tokenUrl": "https://t"},
            "app": {"type": "oauth2", "flow": "application", "tokenUrl": "https://t", "scopes": {}},
            "code": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a",
                "tokenUrl": "https://t", "scopes": {}}
        },
        "security": [{"key": []}]
    })));
    let schemes = &raw["components"]["securitySchemes"];
    assert_eq!(
        schemes["basic"],
        json!({"type": "http", "scheme": "basic", "description": "b"})
    );
    assert_eq!(
        schemes["key"],
        json!({"type": "apiKey", "name": "X-Key", "in": "header"})
    );
    assert_eq!(
        schemes["implicit"]["flows"],
        json!({"implicit": {"authorizationUrl": "https://a", "scopes": {"read": "r"}}})
    );
    assert_eq!(
        schemes["password"]["flows"]["password"]["scopes"],
        json!({})
    );
    assert!(schemes["app"]["flows"]["clientCredentials"].is_object());
    assert!(schemes["code"]["flows"]["authorizationCode"]["tokenUrl"].is_string());
    assert_eq!(raw["security"], json!([{"key": []}]));
    assert_eq!(
        lowered.original("/components/securitySchemes/code/flows/authorizationCode/tokenUrl"),
        "/securityDefinitions/code/tokenUrl"
    );
    let e = err(doc(
        json!({"securityDefinitions": {"x": {"type": "oauth2", "flow": "device"}}}),
    ));
    assert_eq!(e.pointer, "/securityDefinitions/x/flow");
    let e = err(doc(
        json!({"securityDefinitions": {"x": {"type": "mutualTLS"}}}),
    ));
    assert_eq!(e.pointer, "/securityDefinitions/x/type");
}

#[test]
fn members_outside_swagger_2_0_are_rejected_with_their_pointer() {
    let e = err(doc(json!({"components": {}})));
    assert_eq!(e.pointer, "/components");
    let e = err(doc(json!({"paths": {"/p": {"trace": {"responses": {}}}}})));
    assert_eq!(e.pointer, "/paths/~1p/trace");
    let e = err(op("get", json!({"responses": {}, "requestBody": {}})));
    assert_eq!(e.pointer, "/paths/~1p/get/requestBody");
    let e = err(op(
        "get",
        json!({"responses": {"200": {"description": "", "content": {}}}}),
    ));
    assert_eq!(e.pointer, "/paths/~1p/get/responses/200/content");
    let e = err(op("get", json!({"schemes": ["http"], "responses": {}})));
    assert_eq!(e.pointer, "/paths/~1p/get/schemes");
    // An operation may list the document's scheme among others.
    ok(op(
        "get",
        json!({"schemes": ["http", "https"], "responses": {}}),
    ));
    let e = err(op("get", json!({})));
    assert_eq!(e.pointer, "/paths/~1p/get");
}

#[test]
fn extensions_tags_and_external_docs_are_kept() {
    let (raw, _) = ok(doc(
        json!({"tags": [{"name": "a"}], "externalDocs": {"url": "https://d"},
        "x-logo": {"url": "u"}, "paths": {"/p": {"x-item": 1, "get": {"x-op": 2, "tags": ["a"],
            "responses": {"x-r": 3}}}}}),
    ));
    assert_eq!(raw["tags"], json!([{"name": "a"}]));
    assert_eq!(raw["externalDocs"]["url"], "https://d");
    assert_eq!(raw["x-logo"]["url"], "u");
    assert_eq!(raw["paths"]["/p"]["x-item"], 1);
    assert_eq!(raw["paths"]["/p"]["get"]["x-op"], 2);
    assert_eq!(raw["paths"]["/p"]["get"]["responses"]["x-r"], 3);
}

#[test]
fn the_keyword_check_reports_original_pointers() {
    let mut raw = op(
        "post",
        json!({"responses": {}, "parameters": [
            {"name": "q", "in": "query", "type": "string"},
            {"name": "b", "in": "body", "schema": {"type": "object", "properties": {"a": {"const": 1}}}}
        ]}),
    );
    let e = crate::load::parse(&raw.to_string(), true).unwrap_err();
    assert_eq!(
        e.pointer,
        "/paths/~1p/post/parameters/1/schema/properties/a/const"
    );
    raw["paths"]["/p"]["post"]["parameters"][1]["schema"] = json!({"type": "object"});
    raw["responses"] = json!({"R": {"description": "", "schema": {"items": {"if": {}}}}});
    let e = crate::load::parse(&raw.to_string(), true).unwrap_err();
    assert_eq!(e.pointer, "/responses/R/schema/items/if", "{e}");
}

#[test]
fn copies_per_media_type_are_bounded() {
    let properties: serde_json::Map<String, Value> = (0..1500)
        .map(|i| (format!("p{i}"), json!({"type": "string"})))
        .collect();
    let consumes: Vec<String> = (0..1000)
        .map(|i| format!("application/x-{i}+json"))
        .collect();
    let body =
        json!({"name": "b", "in": "body", "schema": {"type": "object", "properties": properties}});
    let raw = op(
        "post",
        json!({"consumes": consumes, "parameters": [body], "responses": {}}),
    );
    let e = err(raw);
    assert_eq!(e.pointer, "/paths/~1p/post/parameters/0/schema");
    assert!(e.message.contains("2000000"), "{e}");
    // The same body under ten media types is copied ten times.
    let consumes: Vec<String> = (0..10).map(|i| format!("application/x-{i}+json")).collect();
    let body =
        json!({"name": "b", "in": "body", "schema": {"type": "object", "properties": {"a": {}}}});
    let (raw, _) = ok(op(
        "post",
        json!({"consumes": consumes, "parameters": [body], "responses": {}}),
    ));
    let content = raw["paths"]["/p"]["post"]["requestBody"]["content"]
        .as_object()
        .unwrap();
    assert_eq!(content.len(), 10);
}
