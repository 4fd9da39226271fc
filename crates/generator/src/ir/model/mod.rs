//! The intermediate representation: every naming and typing decision, made once, before any token is emitted.
//!
//! Emitters only print what is here; they never look at the OpenAPI document.

use std::collections::BTreeMap;

mod pagination;
mod reach;

pub use pagination::*;
pub use reach::types_reached;

/// The whole client to generate.
#[derive(Debug, Clone, Default)]
pub struct Api {
    pub title: String,
    pub description: Option<String>,
    pub spec_version: String,
    pub default_base_url: String,
    /// The first server's URL with its `{variables}`, and the variables' defaults.
    pub server_template: String,
    pub server_variables: Vec<(String, String)>,
    /// Named types by Rust name (sorted: the output order is the map's order).
    pub types: BTreeMap<String, TypeDef>,
    /// Validated newtypes for path parameters, by Rust name.
    pub params: BTreeMap<String, ParamType>,
    /// Operations, sorted by Rust method name.
    pub operations: Vec<Operation>,
    /// The schema error responses carry, if the spec has one shared error schema.
    pub error_body: Option<ErrorBody>,
    /// Examples found in the spec, to be checked by generated round-trip tests.
    pub examples: Vec<Example>,
    /// Constructs represented by a documented fallback type, sorted by pointer (written to FALLBACKS.md).
    pub fallbacks: Vec<Fallback>,
    /// How clients authenticate, from `securitySchemes` and the profile.
    pub auth: AuthModel,
    /// The vendor profile the document was generated with (its runtime-facing facts).
    pub profile: ProfileFacts,
    /// Requests the API sends to its users (OpenAPI 3.1 `webhooks`), sorted by name.
    pub webhooks: Vec<Webhook>,
}

/// A webhook operation: the generated `webhooks` module decodes its deliveries.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// The webhook's name in the document (what `Webhook::decode` matches).
    pub name: String,
    pub method: Method,
    /// Rust base name: `<type_name>Delivery`, `<type_name>Headers`, the enum variant `<type_name>`.
    pub type_name: String,
    pub doc: Option<String>,
    pub deprecated: bool,
    /// Its header parameters, typed as a client's header setters are.
    pub headers: Vec<QueryParam>,
    /// The JSON request body, if it documents one.
    pub body: Option<WebhookBody>,
}

/// A webhook's JSON request body.
#[derive(Debug, Clone)]
pub struct WebhookBody {
    pub ty: TypeRef,
    /// The JSON media types it is documented with (a delivery's `Content-Type` must be one).
    pub media_types: Vec<String>,
    pub required: bool,
}

/// Authentication the spec declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthModel {
    /// OAuth2 client-credentials token URL (relative to the base URL when it is on the first server).
    pub oauth_token_url: Option<String>,
    /// Its revocation endpoint (from the profile), resolved the same way.
    pub oauth_revoke_url: Option<String>,
    /// The `ClientBuilder`'s credential setters, one per kind of scheme and one per `apiKey` scheme
    /// (whose location and parameter name also go into the runtime's `ApiConfig`).
    pub setters: Vec<CredentialSetter>,
}

/// A credential method of the generated `ClientBuilder`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialSetter {
    /// Method name (`api_key`, `basic_auth`, a snake-cased scheme name, ...).
    pub method: String,
    /// The security schemes it serves, as the spec names them.
    pub schemes: Vec<String>,
    pub kind: CredentialKind,
    /// The spec's descriptions of those schemes (for the method's docs).
    pub descriptions: Vec<String>,
}

/// What a credential setter takes and which runtime credential it sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialKind {
    /// An `apiKey` scheme: (location `header`/`query`/`cookie`, parameter name).
    ApiKey {
        location: String,
        name: String,
    },
    Basic,
    Bearer,
    Digest,
    ClientCredentials,
}

/// The environment variables `ClientBuilder::from_env` reads (`ir::env_vars`); the runtime's
/// `EnvVars` / `EnvCredential` with owned names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvVarNames {
    /// Base URL variable.
    pub base_url: String,
    /// Credentials in order of preference.
    pub credentials: Vec<EnvCredentialNames>,
}

/// One credential kind and the variables holding it (see the runtime's `EnvCredential`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvCredentialNames {
    ClientCredentials {
        client_id: String,
        client_secret: String,
    },
    Digest {
        user: String,
        password: String,
    },
    Basic {
        user: String,
        password: String,
    },
    Bearer {
        token: String,
    },
    ApiKey {
        scheme: String,
        key: String,
    },
}

/// What the emitted crate needs to know of the profile.
#[derive(Debug, Clone, Default)]
pub struct ProfileFacts {
    /// `generic`, `atlas`, ...
    pub name: &'static str,
    /// Vendor word for docs (e.g. "Atlas sunsets this version ...").
    pub vendor: Option<&'static str>,
    /// Environment variables `ClientBuilder::from_env` reads.
    pub env: EnvVarNames,
    /// Response headers kept on API failures beside the standard ones.
    pub support_headers: &'static [&'static str],
    /// Cargo features per operation tag, or none (the profile's setting unless the run overrides it).
    pub features: crate::profile::Features,
}

/// A spec construct the generator could not type precisely and represents with a looser Rust type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fallback {
    /// JSON pointer of the construct.
    pub pointer: String,
    /// What the construct is and why it is not typed precisely.
    pub construct: String,
    /// The Rust type used instead.
    pub rust: String,
}

/// A Rust type reference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    String,
    Bool,
    I32,
    I64,
    F32,
    F64,
    DateTime,
    Date,
    Uuid,
    /// Any JSON value (free-form schema, or a documented fallback).
    Json,
    /// A JSON object with arbitrary members.
    JsonObject,
    Named(String),
    Vec(Box<TypeRef>),
    Map(Box<TypeRef>),
}

#[derive(Debug, Clone)]
pub enum TypeDef {
    Struct(StructDef),
    StringEnum(StringEnumDef),
    IntEnum(IntEnumDef),
    Tagged(TaggedEnumDef),
    Union(UnionDef),
    Alias(AliasDef),
}

/// `oneOf` / `anyOf` without a discriminator whose members are told apart by their JSON type
/// (string, integer, number, boolean, array, object): an untagged enum, one variant per member.
#[derive(Debug, Clone)]
pub struct UnionDef {
    pub name: String,
    pub origin: String,
    pub doc: Option<String>,
    /// (Rust variant name, type), in the order serde tries them (integer before number).
    pub variants: Vec<(String, TypeRef)>,
}

/// A component schema that is not an object (a plain string, array, map...): `pub type Name = ...;`,
/// or a newtype `pub struct Name(pub ...)` when it contains itself (`A: array of A`), which a type
/// alias cannot.
#[derive(Debug, Clone)]
pub struct AliasDef {
    pub name: String,
    pub origin: String,
    pub doc: Option<String>,
    pub ty: TypeRef,
    /// A `#[serde(transparent)]` newtype instead of an alias (set by `recursion::newtype_cycles`).
    pub newtype: bool,
}

impl TypeDef {
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(s) => &s.name,
            TypeDef::StringEnum(e) => &e.name,
            TypeDef::IntEnum(e) => &e.name,
            TypeDef::Tagged(t) => &t.name,
            TypeDef::Union(u) => &u.name,
            TypeDef::Alias(a) => &a.name,
        }
    }

    /// The spec name (component or synthesized path) the type was made from, for docs and file names.
    pub fn origin(&self) -> &str {
        match self {
            TypeDef::Struct(s) => &s.origin,
            TypeDef::StringEnum(e) => &e.origin,
            TypeDef::IntEnum(e) => &e.origin,
            TypeDef::Tagged(t) => &t.origin,
            TypeDef::Union(u) => &u.origin,
            TypeDef::Alias(a) => &a.origin,
        }
    }
}

/// Which side of the wire a type travels on; decides leniency and readOnly/writeOnly handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub request: bool,
    pub response: bool,
}

#[derive(Debug, Clone)]
pub struct StructDef {
    pub name: String,
    pub origin: String,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub fields: Vec<Field>,
    /// For a discriminator subtype: (property, value) written on serialization.
    pub tag: Option<(String, String)>,
    pub usage: Usage,
    /// Decoded as the spec says (the profile's [`Responses::Strict`](crate::profile::Responses)):
    /// required members must be present, `null` only where the spec allows it.
    pub strict: bool,
    /// What becomes of the members its schema does not declare.
    pub undeclared: UndeclaredMembers,
}

/// What a struct does with a member its schema does not declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UndeclaredMembers {
    /// Kept as raw JSON, in order, in the `_undeclared` field (`runtime::Undeclared`), and written
    /// back when the value is serialized.
    Keep,
    /// `additionalProperties: false`, responses read leniently: kept as [`Self::Keep`] and
    /// reported (a warning naming the type and member, once per type).
    KeepReported,
    /// `additionalProperties: false`, responses read strictly: a decode error naming the member.
    /// The struct has no `_undeclared` field.
    Reject,
    /// A typed `additionalProperties` map (the `flatten` field) holds them.
    Map,
    /// Skipped when decoding, as serde does: a type only ever sent (a request body or parameter
    /// object) is decoded by nothing on the client's side, and its values are built in code.
    Ignore,
}

impl UndeclaredMembers {
    /// Whether the struct has the `_undeclared` field.
    pub fn kept(self) -> bool {
        matches!(self, Self::Keep | Self::KeepReported)
    }
}

/// The Rust name of the field holding a struct's undeclared members: member names are `snake_case`
/// identifiers, which never start with `_` (`naming::field_name`), so none can take it.
pub const UNDECLARED_FIELD: &str = "_undeclared";

/// Which rule a member's presence follows, as its docs state it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Not required: `None` when absent.
    Optional,
    /// Required: a body without it does not decode (required and nullable: `null` is `None`).
    Required,
    /// Required by the spec, `Option` because responses are decoded leniently (the profile's or
    /// the run's choice).
    Lenient,
    /// Required and readOnly in a type also sent: required in responses only (OpenAPI 3.0), an
    /// `Option` so a request can leave it out.
    ReadOnly,
    /// Required and writeOnly in a type also received: required in requests only, an `Option`
    /// since responses leave it out.
    WriteOnly,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub json_name: String,
    pub rust_name: String,
    pub ty: TypeRef,
    /// `Option<ty>` in Rust (not required, nullable, or lenient response decoding).
    pub optional: bool,
    /// Serialize `None` as `null` instead of omitting the member (required + nullable in a request).
    pub serialize_null: bool,
    /// readOnly member of a type that is also sent: decoded, never serialized.
    pub skip_serializing: bool,
    /// `Box<ty>`: the field closes a cycle of types holding each other by value.
    pub boxed: bool,
    /// `#[serde(flatten)]` map of the members no property names (`additionalProperties`).
    pub flatten: bool,
    pub doc: Option<String>,
    pub deprecated: bool,
    /// `format: password`: `Debug` prints `[redacted]` instead of the value.
    pub sensitive: bool,
    /// `Option` that must still be present when decoding (required and nullable, strict):
    /// absent is a missing-field error, `null` is `None`.
    pub present: bool,
    /// `Option` whose `null` is a decode error (optional, not nullable, strict): absent is `None`.
    pub null_is_error: bool,
    /// The rule its docs state.
    pub presence: Presence,
}

#[derive(Debug, Clone)]
pub struct StringEnumDef {
    pub name: String,
    pub origin: String,
    pub doc: Option<String>,
    /// (wire value, Rust variant name), in spec order.
    pub variants: Vec<(String, String)>,
    /// The variant that keeps values this version of the spec does not know.
    pub fallback: String,
}

/// An `enum` of integers: one variant per value (named by `x-enum-varnames` / `x-enumNames` when
/// the spec has them, else `V1`, `Minus1`), plus a fallback keeping any other integer.
#[derive(Debug, Clone)]
pub struct IntEnumDef {
    pub name: String,
    pub origin: String,
    pub doc: Option<String>,
    /// `I32` or `I64`: the integer type of the values and of the fallback variant.
    pub repr: TypeRef,
    /// (wire value, Rust variant name), in spec order.
    pub variants: Vec<(i64, String)>,
    pub fallback: String,
}

/// A `discriminator` + `allOf` hierarchy: one variant per subtype, plus a raw-JSON fallback.
#[derive(Debug, Clone)]
pub struct TaggedEnumDef {
    pub name: String,
    pub origin: String,
    pub doc: Option<String>,
    pub property: String,
    /// (tag value, Rust variant name, struct name).
    pub variants: Vec<(String, String, String)>,
    pub fallback: String,
}

/// A validated string newtype for a path parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamType {
    pub name: String,
    pub json_name: String,
    pub doc: Option<String>,
    pub rules: StringRules,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StringRules {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
    Trace,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        self.names().0
    }

    /// The `apigen_runtime::Method` variant generated code names.
    pub fn runtime_variant(self) -> &'static str {
        self.names().1
    }

    /// Every name of a method, in one place: (wire, runtime variant).
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Method::Get => ("GET", "Get"),
            Method::Post => ("POST", "Post"),
            Method::Put => ("PUT", "Put"),
            Method::Patch => ("PATCH", "Patch"),
            Method::Delete => ("DELETE", "Delete"),
            Method::Head => ("HEAD", "Head"),
            Method::Options => ("OPTIONS", "Options"),
            Method::Trace => ("TRACE", "Trace"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub operation_id: String,
    /// snake_case method name on `Client` for the newest version.
    pub fn_name: String,
    /// UpperCamelCase builder name for the newest version.
    pub builder_name: String,
    pub method: Method,
    pub path: String,
    pub summary: Option<String>,
    pub doc: Option<String>,
    pub deprecated: bool,
    /// The spec's `tags`, as written (cargo features per tag are named from them).
    pub tags: Vec<String>,
    pub path_params: Vec<PathParam>,
    pub query_params: Vec<QueryParam>,
    /// Newest first.
    pub versions: Vec<OperationVersion>,
    /// Statuses the spec documents for errors, for docs.
    pub error_statuses: Vec<String>,
    /// Headers its success responses document, lower-cased and sorted (pagination reads `link`).
    pub success_headers: Vec<String>,
    /// A poller declared with `x-waiter` (see `ir::waiter`), built on the newest version.
    pub waiter: Option<Waiter>,
}

impl Operation {
    /// The path template as sent: see [`sent_path`].
    pub fn sent_path(&self) -> &str {
        sent_path(&self.path)
    }
}

/// A path template up to its `#` part, which is never sent: AWS documents key several operations on
/// one path with it (`/#X-Amz-Target=...`), which then differ by query or header on the wire.
pub fn sent_path(path: &str) -> &str {
    path.split_once('#').map_or(path, |(sent, _)| sent)
}

/// Polls a GET operation until a watched field reaches a terminal value.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiter {
    pub fn_name: String,
    pub builder_name: String,
    /// Rust field of the resource to watch, and whether it is a string enum (else a `String`).
    pub field: String,
    pub field_is_enum: bool,
    pub field_optional: bool,
    pub success: Vec<String>,
    pub failure: Vec<String>,
    /// The enum's other values (known, non-terminal); empty for a plain string field, whose
    /// values cannot be told known from unknown.
    pub pending: Vec<String>,
    /// Rust field explaining a failure, if declared.
    pub reason: Option<String>,
    pub resource: TypeRef,
}

#[derive(Debug, Clone)]
pub struct PathParam {
    pub json_name: String,
    pub rust_name: String,
    pub ty: PathType,
    pub doc: Option<String>,
    pub style: PathStyle,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PathType {
    /// A string, validated by this newtype in `params`.
    Validated(String),
    /// An integer, number or boolean, passed as is.
    Scalar(TypeRef),
    /// An array of scalars (this item type), items joined by the style's separator.
    List(TypeRef),
}

/// How a path parameter fills its place in the template (OpenAPI `style` + `explode`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStyle {
    /// `a`, arrays `a,b`.
    Simple,
    /// `.a`, arrays `.a,b` or exploded `.a.b`.
    Label { explode: bool },
    /// `;name=a`, arrays `;name=a,b` or exploded `;name=a;name=b`; `name` is already encoded.
    Matrix { explode: bool, name: String },
}

impl PathStyle {
    /// What precedes the value, and what separates array items.
    pub fn prefix_and_separator(&self) -> (String, String) {
        match self {
            PathStyle::Simple => (String::new(), ",".to_owned()),
            PathStyle::Label { explode } => {
                (".".to_owned(), if *explode { "." } else { "," }.to_owned())
            }
            PathStyle::Matrix { explode, name } => {
                let prefix = format!(";{name}=");
                let separator = if *explode {
                    prefix.clone()
                } else {
                    ",".to_owned()
                };
                (prefix, separator)
            }
        }
    }
}

/// Where a non-path parameter is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Query,
    Header,
    /// A pair in the `Cookie` header.
    Cookie,
}

/// How an array parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStyle {
    /// Query `style: form, explode: true` (the default): `name=a&name=b`.
    Repeat,
    /// One value, items joined: `,` for form without explode and for headers, ` ` / `|` for the
    /// space- and pipe-delimited styles.
    Join(char),
    /// Query `style: deepObject` on an array (OpenAPI leaves it undefined): `name[]=a&name[]=b`,
    /// the bracket convention of servers that parse deepObject.
    Brackets,
}

/// How an object parameter is spread over the query (`apigen_runtime::ObjectStyle`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectStyle {
    /// `style: deepObject`: `name[prop]=value`.
    DeepObject,
    /// `style: form, explode: true`: `prop=value` per property.
    FormExploded,
    /// `style: form, explode: false`: `name=prop,value,prop2,value2`.
    FormJoined,
}

/// A query or header parameter: an optional builder setter.
#[derive(Debug, Clone)]
pub struct QueryParam {
    pub json_name: String,
    pub rust_name: String,
    /// The scalar type (of each item, for a list).
    pub ty: TypeRef,
    pub location: ParamLocation,
    /// Some for an array parameter: the setter takes many values.
    pub list: Option<ListStyle>,
    /// Some for an object parameter (`ty` is then a struct, map or JSON value).
    pub object: Option<ObjectStyle>,
    /// `allowReserved: true`: reserved characters are sent unencoded.
    pub allow_reserved: bool,
    pub doc: Option<String>,
    pub required: bool,
    pub rules: QueryRules,
    /// Atlas' `envelope` flag: the response body is wrapped and must be unwrapped before decoding.
    pub is_envelope: bool,
    /// The server's default when the parameter is not sent (from the schema's `default`).
    pub default: Option<serde_json::Value>,
    /// Declared with `content: application/json` instead of `schema`: the whole value is sent as
    /// JSON text (`ty` may then be any type; `list` and `object` are None).
    pub json_text: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryRules {
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub string: StringRules,
}

#[derive(Debug, Clone)]
pub struct OperationVersion {
    /// The media type sent as `Accept` (and `Content-Type` for bodies).
    pub media_type: String,
    /// `2024-05-30`, or None for a spec without versioned media types.
    pub version: Option<String>,
    pub sunset: Option<String>,
    pub fn_name: String,
    pub builder_name: String,
    pub is_latest: bool,
    pub request: Option<RequestBodyDef>,
    pub response: ResponseBody,
    /// Set when this version lists items page by page (see `ir::pagination`).
    pub pagination: Option<Pagination>,
}

#[derive(Debug, Clone)]
pub struct RequestBodyDef {
    /// The body's type for JSON and form bodies (`String` for the others, which the kind types).
    pub ty: TypeRef,
    pub required: bool,
    pub doc: Option<String>,
    /// The media type sent as `Content-Type`.
    pub media_type: String,
    pub kind: RequestKind,
    /// A `multipart/form-data` body's parts, from its object schema's properties (empty for other
    /// kinds and for a multipart schema without properties: then parts are set by name).
    pub parts: Vec<MultipartPart>,
}

/// One property of a multipart body's schema: a part of that name.
#[derive(Debug, Clone)]
pub struct MultipartPart {
    pub json_name: String,
    pub rust_name: String,
    pub doc: Option<String>,
    pub required: bool,
    pub kind: PartKind,
    /// `encoding.<name>.contentType` of the media type (its first value), if given.
    pub content_type: Option<String>,
}

/// How a multipart part is sent (OpenAPI's default encodings).
#[derive(Debug, Clone)]
pub enum PartKind {
    /// A scalar (string, number, boolean, enum, date) as `text/plain`.
    Text(TypeRef),
    /// An array of scalars: one `text/plain` part per item, all with this name.
    Texts(TypeRef),
    /// An object or array of non-files as `application/json`.
    Json(TypeRef),
    /// `format: binary` (or `byte`): one file.
    File,
    /// An array of files: one part per file, all with this name.
    Files,
}

/// How a request body is encoded; ordered by preference when a method must pick one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RequestKind {
    /// A JSON document of `ty`.
    Json,
    /// `application/x-www-form-urlencoded` from `ty` (an object).
    Form,
    /// `multipart/form-data`, built with `Multipart`.
    Multipart,
    /// Text, sent as given.
    Text,
    /// Bytes, sent as given (binary, XML and any other format).
    Bytes,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// A JSON body; when `empty_statuses` is not empty (e.g. 200 with a body, 204 without) the result is
    /// `Option<ty>`, None for those statuses.
    Json {
        status: u16,
        ty: TypeRef,
        empty_statuses: Vec<u16>,
    },
    Empty {
        status: u16,
    },
    /// A binary body (`format: binary`, or a non-JSON, non-text media type): returned as bytes.
    Bytes {
        status: u16,
    },
    /// A text body (`text/*`, `+csv`, a non-JSON `type: string`): returned as a UTF-8 `String`.
    Text {
        status: u16,
    },
    /// Only redirects are documented: one of these statuses is the success, and the method returns
    /// the `Location` it points to.
    Redirect {
        statuses: Vec<u16>,
    },
}

#[derive(Debug, Clone)]
pub struct ErrorBody {
    pub type_name: String,
    /// JSON names of the error schema's members (the runtime decodes a non-2xx body as the error
    /// body only when one is present).
    pub members: Vec<String>,
    /// Rust field names for error code / detail / reason, when the schema has them as strings.
    pub error_code: Option<String>,
    pub detail: Option<String>,
    pub reason: Option<String>,
}

/// One example from the spec, with the Rust type it must round-trip through.
#[derive(Debug, Clone)]
pub struct Example {
    /// Unique, identifier-safe name (e.g. `create_export_bucket_2024_05_30_request_aws`).
    pub name: String,
    pub pointer: String,
    pub ty: TypeRef,
    pub json: serde_json::Value,
}
